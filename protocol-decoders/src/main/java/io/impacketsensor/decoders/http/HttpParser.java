package io.impacketsensor.decoders.http;

import io.impacketsensor.core.wire.ParseStatus;

/**
 * The grammar of one HTTP/1.x header section (RFC 9112 2.1: start-line, field lines, the empty
 * line), read in place: every field the analyzer needs is kept as an offset and a length into the
 * array given to {@link #parse}, nothing is copied or allocated. The base64 credentials of an
 * {@code NTLM} or {@code Negotiate} field (RFC 4559 4; MS-NTHT 2.2) are decoded on request into
 * the caller's array ({@link #decodeToken}).
 */
final class HttpParser {
    /** Schemes whose credentials are security tokens for the token decoder. */
    static final int SCHEME_OTHER = 0;
    static final int SCHEME_NTLM = 1;
    static final int SCHEME_NEGOTIATE = 2;
    /** The scheme WinRM (MS-WSMV) gives a bare GSS-API Kerberos token. */
    static final int SCHEME_KERBEROS = 3;

    private final HttpLimits limits;

    /** The reason of the last ERROR. */
    HttpAnomaly anomaly;
    /** Detail of the last ERROR (a constant, never built from input). */
    String error;

    boolean request;
    int methodOff;
    int methodLen;
    int targetOff;
    int targetLen;
    int versionOff;
    int versionLen;
    int status;
    int hostOff;
    int hostLen;
    int userAgentOff;
    int userAgentLen;
    /** The Server field of a response (the first one), or length 0. */
    int serverOff;
    int serverLen;
    /** The first auth-scheme of Authorization / WWW-Authenticate (or the proxy fields), or length 0. */
    int schemeOff;
    int schemeLen;
    boolean proxyAuth;
    /** The base64 credentials of the first NTLM or Negotiate field that has some, or length 0. */
    int tokenOff;
    int tokenLen;
    int tokenScheme;
    /** Content-Length, or -1 when absent. */
    long contentLength;
    /** The last transfer coding is chunked. */
    boolean chunked;
    /** A Transfer-Encoding field was present. */
    boolean transferEncoding;
    int fields;

    HttpParser(HttpLimits limits) {
        this.limits = limits;
    }

    /**
     * Parses the header section at {@code b[off, off+len)}, which ends with its empty line.
     *
     * @param isRequest a request (request-line) or a response (status-line)
     */
    ParseStatus parse(byte[] b, int off, int len, boolean isRequest) {
        request = isRequest;
        hostLen = 0;
        userAgentLen = 0;
        serverLen = 0;
        schemeLen = 0;
        tokenLen = 0;
        tokenScheme = SCHEME_OTHER;
        proxyAuth = false;
        contentLength = -1;
        chunked = false;
        transferEncoding = false;
        fields = 0;
        status = -1;
        methodLen = 0;
        targetLen = 0;
        int end = off + len;
        int eol = lineEnd(b, off, end);
        if (eol < 0 || !(isRequest ? requestLine(b, off, trimCr(b, off, eol)) : statusLine(b, off, trimCr(b, off, eol)))) {
            return fail(HttpAnomaly.MALFORMED_START_LINE, isRequest ? "request line" : "status line");
        }
        int p = eol + 1;
        while (p < end) {
            eol = lineEnd(b, p, end);
            if (eol < 0) {
                return fail(HttpAnomaly.MALFORMED_FIELD, "field line without end");
            }
            int lineEnd = trimCr(b, p, eol);
            if (lineEnd == p) {
                return ParseStatus.OK; // the empty line that ends the section
            }
            if (b[p] == ' ' || b[p] == '\t') {
                // obs-fold (RFC 9112 5.2): the continuation of a field none of ours uses folded.
                p = eol + 1;
                continue;
            }
            if (++fields > limits.maxHeaderFields()) {
                return fail(HttpAnomaly.TOO_MANY_FIELDS, "more than the limit of fields");
            }
            ParseStatus st = field(b, p, lineEnd);
            if (st != ParseStatus.OK) {
                return st;
            }
            p = eol + 1;
        }
        return fail(HttpAnomaly.MALFORMED_FIELD, "no empty line");
    }

    private ParseStatus fail(HttpAnomaly a, String why) {
        anomaly = a;
        error = why;
        return ParseStatus.ERROR;
    }

    /** Index of the LF ending the line starting at {@code p}, or -1 (RFC 9112 2.2 accepts a bare LF). */
    private static int lineEnd(byte[] b, int p, int end) {
        for (int i = p; i < end; i++) {
            if (b[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** The line's end without its CR. */
    private static int trimCr(byte[] b, int start, int lf) {
        return lf > start && b[lf - 1] == '\r' ? lf - 1 : lf;
    }

    /** request-line = method SP request-target SP HTTP-version (RFC 9112 3). */
    private boolean requestLine(byte[] b, int p, int end) {
        int m = p;
        while (p < end && isTchar(b[p])) {
            p++;
        }
        if (p == m || p >= end || b[p] != ' ') {
            return false;
        }
        methodOff = m;
        methodLen = p - m;
        int t = ++p;
        while (p < end && b[p] != ' ') {
            if ((b[p] & 0xFF) <= 0x20 || b[p] == 0x7F) {
                return false;
            }
            p++;
        }
        if (p == t || p >= end) {
            return false;
        }
        targetOff = t;
        targetLen = p - t;
        p++;
        if (!isVersion(b, p, end)) {
            return false;
        }
        versionOff = p;
        versionLen = end - p;
        return true;
    }

    /** status-line = HTTP-version SP status-code SP [reason-phrase] (RFC 9112 4). */
    private boolean statusLine(byte[] b, int p, int end) {
        if (end - p < 12 || !isVersion(b, p, p + 8) || b[p + 8] != ' ') {
            return false;
        }
        versionOff = p;
        versionLen = 8;
        int s = 0;
        for (int i = p + 9; i < p + 12; i++) {
            if (b[i] < '0' || b[i] > '9') {
                return false;
            }
            s = s * 10 + b[i] - '0';
        }
        // RFC 9112 4: the SP before an empty reason-phrase may be missing in practice.
        if (end > p + 12 && b[p + 12] != ' ') {
            return false;
        }
        status = s;
        return true;
    }

    /** HTTP-version = "HTTP/" DIGIT "." DIGIT, exactly at {@code b[p, end)}; only 1.x is framed here. */
    static boolean isVersion(byte[] b, int p, int end) {
        return end - p == 8 && b[p] == 'H' && b[p + 1] == 'T' && b[p + 2] == 'T' && b[p + 3] == 'P'
                && b[p + 4] == '/' && b[p + 5] == '1' && b[p + 6] == '.' && b[p + 7] >= '0' && b[p + 7] <= '9';
    }

    /** token characters (RFC 9110 5.6.2). */
    static boolean isTchar(byte c) {
        if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
            return true;
        }
        return switch (c) {
            case '!', '#', '$', '%', '&', '\'', '*', '+', '-', '.', '^', '_', '`', '|', '~' -> true;
            default -> false;
        };
    }

    /** field-line = field-name ":" OWS field-value OWS (RFC 9112 5). */
    private ParseStatus field(byte[] b, int p, int end) {
        int n = p;
        while (p < end && isTchar(b[p])) {
            p++;
        }
        if (p == n || p >= end || b[p] != ':') {
            // RFC 9112 5.1: no whitespace is allowed between the field name and the colon.
            return fail(HttpAnomaly.MALFORMED_FIELD, "field line without a name and colon");
        }
        int nameLen = p - n;
        p++;
        while (p < end && (b[p] == ' ' || b[p] == '\t')) {
            p++;
        }
        int v = p;
        int ve = end;
        while (ve > v && (b[ve - 1] == ' ' || b[ve - 1] == '\t')) {
            ve--;
        }
        int vl = ve - v;
        switch (nameLen) {
            case 4 -> {
                if (eqIgnoreCase(b, n, "host") && hostLen == 0) {
                    hostOff = v;
                    hostLen = vl;
                }
            }
            case 6 -> {
                if (!request && eqIgnoreCase(b, n, "server") && serverLen == 0) {
                    serverOff = v;
                    serverLen = vl;
                }
            }
            case 10 -> {
                if (eqIgnoreCase(b, n, "user-agent") && userAgentLen == 0) {
                    userAgentOff = v;
                    userAgentLen = vl;
                }
            }
            case 14 -> {
                if (eqIgnoreCase(b, n, "content-length")) {
                    return contentLength(b, v, ve);
                }
            }
            case 17 -> {
                if (eqIgnoreCase(b, n, "transfer-encoding")) {
                    transferEncoding = true;
                    // RFC 9112 6.1: the last coding decides; chunked must be the last one.
                    chunked = vl >= 7 && eqIgnoreCase(b, ve - 7, "chunked") && (vl == 7 || b[ve - 8] == ' '
                            || b[ve - 8] == ',' || b[ve - 8] == '\t');
                }
            }
            case 13 -> {
                if (eqIgnoreCase(b, n, "authorization")) {
                    auth(b, v, ve, false);
                }
            }
            case 16 -> {
                if (eqIgnoreCase(b, n, "www-authenticate")) {
                    auth(b, v, ve, false);
                }
            }
            case 19 -> {
                if (eqIgnoreCase(b, n, "proxy-authorization")) {
                    auth(b, v, ve, true);
                }
            }
            case 18 -> {
                if (eqIgnoreCase(b, n, "proxy-authenticate")) {
                    auth(b, v, ve, true);
                }
            }
            default -> {
            }
        }
        return ParseStatus.OK;
    }

    /** Content-Length = 1*DIGIT (RFC 9110 8.6); several must agree (RFC 9112 6.3). */
    private ParseStatus contentLength(byte[] b, int p, int end) {
        if (p == end || end - p > 18) {
            return fail(HttpAnomaly.BAD_FRAMING, "Content-Length not a number of at most 18 digits");
        }
        long v = 0;
        for (int i = p; i < end; i++) {
            if (b[i] < '0' || b[i] > '9') {
                return fail(HttpAnomaly.BAD_FRAMING, "Content-Length not a number of at most 18 digits");
            }
            v = v * 10 + b[i] - '0';
        }
        if (contentLength >= 0 && contentLength != v) {
            return fail(HttpAnomaly.BAD_FRAMING, "Content-Length fields that differ");
        }
        contentLength = v;
        return ParseStatus.OK;
    }

    /**
     * credentials = auth-scheme [ 1*SP token68 ] (RFC 9110 11.4, 11.6.1). A WWW-Authenticate field
     * may list several challenges; the scheme of the first is recorded, and the credentials of the
     * first NTLM or Negotiate field with a token68 are kept.
     */
    private void auth(byte[] b, int p, int end, boolean proxy) {
        int s = p;
        while (p < end && isTchar(b[p])) {
            p++;
        }
        int sl = p - s;
        if (sl == 0) {
            return;
        }
        if (schemeLen == 0) {
            schemeOff = s;
            schemeLen = sl;
            proxyAuth = proxy;
        }
        int kind = sl == 4 && eqIgnoreCase(b, s, "ntlm") ? SCHEME_NTLM
                : sl == 9 && eqIgnoreCase(b, s, "negotiate") ? SCHEME_NEGOTIATE
                : sl == 8 && eqIgnoreCase(b, s, "kerberos") ? SCHEME_KERBEROS : SCHEME_OTHER;
        if (kind == SCHEME_OTHER || tokenLen > 0) {
            return;
        }
        while (p < end && b[p] == ' ') {
            p++;
        }
        int t = p;
        while (p < end && b[p] != ',' && b[p] != ' ') {
            p++;
        }
        if (p > t) {
            tokenOff = t;
            tokenLen = p - t;
            tokenScheme = kind;
        }
    }

    /** ASCII case-insensitive comparison of {@code b[off, off+lower.length())} with a lower-case string. */
    static boolean eqIgnoreCase(byte[] b, int off, String lower) {
        for (int i = 0; i < lower.length(); i++) {
            int c = b[off + i];
            if (c >= 'A' && c <= 'Z') {
                c += 32;
            }
            if (c != lower.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Case-insensitive prefix test of {@code b[off, off+len)}. */
    static boolean startsWithIgnoreCase(byte[] b, int off, int len, String lower) {
        return len >= lower.length() && eqIgnoreCase(b, off, lower);
    }

    /**
     * Decodes base64 (RFC 4648 4, padding optional) from {@code b[off, off+len)} into {@code out}.
     *
     * @return the decoded length, or -1 when a character is not base64 or {@code out} is too small
     */
    static int decodeToken(byte[] b, int off, int len, byte[] out) {
        int acc = 0;
        int bits = 0;
        int o = 0;
        int end = off + len;
        while (end > off && b[end - 1] == '=') {
            end--;
        }
        if (off + len - end > 2) {
            return -1;
        }
        for (int i = off; i < end; i++) {
            int v = SEXTETS[b[i] & 0xFF];
            if (v < 0) {
                return -1;
            }
            acc = acc << 6 | v;
            bits += 6;
            if (bits >= 8) {
                bits -= 8;
                if (o == out.length) {
                    return -1;
                }
                out[o++] = (byte) (acc >> bits);
            }
        }
        return o;
    }

    /** {@link #sextet} of every byte value: the decoding loop reads a table instead of comparing. */
    private static final byte[] SEXTETS = new byte[256];

    static {
        for (int c = 0; c < 256; c++) {
            SEXTETS[c] = (byte) sextet((byte) c);
        }
    }

    private static int sextet(byte c) {
        if (c >= 'A' && c <= 'Z') {
            return c - 'A';
        }
        if (c >= 'a' && c <= 'z') {
            return c - 'a' + 26;
        }
        if (c >= '0' && c <= '9') {
            return c - '0' + 52;
        }
        return c == '+' ? 62 : c == '/' ? 63 : -1;
    }

    /**
     * The request-target's path start: after the authority of an absolute-form target (a proxy
     * request, RFC 9112 3.2.2), else the target itself.
     */
    int pathOffset(byte[] b) {
        int p = targetOff;
        int end = targetOff + targetLen;
        if (startsWithIgnoreCase(b, p, targetLen, "http://") || startsWithIgnoreCase(b, p, targetLen, "https://")) {
            p += b[p + 4] == ':' ? 7 : 8;
            while (p < end && b[p] != '/') {
                p++;
            }
        }
        return p;
    }

    /** True when {@code b[off, off+len)} may start a request: a method token, SP, and no control bytes. */
    static boolean plausibleRequestStart(byte[] b, int off, int len) {
        int n = Math.min(len, 24);
        for (int i = 0; i < n; i++) {
            byte c = b[off + i];
            if (c == ' ') {
                return i > 0;
            }
            if (!(c >= 'A' && c <= 'Z' || c == '_' || c == '-')) {
                return false;
            }
        }
        return false;
    }

    /** True when {@code b[off, off+len)} starts with a status line's version ({@code HTTP/1.}). */
    static boolean plausibleResponseStart(byte[] b, int off, int len) {
        return len >= 7 && b[off] == 'H' && b[off + 1] == 'T' && b[off + 2] == 'T' && b[off + 3] == 'P'
                && b[off + 4] == '/' && b[off + 5] == '1' && b[off + 6] == '.';
    }
}
