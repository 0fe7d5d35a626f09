package io.impacketsensor.detection.examples;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import io.impacketsensor.detection.model.Action;
import io.impacketsensor.detection.model.AnalysisResult;
import io.impacketsensor.detection.model.AuthAttempt;
import io.impacketsensor.detection.model.BlockEntry;
import io.impacketsensor.detection.ImpacketProtection;
import io.impacketsensor.detection.NetworkEvent;
import io.impacketsensor.detection.NetworkEventException;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Embedding example (docs/user/embedding.md): a filter for the JDK's {@code com.sun.net.httpserver}
 * that puts {@link ImpacketProtection} in front of an application, as the specification's
 * middleware and flood-protection examples do in Python. For each request it
 * <ol>
 *   <li>refuses addresses on the engine's blocklist (403);</li>
 *   <li>limits each address to {@code maxRequests} per {@code windowNanos} (429 with Retry-After);</li>
 *   <li>maps the request's metadata to a flat event ({@link EventMapper}) and refuses it when the
 *       engine's action is {@code block} (403) — the source is then on the blocklist;</li>
 *   <li>after the application answered, reports a login's outcome ({@code 401} = failed) with
 *       {@link ImpacketProtection#reportAuthAttempt}, so brute force and spraying are detected.</li>
 * </ol>
 * No dependency beyond the JDK and the detection engine. Thread-safe: the engine serialises its
 * callers, the limiter is synchronised.
 */
public final class ProtectionFilter extends Filter {
    /** The flat event a request amounts to, or null when it carries nothing for the engine. */
    @FunctionalInterface
    public interface EventMapper {
        NetworkEvent toEvent(HttpExchange exchange, String sourceIp);
    }

    /** Attribute the application sets on the exchange to name the account of a login attempt. */
    public static final String LOGIN_USER = "impacket-protection.login-user";

    private final ImpacketProtection protection;
    private final EventMapper mapper;
    private final RateLimiter limiter;

    /**
     * @param maxRequests requests one address may make per window
     * @param windowNanos the window
     * @param clock       monotonic nanoseconds ({@code System::nanoTime})
     */
    public ProtectionFilter(ImpacketProtection protection, EventMapper mapper, int maxRequests, long windowNanos,
                            LongSupplier clock) {
        this.protection = protection;
        this.mapper = mapper;
        this.limiter = new RateLimiter(maxRequests, windowNanos, clock, 100_000);
    }

    @Override
    public String description() {
        return "ImpacketProtection: blocklist, per-address rate limit, request analysis";
    }

    @Override
    public void doFilter(HttpExchange x, Chain chain) throws IOException {
        String ip = x.getRemoteAddress().getAddress().getHostAddress();
        if (blocked(ip)) {
            reply(x, 403, "blocked\n");
            return;
        }
        long retryAfter = limiter.acquire(ip);
        if (retryAfter > 0) {
            x.getResponseHeaders().set("Retry-After", Long.toString(Math.max(1, retryAfter / 1_000_000_000L)));
            reply(x, 429, "too many requests\n");
            return;
        }
        NetworkEvent event;
        try {
            event = mapper.toEvent(x, ip);
        } catch (NetworkEventException e) {
            reply(x, 400, e.getMessage() + "\n");
            return;
        }
        if (event != null) {
            AnalysisResult r = protection.analyzeNetworkEvent(event);
            if (r.analysis().action() == Action.BLOCK) {
                reply(x, 403, "blocked: " + r.analysis().attackTypeId() + "\n");
                return;
            }
        }
        chain.doFilter(x);
        Object user = x.getAttribute(LOGIN_USER);
        if (user != null) {
            protection.reportAuthAttempt(ip, new AuthAttempt(user.toString(), "HTTP", "password",
                    x.getResponseCode() != 401));
        }
    }

    private boolean blocked(String ip) {
        for (BlockEntry b : protection.getBlockedIps()) {
            if (b.ip().equals(ip)) {
                return true;
            }
        }
        return false;
    }

    private static void reply(HttpExchange x, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        x.sendResponseHeaders(status, b.length);
        try (OutputStream o = x.getResponseBody()) {
            o.write(b);
        }
        x.close();
    }

    /**
     * Fixed-window counter per address, the specification's flood example: at most {@code max}
     * requests per window. The table is bounded (least recently used addresses are forgotten), so
     * a flood from many addresses cannot exhaust memory.
     */
    static final class RateLimiter {
        private final int max;
        private final long window;
        private final LongSupplier clock;
        private final Map<String, long[]> windows;

        RateLimiter(int max, long windowNanos, LongSupplier clock, int maxAddresses) {
            this.max = max;
            this.window = windowNanos;
            this.clock = clock;
            this.windows = new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, long[]> eldest) {
                    return size() > maxAddresses;
                }
            };
        }

        /** 0 when the request may pass, else the nanoseconds until the address's window ends. */
        synchronized long acquire(String ip) {
            long now = clock.getAsLong();
            long[] w = windows.computeIfAbsent(ip, k -> new long[]{now, 0}); // {window start, count}
            if (now - w[0] >= window) {
                w[0] = now;
                w[1] = 0;
            }
            if (w[1] >= max) {
                return w[0] + window - now;
            }
            w[1]++;
            return 0;
        }
    }
}
