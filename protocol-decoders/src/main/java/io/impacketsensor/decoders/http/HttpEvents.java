package io.impacketsensor.decoders.http;

import io.impacketsensor.core.event.HttpEvent.HttpRequest;
import io.impacketsensor.core.event.HttpEvent.HttpResponse;
import io.impacketsensor.core.event.HttpEvent.UriClass;
import io.impacketsensor.core.event.ProtocolAnomaly;
import io.impacketsensor.core.flow.FlowContext;
import io.impacketsensor.decoders.text.RecentBytes;

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

    /** A decode worker's last value of each text field, with its bytes to compare the next value with. */
    static final class LastTexts {
        private final String[] text = new String[TEXT_FIELDS];
        private final RecentBytes[] bytes = new RecentBytes[TEXT_FIELDS];

        LastTexts() {
            for (int i = 0; i < TEXT_FIELDS; i++) {
                // One value per field; any length the parser accepted is kept.
                bytes[i] = new RecentBytes(1, Integer.MAX_VALUE, 32);
            }
        }
    }

    /**
     * The request whose header section is in {@code b}. {@code last} holds the worker's last value
     * of each field: clients repeat their method, host, agent and version request after request and
     * connection after connection, and an equal value is taken from there instead of made again.
     */
    static HttpRequest request(FlowContext ctx, HttpParser p, byte[] b, int txId, UriClass uriClass, LastTexts last) {
        return new HttpRequest(ctx.header(), txId, text(b, p.methodOff, p.methodLen, last, 0),
                text(b, p.targetOff, p.targetLen, last, 1), text(b, p.hostOff, p.hostLen, last, 2),
                text(b, p.userAgentOff, p.userAgentLen, last, 3), text(b, p.versionOff, p.versionLen, last, 4),
                text(b, p.schemeOff, p.schemeLen, last, 5), p.proxyAuth, uriClass, p.chunked ? -2 : p.contentLength);
    }

    /** The response whose header section is in {@code b}, answering {@code req} (may be null). */
    static HttpResponse response(FlowContext ctx, HttpParser p, byte[] b, HttpRequest req, LastTexts last) {
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

    /** The field's text, the slot's last value when it has the same bytes. */
    private static String text(byte[] b, int off, int len, LastTexts last, int slot) {
        if (len <= 0) {
            return "";
        }
        RecentBytes seen = last.bytes[slot];
        if (seen.find(b, off, len) == 0) {
            return last.text[slot];
        }
        String s = new String(b, off, len, StandardCharsets.ISO_8859_1);
        seen.keep(b, off, len);
        last.text[slot] = s;
        return s;
    }
}
