#!/usr/bin/python3
"""GET a URL with NTLM authentication over one keep-alive connection (python3-requests-ntlm).

Lab tooling: the benign HTTP NTLM client. Run with OPENSSL_CONF=tools/openssl-legacy.cnf
(python3-ntlm-auth needs MD4, which OpenSSL 3 keeps in its legacy provider).
Usage: http_ntlm_get.py URL 'DOMAIN\\user' PASSWORD [URL...]
"""
import sys

import requests
from requests_ntlm import HttpNtlmAuth


def main():
    if len(sys.argv) < 4:
        print(__doc__, file=sys.stderr)
        return 2
    urls = [sys.argv[1]] + sys.argv[4:]
    s = requests.Session()
    s.auth = HttpNtlmAuth(sys.argv[2], sys.argv[3])
    rc = 0
    for u in urls:
        r = s.get(u, timeout=20)
        print("GET %s -> HTTP %d, %d bytes" % (u, r.status_code, len(r.content)))
        rc |= r.status_code != 200
    return rc


if __name__ == "__main__":
    sys.exit(main())
