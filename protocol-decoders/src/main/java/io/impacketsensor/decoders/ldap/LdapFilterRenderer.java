package io.impacketsensor.decoders.ldap;

import io.impacketsensor.core.wire.BerTlv;
import io.impacketsensor.core.wire.ByteCursor;
import io.impacketsensor.core.wire.ParseStatus;

import java.nio.charset.StandardCharsets;

/**
 * Renders an RFC 4511 4.5.1.7 Filter as RFC 4515 text. Recursion is bounded by
 * {@link LdapLimits#maxFilterDepth()}, the text by {@link LdapLimits#maxFilterLength()}.
 *
 * <pre>
 *   Filter ::= CHOICE { and [0] SET OF Filter, or [1] SET OF Filter, not [2] Filter,
 *       equalityMatch [3] AttributeValueAssertion, substrings [4] SubstringFilter,
 *       greaterOrEqual [5] AVA, lessOrEqual [6] AVA, present [7] AttributeDescription,
 *       approxMatch [8] AVA, extensibleMatch [9] MatchingRuleAssertion, ... }
 * </pre>
 *
 * Values are escaped as RFC 4515 3 requires: {@code * ( ) \ NUL} (and control characters) and
 * the octets of a value that is not valid UTF-8 become {@code \xx}.
 */
final class LdapFilterRenderer {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final LdapLimits limits;
    private final BerTlv t = new BerTlv();
    private StringBuilder sb;
    /** Why the last render failed, or null. */
    LdapAnomaly anomaly;

    LdapFilterRenderer(LdapLimits limits) {
        this.limits = limits;
    }

    /** Renders the filter element at the cursor (advancing past it); null with {@link #anomaly} set on failure. */
    String render(ByteCursor c) {
        anomaly = null;
        sb = new StringBuilder(64);
        boolean ok = filter(c, 1);
        if (!ok || !c.ok()) {
            if (anomaly == null) {
                anomaly = LdapAnomaly.MALFORMED_DATA;
            }
            return null;
        }
        if (sb.length() > limits.maxFilterLength()) {
            anomaly = LdapAnomaly.FILTER_TOO_LONG;
            return null;
        }
        return sb.toString();
    }

    private boolean header(ByteCursor c) {
        return t.read(c, false, limits.maxMessageLength()) == ParseStatus.OK && t.length != BerTlv.INDEFINITE
                && c.has(t.length);
    }

    private boolean filter(ByteCursor c, int depth) {
        if (depth > limits.maxFilterDepth()) {
            anomaly = LdapAnomaly.FILTER_TOO_DEEP;
            return false;
        }
        if (sb.length() > limits.maxFilterLength()) {
            anomaly = LdapAnomaly.FILTER_TOO_LONG;
            return false;
        }
        if (!header(c) || t.tagClass != BerTlv.CLASS_CONTEXT) {
            return false;
        }
        int tag = t.tagNumber;
        int end = c.position() + t.length;
        sb.append('(');
        switch (tag) {
            case 0:
            case 1: {
                sb.append(tag == 0 ? '&' : '|');
                int n = 0;
                while (c.position() < end) {
                    if (++n > limits.maxListItems()) {
                        anomaly = LdapAnomaly.TOO_MANY_ITEMS;
                        return false;
                    }
                    if (!filter(c, depth + 1) || c.position() > end) {
                        return false;
                    }
                }
                break;
            }
            case 2:
                sb.append('!');
                if (!filter(c, depth + 1) || c.position() != end) {
                    return false;
                }
                break;
            case 3:
            case 5:
            case 6:
            case 8:
                if (!ava(c, tag == 3 ? "=" : tag == 5 ? ">=" : tag == 6 ? "<=" : "~=")) {
                    return false;
                }
                break;
            case 4:
                if (!substrings(c, end)) {
                    return false;
                }
                break;
            case 7:
                // present: the AttributeDescription is the [7] content itself (implicit tagging)
                appendRaw(c, t.length);
                sb.append("=*");
                break;
            case 9:
                if (!extensible(c, end)) {
                    return false;
                }
                break;
            default:
                return false;
        }
        sb.append(')');
        c.seek(end);
        return c.ok();
    }

    /** AttributeValueAssertion ::= SEQUENCE { attributeDesc, assertionValue }: its content is the [n] content. */
    private boolean ava(ByteCursor c, String op) {
        if (!header(c) || t.tagNumber != 4) {
            return false;
        }
        appendRaw(c, t.length);
        sb.append(op);
        if (!header(c) || t.tagNumber != 4) {
            return false;
        }
        appendValue(c, t.length);
        return true;
    }

    /** SubstringFilter ::= SEQUENCE { type, substrings SEQUENCE OF CHOICE { initial [0], any [1], final [2] } }. */
    private boolean substrings(ByteCursor c, int end) {
        if (!header(c) || t.tagNumber != 4) {
            return false;
        }
        appendRaw(c, t.length);
        sb.append('=');
        if (!header(c) || t.tagNumber != 16) {
            return false;
        }
        int listEnd = c.position() + t.length;
        boolean sawFinal = false;
        boolean first = true;
        int n = 0;
        while (c.position() < listEnd && c.position() <= end) {
            if (++n > limits.maxListItems()) {
                anomaly = LdapAnomaly.TOO_MANY_ITEMS;
                return false;
            }
            if (!header(c) || t.tagClass != BerTlv.CLASS_CONTEXT || t.tagNumber > 2) {
                return false;
            }
            int kind = t.tagNumber;
            if (kind != 0 || !first) {
                sb.append('*');
            }
            appendValue(c, t.length);
            sawFinal = kind == 2;
            first = false;
        }
        if (!sawFinal) {
            sb.append('*');
        }
        return true;
    }

    /**
     * MatchingRuleAssertion ::= SEQUENCE { matchingRule [1] OPTIONAL, type [2] OPTIONAL,
     * matchValue [3], dnAttributes [4] BOOLEAN DEFAULT FALSE }, rendered
     * {@code attr[:dn][:rule]:=value} (RFC 4515 3).
     */
    private boolean extensible(ByteCursor c, int end) {
        int ruleOff = -1;
        int ruleLen = 0;
        int typeOff = -1;
        int typeLen = 0;
        int valOff = -1;
        int valLen = 0;
        boolean dn = false;
        while (c.position() < end) {
            if (!header(c) || t.tagClass != BerTlv.CLASS_CONTEXT) {
                return false;
            }
            switch (t.tagNumber) {
                case 1:
                    ruleOff = c.position();
                    ruleLen = t.length;
                    break;
                case 2:
                    typeOff = c.position();
                    typeLen = t.length;
                    break;
                case 3:
                    valOff = c.position();
                    valLen = t.length;
                    break;
                case 4:
                    dn = t.length == 1 && c.peekU8(c.position()) != 0;
                    break;
                default:
                    break;
            }
            c.skip(t.length);
        }
        if (valOff < 0) {
            return false;
        }
        if (typeOff >= 0) {
            c.seek(typeOff);
            appendRaw(c, typeLen);
        }
        if (dn) {
            sb.append(":dn");
        }
        if (ruleOff >= 0) {
            sb.append(':');
            c.seek(ruleOff);
            appendRaw(c, ruleLen);
        }
        sb.append(":=");
        c.seek(valOff);
        appendValue(c, valLen);
        return true;
    }

    /** An attribute description or rule id: UTF-8 text, not escaped. */
    private void appendRaw(ByteCursor c, int len) {
        sb.append(BerTlv.readString(c, len));
    }

    /** An assertion value, escaped per RFC 4515 3. */
    private void appendValue(ByteCursor c, int len) {
        if (!c.has(len)) {
            c.skip(len);
            return;
        }
        byte[] b = c.array();
        int p = c.arrayPosition();
        boolean ascii = true;
        for (int i = 0; i < len; i++) {
            if (b[p + i] < 0) {
                ascii = false;
                break;
            }
        }
        if (ascii) {
            for (int i = 0; i < len; i++) {
                appendChar((char) b[p + i]);
            }
        } else if (validUtf8(b, p, len)) {
            String s = new String(b, p, len, StandardCharsets.UTF_8);
            for (int i = 0; i < s.length(); i++) {
                appendChar(s.charAt(i));
            }
        } else {
            // Not UTF-8 (a binary value such as an objectSid or objectGUID): every octet escaped.
            for (int i = 0; i < len; i++) {
                escape(b[p + i] & 0xFF);
            }
        }
        c.skip(len);
    }

    /** RFC 3629 4 well-formedness (shortest forms, no surrogates, at most U+10FFFF). */
    static boolean validUtf8(byte[] b, int p, int len) {
        int i = p;
        int end = p + len;
        while (i < end) {
            int x = b[i] & 0xFF;
            int n;
            int min;
            if (x < 0x80) {
                i++;
                continue;
            } else if (x >= 0xC2 && x <= 0xDF) {
                n = 1;
                min = 0x80;
            } else if (x >= 0xE0 && x <= 0xEF) {
                n = 2;
                min = 0x800;
            } else if (x >= 0xF0 && x <= 0xF4) {
                n = 3;
                min = 0x10000;
            } else {
                return false;
            }
            if (i + n >= end) {
                return false;
            }
            int cp = x & (0x3F >> n);
            for (int k = 1; k <= n; k++) {
                int y = b[i + k] & 0xFF;
                if ((y & 0xC0) != 0x80) {
                    return false;
                }
                cp = cp << 6 | (y & 0x3F);
            }
            if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
                return false;
            }
            i += n + 1;
        }
        return true;
    }

    private void appendChar(char ch) {
        // RFC 4515 3 requires * ( ) \ NUL; control characters are escaped too, so that the text
        // stays printable in logs (escaping any octet is allowed).
        if (ch == '*' || ch == '(' || ch == ')' || ch == '\\' || ch < 0x20 || ch == 0x7f) {
            escape(ch);
        } else {
            sb.append(ch);
        }
    }

    private void escape(int v) {
        sb.append('\\').append(HEX[v >> 4 & 0xF]).append(HEX[v & 0xF]);
    }
}
