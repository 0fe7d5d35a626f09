package io.impacketsensor.decoders.ldap;

import io.impacketsensor.core.event.LdapEvent.NetlogonResponse;
import io.impacketsensor.core.wire.Bytes;
import io.impacketsensor.core.wire.DnsNames;

/**
 * Decodes the value of the {@code netlogon} attribute a DC returns to an LDAP ping (MS-ADTS 6.3.3,
 * over CLDAP or LDAP): NETLOGON_SAM_LOGON_RESPONSE_EX (6.3.1.9) — Opcode (2 bytes, little-endian),
 * Sbz (2), Flags (4), DomainGuid (16), then DnsForestName, DnsDomainName, DnsHostName,
 * NetbiosDomainName, NetbiosComputerName, UserName, DcSiteName and ClientSiteName as RFC 1035 names
 * whose compression pointers count from the start of the structure. What follows (DcSockAddr,
 * NextClosestSiteName, NtVersion, LM tokens) is not needed. The older response forms (6.3.1.7,
 * 6.3.1.8) carry no DS_FLAG bits and are not decoded.
 */
final class LdapNetlogon {
    /** LOGON_SAM_LOGON_RESPONSE_EX, LOGON_SAM_PAUSE_RESPONSE_EX, LOGON_SAM_USER_UNKNOWN_EX (MS-ADTS 6.3.1.9). */
    static final int OPCODE_FIRST_EX = 23;
    static final int OPCODE_LAST_EX = 25;
    private static final int FIXED = 2 + 2 + 4 + 16;
    private static final int NAMES = 8;

    private LdapNetlogon() {
    }

    /** The response in {@code b[off, off + len)}, or null when it is not a well-formed EX response. */
    static NetlogonResponse decode(byte[] b, int off, int len) {
        if (len < FIXED + NAMES) {
            return null;
        }
        int end = off + len;
        int opcode = Bytes.u16le(b, off);
        if (opcode < OPCODE_FIRST_EX || opcode > OPCODE_LAST_EX) {
            return null;
        }
        long flags = Bytes.u32le(b, off + 4);
        String[] names = new String[NAMES];
        int pos = off + FIXED;
        StringBuilder sb = new StringBuilder(64);
        for (int i = 0; i < NAMES; i++) {
            sb.setLength(0);
            pos = DnsNames.read(b, off, end, pos, sb);
            if (pos < 0) {
                return null;
            }
            names[i] = sb.toString();
        }
        return new NetlogonResponse(opcode, flags, names[0], names[1], names[2], names[3], names[4], names[5],
                names[6], names[7]);
    }
}
