package io.impacketsensor.cli;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.impacketsensor.detection.AnalysisResult;
import io.impacketsensor.detection.BlockEntry;
import io.impacketsensor.detection.NetworkEvent;
import io.impacketsensor.detection.NetworkEventException;
import io.impacketsensor.detection.state.FileBlocklistStore;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The HTTP API (JDK {@code com.sun.net.httpserver}, two threads). No authentication: bind it to
 * localhost or a management network.
 *
 * <pre>
 * GET    /health          {"status":"ok"}
 * GET    /stats           engine statistics + capture/decoder counters (this run and lifetime)
 * GET    /blocklist       current blocklist entries
 * DELETE /blocklist/{ip}  unblock (404 when not blocked)
 * GET    /metrics         Prometheus text format
 * POST   /events          one spec-format event object or an array of them; answers their analyses
 * </pre>
 * Errors: 400 malformed JSON or invalid event (with a message), 404 unknown path, 405 wrong method
 * (with Allow), 413 body over {@code http.max_body_bytes}.
 */
final class HttpApi implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonFactory JF = new JsonFactory();

    private final Service service;
    private final int maxBody;
    private final HttpServer server;
    private final ExecutorService exec;

    HttpApi(Service service, InetSocketAddress address, int maxBodyBytes) throws IOException {
        this.service = service;
        this.maxBody = maxBodyBytes;
        this.server = HttpServer.create(address, 16);
        this.exec = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(exec);
        server.createContext("/", this::handle);
        server.start();
    }

    InetSocketAddress address() {
        return server.getAddress();
    }

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            String path = x.getRequestURI().getPath();
            String m = x.getRequestMethod();
            switch (path) {
                case "/health" -> {
                    if (method(x, m, "GET")) {
                        json(x, 200, g -> {
                            g.writeStartObject();
                            g.writeStringField("status", "ok");
                            g.writeEndObject();
                        });
                    }
                }
                case "/stats" -> {
                    if (method(x, m, "GET")) {
                        json(x, 200, service::writeStats);
                    }
                }
                case "/blocklist" -> {
                    if (method(x, m, "GET")) {
                        List<BlockEntry> l = service.blocked();
                        send(x, 200, "application/json", FileBlocklistStore.serialize(l));
                    }
                }
                case "/metrics" -> {
                    if (method(x, m, "GET")) {
                        ByteArrayOutputStream b = new ByteArrayOutputStream();
                        PrometheusTextFormatWriter.create().write(b, service.metrics().scrape());
                        send(x, 200, PrometheusTextFormatWriter.CONTENT_TYPE, b.toByteArray());
                    }
                }
                case "/events" -> {
                    if (method(x, m, "POST")) {
                        events(x);
                    }
                }
                default -> {
                    if (path.startsWith("/blocklist/") && path.length() > "/blocklist/".length()) {
                        if (method(x, m, "DELETE")) {
                            String ip = path.substring("/blocklist/".length());
                            boolean had = service.unblock(ip);
                            message(x, had ? 200 : 404, had ? "unblocked " + ip : ip + " is not blocked");
                        }
                    } else {
                        message(x, 404, "no such path: " + path);
                    }
                }
            }
        } catch (RuntimeException e) {
            message(x, 500, "internal error: " + e);
        }
    }

    /** True when the method is the allowed one; else answers 405 with Allow. */
    private static boolean method(HttpExchange x, String m, String allowed) throws IOException {
        if (m.equals(allowed)) {
            return true;
        }
        x.getResponseHeaders().set("Allow", allowed);
        message(x, 405, "method " + m + " not allowed; use " + allowed);
        return false;
    }

    private void events(HttpExchange x) throws IOException {
        byte[] body = readBounded(x.getRequestBody(), maxBody);
        if (body == null) {
            message(x, 413, "request body over " + maxBody + " bytes (http.max_body_bytes)");
            return;
        }
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException e) {
            message(x, 400, "malformed JSON: " + firstLine(e.getMessage()));
            return;
        }
        if (root == null || !(root.isObject() || root.isArray())) {
            message(x, 400, "expected an event object or an array of events");
            return;
        }
        List<JsonNode> items = new ArrayList<>();
        if (root.isArray()) {
            root.forEach(items::add);
        } else {
            items.add(root);
        }
        List<NetworkEvent> parsed = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            try {
                parsed.add(NetworkEvent.fromJson(items.get(i).toString()));
            } catch (NetworkEventException e) {
                message(x, 400, (root.isArray() ? "event " + i + ": " : "") + e.getMessage());
                return;
            }
        }
        List<AnalysisResult> results = new ArrayList<>();
        for (NetworkEvent ev : parsed) {
            try {
                results.add(service.engine().analyzeNetworkEvent(ev));
            } catch (NetworkEventException e) {
                message(x, 400, e.getMessage());
                return;
            }
        }
        service.ingested(parsed.size());
        json(x, 200, g -> {
            g.writeStartArray();
            for (int i = 0; i < results.size(); i++) {
                AnalyzeCommand.write(g, i + 1, results.get(i));
            }
            g.writeEndArray();
        });
    }

    /** The body, or null when it is longer than {@code max}. */
    static byte[] readBounded(InputStream in, int max) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int r;
        while ((r = in.read(buf)) > 0) {
            if (b.size() + r > max) {
                return null;
            }
            b.write(buf, 0, r);
        }
        return b.toByteArray();
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unreadable";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    private static void json(HttpExchange x, int code, Body body) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (JsonGenerator g = JF.createGenerator(b, JsonEncoding.UTF8)) {
            body.write(g);
        }
        b.write('\n');
        send(x, code, "application/json", b.toByteArray());
    }

    private static void message(HttpExchange x, int code, String msg) throws IOException {
        json(x, code, g -> {
            g.writeStartObject();
            g.writeStringField(code < 400 ? "message" : "error", msg);
            g.writeEndObject();
        });
    }

    private static void send(HttpExchange x, int code, String type, byte[] body) throws IOException {
        x.getResponseHeaders().set("Content-Type", type);
        x.sendResponseHeaders(code, body.length == 0 ? -1 : body.length);
        try (OutputStream os = x.getResponseBody()) {
            os.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(1);
        exec.shutdownNow();
    }
}
