package io.impacketsensor.decoders.http;

import io.impacketsensor.core.collections.ReusePool;
import io.impacketsensor.core.event.Carrier;
import io.impacketsensor.core.event.HttpEvent.HttpRequest;
import io.impacketsensor.core.event.HttpEvent.UriClass;
import io.impacketsensor.core.flow.Direction;
import io.impacketsensor.core.flow.FlowAnalyzer;
import io.impacketsensor.core.flow.FlowContext;
import io.impacketsensor.core.flow.PduBuffer;
import io.impacketsensor.core.wire.ParseStatus;
import io.impacketsensor.decoders.token.TokenDecoder;
import io.impacketsensor.decoders.token.TokenSession;
import io.impacketsensor.decoders.limit.BoundedFifo;

/**
 * HTTP/1.x over one TCP connection (RFC 9112): the header section of each request and response is
 * read, bodies are passed over by their framing (Content-Length, chunked transfer coding, or to the
 * end of the connection, RFC 9112 6.3) so that pipelined and keep-alive messages stay in step, and
 * responses are paired with requests in order (RFC 9112 9.3.2).
 *
 * <p>A header section a delivery holds whole is parsed in place; a split one is gathered in a
 * per-direction buffer bounded by {@link HttpLimits#maxHeaderBytes()}. A header section over the
 * limits, or one that cannot be framed, is reported and the flow skipped: after it the message
 * boundaries are unknown. The credentials of {@code NTLM} and {@code Negotiate} fields (RFC 4559,
 * MS-NTHT 2.2) go to the shared token decoder, whose NTLM and Kerberos events carry
 * {@link Carrier#HTTP}; a response tells it the outcome of the authentication. A TLS connection (443,
 * 5986, or found by probe) is counted and not inspected, as is a connection after a protocol switch
 * (101, or a CONNECT tunnel).
 */
public final class HttpAnalyzer implements FlowAnalyzer {
    /** Anomalies reported per flow; later ones are only counted. */
    static final int MAX_ANOMALY_EVENTS = 16;

    private static final int HEAD = 0;
    private static final int LENGTH = 1;
    private static final int CHUNK_SIZE = 2;
    private static final int CHUNK_EXT = 3;
    private static final int CHUNK_DATA = 4;
    private static final int CHUNK_CR = 5;
    private static final int CHUNK_LF = 6;
    private static final int TRAILER = 7;
    private static final int UNTIL_CLOSE = 8;

    /** Framing state of one direction. */
    private static final class Side {
        final boolean toServer;
        /** The split header section being gathered; dropped by the budget, the direction resynchronises. */
        final PduBuffer head;
        /** End-of-section scanner: 0 in a line, 1 after LF, 2 after LF CR. */
        int eol;
        int mode = HEAD;
        /** Body bytes (LENGTH, CHUNK_DATA) still to pass over, or the chunk size being read. */
        long remaining;
        int chunkDigits;
        /** Characters of the trailer line being read (0: the line is empty so far). */
        int trailerLine;
        /** After a gap or a dropped buffer: wait for a delivery that starts a message. */
        boolean resync;

        Side(FlowContext ctx, boolean toServer) {
            this.toServer = toServer;
            this.head = new PduBuffer(ctx, "http", held -> {
                resync = true;
                eol = 0;
                mode = HEAD;
                return held;
            });
        }

        /** As {@link #Side(FlowContext, boolean)} makes it, for a new flow (its buffer released at close). */
        void reuse(FlowContext ctx) {
            head.reuse(ctx);
            eol = 0;
            mode = HEAD;
            remaining = 0;
            chunkDigits = 0;
            trailerLine = 0;
            resync = false;
        }
    }

    private FlowContext ctx;
    private final HttpLimits limits;
    private final HttpParser parser;
    private final HttpCounters counters;
    private final TokenDecoder tokenDecoder;
    private final Side toServer;
    private final Side toClient;
    private final BoundedFifo<HttpRequest> pending;
    private int txCount;
    private TokenSession session;
    /** Where credentials are decoded ({@link TokenBuffer}). */
    private final TokenBuffer token;
    private boolean started;
    private boolean finished;
    private int anomalyEvents;
    /** The worker's last value of each event text field ({@link HttpEvents#request}). */
    private final HttpEvents.LastTexts lastText;
    /** Where the analyzer goes after its {@link #onClose} (null: nowhere). */
    private final ReusePool<HttpAnalyzer> pool;
    /** Set by {@link #onClose}: a second close must not hand the analyzer to the pool twice. */
    private boolean closed;

    /**
     * The array credentials are decoded into, one per decode worker, shared by its HTTP analyzers:
     * the token decoder reads a token and copies what it keeps before the next one is decoded.
     * Grown to the largest token seen, at most maxTokenBytes.
     */
    static final class TokenBuffer {
        private byte[] bytes;

        /** An array of at least {@code n} bytes; what it held is not kept. */
        byte[] atLeast(int n) {
            if (bytes == null || bytes.length < n) {
                bytes = new byte[n];
            }
            return bytes;
        }
    }

    /** With a last-values table and a token buffer of its own (tests). */
    public HttpAnalyzer(FlowContext ctx, HttpLimits limits, HttpCounters counters, TokenDecoder tokenDecoder) {
        this(ctx, limits, counters, tokenDecoder, new HttpEvents.LastTexts(), new TokenBuffer(), null);
    }

    /**
     * @param lastText the decode worker's last field values, shared by its HTTP analyzers
     * @param token    the decode worker's token buffer, shared by its HTTP analyzers
     * @param pool     where the analyzer goes after its close, for the worker's next flow
     */
    HttpAnalyzer(FlowContext ctx, HttpLimits limits, HttpCounters counters, TokenDecoder tokenDecoder,
                 HttpEvents.LastTexts lastText, TokenBuffer token, ReusePool<HttpAnalyzer> pool) {
        this.pool = pool;
        this.lastText = lastText;
        this.token = token;
        this.ctx = ctx;
        this.limits = limits;
        this.parser = new HttpParser(limits);
        this.counters = counters;
        this.tokenDecoder = tokenDecoder;
        this.pending = new BoundedFifo<>(limits.maxPending());
        this.toServer = new Side(ctx, true);
        this.toClient = new Side(ctx, false);
    }

    /**
     * For a new flow on {@code ctx}, after this one's {@link #onClose}: every field as the
     * constructor leaves it. The close emitted the pending requests and released the buffers; the
     * parser keeps nothing from one header section to the next.
     */
    void reuse(FlowContext ctx) {
        this.ctx = ctx;
        toServer.reuse(ctx);
        toClient.reuse(ctx);
        txCount = 0;
        session = null;
        started = false;
        finished = false;
        anomalyEvents = 0;
        closed = false;
    }

    @Override
    public boolean onData(Direction dir, byte[] buf, int off, int len) {
        if (finished) {
            return false;
        }
        Side s = dir == Direction.TO_SERVER ? toServer : toClient;
        if (!started) {
            started = true;
            if (isTls(buf, off, len)) {
                // HTTPS and WinRM over TLS are counted; TLS the any-port probe found elsewhere (LDAPS,
                // a custom port) is no HTTP of ours to count: the flow is only skipped.
                int port = ctx.serverPort();
                if (port == 443 || port == 5986) {
                    counters.tls++;
                } else {
                    counters.skippedFlows++;
                }
                finish();
                return false;
            }
        }
        if (s.resync) {
            // After a gap: wait for a delivery that starts a message (STYLE.md 7).
            if (!(s.toServer ? HttpParser.plausibleRequestStart(buf, off, len)
                    : HttpParser.plausibleResponseStart(buf, off, len))) {
                return true;
            }
            s.resync = false;
            s.mode = HEAD;
            s.eol = 0;
            s.head.clear();
        }
        while (len > 0) {
            int n;
            switch (s.mode) {
                case HEAD -> n = header(s, buf, off, len);
                case LENGTH -> {
                    n = (int) Math.min(len, s.remaining);
                    s.remaining -= n;
                    if (s.remaining == 0) {
                        s.mode = HEAD;
                    }
                }
                case UNTIL_CLOSE -> {
                    return true;
                }
                default -> n = chunked(s, buf, off, len);
            }
            if (n < 0) {
                finish();
                return false;
            }
            if (s.resync) {
                return true;
            }
            off += n;
            len -= n;
        }
        return true;
    }

    /** A TLS record header (RFC 8446 5.1): handshake content type 22, legacy version 3.x. */
    static boolean isTls(byte[] b, int off, int len) {
        return len >= 2 && b[off] == 0x16 && b[off + 1] == 0x03;
    }

    /**
     * Reads (the rest of) a header section up to its empty line; a section the delivery holds
     * whole is parsed in place.
     *
     * @return bytes consumed, or -1 to skip the flow
     */
    private int header(Side s, byte[] b, int off, int len) {
        int start = off;
        if (s.head.length() == 0 && s.eol == 0) {
            // RFC 9112 2.2: empty lines before a message are ignored.
            while (len > 0 && (b[off] == '\r' || b[off] == '\n')) {
                off++;
                len--;
            }
            if (len == 0) {
                return off - start;
            }
        }
        int held = s.head.length();
        int end = scanEnd(s, b, off, len);
        int n = end < 0 ? len : end - off;
        if ((long) held + n > limits.maxHeaderBytes()) {
            report(HttpAnomaly.HEADER_TOO_LONG, "header section over " + limits.maxHeaderBytes() + " bytes");
            counters.skippedFlows++;
            return -1;
        }
        if (end >= 0 && held == 0) {
            return message(s, b, off, n) ? off - start + n : -1;
        }
        if (!s.head.append(b, off, n, 1024, limits.maxHeaderBytes())) {
            // The budget took the buffer back: the direction waits for the next message start.
            return off - start + len;
        }
        if (end < 0) {
            return off - start + n;
        }
        int total = s.head.take();
        return message(s, s.head.array(), 0, total) ? off - start + n : -1;
    }

    /** Index after the LF of the empty line that ends the section, or -1; the scanner state carries over. */
    private static int scanEnd(Side s, byte[] b, int off, int len) {
        int e = s.eol;
        for (int i = off, end = off + len; i < end; i++) {
            byte c = b[i];
            if (c > '\r') {
                // Most bytes are text: one comparison settles them (CR and LF are below, as are
                // the bytes over 0x7F, negative here, which the branches below also take as text).
                e = 0;
            } else if (c == '\n') {
                if (e != 0) {
                    s.eol = 0;
                    return i + 1;
                }
                e = 1;
            } else if (c == '\r') {
                e = e == 1 ? 2 : 0;
            } else {
                e = 0;
            }
        }
        s.eol = e;
        return -1;
    }

    private boolean message(Side s, byte[] b, int off, int len) {
        if (parser.parse(b, off, len, s.toServer) != ParseStatus.OK) {
            report(parser.anomaly, parser.error);
            counters.skippedFlows++;
            return false;
        }
        counters.pdus++;
        return s.toServer ? request(s, b) : response(s, b);
    }

    private boolean request(Side s, byte[] b) {
        HttpParser p = parser;
        if (p.transferEncoding && !p.chunked) {
            // RFC 9112 6.3 (4): a request whose last coding is not chunked cannot be framed.
            report(HttpAnomaly.BAD_FRAMING, "request Transfer-Encoding not ending in chunked");
            counters.skippedFlows++;
            return false;
        }
        HttpRequest req = HttpEvents.request(ctx, p, b, ++txCount, classify(b), lastText);
        ctx.emit(req);
        queue(req);
        if (p.tokenLen > 0) {
            token(Direction.TO_SERVER, b);
        }
        // RFC 9112 6.3 (6, 7): a request without Content-Length or chunked coding has no body.
        body(s, p.chunked, p.contentLength > 0 ? p.contentLength : 0);
        return true;
    }

    private boolean response(Side s, byte[] b) {
        HttpParser p = parser;
        int st = p.status;
        if (st < 200 && st != 101) {
            // An interim response (RFC 9110 15.2): no body, the request still waits for its final one.
            s.mode = HEAD;
            return true;
        }
        HttpRequest req = takePending();
        ctx.emit(HttpEvents.response(ctx, p, b, req, lastText));
        if (p.tokenLen > 0) {
            token(Direction.TO_CLIENT, b);
        }
        if (session != null && req != null && !req.authScheme().isEmpty()) {
            // The outcome of the authentication the request carried: 401/407 refuse it (RFC 9110
            // 15.5.2, 15.5.8); any other final status means the credentials were accepted.
            session.onResult(st == 401 || st == 407 ? st : 0);
        }
        if (st == 101 || st / 100 == 2 && req != null && "CONNECT".equals(req.method())) {
            // RFC 9110 15.2.2, 9.3.6: the connection now carries another protocol.
            counters.skippedFlows++;
            return false;
        }
        // RFC 9112 6.3 (1, 2): no body after HEAD, 204 and 304; (8): without a length, to the close.
        boolean none = st == 204 || st == 304 || req != null && "HEAD".equals(req.method());
        if (none) {
            s.mode = HEAD;
        } else if (p.chunked || p.contentLength >= 0) {
            body(s, p.chunked, p.contentLength);
        } else {
            s.mode = UNTIL_CLOSE;
        }
        return true;
    }

    private static void body(Side s, boolean chunked, long length) {
        if (chunked) {
            startChunk(s);
        } else if (length > 0) {
            s.mode = LENGTH;
            s.remaining = length;
        } else {
            s.mode = HEAD;
        }
    }

    private static void startChunk(Side s) {
        s.mode = CHUNK_SIZE;
        s.remaining = 0;
        s.chunkDigits = 0;
    }

    /**
     * The chunked transfer coding (RFC 9112 7.1): chunk-size [ext] CRLF data CRLF ... last-chunk
     * trailer-section CRLF. Extensions and trailer fields are passed over unread.
     *
     * @return bytes consumed (stops when the message ends), or -1 to skip the flow
     */
    private int chunked(Side s, byte[] b, int off, int len) {
        int i = off;
        int end = off + len;
        while (i < end && s.mode != HEAD) {
            switch (s.mode) {
                case CHUNK_SIZE -> {
                    byte c = b[i];
                    int h = hex(c);
                    if (h >= 0) {
                        if (++s.chunkDigits > 15) {
                            return badChunk("chunk size of more than 15 hex digits");
                        }
                        s.remaining = s.remaining << 4 | h;
                    } else if (s.chunkDigits == 0) {
                        return badChunk("chunk size not hexadecimal");
                    } else if (c == '\n') {
                        afterSize(s);
                    } else if (c == ';' || c == ' ' || c == '\t' || c == '\r') {
                        s.mode = CHUNK_EXT;
                    } else {
                        return badChunk("chunk size not hexadecimal");
                    }
                    i++;
                }
                case CHUNK_EXT -> {
                    if (b[i++] == '\n') {
                        afterSize(s);
                    }
                }
                case CHUNK_DATA -> {
                    int n = (int) Math.min(end - i, s.remaining);
                    s.remaining -= n;
                    i += n;
                    if (s.remaining == 0) {
                        s.mode = CHUNK_CR;
                    }
                }
                case CHUNK_CR -> {
                    byte c = b[i++];
                    if (c == '\r') {
                        s.mode = CHUNK_LF;
                    } else if (c == '\n') {
                        startChunk(s);
                    } else {
                        return badChunk("chunk data not followed by CRLF");
                    }
                }
                case CHUNK_LF -> {
                    if (b[i++] != '\n') {
                        return badChunk("chunk data not followed by CRLF");
                    }
                    startChunk(s);
                }
                default -> {
                    // TRAILER: field lines until an empty one.
                    byte c = b[i++];
                    if (c == '\n') {
                        if (s.trailerLine == 0) {
                            s.mode = HEAD;
                        }
                        s.trailerLine = 0;
                    } else if (c != '\r') {
                        s.trailerLine++;
                    }
                }
            }
        }
        return i - off;
    }

    private static void afterSize(Side s) {
        if (s.remaining == 0) {
            s.mode = TRAILER;
            s.trailerLine = 0;
        } else {
            s.mode = CHUNK_DATA;
        }
    }

    private int badChunk(String detail) {
        report(HttpAnomaly.BAD_CHUNK, detail);
        counters.skippedFlows++;
        return -1;
    }

    private static int hex(byte c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        return c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    }

    /** The service the request addresses (MS-WSMV 2.1 /wsman, MS-WCCE web enrolment /certsrv, EWS, WebDAV). */
    private UriClass classify(byte[] b) {
        HttpParser p = parser;
        int path = p.pathOffset(b);
        int len = p.targetOff + p.targetLen - path;
        if (segment(b, path, len, "/certsrv")) {
            return UriClass.ADCS;
        }
        if (segment(b, path, len, "/wsman")) {
            return UriClass.WINRM;
        }
        if (segment(b, path, len, "/ews")) {
            return UriClass.EWS;
        }
        boolean davMethod = p.methodLen == 8 && HttpParser.eqIgnoreCase(b, p.methodOff, "propfind")
                || p.methodLen == 7 && HttpParser.eqIgnoreCase(b, p.methodOff, "options");
        if (davMethod && HttpParser.startsWithIgnoreCase(b, p.userAgentOff, p.userAgentLen, "microsoft-webdav-miniredir")) {
            return UriClass.WEBDAV;
        }
        return UriClass.NONE;
    }

    /** The path starts with the segment {@code lower}, followed by '/', '?' or its end. */
    private static boolean segment(byte[] b, int off, int len, String lower) {
        int n = lower.length();
        return HttpParser.startsWithIgnoreCase(b, off, len, lower) && (len == n || b[off + n] == '/' || b[off + n] == '?');
    }

    /** Decodes the base64 credentials of an NTLM or Negotiate field and hands them to the token decoder. */
    private void token(Direction dir, byte[] b) {
        if (tokenDecoder == null) {
            return;
        }
        HttpParser p = parser;
        int need = p.tokenLen / 4 * 3 + 3;
        if (need > limits.maxTokenBytes() + 3) {
            report(HttpAnomaly.BAD_TOKEN, "token of " + p.tokenLen + " base64 characters over "
                    + limits.maxTokenBytes() + " bytes");
            return;
        }
        byte[] into = token.atLeast(need);
        int n = HttpParser.decodeToken(b, p.tokenOff, p.tokenLen, into);
        if (n <= 0) {
            report(HttpAnomaly.BAD_TOKEN, "credentials not base64");
            return;
        }
        if (session == null) {
            session = tokenDecoder.newSession(ctx, Carrier.HTTP);
        }
        counters.tokens++;
        session.onToken(dir, into, 0, n);
    }

    private void queue(HttpRequest req) {
        if (pending.full()) {
            report(HttpAnomaly.TOO_MANY_PENDING, pending.size() + " requests without response");
            ctx.emit(HttpEvents.unanswered(ctx, takePending()));
        }
        pending.add(req);
    }

    private HttpRequest takePending() {
        return pending.poll();
    }

    /** Reports an anomaly (at most {@link #MAX_ANOMALY_EVENTS} events per flow, every one counted). */
    private void report(HttpAnomaly a, String detail) {
        counters.parserError++;
        if (anomalyEvents < MAX_ANOMALY_EVENTS) {
            anomalyEvents++;
            HttpEvents.anomaly(ctx, a, detail);
        }
    }

    @Override
    public boolean onGap(Direction dir, long len) {
        if (finished) {
            return false;
        }
        counters.gap++;
        Side s = dir == Direction.TO_SERVER ? toServer : toClient;
        s.head.clear();
        s.eol = 0;
        s.mode = HEAD;
        s.resync = true;
        // Requests and responses can no longer be paired in order: the waiting requests are
        // reported without response.
        flushPending();
        report(HttpAnomaly.GAP, len + " bytes missing");
        return true;
    }

    private void flushPending() {
        while (pending.size() > 0) {
            ctx.emit(HttpEvents.unanswered(ctx, takePending()));
        }
    }

    @Override
    public void onClose() {
        if (closed) {
            return;
        }
        closed = true;
        finish();
        if (pool != null) {
            // Nothing calls an analyzer after its close (the flow is detached): it serves the
            // worker's next HTTP flow.
            pool.give(this);
        }
    }

    /** Emits what is pending and lets the buffers go; the flow is not read after this. */
    private void finish() {
        if (finished) {
            return;
        }
        finished = true;
        flushPending();
        if (session != null) {
            session.close();
        }
        toServer.head.release();
        toClient.head.release();
    }
}
