package io.impacketsensor.decoders.http;

import io.impacketsensor.core.event.HttpEvent.HttpRequest;
import io.impacketsensor.core.event.HttpEvent.HttpResponse;
import io.impacketsensor.core.event.HttpEvent.UriClass;
import io.impacketsensor.core.event.ProtocolAnomaly;
import io.impacketsensor.core.flow.FlowContext;

import java.nio.charset.StandardCharsets;

/**
 * Builds the HTTP events from the fields of the header section {@link HttpParser} just parsed, and
 * the anomaly records; the only place in this package where events are created. Field values are
 * read as ISO-8859-1 (RFC 9110 5.5: field values are octets, historically Latin-1).
 */
final class HttpEvents {
    private HttpEvents() {
    }

    /** The request whose header section is in {@code b}. */
    static HttpRequest request(FlowContext ctx, HttpParser p, byte[] b, int txId, UriClass uriClass) {
        return new HttpRequest(ctx.header(), txId, text(b, p.methodOff, p.methodLen), text(b, p.targetOff, p.targetLen),
                text(b, p.hostOff, p.hostLen), text(b, p.userAgentOff, p.userAgentLen),
                text(b, p.versionOff, p.versionLen), text(b, p.schemeOff, p.schemeLen), p.proxyAuth, uriClass,
                p.chunked ? -2 : p.contentLength);
    }

    /** The response whose header section is in {@code b}, answering {@code req} (may be null). */
    static HttpResponse response(FlowContext ctx, HttpParser p, byte[] b, HttpRequest req) {
        return new HttpResponse(ctx.header(), req, p.status, text(b, p.versionOff, p.versionLen),
                text(b, p.schemeOff, p.schemeLen), p.chunked ? -2 : p.contentLength, text(b, p.serverOff, p.serverLen));
    }

    /** A request the connection ended (or a gap or the pending limit forgot) before its response. */
    static HttpResponse unanswered(FlowContext ctx, HttpRequest req) {
        return new HttpResponse(ctx.header(), req, -1, "", "", -1, "");
    }

    /** An anomaly record: the anomaly's event name and a detail naming what was seen. */
    static void anomaly(FlowContext ctx, HttpAnomaly a, String detail) {
        ctx.emit(new ProtocolAnomaly(ctx.header(), a.eventName(), detail));
    }

    private static String text(byte[] b, int off, int len) {
        return len <= 0 ? "" : new String(b, off, len, StandardCharsets.ISO_8859_1);
    }
}
