package io.impacketsensor.detection.eve;

import com.fasterxml.jackson.core.JsonGenerator;
import io.impacketsensor.core.event.HttpEvent.HttpRequest;
import io.impacketsensor.core.event.HttpEvent.HttpResponse;
import io.impacketsensor.detection.rules.Text;

import java.io.IOException;

/**
 * The {@code http} EVE protocol record of one request with its response (Suricata's transaction):
 * common header ({@code app_proto} http), Suricata's {@code http} object ({@code hostname},
 * {@code http_port}, {@code url}, {@code http_user_agent}, {@code http_method}, {@code protocol},
 * {@code status}, {@code length}), then our fields under {@code impacket_sensor} (transaction number,
 * URI class, the authentication schemes of both sides). Credentials are never in the event, so
 * never here. Peer-sent text is quoted to {@link Text#QUOTE_LIMIT} characters.
 */
public final class HttpRecords {
    private HttpRecords() {
    }

    /** Writes one whole record (start and end object included). */
    public static void write(JsonGenerator g, HttpResponse r) throws IOException {
        HttpRequest q = r.request();
        g.writeStartObject();
        EveCommon.writeHeader(g, r.header(), "http", "http");
        g.writeObjectFieldStart("http");
        if (q != null) {
            String host = q.host();
            int colon = host.lastIndexOf(':');
            boolean port = colon > 0 && colon < host.length() - 1 && host.indexOf(']', colon) < 0
                    && digits(host, colon + 1);
            if (!host.isEmpty()) {
                g.writeStringField("hostname", Text.quote(port ? host.substring(0, colon) : host));
            }
            if (port && host.length() - colon - 1 <= 5) {
                g.writeNumberField("http_port", Integer.parseInt(host.substring(colon + 1)));
            }
            g.writeStringField("url", Text.quote(q.uri()));
            if (!q.userAgent().isEmpty()) {
                g.writeStringField("http_user_agent", Text.quote(q.userAgent()));
            }
            g.writeStringField("http_method", q.method());
            g.writeStringField("protocol", q.protocol());
        } else if (!r.protocol().isEmpty()) {
            g.writeStringField("protocol", r.protocol());
        }
        if (r.status() >= 0) {
            g.writeNumberField("status", r.status());
        }
        // Suricata's length is the response body seen; ours its declared Content-Length (0 for a
        // chunked body or one read to the end of the connection).
        g.writeNumberField("length", Math.max(0, r.contentLength()));
        g.writeEndObject();
        EveCommon.startExtension(g);
        if (q != null) {
            g.writeNumberField("tx_id", q.txId());
            g.writeStringField("uri_class", q.uriClass().label());
            if (!q.authScheme().isEmpty()) {
                g.writeStringField("auth_scheme", Text.quote(q.authScheme()));
                g.writeBooleanField("proxy_auth", q.proxyAuth());
            }
            if (q.contentLength() != -1) {
                g.writeNumberField("request_length", Math.max(0, q.contentLength()));
            }
            if (q.contentLength() == -2) {
                g.writeBooleanField("request_chunked", true);
            }
        } else {
            g.writeBooleanField("request_seen", false);
        }
        if (!r.authScheme().isEmpty()) {
            g.writeStringField("www_authenticate", Text.quote(r.authScheme()));
        }
        if (r.contentLength() == -2) {
            g.writeBooleanField("response_chunked", true);
        }
        g.writeEndObject();
        g.writeEndObject();
    }

    /** The HTTP context of an NTLM record carried by HTTP: {@code http} inside the {@code ntlm} object. */
    static void context(JsonGenerator g, HttpRequest q, int status) throws IOException {
        g.writeObjectFieldStart("http");
        if (!q.host().isEmpty()) {
            g.writeStringField("hostname", Text.quote(q.host()));
        }
        g.writeStringField("url", Text.quote(q.uri()));
        g.writeStringField("http_method", q.method());
        if (!q.userAgent().isEmpty()) {
            g.writeStringField("http_user_agent", Text.quote(q.userAgent()));
        }
        if (status >= 0) {
            g.writeNumberField("status", status);
        }
        g.writeStringField("uri_class", q.uriClass().label());
        g.writeEndObject();
    }

    private static boolean digits(String s, int from) {
        for (int i = from; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return from < s.length();
    }
}
