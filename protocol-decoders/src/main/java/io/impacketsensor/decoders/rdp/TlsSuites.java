package io.impacketsensor.decoders.rdp;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * What a TLS ClientHello's lists say about the client: which offered cipher suites authenticate no
 * server, and its JA3 text. Used when the hello's event is built, once per connection.
 */
final class TlsSuites {
    private TlsSuites() {
    }

    /**
     * The anonymous key exchange suites of the IANA TLS Cipher Suites registry (every DH_anon and
     * ECDH_anon suite, RFC 5246 A.5, RFC 8422 2.4, RFC 4132, RFC 4162, RFC 5932, RFC 6209): a client
     * offering one accepts a server that proves nothing, which no RDP client needs (CredSSP binds to
     * the server's public key, [MS-CSSP] 3.1.5). OpenSSL's cipher string {@code ALL:@SECLEVEL=0}
     * (Impacket rdp_check.py) includes them; OpenSSL's default list, SChannel and FreeRDP do not.
     */
    private static final int[] ANONYMOUS = {
            0x0017, 0x0018, 0x0019, 0x001A, 0x001B, 0x0034, 0x003A, 0x0046, 0x006C, 0x006D, 0x0089, 0x009B,
            0x00A6, 0x00A7, 0x00BF, 0x00C5, 0xC015, 0xC016, 0xC017, 0xC018, 0xC019, 0xC046, 0xC047, 0xC05A,
            0xC05B, 0xC084, 0xC085};

    static boolean anonymous(int suite) {
        for (int a : ANONYMOUS) {
            if (a == suite) {
                return true;
            }
        }
        return false;
    }

    /** RFC 8701 GREASE values (0x?A?A): left out of JA3. */
    static boolean grease(int v) {
        return (v & 0x0F0F) == 0x0A0A && (v >> 8) == (v & 0xFF);
    }

    /**
     * JA3 (Salesforce): {@code version,suites,extensions,groups,point formats}, each list's values in
     * decimal joined by '-', GREASE values left out.
     */
    static String ja3(int version, List<Integer> suites, List<Integer> extensions, List<Integer> groups,
                      List<Integer> formats) {
        StringBuilder s = new StringBuilder(256).append(version).append(',');
        join(s, suites).append(',');
        join(s, extensions).append(',');
        join(s, groups).append(',');
        return join(s, formats).toString();
    }

    private static StringBuilder join(StringBuilder s, List<Integer> v) {
        boolean first = true;
        for (int x : v) {
            if (grease(x)) {
                continue;
            }
            if (!first) {
                s.append('-');
            }
            s.append(x);
            first = false;
        }
        return s;
    }

    static String md5(String text) {
        try {
            byte[] d = MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.US_ASCII));
            StringBuilder s = new StringBuilder(32);
            for (byte b : d) {
                s.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
            }
            return s.toString();
        } catch (NoSuchAlgorithmException e) {
            // Every Java platform provides MD5 (MessageDigest's required algorithms).
            throw new IllegalStateException(e);
        }
    }
}
