package io.impacketsensor.decoders.http;

import io.impacketsensor.core.collections.ReusePool;
import io.impacketsensor.core.event.Transport;
import io.impacketsensor.core.flow.AnalyzerFactory;
import io.impacketsensor.core.flow.Direction;
import io.impacketsensor.core.flow.FlowAnalyzer;
import io.impacketsensor.core.flow.FlowContext;
import io.impacketsensor.core.spi.CounterVisitor;
import io.impacketsensor.core.wire.ProbeResult;
import io.impacketsensor.decoders.token.TokenDecoder;

/**
 * HTTP/1.x on TCP 80, 8080, 5985 and 47001 (WinRM, MS-WSMV), any other TCP port whose first bytes
 * are an HTTP/1.x request line, and TLS on 443 and 5986, which is counted and not inspected. One
 * instance per decode worker.
 */
public final class HttpAnalyzerFactory implements AnalyzerFactory {
    /** Longest method accepted by the probe (the longest registered, UNCHECKOUT and friends, is 16). */
    private static final int MAX_METHOD = 20;

    private final HttpLimits limits;
    private final TokenDecoder tokenDecoder;
    private final HttpCounters counters = new HttpCounters();
    /**
     * The last value of each event text field, shared by the worker's HTTP analyzers (the factory is
     * the worker's): clients repeat their method, host, agent and version across connections too.
     */
    private final HttpEvents.LastTexts lastText = new HttpEvents.LastTexts();
    /** The array the worker's HTTP analyzers decode credentials into. */
    private final HttpAnalyzer.TokenBuffer token = new HttpAnalyzer.TokenBuffer();
    /** Enough for the flows a worker ends between two that start; more only holds memory. */
    static final int POOLED = 16;
    /**
     * Analyzers of ended flows, for this worker's next ones: a new analyzer with its parser, buffers
     * and their budget accounts per connection was most of what an HTTP flow allocated besides its
     * events (a WinRM or relay client opens one connection after another).
     */
    private final ReusePool<HttpAnalyzer> pool = new ReusePool<>(POOLED);

    /**
     * @param tokenDecoder the shared SPNEGO/NTLMSSP/Kerberos token decoder for NTLM, Negotiate and Kerberos
     *                     credentials, or null to record requests without decoding their tokens
     */
    public HttpAnalyzerFactory(HttpLimits limits, TokenDecoder tokenDecoder) {
        this.limits = limits;
        this.tokenDecoder = tokenDecoder;
    }

    @Override
    public String name() {
        return "http";
    }

    @Override
    public boolean wantsPort(Transport transport, int serverPort) {
        return transport == Transport.TCP && (serverPort == 80 || serverPort == 8080 || serverPort == 5985
                || serverPort == 47001 || serverPort == 443 || serverPort == 5986);
    }

    @Override
    public boolean probesAnyPort() {
        return true;
    }

    /**
     * A request line ({@code METHOD SP target SP HTTP/1.x CRLF}, RFC 9112 3) to the server, a status
     * line's {@code HTTP/1.} to the client, or a TLS handshake record (counted, then skipped).
     */
    @Override
    public ProbeResult probe(Transport transport, Direction dir, byte[] buf, int off, int len) {
        if (transport != Transport.TCP) {
            return ProbeResult.NO_MATCH;
        }
        if (len < 2) {
            return ProbeResult.NEED_MORE;
        }
        if (HttpAnalyzer.isTls(buf, off, len)) {
            return ProbeResult.MATCH;
        }
        if (dir == Direction.TO_CLIENT) {
            if (len < 7) {
                return ProbeResult.NEED_MORE;
            }
            return HttpParser.plausibleResponseStart(buf, off, len) ? ProbeResult.MATCH : ProbeResult.NO_MATCH;
        }
        return requestLine(buf, off, len);
    }

    private static ProbeResult requestLine(byte[] b, int off, int len) {
        int end = off + len;
        int p = off;
        while (p < end && p - off <= MAX_METHOD && (b[p] >= 'A' && b[p] <= 'Z' || b[p] == '_' || b[p] == '-')) {
            p++;
        }
        if (p == end) {
            return p - off <= MAX_METHOD ? ProbeResult.NEED_MORE : ProbeResult.NO_MATCH;
        }
        if (p == off || b[p] != ' ') {
            return ProbeResult.NO_MATCH;
        }
        p++;
        int t = p;
        while (p < end && (b[p] & 0xFF) > 0x20 && b[p] != 0x7F) {
            p++;
        }
        if (p == end) {
            return ProbeResult.NEED_MORE;
        }
        if (p == t || b[p] != ' ') {
            return ProbeResult.NO_MATCH;
        }
        p++;
        if (end - p < 8) {
            return ProbeResult.NEED_MORE;
        }
        return HttpParser.isVersion(b, p, p + 8) ? ProbeResult.MATCH : ProbeResult.NO_MATCH;
    }

    @Override
    public FlowAnalyzer create(FlowContext ctx) {
        HttpAnalyzer kept = pool.take();
        if (kept != null) {
            kept.reuse(ctx);
            return kept;
        }
        return new HttpAnalyzer(ctx, limits, counters, tokenDecoder, lastText, token, pool);
    }

    /** Analyzers kept for the next flows (tests). */
    int pooled() {
        return pool.size();
    }

    @Override
    public void reportCounters(CounterVisitor visitor) {
        visitor.counter("proto.http.pdus", counters.pdus);
        visitor.counter("proto.http.parser_error", counters.parserError);
        visitor.counter("proto.http.gap", counters.gap);
        visitor.counter("proto.http.skipped_flows", counters.skippedFlows);
        visitor.counter("proto.http.tls", counters.tls);
        visitor.counter("proto.http.tokens", counters.tokens);
    }
}
