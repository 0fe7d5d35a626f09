package io.impacketsensor.decoders.parity;

import io.impacketsensor.core.event.KerberosEvent.KerberosError;
import io.impacketsensor.core.event.KerberosEvent.KerberosReply;
import io.impacketsensor.core.event.KerberosEvent.KerberosRequest;
import io.impacketsensor.core.event.KerberosEvent.PrincipalName;
import io.impacketsensor.core.event.LdapEvent.LdapSearch;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.core.wire.ByteCursor;
import io.impacketsensor.core.wire.Guids;
import io.impacketsensor.core.wire.Sids;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Our side of the tshark parity check (scripts/krbldap-parity-expected.py writes tshark's side):
 * the same line vocabulary computed from our events. LDAP filters are compared in tshark's
 * presentation, which differs from RFC 4515 text in three documented ways:
 * <ul>
 *   <li>and/or with more than two items nest pairwise from the left: {@code (&(&(a)(b))(c))};
 *       a single item is shown without the operator;</li>
 *   <li>values are shown unescaped (RFC 4515 escapes such as {@code \28} are decoded);</li>
 *   <li>the CLDAP {@code NtVer} value is shown as a little-endian 32-bit hex number,
 *       {@code DomainGuid} as a GUID, {@code DomainSid} as an S-1-... SID, and any other
 *       value with a non-printable or non-ASCII octet as colon-separated hex bytes;</li>
 *   <li>a filter text longer than 231 bytes is cut there (tshark's 240-byte label limit).</li>
 * </ul>
 */
public final class KrbLdapParity {
    private KrbLdapParity() {
    }

    /** The parity lines of a replay's events (a sorted set). */
    public static Set<String> lines(List<SensorEvent> events) {
        Set<String> out = new TreeSet<>();
        for (SensorEvent e : events) {
            if (e.header().serverPort() == 88) {
                if (e instanceof KerberosRequest r) {
                    out.add(msg(r.msgType(), r.cname(), r.sname(), r.realm()));
                    out.add("etypes\t" + r.etypes().stream().map(String::valueOf).collect(Collectors.joining(",")));
                } else if (e instanceof KerberosReply r) {
                    out.add(msg(r.msgType(), r.cname(), r.ticket() == null ? null : r.ticket().sname(), r.crealm()));
                } else if (e instanceof KerberosError r) {
                    out.add(msg(30, r.cname(), r.sname(), r.realm()));
                    out.add("error\t" + r.errorCode());
                }
            }
            if (e instanceof LdapSearch s && s.filter() != null) {
                out.add("filter\t" + tsharkLabel(wiresharkForm(s.filter())));
            }
        }
        return out;
    }

    private static String msg(int type, PrincipalName cname, PrincipalName sname, String realm) {
        return "msg\t" + type + "\t" + name(cname) + "\t" + name(sname) + "\t"
                + (realm == null || realm.isEmpty() ? "-" : realm);
    }

    /** A name with no components is shown as tshark shows an absent one. */
    private static String name(PrincipalName p) {
        return p == null || p.components().isEmpty() ? "-" : p.toString();
    }

    /**
     * tshark cuts a tree label at 240 bytes including "Filter: " and the terminator
     * (Wireshark's ITEM_LABEL_LENGTH), so a filter text is shown with at most 231 bytes.
     */
    static String tsharkLabel(String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        return b.length <= 231 ? text : new String(b, 0, 231, StandardCharsets.UTF_8);
    }

    /** Our RFC 4515 text in tshark's presentation (see the class comment). */
    public static String wiresharkForm(String rfc4515) {
        int[] pos = {0};
        String s = node(rfc4515, pos);
        return s == null ? rfc4515 : s;
    }

    private static String node(String f, int[] pos) {
        if (pos[0] >= f.length() || f.charAt(pos[0]) != '(') {
            return null;
        }
        pos[0]++;
        char op = f.charAt(pos[0]);
        if (op == '&' || op == '|') {
            pos[0]++;
            List<String> kids = new ArrayList<>();
            while (pos[0] < f.length() && f.charAt(pos[0]) == '(') {
                String k = node(f, pos);
                if (k == null) {
                    return null;
                }
                kids.add(k);
            }
            pos[0]++; // ')'
            if (kids.isEmpty()) {
                return "(" + op + ")";
            }
            String acc = kids.get(0);
            for (int i = 1; i < kids.size(); i++) {
                acc = "(" + op + acc + kids.get(i) + ")";
            }
            return acc;
        }
        if (op == '!') {
            pos[0]++;
            String k = node(f, pos);
            pos[0]++;
            return k == null ? null : "(!" + k + ")";
        }
        int end = f.indexOf(')', pos[0]);
        if (end < 0) {
            return null;
        }
        String item = f.substring(pos[0], end);
        pos[0] = end + 1;
        return "(" + item(item) + ")";
    }

    private static String item(String item) {
        int eq = item.indexOf('=');
        if (eq < 0) {
            return item;
        }
        String attr = item.substring(0, eq);
        String value = item.substring(eq + 1);
        byte[] raw = unescape(value);
        if (attr.equalsIgnoreCase("NtVer") && raw.length == 4) {
            long v = (raw[0] & 0xFFL) | (raw[1] & 0xFFL) << 8 | (raw[2] & 0xFFL) << 16 | (raw[3] & 0xFFL) << 24;
            return attr + "=0x" + String.format("%08x", v);
        }
        if (attr.equalsIgnoreCase("DomainGuid") && raw.length == 16) {
            return attr + "=" + Guids.fromLittleEndian(raw, 0);
        }
        if (attr.equalsIgnoreCase("DomainSid") && raw.length >= 8) {
            return attr + "=" + Sids.read(new ByteCursor(raw, 0, raw.length)) + "  (Domain SID)";
        }
        for (byte x : raw) {
            if (x < 0x20 || x > 0x7e) {
                // tshark shows a value with any non-printable or non-ASCII octet as colon-separated hex.
                StringBuilder hex = new StringBuilder();
                for (byte y : raw) {
                    hex.append(hex.length() == 0 ? "" : ":").append(String.format("%02x", y & 0xFF));
                }
                return attr + "=" + hex;
            }
        }
        return attr + "=" + new String(raw, StandardCharsets.UTF_8);
    }

    private static byte[] unescape(String v) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] b = v.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < b.length; i++) {
            if (b[i] == '\\' && i + 2 < b.length) {
                int hi = Character.digit(b[i + 1], 16);
                int lo = Character.digit(b[i + 2], 16);
                if (hi >= 0 && lo >= 0) {
                    out.write(hi << 4 | lo);
                    i += 2;
                    continue;
                }
            }
            out.write(b[i]);
        }
        return out.toByteArray();
    }
}
