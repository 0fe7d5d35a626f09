#!/usr/bin/env python3
"""Writes the tshark side of the RDP parity check for one capture.

Usage: rdp-parity-expected.py CAPTURE > CAPTURE.expected

Output: sorted lines, tab-separated, '-' for an absent value, each starting with the client's TCP port:
  <port> rdp_request   <cookie> <RDP_NEG_REQ flags> <requestedProtocols>   each X.224 Connection Request
  <port> rdp_confirm   <neg type> <RDP_NEG_RSP flags> <selectedProtocol or failureCode>   each Connection Confirm
  <port> tls_client_hello <version> <cipher suites> <extension types> <server name> <supported_versions> <JA3 hash>
  <port> tls_server_hello <version chosen (supported_versions, else legacy)> <cipher suite>
Numbers in hex as 0x%x, lists comma-separated in wire order.
tshark dissects the X.224 part as RDP on port 3389 but not the TLS that follows it (it stays a TPKT
continuation), so the TLS handshake is read in a second pass with '-d tcp.port==3389,tls'.
Fields: rdp.rt_cookie (the cookie line; its 'Cookie: mstshash=' prefix is cut), rdp.neg_type,
rdp.negReq.flags, rdp.negReq.requestedProtocols, rdp.negRsp.flags, rdp.negReq.selectedProtocol,
rdp.negFailure.failureCode, tls.handshake.type, tls.handshake.version, tls.handshake.ciphersuite,
tls.handshake.extension.type, tls.handshake.extensions_server_name,
tls.handshake.extensions.supported_version, tls.handshake.ja3.
"""
import json
import subprocess
import sys


def rows(capture, display_filter, names, decode=None):
    cmd = ["tshark", "-r", capture, "-Y", display_filter, "-T", "json"]
    if decode:
        cmd += ["-d", decode]
    for n in names:
        cmd += ["-e", n]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    return [[pkt["_source"]["layers"].get(n, []) for n in names] for pkt in json.loads(out or "[]")]


def hexes(values):
    return ",".join("0x%x" % int(v, 0) for v in values) or "-"


def one(values, fmt=lambda v: v):
    return fmt(values[0]) if values else "-"


def main():
    capture = sys.argv[1]
    out = set()
    names = ["tcp.srcport", "tcp.dstport", "rdp.rt_cookie", "rdp.neg_type", "rdp.negReq.flags",
             "rdp.negReq.requestedProtocols", "rdp.negRsp.flags", "rdp.negReq.selectedProtocol",
             "rdp.negFailure.failureCode"]
    h = lambda v: "0x%x" % int(v, 0)
    for sport, dport, cookie, neg, rflags, req, sflags, sel, fail in rows(capture, "rdp.neg_type", names):
        t = int(neg[0], 0)
        if t == 1:
            c = cookie[0] if cookie else "-"
            c = c[len("Cookie: mstshash="):] if c.startswith("Cookie: mstshash=") else c
            out.add("\t".join([sport[0], "rdp_request", c, one(rflags, h), one(req, h)]))
        else:
            value = one(sel, h) if t == 2 else one(fail, h)
            out.add("\t".join([dport[0], "rdp_confirm", str(t), one(sflags, h) if t == 2 else "0x0", value]))
    names = ["tcp.srcport", "tcp.dstport", "tls.handshake.type", "tls.handshake.version", "tls.handshake.ciphersuite",
             "tls.handshake.extension.type", "tls.handshake.extensions_server_name",
             "tls.handshake.extensions.supported_version", "tls.handshake.ja3"]
    for sport, dport, types, version, suites, exts, sni, versions, ja3 in rows(
            capture, "tls.handshake.type==1 || tls.handshake.type==2", names, "tcp.port==3389,tls"):
        if "1" in types:
            out.add("\t".join([sport[0], "tls_client_hello", one(version, h), hexes(suites),
                               ",".join(str(int(e, 0)) for e in exts) or "-", one(sni), hexes(versions),
                               one(ja3)]))
        if "2" in types:
            chosen = versions[-1] if versions else version[-1]
            out.add("\t".join([dport[0], "tls_server_hello", h(chosen), h(suites[-1])]))
    print("\n".join(sorted(out)))


if __name__ == "__main__":
    main()
