package io.impacketsensor.decoders.ldap;

import io.impacketsensor.core.wire.Bytes;

/**
 * Finds the cleartext LDAP PDUs inside a SASL buffer whose GSS wrap carries integrity only (signed,
 * not sealed). Windows and MIT clients negotiate integrity without confidentiality when LDAP
 * signing is required but sealing is not; the PDUs then travel in clear behind a signature.
 *
 * <pre>
 *   Kerberos CFX Wrap (RFC 4121 4.2.6.2):  05 04 | flags | ff | EC(2) | RRC(2) | SND_SEQ(8) | data+checksum rotated by RRC
 *       flags 0x02 = Sealed; unsealed: EC = checksum length, data = first (n - EC) bytes after un-rotating
 *   Kerberos RFC 1964 / RFC 4757 Wrap:     [60 len 06 09 OID] 02 01 | SGN_ALG(2) | SEAL_ALG(2) ff ff (none) | filler(2)
 *                                          | SND_SEQ(8) | SGN_CKSUM(8) | confounder(8) | data | padding
 *   NTLMSSP signature (MS-NLMP 2.2.2.9.1): 01 00 00 00 | checksum(8) | seqnum(4) | data  (data in clear only if not sealed)
 * </pre>
 */
final class LdapSaslUnwrap {
    private static final int CFX_HEADER = 16;
    private static final int RFC1964_HEADER = 32;
    private static final int NTLM_SIGNATURE = 16;

    private LdapSaslUnwrap() {
    }

    /**
     * @return {@code (start << 32) | length} of the cleartext in {@code buf}, or -1 when the buffer is
     *         sealed or not a wrap this class knows (the caller then stops inspecting the flow)
     */
    static long plaintext(byte[] buf, int off, int len) {
        if (len > CFX_HEADER && (buf[off] & 0xFF) == 0x05 && (buf[off + 1] & 0xFF) == 0x04) {
            int flags = buf[off + 2] & 0xFF;
            if ((flags & 0x02) != 0) {
                return -1;
            }
            int ec = Bytes.u16be(buf, off + 4);
            int rrc = Bytes.u16be(buf, off + 6);
            int n = len - CFX_HEADER;
            if (ec >= n) {
                return -1;
            }
            // Un-rotating needs a copy unless the rotation is 0 or exactly the trailing checksum.
            int rot = rrc % n;
            if (rot == 0) {
                return window(off + CFX_HEADER, n - ec);
            }
            if (rot == ec) {
                return window(off + CFX_HEADER + ec, n - ec);
            }
            return -1;
        }
        int p = off;
        int end = off + len;
        if ((buf[p] & 0xFF) == 0x60) {
            // RFC 2743 3.1 framing: 60 <len> 06 <oid len> <oid> then the token.
            int lenOctets = (buf[p + 1] & 0x80) != 0 ? 1 + (buf[p + 1] & 0x7F) : 1;
            p += 1 + lenOctets;
            if (p + 2 > end || buf[p] != 0x06) {
                return -1;
            }
            p += 2 + (buf[p + 1] & 0xFF);
        }
        if (end - p > RFC1964_HEADER && buf[p] == 0x02 && buf[p + 1] == 0x01) {
            boolean sealed = !((buf[p + 4] & 0xFF) == 0xFF && (buf[p + 5] & 0xFF) == 0xFF);
            return sealed ? -1 : window(p + RFC1964_HEADER, end - p - RFC1964_HEADER);
        }
        if (len > NTLM_SIGNATURE + 2 && buf[off] == 0x01 && buf[off + 1] == 0 && buf[off + 2] == 0 && buf[off + 3] == 0
                && buf[off + NTLM_SIGNATURE] == 0x30 && berFills(buf, off + NTLM_SIGNATURE, len - NTLM_SIGNATURE)) {
            // NTLM does not say whether it sealed: the rest must be one or more whole LDAPMessages.
            return window(off + NTLM_SIGNATURE, len - NTLM_SIGNATURE);
        }
        return -1;
    }

    /**
     * True when {@code buf} starts a SASL buffer (RFC 4422 3.7: a 4-byte big-endian length of at
     * most {@code maxLength}) whose token is a GSS wrap this class knows: a Kerberos CFX Wrap
     * (RFC 4121 4.2.6.2: TOK_ID 05 04, filler ff), an RFC 1964 Wrap behind its RFC 2743 3.1 framing
     * with the Kerberos OID (60 ... 06 09 2a 86 48 86 f7 12 01 02 02, then TOK_ID 02 01), or an
     * unsealed NTLMSSP signature (version 1) followed by an LDAPMessage. Used to take up a flow
     * whose SASL bind was not seen, and to resynchronise a SASL layer after a gap.
     */
    static boolean bufferStart(byte[] buf, int off, int len, int maxLength) {
        if (len < 8) {
            return false;
        }
        long size = Bytes.u32be(buf, off);
        if (size <= NTLM_SIGNATURE || size > maxLength) {
            return false;
        }
        int t = off + 4;
        if ((buf[t] & 0xFF) == 0x05 && (buf[t + 1] & 0xFF) == 0x04) {
            return (buf[t + 3] & 0xFF) == 0xFF;
        }
        if ((buf[t] & 0xFF) == 0x60) {
            int lenOctets = (buf[t + 1] & 0x80) != 0 ? 1 + (buf[t + 1] & 0x7F) : 1;
            int o = t + 1 + lenOctets;
            if (o + 2 + KRB5_OID.length + 2 > off + len || buf[o] != 0x06 || buf[o + 1] != KRB5_OID.length) {
                return false;
            }
            for (int i = 0; i < KRB5_OID.length; i++) {
                if (buf[o + 2 + i] != KRB5_OID[i]) {
                    return false;
                }
            }
            o += 2 + KRB5_OID.length;
            return buf[o] == 0x02 && buf[o + 1] == 0x01;
        }
        return len > 4 + NTLM_SIGNATURE && buf[t] == 0x01 && buf[t + 1] == 0 && buf[t + 2] == 0 && buf[t + 3] == 0
                && buf[t + NTLM_SIGNATURE] == 0x30;
    }

    /** The Kerberos v5 mechanism OID 1.2.840.113554.1.2.2, DER content octets (RFC 1964 1). */
    private static final byte[] KRB5_OID = {0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x12, 0x01, 0x02, 0x02};

    /** True when a definite-length SEQUENCE at {@code p} ends within {@code len} bytes. */
    private static boolean berFills(byte[] b, int p, int len) {
        int first = b[p + 1] & 0xFF;
        long total;
        if (first < 0x80) {
            total = 2 + first;
        } else {
            int n = first & 0x7F;
            if (n < 1 || n > 4 || len < 2 + n) {
                return false;
            }
            total = 2 + n + Bytes.beN(b, p + 2, n);
        }
        return total <= len;
    }

    private static long window(int start, int length) {
        return (long) start << 32 | (length & 0xFFFF_FFFFL);
    }
}
