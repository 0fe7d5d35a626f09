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

    /** Slots of a connection's last field values ({@link #text}): one per field of the two events. */
    static final int TEXT_FIELDS = 9;

    /**
     * The request whose header section is in {@code b}. {@code last} holds the connection's last
     * value of each field: a connection repeats its method, host, agent and version request after
     * request, and an equal value is taken from there instead of made again.
     */
    static HttpRequest request(FlowContext ctx, HttpParser p, byte[] b, int txId, UriClass uriClass, String[] last) {
        return new HttpRequest(ctx.header(), txId, text(b, p.methodOff, p.methodLen, last, 0),
                text(b, p.targetOff, p.targetLen, last, 1), text(b, p.hostOff, p.hostLen, last, 2),
                text(b, p.userAgentOff, p.userAgentLen, last, 3), text(b, p.versionOff, p.versionLen, last, 4),
                text(b, p.schemeOff, p.schemeLen, last, 5), p.proxyAuth, uriClass, p.chunked ? -2 : p.contentLength);
    }

    /** The response whose header section is in {@code b}, answering {@code req} (may be null). */
    static HttpResponse response(FlowContext ctx, HttpParser p, byte[] b, HttpRequest req, String[] last) {
        return new HttpResponse(ctx.header(), req, p.status, text(b, p.versionOff, p.versionLen, last, 6),
                text(b, p.schemeOff, p.schemeLen, last, 7), p.chunked ? -2 : p.contentLength,
                text(b, p.serverOff, p.serverLen, last, 8));
    }

    /** A request the connection ended (or a gap or the pending limit forgot) before its response. */
    static HttpResponse unanswered(FlowContext ctx, HttpRequest req) {
        return new HttpResponse(ctx.header(), req, -1, "", "", -1, "");
    }

    /** An anomaly record: the anomaly's event name and a detail naming what was seen. */
    static void anomaly(FlowContext ctx, HttpAnomaly a, String detail) {
        ctx.emit(new ProtocolAnomaly(ctx.header(), a.eventName(), detail));
    }

    /** The field's text, {@code last[slot]} when it holds the same characters. */
    private static String text(byte[] b, int off, int len, String[] last, int slot) {
        if (len <= 0) {
            return "";
        }
        String s = last[slot];
        if (s != null && sameLatin1(s, b, off, len)) {
            return s;
        }
        s = new String(b, off, len, StandardCharsets.ISO_8859_1);
        last[slot] = s;
        return s;
    }

    private static boolean sameLatin1(String s, byte[] b, int off, int len) {
        if (s.length() != len) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            if (s.charAt(i) != (b[off + i] & 0xFF)) {
                return false;
            }
        }
        return true;
    }
}
