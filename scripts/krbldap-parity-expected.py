#!/usr/bin/env python3
"""Writes the tshark side of the Kerberos/LDAP parity check for one capture.

Usage: krbldap-parity-expected.py CAPTURE [LABEL] > CAPTURE.expected

Output: sorted, de-duplicated lines (sets), tab-separated:
  msg     <msg_type> <cname|-> <sname|-> <realm|->   one per Kerberos message on port 88
                                                     (AS/TGS-REQ: req-body names; AS/TGS-REP: cname,
                                                     ticket sname, crealm; KRB-ERROR: cname, sname, realm)
  etypes  <e1,e2,...>                                requested etype list of each AS/TGS-REQ, in order
  error   <error_code>                               each KRB-ERROR's code
  filter  <text>                                     each LDAP/CLDAP SearchRequest filter, from tshark's
                                                     verbose "Filter:" line
Fields come from tshark (kerberos.msg_type, kerberos.CNameString, kerberos.SNameString, kerberos.realm /
kerberos.crealm, kerberos.ENCTYPE, kerberos.error_code) read from its JSON tree, so that each message's
fields stay together.
"""
import json
import subprocess
import sys

MSG_ELEMENTS = {
    "kerberos.as_req_element": "req", "kerberos.tgs_req_element": "req",
    "kerberos.as_rep_element": "rep", "kerberos.tgs_rep_element": "rep",
    "kerberos.krb_error_element": "err",
}


def pairs(items):
    out = {}
    for k, v in items:
        if k in out:
            if not isinstance(out[k], list) or not getattr(out[k], "dup", False):
                lst = DupList([out[k]])
                out[k] = lst
            out[k].append(v)
        else:
            out[k] = v
    return out


class DupList(list):
    dup = True


def each(v):
    if isinstance(v, DupList):
        return list(v)
    return [] if v is None else [v]


def first(d, key):
    v = d.get(key) if isinstance(d, dict) else None
    vs = each(v)
    return vs[0] if vs else None


def name(elem, prefix):
    """Joins the components of a cname/sname element: kerberos.<prefix>_string_tree / <Prefix>NameString."""
    if not isinstance(elem, dict):
        return None
    tree = first(elem, "kerberos.%s_string_tree" % prefix)
    if not isinstance(tree, dict):
        return None
    key = "kerberos.CNameString" if prefix == "cname" else "kerberos.SNameString"
    comps = each(tree.get(key))
    return "/".join(comps) if comps else None


def tshark(args):
    return subprocess.run(["tshark", "-n"] + args, capture_output=True, text=True, check=False).stdout


def kerberos_lines(cap):
    lines = set()
    out = tshark(["-r", cap, "-Y", "kerberos && (tcp.port==88 || udp.port==88)", "-T", "json"])
    if not out.strip():
        return lines
    frames = json.loads(out, object_pairs_hook=pairs)
    for fr in frames:
        layers = fr["_source"]["layers"]
        for krb in each(layers.get("kerberos")):
            if not isinstance(krb, dict):
                continue
            for key, kind in MSG_ELEMENTS.items():
                for m in each(krb.get(key)):
                    msg_type = first(m, "kerberos.msg_type")
                    if kind == "req":
                        body = first(m, "kerberos.req_body_element") or {}
                        cname = name(first(body, "kerberos.cname_element"), "cname")
                        sname = name(first(body, "kerberos.sname_element"), "sname")
                        realm = first(body, "kerberos.realm")
                        tree = first(body, "kerberos.kdc-req-body.etype_tree") or {}
                        lines.add("etypes\t" + ",".join(each(tree.get("kerberos.ENCTYPE"))))
                    elif kind == "rep":
                        cname = name(first(m, "kerberos.cname_element"), "cname")
                        ticket = first(m, "kerberos.ticket_element") or {}
                        sname = name(first(ticket, "kerberos.sname_element"), "sname")
                        realm = first(m, "kerberos.crealm")
                    else:
                        cname = name(first(m, "kerberos.cname_element"), "cname")
                        sname = name(first(m, "kerberos.sname_element"), "sname")
                        realm = first(m, "kerberos.realm")
                        lines.add("error\t%s" % first(m, "kerberos.error_code"))
                    lines.add("msg\t%s\t%s\t%s\t%s" % (msg_type, cname or "-", sname or "-", realm or "-"))
    return lines


def ldap_lines(cap):
    lines = set()
    out = tshark(["-r", cap, "-Y", "ldap || cldap", "-V"])
    want = False
    for line in out.splitlines():
        s = line.strip()
        if s == "searchRequest":
            want = True
        elif want and s.startswith("Filter: "):
            lines.add("filter\t" + s[len("Filter: "):])
            want = False
    return lines


def main():
    cap = sys.argv[1]
    label = sys.argv[2] if len(sys.argv) > 2 else cap
    version = tshark(["--version"]).splitlines()[0] if tshark(["--version"]) else "tshark"
    lines = sorted(kerberos_lines(cap) | ldap_lines(cap))
    print("# source: %s" % label)
    print("# generated by scripts/krbldap-parity-expected.py with %s" % version)
    for l in lines:
        print(l)


if __name__ == "__main__":
    main()
