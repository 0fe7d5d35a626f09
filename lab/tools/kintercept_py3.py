#!/usr/bin/env python3
"""Writes a copy of Impacket's examples/kintercept.py that runs under Python 3 (lab tooling).

kintercept.py still carries Python 2 code and does not run under Python 3 in Impacket 0.10 or the
current source: the current one dies at start (logger.init reads attributes of the dict that
parse_args returns); both die on the first connection (asyncore.dispatcher no longer hands
fileno() on to its socket) and would then build the 4-byte Kerberos record length (RFC 4120
7.2.2) from str(bytearray) and concatenate str with bytes in the S4U byte array. This copy fixes
exactly those lines; the rewriting of PA-FOR-USER and of the TGS-REP cname is the tool's own code.

Usage: kintercept_py3.py <kintercept.py> <output.py>   (exit 2 when a line to port is not found)
"""
import sys

PORTS = [
    # parse_args() returns vars(...): a dict
    ("logger.init(args.ts, args.debug)", "logger.init(args['ts'], args['debug'])", 0),
    # asyncore.dispatcher has no __getattr__ delegation to its socket since Python 3.6
    ("str(self.fileno())", "str(self._fileno)", None),
    ("str(self.peer.fileno())", "str(self.peer._fileno)", None),
    ("str(downstream.fileno())", "str(downstream._fileno)", None),
    ("str(upstream.fileno())", "str(upstream._fileno)", None),
    ("self.shutdown(socket.SHUT_WR)", "self.socket.shutdown(socket.SHUT_WR)", None),
    # the record length is a 4-byte big-endian integer (RFC 4120 7.2.2)
    ("header = ''.join(reversed(str(self.proto_buffer[:4])))\n", "", None),
    ("rec_len = struct.unpack('<L', header)[0]", "rec_len = struct.unpack('>L', bytes(self.proto_buffer[:4]))[0]", None),
    ("header = struct.pack('<L', len(msg))\n", "", None),
    ("InterceptConn.forward_data(self, ''.join(reversed(header)) + msg)",
     "InterceptConn.forward_data(self, struct.pack('>L', len(msg)) + msg)", None),
    # the S4U byte array of MS-SFU 2.2.1 is bytes
    ("S4UByteArray += impostor + str(for_user_obj['userRealm']) + 'Kerberos'",
     "S4UByteArray += (impostor + str(for_user_obj['userRealm']) + 'Kerberos').encode()", None),
]


def main(argv):
    if len(argv) != 3:
        print("usage: kintercept_py3.py <kintercept.py> <output.py>", file=sys.stderr)
        return 2
    src = open(argv[1], encoding="utf-8").read()
    for old, new, optional in PORTS:
        if old not in src:
            if optional == 0:
                continue  # Impacket 0.10 has no logger.init line
            print("kintercept_py3: line not found in %s: %s" % (argv[1], old.strip()), file=sys.stderr)
            return 2
        if old.endswith("\n"):
            # drop the whole line, indentation included
            lines = [l for l in src.split("\n") if l.strip() != old.strip()]
            src = "\n".join(lines)
        else:
            src = src.replace(old, new)
    open(argv[2], "w", encoding="utf-8").write(src)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
