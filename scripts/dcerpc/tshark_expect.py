#!/usr/bin/env python3
"""tshark's view of a capture's DCE/RPC, as the sorted set lines the parity test compares:

  bind <interface-uuid>                   every dcerpc.cn_bind_to_uuid of BIND / ALTER_CONTEXT
  op <interface-uuid> <opnum>             every REQUEST's dcerpc.opnum, the interface resolved through
                                          the context id bound on the same connection/pipe (a pipe is
                                          its TCP stream and FID: smb2.fid, or smb.fid over SMB1)
  op - <opnum>                            a request whose context was never bound in the capture
  create <service-name>\t<binary-path>    svcctl CreateServiceW (svcctl.servicename, .binarypathname)
  activate <clsid> <iid,...>              DCOM activation request: InstantiationInfoData classId and IIDs
                                          (isystemactivator.properties.instninfo.clsid / .iid)

Usage: tshark_expect.py FILE.pcap
"""
import subprocess
import sys

SEP = "\x1f"
# Occurrences of one field are joined with a control character, not ",": string fields (a service's
# binary path, a PowerShell command line) contain commas, and splitting on them cut the value.
AGG = "\x1e"


def rows(path):
    fields = ["frame.number", "tcp.stream", "smb2.fid", "smb.fid", "dcerpc.pkt_type", "dcerpc.cn_ctx_id",
              "dcerpc.cn_bind_to_uuid", "dcerpc.opnum", "svcctl.opnum", "svcctl.servicename",
              "svcctl.binarypathname", "isystemactivator.properties.instninfo.clsid",
              "isystemactivator.properties.instninfo.iid"]
    cmd = ["tshark", "-r", path, "-Y", "dcerpc", "-T", "fields", "-E", "separator=" + SEP, "-E", "occurrence=a",
           "-E", "aggregator=" + AGG]
    for f in fields:
        cmd += ["-e", f]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    # Not splitlines(): it also breaks at \x1c-\x1e, and AGG is one of them.
    for line in out.split("\n"):
        if not line:
            continue
        yield dict(zip(fields, line.split(SEP)))


def main(path):
    ctx = {}  # (stream, fid, ctx_id) -> uuid
    lines = set()
    for r in rows(path):
        stream = r["tcp.stream"]
        # Each named pipe has its own context table (C706 12.6.3.1 per association): SMB1 pipes on
        # one connection differ by smb.fid, which tshark names in every Trans/Read/Write of the pipe.
        fid_field = r["smb2.fid"] or r["smb.fid"]
        fids = fid_field.split(AGG) if fid_field else [""]
        fid = fids[0]
        types = r["dcerpc.pkt_type"].split(AGG) if r["dcerpc.pkt_type"] else []
        ctx_ids = r["dcerpc.cn_ctx_id"].split(AGG) if r["dcerpc.cn_ctx_id"] else []
        uuids = r["dcerpc.cn_bind_to_uuid"].split(AGG) if r["dcerpc.cn_bind_to_uuid"] else []
        opnums = r["dcerpc.opnum"].split(AGG) if r["dcerpc.opnum"] else []
        if any(t in ("11", "14") for t in types):
            for i, u in enumerate(uuids):
                lines.add(f"bind {u}")
                if i < len(ctx_ids):
                    ctx[(stream, fid, ctx_ids[i])] = u
        ci = 0
        oi = 0
        for t in types:
            if t == "0" and oi < len(opnums):
                cid = ctx_ids[ci] if ci < len(ctx_ids) else ""
                u = ctx.get((stream, fid, cid), "-")
                lines.add(f"op {u} {opnums[oi]}")
                oi += 1
        names = r["svcctl.servicename"].split(AGG) if r["svcctl.servicename"] else []
        paths = r["svcctl.binarypathname"].split(AGG) if r["svcctl.binarypathname"] else []
        if "0" in types and r["svcctl.opnum"].split(AGG)[0:1] == ["12"] and names and paths:
            lines.add(f"create {names[0]}\t{paths[0]}")
        clsid = r["isystemactivator.properties.instninfo.clsid"]
        if "0" in types and clsid:
            iids = r["isystemactivator.properties.instninfo.iid"].replace(AGG, ",")
            lines.add(f"activate {clsid.replace(AGG, ',')} {iids}")
    sys.stdout.write("".join(l + "\n" for l in sorted(lines)))


if __name__ == "__main__":
    main(sys.argv[1])
