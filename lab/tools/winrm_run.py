#!/usr/bin/python3
"""Runs one command over WinRM with NTLM, as an administrator's script does (lab tooling).

The client is Debian's python3-winrm (pywinrm 0.3, transport 'ntlm' through requests-ntlm): it
POSTs to http://HOST:5985/wsman, authenticates with NTLM (MS-WSMV over HTTP, MS-NTHT) and, on plain
HTTP, sets up message encryption first with an empty POST. The lab has no Windows host, so the
server is the lab's Apache + gss-ntlmssp service at /wsman: it checks the NTLMv2 response and then
answers every POST with an empty 200 instead of a WS-Management envelope, which pywinrm cannot
parse. The authentication on the wire is the client's real one; what follows it is not a WinRM
session.

Usage: winrm_run.py URL DOMAIN\\USER PASSWORD COMMAND
MD4 (NTLM) needs OpenSSL's legacy provider: run with OPENSSL_CONF=openssl-legacy.cnf.
"""
import sys

import winrm
from winrm.exceptions import WinRMError, WinRMTransportError


def main():
    if len(sys.argv) != 5:
        print("usage: winrm_run.py URL DOMAIN\\USER PASSWORD COMMAND", file=sys.stderr)
        return 2
    url, user, password, command = sys.argv[1:]
    s = winrm.Session(url, auth=(user, password), transport="ntlm")
    try:
        r = s.run_cmd(command)
        print("status %d\n%s" % (r.status_code, r.std_out.decode(errors="replace")))
        return 0
    except (WinRMError, WinRMTransportError) as e:
        print("winrm: %s" % e)
        return 1
    except Exception as e:  # the stand-in's empty answers fail pywinrm's parsing: one line saying how
        print("winrm: %s: %s" % (type(e).__name__, e))
        return 1


if __name__ == "__main__":
    sys.exit(main())
