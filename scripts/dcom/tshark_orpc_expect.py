#!/usr/bin/env python3
"""tshark's names for the DCE/RPC requests of a capture, as the lines DcomPublicCaptureTest compares:

  <client-port> <server-port> <call-id> <opnum> <object-uuid|-> <interface> <operation|->
  handed <ipid>


<interface> is what tshark names the request by: the interface of its dissector ("IRemUnknown2",
"ISystemActivator ISystemActivator Resolver", "DCOM OXID Resolver", "IDispatch", "ITypeInfo"), else
the interface UUID tshark shows in the Info column from the context it bound ("Ctx: 4 f309ad18-...
V0", interfaces it has no dissector for), else "-" (tshark does not name it: a context never bound,
or a fragmented request whose Info column omits the interface). <operation> is the dissector's
operation name, or "-". One line per request (the fragment tshark dissects: single or last).
"handed" lines list the IPIDs tshark shows handed out in the cleartext answers it dissects: the
STDOBJREFs of activation and RemQueryInterface answers (dcom.ipid) and the object exporters'
IRemUnknown IPIDs (isystemactivator.properties.scmresp.rmtunknid, and the oxid dissector's).

tshark exits 2 on a capture cut short in its last packet (covenant_sharpwmi_create); what it read
before that is used.

Usage: tshark_orpc_expect.py FILE.pcap > FILE.orpc.expected.txt
"""
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

SKIP = {"geninfo", "frame", "eth", "ip", "ipv6", "tcp", "vlan", "sll", "dcerpc", "gss-api", "ntlmssp", "spnego",
        "spnego-krb5", "kerberos", "fake-field-wrapper", "_ws.malformed", "_ws.expert", "dcom"}
INFO_CTX = re.compile(r"Ctx: \d+ (\S+) V\d+")


def main(path):
    info = {}
    out = subprocess.run(["tshark", "-r", path, "-Y", "dcerpc.pkt_type==0", "-T", "fields", "-e", "frame.number",
                          "-e", "_ws.col.Info"], capture_output=True, text=True, check=False).stdout
    for line in out.splitlines():
        num, _, text = line.partition("\t")
        info[num] = text
    pdml = subprocess.run(["tshark", "-r", path, "-Y", "dcerpc.pkt_type==0 || dcerpc.pkt_type==2", "-T", "pdml"], capture_output=True,
                          check=False).stdout
    lines = []
    handed = set()
    for _, pkt in ET.iterparse(__import__("io").BytesIO(pdml), events=("end",)):
        if pkt.tag != "packet":
            continue
        fields = {}
        protos = []
        seen_dcerpc = False
        for proto in pkt.findall("proto"):
            name = proto.get("name")
            if name == "dcerpc":
                seen_dcerpc = True
            elif seen_dcerpc and name not in SKIP:
                protos.append(proto)
        for f in pkt.iter("field"):
            n = f.get("name")
            if n and n not in fields:
                fields[n] = f.get("show")
        if fields.get("dcerpc.pkt_type") == "2":
            for f in pkt.iter("field"):
                n = f.get("name") or ""
                if n == "dcom.ipid" or n.endswith("rmtunknid") or n.startswith("oxid.") and "ipid" in n:
                    handed.add(f.get("show"))
        if fields.get("dcerpc.pkt_type") != "0":
            pkt.clear()
            continue
        frame = fields.get("frame.number")
        flags = int(fields.get("dcerpc.cn_flags", "0x3"), 16)
        # Only the fragment tshark dissects the call on: single (first+last) or the last one.
        if not flags & 0x02:
            pkt.clear()
            continue
        iface, op = "-", "-"
        if protos:
            shown = protos[0].get("showname")
            iface, _, op = shown.partition(", ")
            op = op or "-"
        else:
            m = INFO_CTX.search(info.get(frame, ""))
            if m:
                iface = m.group(1)
        lines.append(" ".join([fields.get("tcp.srcport", "-"), fields.get("tcp.dstport", "-"),
                               fields.get("dcerpc.cn_call_id", "-"), fields.get("dcerpc.opnum", "-"),
                               fields.get("dcerpc.obj_id", "-"), iface.replace(" ", "_"), op.replace(" ", "_")]))
        pkt.clear()
    for l in lines:
        print(l)
    for ipid in sorted(handed):
        print("handed " + ipid)


if __name__ == "__main__":
    main(sys.argv[1])
