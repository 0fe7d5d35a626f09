#!/usr/bin/python3
"""Minimal MS-TDS responder for the lab (lab tooling, not a SQL server).

Debian has no SQL Server, so this answers just enough of MS-TDS for Impacket's TDS client
(mssqlclient.py -windows-auth, ntlmrelayx's mssql:// relay client) to log in with NTLM and send
SQL batches, so that the capture holds real client bytes:

- PRELOGIN: answers with ENCRYPT_NOT_SUP, so neither the LOGIN7 nor anything after it is wrapped
  in TLS (MS-TDS 2.2.6.5: with NOT_SUP on both sides the whole connection stays cleartext); with
  --encrypt-login it answers ENCRYPT_OFF, a SQL Server's default: the TLS handshake then runs
  inside PRELOGIN packets and only the LOGIN7 packet is encrypted (MS-TDS 3.2.5.2), everything
  after it (the SSPI continuation, the batches) is cleartext again.
- LOGIN7 with integrated security (OptionFlags2 fINTEGRATEDSECURITY, MS-TDS 2.2.6.4): the SSPI
  field holds the NTLM NEGOTIATE; answers with an SSPI token (0xED) holding an NTLM CHALLENGE
  built with Impacket's ntlm classes (target info: NetBIOS/DNS names of the host, a timestamp).
- SSPI packet (type 0x11) with the NTLM AUTHENTICATE: the NTLMv2 response is checked against the
  lab accounts given with --user DOMAIN/NAME:PASSWORD (NTProofStr, MS-NLMP 3.3.2); success gives
  ENVCHANGE(database, packet size) + LOGINACK + DONE, failure ERROR 18456 + DONE(error).
- SQL_BATCH: logged; answered with DONE (or, for xp_cmdshell while --xp-cmdshell-off, with the
  ERROR 15281 a default SQL Server returns), never executed.

Token layouts follow the TDS version the client asked for in LOGIN7: 7.1 clients get 4-byte
DONE row counts, 7.2+ clients 8-byte ones (MS-TDS 2.2.7.6).
"""
import argparse
import datetime
import hmac
import os
import socketserver
import ssl
import struct
import sys
import tempfile

from impacket import ntlm
from impacket.tds import TDSPacket, TDS_PRELOGIN

TDS_SQL_BATCH, TDS_TABULAR, TDS_LOGIN7, TDS_SSPI, TDS_PRE_LOGIN = 1, 4, 16, 17, 18
ENCRYPT_OFF, ENCRYPT_NOT_SUP = 0, 2
LEGACY_LOGIN7 = (0x00000070, 0x00000071, 0x01000071)


def log(msg):
    print("[tds %s] %s" % (datetime.datetime.now().strftime("%H:%M:%S"), msg), flush=True)


def b_varchar(s):
    u = s.encode("utf-16le")
    return bytes([len(s)]) + u


def us_varchar(s):
    u = s.encode("utf-16le")
    return struct.pack("<H", len(s)) + u


class Session(socketserver.BaseRequestHandler):
    def setup(self):
        self.buf = b""
        self.legacy = True
        self.ack_version = 0x71000001
        self.negotiate = None
        self.challenge = None

    # -- framing
    def recv_packet(self):
        """One TDS message (packets joined until EOM), or None at EOF."""
        data, ptype = b"", None
        while True:
            while len(self.buf) < 8:
                chunk = self.request.recv(65536)
                if not chunk:
                    return None
                self.buf += chunk
            length = struct.unpack(">H", self.buf[2:4])[0]
            if length < 8:
                return None
            while len(self.buf) < length:
                chunk = self.request.recv(65536)
                if not chunk:
                    return None
                self.buf += chunk
            ptype, status = self.buf[0], self.buf[1]
            data += self.buf[8:length]
            self.buf = self.buf[length:]
            if status & 1:
                return ptype, data

    def send(self, ptype, data):
        p = TDSPacket()
        p["Type"] = ptype
        p["Status"] = 1
        p["PacketID"] = 1
        p["Data"] = data
        self.request.sendall(p.getData())

    def done(self, status=0, curcmd=0xC1, rows=0):
        fmt = "<BHHL" if self.legacy else "<BHHQ"
        return struct.pack(fmt, 0xFD, status, curcmd, rows)

    def error(self, number, state, cls, text):
        body = struct.pack("<LBB", number, state, cls) + us_varchar(text) + b_varchar(self.server.name) \
            + b_varchar("") + (struct.pack("<H", 1) if self.legacy else struct.pack("<L", 1))
        return struct.pack("<BH", 0xAA, len(body)) + body

    # -- protocol
    def handle(self):
        peer = "%s:%d" % self.client_address
        log("connection from %s" % peer)
        while True:
            msg = self.recv_packet()
            if msg is None:
                log("%s closed" % peer)
                return
            ptype, data = msg
            if ptype == TDS_PRE_LOGIN:
                self.on_prelogin(data)
                if self.server.encrypt_login:
                    msg = self.tls_login()
                    if msg is None or msg[0] != TDS_LOGIN7:
                        log("%s: no LOGIN7 inside TLS" % peer)
                        return
                    if not self.on_login7(msg[1]):
                        return
            elif ptype == TDS_LOGIN7:
                if not self.on_login7(data):
                    return
            elif ptype == TDS_SSPI:
                if not self.on_sspi(data):
                    return
            elif ptype == TDS_SQL_BATCH:
                self.on_batch(data)
            else:
                log("%s: packet type %d ignored" % (peer, ptype))
                self.send(TDS_TABULAR, self.done())

    def on_prelogin(self, data):
        req = TDS_PRELOGIN(data)
        log("PRELOGIN: client encryption option %d" % req["Encryption"])
        resp = TDS_PRELOGIN()
        resp["Version"] = bytes.fromhex("0f0007d00000")      # 15.0.2000 (SQL Server 2019 RTM)
        resp["Encryption"] = ENCRYPT_OFF if self.server.encrypt_login else ENCRYPT_NOT_SUP
        resp["ThreadID"] = b""
        resp["Instance"] = b"\x00"
        self.send(TDS_TABULAR, resp.getData())

    def tls_login(self):
        """TLS handshake carried in PRELOGIN packets, then the LOGIN7 as bare TLS records."""
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.minimum_version = ssl.TLSVersion.MINIMUM_SUPPORTED
        ctx.maximum_version = ssl.TLSVersion.TLSv1_2
        ctx.set_ciphers("ALL:@SECLEVEL=0")
        ctx.load_cert_chain(self.server.certfile, self.server.keyfile)
        inb, outb = ssl.MemoryBIO(), ssl.MemoryBIO()
        tls = ctx.wrap_bio(inb, outb, server_side=True)
        while True:
            msg = self.recv_packet()
            if msg is None:
                return None
            inb.write(msg[1])
            try:
                tls.do_handshake()
                done = True
            except ssl.SSLWantReadError:
                done = False
            except ssl.SSLError as e:
                log("TLS handshake failed: %s" % e)
                return None
            out = outb.read()
            if out:
                self.send(TDS_PRE_LOGIN, out)
            if done:
                break
        log("TLS handshake done (%s), LOGIN7 follows encrypted" % tls.version())
        data = b""
        while True:
            try:
                data += tls.read(65536)
            except ssl.SSLWantReadError:
                chunk, self.buf = (self.buf, b"") if self.buf else (self.request.recv(65536), b"")
                if not chunk:
                    return None
                inb.write(chunk)
                continue
            if len(data) >= 8 and len(data) >= struct.unpack(">H", data[2:4])[0]:
                length = struct.unpack(">H", data[2:4])[0]
                return data[0], data[8:length]

    def on_login7(self, data):
        if len(data) < 94:
            log("LOGIN7 too short (%d bytes)" % len(data))
            return False
        version = struct.unpack(">L", data[4:8])[0]
        self.legacy = version in LEGACY_LOGIN7
        self.ack_version = 0x71000001 if self.legacy else int.from_bytes(data[4:8], "little")
        flags2 = data[25]
        ib_sspi, cb_sspi = struct.unpack("<HH", data[78:82])
        host_off, host_len = struct.unpack("<HH", data[36:40])
        app_off, app_len = struct.unpack("<HH", data[48:52])
        host = data[host_off:host_off + 2 * host_len].decode("utf-16le", "replace")
        app = data[app_off:app_off + 2 * app_len].decode("utf-16le", "replace")
        log("LOGIN7: TDS version 0x%08x, integrated security %s, host %r, app %r, SSPI %d bytes"
            % (version, bool(flags2 & 0x80), host, app, cb_sspi))
        if not flags2 & 0x80 or cb_sspi == 0:
            self.send(TDS_TABULAR, self.error(18456, 1, 14, "Login failed: only Windows authentication "
                                              "is enabled on this lab server.") + self.done(status=2))
            return False
        self.negotiate = data[ib_sspi:ib_sspi + cb_sspi]
        ch = ntlm.NTLMAuthChallenge()
        neg_flags = struct.unpack("<L", self.negotiate[12:16])[0] if len(self.negotiate) >= 16 else 0
        flags = (ntlm.NTLMSSP_NEGOTIATE_UNICODE | ntlm.NTLMSSP_REQUEST_TARGET | ntlm.NTLMSSP_NEGOTIATE_NTLM
                 | ntlm.NTLMSSP_NEGOTIATE_ALWAYS_SIGN | ntlm.NTLMSSP_TARGET_TYPE_DOMAIN
                 | ntlm.NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY | ntlm.NTLMSSP_NEGOTIATE_TARGET_INFO
                 | ntlm.NTLMSSP_NEGOTIATE_VERSION)
        flags |= neg_flags & (ntlm.NTLMSSP_NEGOTIATE_128 | ntlm.NTLMSSP_NEGOTIATE_56
                              | ntlm.NTLMSSP_NEGOTIATE_KEY_EXCH | ntlm.NTLMSSP_NEGOTIATE_SIGN
                              | ntlm.NTLMSSP_NEGOTIATE_SEAL)
        srv = self.server
        av = ntlm.AV_PAIRS()
        av[ntlm.NTLMSSP_AV_DOMAINNAME] = srv.domain.encode("utf-16le")
        av[ntlm.NTLMSSP_AV_HOSTNAME] = srv.name.encode("utf-16le")
        av[ntlm.NTLMSSP_AV_DNS_DOMAINNAME] = srv.dns_domain.encode("utf-16le")
        av[ntlm.NTLMSSP_AV_DNS_HOSTNAME] = ("%s.%s" % (srv.name.lower(), srv.dns_domain)).encode("utf-16le")
        av[ntlm.NTLMSSP_AV_DNS_TREENAME] = srv.dns_domain.encode("utf-16le")
        ft = int((datetime.datetime.utcnow() - datetime.datetime(1601, 1, 1)).total_seconds() * 10000000)
        av[ntlm.NTLMSSP_AV_TIME] = struct.pack("<Q", ft)
        self.challenge = srv.rand(8)
        ch["flags"] = flags
        ch["challenge"] = self.challenge
        ch["domain_name"] = srv.domain.encode("utf-16le")
        ch["TargetInfoFields"] = av.getData()
        # with NEGOTIATE_VERSION the fixed part is 56 bytes (MS-NLMP 2.2.1.2): payload after it
        ch["domain_offset"] = 56
        ch["TargetInfoFields_offset"] = 56 + len(ch["domain_name"])
        ch["Version"] = struct.pack("<BBH", 10, 0, 17763) + b"\x00\x00\x00\x0f"
        token = ch.getData()
        self.send(TDS_TABULAR, struct.pack("<BH", 0xED, len(token)) + token)
        return True

    def on_sspi(self, data):
        auth = ntlm.NTLMAuthChallengeResponse()
        try:
            auth.fromString(data)
            user = auth["user_name"].decode("utf-16le")
            domain = auth["domain_name"].decode("utf-16le")
            ws = auth["host_name"].decode("utf-16le")
            nt = auth["ntlm"]
        except Exception as e:  # a client's bad AUTHENTICATE must not kill the lab server
            log("SSPI: unreadable NTLM AUTHENTICATE (%r)" % (e,))
            self.send(TDS_TABULAR, self.error(18452, 1, 14, "Login failed. The login is from an untrusted "
                                              "domain.") + self.done(status=2))
            return False
        ok = False
        pw = self.server.users.get((domain.upper().split(".")[0], user.lower()))
        if pw is not None and len(nt) > 24:
            # NTOWFv2 (MS-NLMP 3.3.2) from the password, or from the NT hash given for the account
            key = ntlm.NTOWFv2(user, pw, domain) if isinstance(pw, str) else \
                hmac.new(pw, (user.upper() + domain).encode("utf-16le"), "md5").digest()
            proof = hmac.new(key, self.challenge + nt[16:], "md5").digest()
            ok = hmac.compare_digest(proof, nt[:16])
        log("SSPI AUTHENTICATE: %s\\%s from workstation %r: %s" % (domain, user, ws, "accepted" if ok else "rejected"))
        if not ok:
            self.send(TDS_TABULAR, self.error(18456, 1, 14, "Login failed for user '%s\\%s'." % (domain, user))
                      + self.done(status=2))
            return False
        env_db = b"\x01" + b_varchar("master") + b_varchar("")
        env_ps = b"\x04" + b_varchar("4096") + b_varchar("4096")
        prog = "Microsoft SQL Server"
        ack = struct.pack("<B", 1) + struct.pack(">L", self.ack_version) + b_varchar(prog) + bytes([15, 0, 0x07, 0xD0])
        out = struct.pack("<BH", 0xE3, len(env_db)) + env_db + struct.pack("<BH", 0xE3, len(env_ps)) + env_ps \
            + struct.pack("<BH", 0xAD, len(ack)) + ack + self.done(curcmd=0)
        self.send(TDS_TABULAR, out)
        return True

    def on_batch(self, data):
        text = data
        # TDS 7.2+ batches start with ALL_HEADERS (MS-TDS 2.2.5.3): a DWORD total length
        if not self.legacy and len(text) >= 4:
            total = struct.unpack("<L", text[:4])[0]
            if 4 <= total <= len(text) and total < 1024:
                text = text[total:]
        sql = text.decode("utf-16le", "replace").strip()
        log("SQL_BATCH: %s" % sql)
        if self.server.xp_off and "xp_cmdshell" in sql.lower() and "sp_configure" not in sql.lower():
            self.send(TDS_TABULAR, self.error(15281, 1, 16, "SQL Server blocked access to procedure "
                                              "'sys.xp_cmdshell' of component 'xp_cmdshell' because this "
                                              "component is turned off as part of the security "
                                              "configuration for this server.") + self.done(status=2))
            return
        self.send(TDS_TABULAR, self.done())


def self_signed(name):
    """A throw-away self-signed certificate, as SQL Server makes one when none is configured."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "SSL_Self_Signed_Fallback")])
    now = datetime.datetime.utcnow()
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=30)).sign(key, hashes.SHA256()))
    d = tempfile.mkdtemp(prefix="tds-")
    cf, kf = os.path.join(d, "cert.pem"), os.path.join(d, "key.pem")
    with open(cf, "wb") as f:
        f.write(cert.public_bytes(serialization.Encoding.PEM))
    with open(kf, "wb") as f:
        f.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                                  serialization.NoEncryption()))
    return cf, kf


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


def main():
    ap = argparse.ArgumentParser(description="Minimal MS-TDS responder (lab tooling): PRELOGIN, LOGIN7 with "
                                 "NTLM SSPI, SQL batches answered with DONE.")
    ap.add_argument("--listen", default="0.0.0.0")
    ap.add_argument("--port", type=int, default=1433)
    ap.add_argument("--name", default="SQL01", help="NetBIOS host name in the NTLM target info")
    ap.add_argument("--domain", default="LAB")
    ap.add_argument("--dns-domain", default="lab.test")
    ap.add_argument("--user", action="append", default=[], metavar="DOMAIN/NAME:PASSWORD",
                    help="an account whose NTLMv2 logins are accepted (repeatable)")
    ap.add_argument("--user-hash", action="append", default=[], metavar="DOMAIN/NAME:NTHASH",
                    help="an account given by its NT hash (a machine account, say) (repeatable)")
    ap.add_argument("--encrypt-login", action="store_true",
                    help="answer PRELOGIN with ENCRYPT_OFF: TLS for the LOGIN7 packet only (self-signed certificate)")
    ap.add_argument("--xp-cmdshell-off", action="store_true",
                    help="answer xp_cmdshell with error 15281, as a default SQL Server does")
    a = ap.parse_args()
    users = {}
    for u in a.user:
        if "/" not in u or ":" not in u:
            print("tds_responder: --user wants DOMAIN/NAME:PASSWORD, got %r" % u, file=sys.stderr)
            return 2
        dn, pw = u.split(":", 1)
        d, n = dn.split("/", 1)
        users[(d.upper().split(".")[0], n.lower())] = pw
    for u in a.user_hash:
        dn, h = u.split(":", 1) if ":" in u else (u, "")
        if "/" not in dn or len(h) != 32:
            print("tds_responder: --user-hash wants DOMAIN/NAME:NTHASH (32 hex digits), got %r" % u, file=sys.stderr)
            return 2
        d, n = dn.split("/", 1)
        users[(d.upper().split(".")[0], n.lower())] = bytes.fromhex(h)
    srv = Server((a.listen, a.port), Session)
    srv.encrypt_login = a.encrypt_login
    if a.encrypt_login:
        srv.certfile, srv.keyfile = self_signed(a.name)
    srv.name, srv.domain, srv.dns_domain, srv.users, srv.xp_off = a.name, a.domain, a.dns_domain, users, a.xp_cmdshell_off
    srv.rand = os.urandom
    log("listening on %s:%d as %s.%s (%d accounts)" % (a.listen, a.port, a.name, a.dns_domain, len(users)))
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
