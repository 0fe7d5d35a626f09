#!/usr/bin/env python3
"""Writes the tshark side of the HTTP/TDS carrier parity check for one capture.

Usage: carrier-parity-expected.py CAPTURE [LABEL] > CAPTURE.expected

Output: sorted, de-duplicated lines (sets), tab-separated, '-' for an absent or empty value:
  http_request   <method> <uri> <host> <user agent>        each HTTP request
  http_response  <status>                                  each HTTP response
  ntlm_challenge <server challenge hex>                    each NTLMSSP CHALLENGE carried by HTTP or TDS
  ntlm_auth      <domain> <user> <workstation> <ntproofstr> each NTLMSSP AUTHENTICATE carried by HTTP or TDS
  krb_ap_req     <realm> <sname>                           each Kerberos AP-REQ carried by HTTP or TDS
  tds_login      <client> <user> <app> <server> <library> <database>  each LOGIN7
  tds_prelogin   <encryption>                              each PRELOGIN option table (request and answer)
  tds_batch      <first 100 characters of the text>        each SQL batch (\\ \r \n \t escaped)
Lines tshark cannot produce (a field in a frame it reports malformed) are added by hand after a
'#' line saying why, with a leading '+' and a tab: the test takes them as ours alone.
Fields: http.request.method, http.request.uri, http.host, http.user_agent, http.response.code,
ntlmssp.ntlmserverchallenge, ntlmssp.auth.domain/username/hostname, ntlmssp.ntlmv2_response.ntproofstr,
kerberos.realm and kerberos.SNameString of kerberos.msg_type 14, tds.7login.*, tds.prelogin.option.encryption,
tds.query.
"""
import json
import subprocess
import sys

SEP = "\x1f"


def fields(capture, display_filter, names):
    """One row per frame: for each field, the list of its values (tshark's JSON keeps text exact)."""
    cmd = ["tshark", "-r", capture, "-Y", display_filter, "-T", "json"]
    for n in names:
        cmd += ["-e", n]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    rows = []
    for pkt in json.loads(out or "[]"):
        layers = pkt.get("_source", {}).get("layers", {})
        rows.append([layers.get(n, []) for n in names])
    return rows


def esc(t):
    """Control characters as escapes, so that each line stays one line."""
    return t.replace("\\", "\\\\").replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t")


def v(x):
    return x if x not in ("", "NULL") else "-"


def main():
    cap = sys.argv[1]
    label = sys.argv[2] if len(sys.argv) > 2 else cap
    lines = set()
    for method, uri, host, ua in fields(cap, "http.request", ["http.request.method", "http.request.uri",
                                                            "http.host", "http.user_agent"]):
        for i in range(len(method)):
            lines.add("\t".join(["http_request", method[i], uri[i] if i < len(uri) else "-",
                                 v(host[i]) if i < len(host) else "-", v(ua[i]) if i < len(ua) else "-"]))
    for (codes,) in fields(cap, "http.response", ["http.response.code"]):
        for c in codes:
            lines.add("http_response\t" + c)
    carried = "(http or tds)"
    for (ch,) in fields(cap, carried + " and ntlmssp.messagetype == 2", ["ntlmssp.ntlmserverchallenge"]):
        for c in ch:
            lines.add("ntlm_challenge\t" + c.replace(":", ""))
    for dom, user, host, proof in fields(cap, carried + " and ntlmssp.messagetype == 3",
                                         ["ntlmssp.auth.domain", "ntlmssp.auth.username", "ntlmssp.auth.hostname",
                                          "ntlmssp.ntlmv2_response.ntproofstr"]):
        for i in range(len(user)):
            lines.add("\t".join(["ntlm_auth", v(dom[i]) if i < len(dom) else "-", v(user[i]),
                                 v(host[i]) if i < len(host) else "-",
                                 proof[i].replace(":", "") if i < len(proof) else "-"]))
    for realm, sname in fields(cap, carried + " and kerberos.msg_type == 14", ["kerberos.realm", "kerberos.SNameString"]):
        lines.add("\t".join(["krb_ap_req", realm[0] if realm else "-", "/".join(sname) if sname else "-"]))
    for row in fields(cap, "tds.7login.version", ["tds.7login.clientname", "tds.7login.username", "tds.7login.appname",
                                          "tds.7login.servername", "tds.7login.libraryname",
                                          "tds.7login.databasename"]):
        lines.add("\t".join(["tds_login"] + [v(c[0]) if c else "-" for c in row]))
    for (enc,) in fields(cap, "tds.prelogin.option.encryption", ["tds.prelogin.option.encryption"]):
        for e in enc:
            lines.add("tds_prelogin\t" + str(int(e, 0)))
    for (q,) in fields(cap, "tds.query", ["tds.query"]):
        for t in q:
            lines.add("tds_batch\t" + esc(t[:100]))
    print("# tshark " + subprocess.run(["tshark", "--version"], capture_output=True, text=True).stdout.split("\n")[0]
          + " on " + label)
    for l in sorted(lines):
        print(l)


if __name__ == "__main__":
    main()
