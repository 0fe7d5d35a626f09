package io.impacketsensor.detection.examples;

import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpServer;
import io.impacketsensor.detection.ImpacketProtection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs the embedding example (docs/user/embedding.md) on loopback: a JDK HttpServer whose login context
 * is guarded by {@link ProtectionFilter} with {@link LdapLoginEvents}.
 */
class ProtectionFilterTest {
    private static final long SECOND = 1_000_000_000L;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final AtomicLong clock = new AtomicLong(0);
    private final ImpacketProtection protection = new ImpacketProtection();
    private HttpServer server;
    private String base;

    /** The application: a login that accepts jdoe/right and answers 401 otherwise. */
    private void start(int maxRequestsPerSecond) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        HttpContext login = server.createContext("/login", x -> {
            String q = x.getRequestURI().getRawQuery();
            String user = LdapLoginEvents.user(q);
            x.setAttribute(ProtectionFilter.LOGIN_USER, user);
            boolean ok = "jdoe".equals(user) && q.contains("password=right");
            byte[] b = (ok ? "welcome\n" : "denied\n").getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(ok ? 200 : 401, b.length);
            try (OutputStream o = x.getResponseBody()) {
                o.write(b);
            }
        });
        login.getFilters().add(new ProtectionFilter(protection, new LdapLoginEvents("10.0.0.5"),
                maxRequestsPerSecond, SECOND, clock::get));
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private HttpResponse<String> login(String user, String password) throws Exception {
        String q = "user=" + URLEncoder.encode(user, StandardCharsets.UTF_8) + "&password=" + password;
        return client.send(HttpRequest.newBuilder(URI.create(base + "/login?" + q)).timeout(Duration.ofSeconds(10))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void ordinaryLoginPassesAndLdapInjectionIsBlocked() throws Exception {
        start(100);
        assertEquals(200, login("jdoe", "right").statusCode());
        HttpResponse<String> inj = login("*)(|(objectClass=*)", "x");
        assertEquals(403, inj.statusCode(), inj.body());
        assertEquals("blocked: ldap_injection\n", inj.body());
        assertEquals("127.0.0.1", protection.getBlockedIps().get(0).ip());
        // Blocked now: even the right password is refused, before the application runs.
        assertEquals(403, login("jdoe", "right").statusCode());
        assertTrue(protection.unblock("127.0.0.1"));
        assertEquals(200, login("jdoe", "right").statusCode());
    }

    @Test
    void eachAddressIsRateLimited() throws Exception {
        start(5);
        for (int i = 0; i < 5; i++) {
            assertEquals(200, login("jdoe", "right").statusCode());
        }
        HttpResponse<String> r = login("jdoe", "right");
        assertEquals(429, r.statusCode());
        assertEquals("1", r.headers().firstValue("Retry-After").orElse(""));
        clock.addAndGet(SECOND);
        assertEquals(200, login("jdoe", "right").statusCode(), "a new window");
        assertTrue(protection.getBlockedIps().isEmpty(), "a flood is throttled, not blocked");
    }

    @Test
    void failedLoginsAreReportedAndBruteForceEndsInABlock() throws Exception {
        start(100);
        int status = 0;
        int attempts = 0;
        while (status != 403 && attempts < 20) {
            status = login("helpdesk", "guess" + attempts).statusCode();
            attempts++;
        }
        assertEquals(403, status, "blocked after repeated failures");
        assertTrue(attempts > 6, "not before the specification's > 5 failures: " + attempts);
        assertTrue(protection.getStatistics().byAttackType().containsKey("brute_force"),
                protection.getStatistics().toString());
        assertEquals(attempts - 1, protection.getStatistics().authAttempts());
    }
}
