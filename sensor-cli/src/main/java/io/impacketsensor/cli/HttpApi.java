package io.impacketsensor.cli;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.impacketsensor.detection.model.AnalysisResult;
import io.impacketsensor.detection.model.BlockEntry;
import io.impacketsensor.detection.NetworkEvent;
import io.impacketsensor.detection.NetworkEventException;
import io.impacketsensor.detection.state.FileBlocklistStore;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;

/**
 * The HTTP API (JDK {@code com.sun.net.httpserver}).
 *
 * <pre>
 * GET    /health          {"status":"ok"}, with "kafka" counters when kafka: is on   open
 * GET    /stats           engine statistics + capture/decoder counters         http.read_auth
 * GET    /blocklist       current blocklist entries                            http.read_auth
 * GET    /metrics         Prometheus text format                               http.read_auth
 * DELETE /blocklist/{ip}  unblock (404 when not blocked)                       token
 * POST   /events          one spec-format event object or an array of them     token
 * </pre>
 * Every request, before anything else: a Host that is not an IP literal, {@code localhost}, the
 * listen host or one of {@code http.allowed_hosts} is 403 (DNS rebinding: a web page whose name
 * resolves to 127.0.0.1 sends its own name); any {@code Origin} header is 403 (a browser adds it to
 * cross-site requests; API clients do not send one). Then the bearer token ({@link ApiToken}) where
 * required: 401 with {@code WWW-Authenticate: Bearer}. A POST body must be {@code application/json}
 * (415; a browser form cannot send that without a CORS preflight, which this API never grants).
 * Errors: 400 malformed JSON, an invalid event or a timestamp more than
 * {@code http.max_clock_skew_seconds} ahead of the sensor clock (nothing of the request is
 * analysed), 404 unknown path, 405 wrong method (with Allow), 413 body over
 * {@code http.max_body_bytes}, 503 when the request changed the blocklist but it could not be saved
 * (it is kept in memory and the save is retried). All errors are one-line JSON
 * {@code {"error":"..."}}.
 *
 * <p>An answer to POST /events or DELETE is sent after the blocklist it changed is on disk
 * (written, fsync'd and renamed): a block the API acknowledged survives {@code kill -9}.
 */
final class HttpApi implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonFactory JF = new JsonFactory();
    /** The exposition formats of the Prometheus client (text, OpenMetrics), chosen per request by Accept. */
    private static final ExpositionFormats FORMATS = ExpositionFormats.init();

    /** Request handlers. Each slow client holds one while it trickles; the others keep answering. */
    static final int THREADS = 8;
    /** Accepted requests waiting for a handler; more are refused (the connection is closed). */
    static final int QUEUE = 64;
    /** Seconds a client has to send a whole request (headers and body), and to read the answer. */
    static final int REQUEST_TIMEOUT_SECONDS = 10;
    static final int RESPONSE_TIMEOUT_SECONDS = 30;

    static {
        // The JDK server reads its limits once, from system properties, when the first server is
        // made; without maxReqTime a client that trickles its headers one byte at a time holds a
        // handler thread for ever (slowloris). An operator's own -D setting wins.
        setDefault("sun.net.httpserver.maxReqTime", REQUEST_TIMEOUT_SECONDS);
        setDefault("sun.net.httpserver.maxRspTime", RESPONSE_TIMEOUT_SECONDS);
        setDefault("jdk.httpserver.maxConnections", 256);
        setDefault("sun.net.httpserver.maxReqHeaders", 64);
        setDefault("sun.net.httpserver.maxReqHeaderSize", 16 << 10);
    }

    private static void setDefault(String key, int value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, Integer.toString(value));
        }
    }

    /** Who may call an endpoint: anyone, or a caller with the token. */
    private enum Access { OPEN, TOKEN }

    private final Service service;
    private final int maxBody;
    private final ApiToken token;
    private final boolean readsNeedToken;
    private final java.util.Set<String> hostNames;
    private final long maxSkewSeconds;
    private final HttpServer server;
    private final ExecutorService exec;

    /**
     * @param listenHost the host as configured (accepted in Host headers)
     * @param readsNeedToken whether GET /stats, /blocklist, /metrics need the token
     */
    HttpApi(Service service, InetSocketAddress address, String listenHost, int maxBodyBytes, ApiToken token,
            boolean readsNeedToken, java.util.List<String> allowedHosts, int maxSkewSeconds) throws IOException {
        this.service = service;
        this.maxBody = maxBodyBytes;
        this.token = token;
        this.readsNeedToken = readsNeedToken;
        java.util.Set<String> names = new java.util.HashSet<>();
        names.add("localhost");
        names.add(listenHost.toLowerCase(java.util.Locale.ROOT));
        allowedHosts.forEach(h -> names.add(h.toLowerCase(java.util.Locale.ROOT)));
        this.hostNames = java.util.Set.copyOf(names);
        this.maxSkewSeconds = maxSkewSeconds;
        this.server = HttpServer.create(address, QUEUE);
        this.exec = new java.util.concurrent.ThreadPoolExecutor(THREADS, THREADS, 0, java.util.concurrent.TimeUnit.SECONDS,
                new java.util.concurrent.ArrayBlockingQueue<>(QUEUE), r -> {
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
            String refused = guard(x, path);
            if (refused != null) {
                return;
            }
            switch (path) {
                case "/health" -> {
                    if (method(x, m, "GET")) {
                        json(x, 200, g -> {
                            g.writeStartObject();
                            g.writeStringField("status", "ok");
                            if (service.fleet() != null) {
                                service.fleet().writeCounters(g);
                            }
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
                        // Content negotiation as Prometheus does it: OpenMetrics text for a
                        // scraper that asks for it (Accept: application/openmetrics-text), the
                        // classic text format otherwise (protobuf is not built in).
                        ExpositionFormatWriter w = FORMATS.findWriter(x.getRequestHeaders().getFirst("Accept"));
                        if (!w.isAvailable()) {
                            w = FORMATS.getPrometheusTextFormatWriter();
                        }
                        ByteArrayOutputStream b = new ByteArrayOutputStream();
                        w.write(b, service.metrics().scrape());
                        send(x, 200, w.getContentType(), b.toByteArray());
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
                            if (had && !service.saveState()) {
                                message(x, 503, "unblocked " + ip + " in memory, but the blocklist could not be saved ("
                                        + service.stateError() + "); the save is retried");
                            } else {
                                message(x, had ? 200 : 404, had ? "unblocked " + ip : ip + " is not blocked");
                            }
                        }
                    } else {
                        message(x, 404, "no such path: " + path);
                    }
                }
            }
        } catch (RuntimeException e) {
            message(x, 500, "internal error: " + firstLine(String.valueOf(e.getMessage())));
        }
    }

    /** Which access a path needs. */
    private Access access(String path) {
        return switch (path) {
            case "/health" -> Access.OPEN;
            case "/stats", "/blocklist", "/metrics" -> readsNeedToken ? Access.TOKEN : Access.OPEN;
            case "/events" -> Access.TOKEN;
            default -> path.startsWith("/blocklist/") ? Access.TOKEN : Access.OPEN;
        };
    }

    /**
     * Host, Origin, token and (for POST) Content-Type and declared length. Answers the refusal and
     * returns its message, or returns null when the request may go on.
     */
    private String guard(HttpExchange x, String path) throws IOException {
        String host = x.getRequestHeaders().getFirst("Host");
        String err = null;
        int code = 403;
        if (host == null) {
            code = 400;
            err = "no Host header";
        } else if (!hostAllowed(host)) {
            err = "Host '" + clip(host) + "' is not this API's address (add the name to http.allowed_hosts)";
        } else if (x.getRequestHeaders().containsKey("Origin")) {
            err = "cross-origin requests are refused (Origin header present)";
        } else if (access(path) == Access.TOKEN && !token.matches(x.getRequestHeaders().getFirst("Authorization"))) {
            code = 401;
            err = x.getRequestHeaders().containsKey("Authorization") ? "wrong bearer token"
                    : "authentication required: send Authorization: Bearer <token> (the token is in " + token.file() + ")";
            x.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"impacket-sensor\"");
        } else if (x.getRequestMethod().equals("POST")) {
            String type = x.getRequestHeaders().getFirst("Content-Type");
            String len = x.getRequestHeaders().getFirst("Content-Length");
            if (type == null || !type.toLowerCase(java.util.Locale.ROOT).strip().matches("application/json\\s*(;.*)?")) {
                code = 415;
                err = "Content-Type must be application/json, not " + (type == null ? "absent" : "'" + clip(type) + "'");
            } else if (len != null && !len.strip().matches("\\d{1,18}")) {
                code = 400;
                err = "bad Content-Length '" + clip(len) + "'";
            } else if (len != null && Long.parseLong(len.strip()) > maxBody) {
                code = 413;
                err = "request body over " + maxBody + " bytes (http.max_body_bytes)";
            }
        }
        if (err != null) {
            message(x, code, err);
        }
        return err;
    }

    /** IP literals, localhost, the listen host and the allowed names, with or without a port. */
    private boolean hostAllowed(String hostHeader) {
        String h = hostHeader.strip();
        String name;
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            if (end < 0) {
                return false;
            }
            name = h.substring(1, end);
            if (end + 1 < h.length() && !h.substring(end + 1).matches(":\\d{1,5}")) {
                return false;
            }
        } else {
            int colon = h.indexOf(':');
            if (colon >= 0 && !h.substring(colon).matches(":\\d{1,5}")) {
                return false;
            }
            name = colon >= 0 ? h.substring(0, colon) : h;
        }
        if (name.isEmpty()) {
            return false;
        }
        return io.impacketsensor.detection.response.AllowListMatcher.parseAddress(name) != null
                || hostNames.contains(name.toLowerCase(java.util.Locale.ROOT));
    }

    /** A peer-controlled value quoted in an error: at most 64 characters, printable. */
    private static String clip(String s) {
        String t = s.length() > 64 ? s.substring(0, 64) + "..." : s;
        return t.replaceAll("[^\\x20-\\x7e]", "?");
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
        // Events may not come from the future: a far-ahead timestamp would move the engine's time
        // (windows, expiry); checked for all before any is analysed.
        java.time.Instant latest = java.time.Instant.now().plusSeconds(maxSkewSeconds);
        for (int i = 0; i < items.size(); i++) {
            String at = root.isArray() ? "event " + i + ": " : "";
            try {
                NetworkEvent ev = NetworkEvent.fromJson(items.get(i).toString());
                if (ev.timestamp() != null && ev.timestamp().isAfter(latest)) {
                    message(x, 400, at + "timestamp: " + ev.timestamp() + " is more than " + maxSkewSeconds
                            + " s ahead of the sensor clock (http.max_clock_skew_seconds)");
                    return;
                }
                parsed.add(ev);
            } catch (NetworkEventException e) {
                message(x, 400, at + e.getMessage());
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
        if (!service.ingested(parsed.size())) {
            message(x, 503, "events analysed, but the blocklist could not be saved (" + service.stateError()
                    + "); it is kept in memory and the save is retried");
            return;
        }
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
