#!/usr/bin/env python3
"""A minimal SQL Server Browser for the lab: answers [MC-SQLR] requests on UDP 1434 (lab tooling).

Debian has no SQL Server Browser. This imitates its server side so that the real clients
(Impacket's mssqlinstance.py, FreeTDS's tsql) can be recorded; the clients' bytes are theirs.

Requests ([MC-SQLR] 2.2.1-2.2.4) and what this answers (2.2.5 SVR_RESP, 0x05 + RESP_SIZE + RESP_DATA):
  CLNT_BCAST_EX  0x02            every instance
  CLNT_UCAST_EX  0x03            every instance
  CLNT_UCAST_INST 0x04 NAME\\0    that instance; nothing when the name is unknown (3.2.5.3)
  CLNT_UCAST_DAC 0x0F 0x01 NAME\\0 the DAC port of that instance (2.2.5: RESP_SIZE 6, version 1)
Anything else gets no answer (3.2.5: the server ignores a message it does not understand).

Usage: sqlbrowser_responder.py --listen ADDR --server NAME [--instance NAME:TCPPORT[:DACPORT]]... [--version V]
"""
import argparse
import socket
import struct
import sys


def instance_record(server, name, port, version):
    # 2.2.5: "ServerName;x;InstanceName;x;IsClustered;x;Version;x;tcp;port;;" per instance
    return ("ServerName;%s;InstanceName;%s;IsClustered;No;Version;%s;tcp;%d;;" % (server, name, version, port)).encode("ascii")


def svr_resp(data):
    return b"\x05" + struct.pack("<H", len(data)) + data


def answer(req, server, instances, version):
    if not req:
        return None
    op = req[0]
    if op in (0x02, 0x03):
        return svr_resp(b"".join(instance_record(server, n, p, version) for n, p, _ in instances))
    if op == 0x04:
        name = req[1:].split(b"\x00", 1)[0].decode("ascii", "replace")
        for n, p, _ in instances:
            if n.upper() == name.upper():
                return svr_resp(instance_record(server, n, p, version))
        return None
    if op == 0x0F and len(req) >= 2:
        name = req[2:].split(b"\x00", 1)[0].decode("ascii", "replace")
        for n, _, dac in instances:
            if n.upper() == name.upper() and dac:
                return b"\x05" + struct.pack("<HBH", 6, 1, dac)
        return None
    return None


def main():
    ap = argparse.ArgumentParser(description="minimal [MC-SQLR] SQL Server Browser (lab)")
    ap.add_argument("--listen", required=True)
    ap.add_argument("--port", type=int, default=1434)
    ap.add_argument("--server", required=True)
    ap.add_argument("--instance", action="append", default=[], help="NAME:TCPPORT[:DACPORT]")
    ap.add_argument("--version", default="15.0.2000.5")
    a = ap.parse_args()
    instances = []
    for spec in a.instance or ["MSSQLSERVER:1433"]:
        parts = spec.split(":")
        if len(parts) not in (2, 3) or not all(p.isdigit() for p in parts[1:]):
            print("sqlbrowser_responder: bad --instance %r (NAME:TCPPORT[:DACPORT])" % spec, file=sys.stderr)
            return 2
        instances.append((parts[0], int(parts[1]), int(parts[2]) if len(parts) == 3 else 0))
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((a.listen, a.port))
    print("listening on %s:%d, instances %s" % (a.listen, a.port, instances), flush=True)
    while True:
        req, peer = s.recvfrom(4096)
        resp = answer(req, a.server, instances, a.version)
        print("%s:%d request %s -> %s" % (peer[0], peer[1], req.hex(), "no answer" if resp is None else "%d bytes" % len(resp)),
              flush=True)
        if resp is not None:
            s.sendto(resp, peer)


if __name__ == "__main__":
    sys.exit(main())
