package io.impacketsensor.core.wire;

import java.nio.charset.StandardCharsets;

/**
 * Domain names in RFC 1035 wire form (4.1.2 labels, 4.1.4 message compression), as DNS messages
 * and the NETLOGON_SAM_LOGON_RESPONSE_EX of an LDAP ping (MS-ADTS 6.3.1.9) carry them. A name is a
 * sequence of labels, each a length byte (0..63) and that many bytes, ended by a zero byte or by a
 * pointer (two bytes, top bits 11) to an earlier offset of the message holding the rest.
 *
 * <p>Pointers are followed only backwards (to an offset before the label that holds them), so a
 * name cannot loop, and a name longer than {@link #MAX_NAME} bytes is malformed (RFC 1035 2.3.4).
 * Nothing here allocates except {@link #read}'s text.
 */
public final class DnsNames {
    /** RFC 1035 2.3.4: 255 octets or less. */
    public static final int MAX_NAME = 255;

    private DnsNames() {
    }

    /**
     * The offset just after the name at {@code pos} in the message {@code b[start..end)}: after its
     * terminating zero byte or its first pointer. -1 when malformed or cut short.
     */
    public static int skip(byte[] b, int start, int end, int pos) {
        int p = pos;
        int total = 0;
        while (p >= start && p < end) {
            int len = b[p] & 0xFF;
            if (len == 0) {
                return p + 1;
            }
            if ((len & 0xC0) == 0xC0) {
                return p + 2 <= end ? p + 2 : -1;
            }
            if ((len & 0xC0) != 0) {
                return -1; // 01 and 10 prefixes are reserved (RFC 6891 deprecates the extended label types)
            }
            total += len + 1;
            if (total > MAX_NAME) {
                return -1;
            }
            p += 1 + len;
        }
        return -1;
    }

    /**
     * Appends the name at {@code pos} to {@code out} as dotted text (UTF-8, no trailing dot; the root
     * is the empty string), following pointers. Returns the offset after the name in the stream (as
     * {@link #skip}), or -1 when malformed, with {@code out} then holding a partial name.
     */
    public static int read(byte[] b, int start, int end, int pos, StringBuilder out) {
        int next = -1;
        int p = pos;
        int total = 0;
        int first = out.length();
        while (p >= start && p < end) {
            int len = b[p] & 0xFF;
            if (len == 0) {
                return next < 0 ? p + 1 : next;
            }
            if ((len & 0xC0) == 0xC0) {
                if (p + 2 > end) {
                    return -1;
                }
                int target = start + (Bytes.u16be(b, p) & 0x3FFF);
                if (target >= p) {
                    return -1; // only backwards: no loop
                }
                if (next < 0) {
                    next = p + 2;
                }
                p = target;
                continue;
            }
            if ((len & 0xC0) != 0 || p + 1 + len > end) {
                return -1;
            }
            total += len + 1;
            if (total > MAX_NAME) {
                return -1;
            }
            if (out.length() > first) {
                out.append('.');
            }
            out.append(new String(b, p + 1, len, StandardCharsets.UTF_8));
            p += 1 + len;
        }
        return -1;
    }

    /**
     * True when the name at {@code pos} begins with the labels {@code labels} (ASCII, compared
     * without regard to case, RFC 4343), following pointers. Allocates nothing.
     */
    public static boolean startsWithLabels(byte[] b, int start, int end, int pos, String[] labels) {
        int p = pos;
        int i = 0;
        while (i < labels.length && p >= start && p < end) {
            int len = b[p] & 0xFF;
            if (len == 0) {
                return false;
            }
            if ((len & 0xC0) == 0xC0) {
                if (p + 2 > end) {
                    return false;
                }
                int target = start + (Bytes.u16be(b, p) & 0x3FFF);
                if (target >= p) {
                    return false;
                }
                p = target;
                continue;
            }
            String want = labels[i];
            if ((len & 0xC0) != 0 || p + 1 + len > end || len != want.length()) {
                return false;
            }
            for (int k = 0; k < len; k++) {
                int c = b[p + 1 + k] & 0xFF;
                int w = want.charAt(k);
                if (c != w && toLower(c) != toLower(w)) {
                    return false;
                }
            }
            p += 1 + len;
            i++;
        }
        return i == labels.length;
    }

    private static int toLower(int c) {
        return c >= 'A' && c <= 'Z' ? c + 32 : c;
    }

    /**
     * The offset of the {@code index}-th label (0 first) of the name at {@code pos}, following
     * pointers; -1 when the name has fewer labels or is malformed. Allocates nothing.
     */
    public static int label(byte[] b, int start, int end, int pos, int index) {
        int p = pos;
        int i = 0;
        int jumps = 0;
        while (p >= start && p < end) {
            int len = b[p] & 0xFF;
            if ((len & 0xC0) == 0xC0) {
                if (p + 2 > end || ++jumps > MAX_NAME) {
                    return -1;
                }
                int target = start + (Bytes.u16be(b, p) & 0x3FFF);
                if (target >= p) {
                    return -1;
                }
                p = target;
                continue;
            }
            if (len == 0 || (len & 0xC0) != 0) {
                return -1;
            }
            if (i == index) {
                return p;
            }
            p += 1 + len;
            i++;
        }
        return -1;
    }
}
