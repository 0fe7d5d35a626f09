package io.impacketsensor.fleet.correlate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.impacketsensor.core.testkit.Captures;
import io.impacketsensor.core.testkit.Cuts;
import io.impacketsensor.core.testkit.Replay;
import io.impacketsensor.detection.config.EngineConfig;
import io.impacketsensor.detection.engine.Alert;
import io.impacketsensor.fleet.FleetPublisher;
import io.impacketsensor.fleet.SensorReplay;
import io.impacketsensor.fleet.TestBroker;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The correlator on a real in-process broker, fed by sensors that each replay one link's part of a
 * real lab capture: the fleet alerts come once each, and match what one sensor seeing everything
 * raises.
 */
class CorrelatorTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static TestBroker broker;

    @BeforeAll
    static void start() throws Exception {
        broker = new TestBroker();
    }

    @AfterAll
    static void stop() throws Exception {
        if (broker != null) {
            broker.close();
        }
    }

    /** IPv4 source or destination of an Ethernet frame equals {@code ip} (dotted). */
    static Predicate<Replay.Frame> touches(String ip) {
        byte[] want = new byte[4];
        String[] p = ip.split("\\.");
        for (int i = 0; i < 4; i++) {
            want[i] = (byte) Integer.parseInt(p[i]);
        }
        return f -> {
            byte[] b = f.data();
            if (b.length < 34 || (b[12] & 0xFF) != 0x08 || b[13] != 0) {
                return false;
            }
            boolean src = true;
            boolean dst = true;
            for (int i = 0; i < 4; i++) {
                src &= b[26 + i] == want[i];
                dst &= b[30 + i] == want[i];
            }
            return src || dst;
        };
    }

    static Predicate<Replay.Frame> tcpPort(int port) {
        return f -> Cuts.dstPort(f) == port || Cuts.srcPort(f) == port;
    }

    /** One sensor replaying the frames of its link and publishing to the broker. */
    static SensorReplay sensor(String name, List<Replay.Frame> frames, Path dir, String events) throws Exception {
        Path pcap = Cuts.write(frames, dir.resolve(name + "-" + System.nanoTime() + ".pcap"));
        var s = TestBroker.settings(broker.bootstrap(), Map.of("sensor", name,
                "topics", Map.of("events", events, "alerts", events + "-local", "stats", events + "-stats")));
        try (FleetPublisher p = FleetPublisher.open(s, dir)) {
            return new SensorReplay(p).replay(pcap);
        }
    }

    static Correlator correlator(String app, Path state, String events, String alerts) {
        Properties p = new Properties();
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, app);
        p.put(StreamsConfig.STATE_DIR_CONFIG, state.toString());
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, "1");
        Correlator c = new Correlator(p, events, alerts, EngineConfig.defaults());
        c.start();
        return c;
    }

    static void awaitRunning(Correlator c) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (c.streams().state() != KafkaStreams.State.RUNNING && System.nanoTime() < end) {
            Thread.sleep(50);
        }
        assertEquals(KafkaStreams.State.RUNNING, c.streams().state());
    }

    static Set<String> types(List<Alert> alerts) {
        Set<String> t = new TreeSet<>();
        alerts.forEach(a -> t.add(a.analysis().attackTypeId()));
        return t;
    }

    static List<String> summary(List<ConsumerRecord<String, byte[]>> got) throws Exception {
        List<String> out = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : got) {
            JsonNode n = JSON.readTree(r.value());
            assertEquals("alert", n.path("event_type").asText());
            out.add(n.path("impacket").path("fleet").asText() + " " + n.path("impacket").path("attack_type").asText()
                    + " " + n.path("src_ip").asText() + " " + n.path("impacket").path("sensors"));
        }
        out.sort(null);
        return out;
    }

    @Test
    void relayAndChainSplitOverTwoSensorsRaiseEachFleetAlertOnce(@TempDir Path dir) throws Exception {
        broker.createTopics(3, "c1-events", "c1-alerts");
        try (Correlator c = correlator("c1", dir.resolve("state"), "c1-events", "c1-alerts")) {
            awaitRunning(c);
            // ntlmrelayx: the victim (10.99.0.3) authenticates to the relay host, which relays to
            // the DC: the victim's link is mirrored to sensor a, the DC's to sensor b.
            List<Replay.Frame> relay = Replay.frames(Captures.lab("atk_ntlmrelayx_smb.pcap"));
            Predicate<Replay.Frame> victimLink = touches("10.99.0.3");
            SensorReplay a1 = sensor("sensor-a", relay.stream().filter(victimLink).toList(), dir, "c1-events");
            SensorReplay b1 = sensor("sensor-b", relay.stream().filter(victimLink.negate()).toList(), dir, "c1-events");
            // secretsdump: SAMR enumeration over SMB (445) on sensor a's link, DRSUAPI (135 and the
            // dynamic RPC port) on sensor b's.
            List<Replay.Frame> dump = Replay.frames(Captures.lab("atk_secretsdump_dcsync.pcap"));
            SensorReplay a2 = sensor("sensor-a", dump.stream().filter(tcpPort(445)).toList(), dir, "c1-events");
            SensorReplay b2 = sensor("sensor-b", dump.stream().filter(tcpPort(445).negate()).toList(), dir, "c1-events");
            assertTrue(types(a2.alerts).contains("samr_enumeration"), types(a2.alerts).toString());
            assertTrue(types(b2.alerts).contains("dcsync"), types(b2.alerts).toString());
            assertFalse(a1.events.isEmpty() || b1.events.isEmpty());

            List<ConsumerRecord<String, byte[]>> got = broker.read("c1-alerts", 2, Duration.ofSeconds(60));
            assertEquals(List.of("chain dcsync 10.99.0.2 [\"sensor-a\",\"sensor-b\"]",
                    "relay ntlm_relay 10.99.0.2 [\"sensor-a\",\"sensor-b\"]"), summary(got),
                    "exactly the fleet alerts, once each");

            // One sensor seeing both links raises the same attack types itself.
            SensorReplay whole = new SensorReplay(null).replay(Captures.lab("atk_ntlmrelayx_smb.pcap"));
            SensorReplay wholeDump = new SensorReplay(null).replay(Captures.lab("atk_secretsdump_dcsync.pcap"));
            assertTrue(types(whole.alerts).contains("ntlm_relay"));
            assertTrue(types(wholeDump.alerts).contains("dcsync"));
        }
    }

    @Test
    void anInstanceStoppedMidStreamHandsItsStateToAnotherWithoutLosingOrRepeatingAnAlert(@TempDir Path dir)
            throws Exception {
        broker.createTopics(3, "c2-events", "c2-alerts");
        List<Replay.Frame> relay = Replay.frames(Captures.lab("atk_ntlmrelayx_smb.pcap"));
        Predicate<Replay.Frame> victimLink = touches("10.99.0.3");
        List<Replay.Frame> dump = Replay.frames(Captures.lab("atk_secretsdump_dcsync.pcap"));
        Correlator one = correlator("c2", dir.resolve("state-1"), "c2-events", "c2-alerts");
        try (Correlator two = correlator("c2", dir.resolve("state-2"), "c2-events", "c2-alerts")) {
            awaitRunning(one);
            awaitRunning(two);
            // The first leg of each attack: its state is in one of the two instances.
            sensor("sensor-a", relay.stream().filter(victimLink).toList(), dir, "c2-events");
            sensor("sensor-a", dump.stream().filter(tcpPort(445)).toList(), dir, "c2-events");
            // Both instances have processed what they own once the group's committed offsets reach
            // the end of the events topic (exactly-once commits with the state).
            Thread.sleep(3_000);
            one.close();
            awaitRunning(two);
            sensor("sensor-b", relay.stream().filter(victimLink.negate()).toList(), dir, "c2-events");
            sensor("sensor-b", dump.stream().filter(tcpPort(445).negate()).toList(), dir, "c2-events");
            List<ConsumerRecord<String, byte[]>> got = broker.read("c2-alerts", 2, Duration.ofSeconds(60));
            assertEquals(List.of("chain dcsync 10.99.0.2 [\"sensor-a\",\"sensor-b\"]",
                    "relay ntlm_relay 10.99.0.2 [\"sensor-a\",\"sensor-b\"]"), summary(got),
                    "the surviving instance restored the first legs from the changelogs");
        } finally {
            one.close();
        }
    }
    /**
     * The correlator's jar as {@code impacket-sensor correlate} finds it: a jar whose manifest
     * Class-Path names this module's classes and every dependency (what the shaded jar bundles), so
     * the command's own class loader runs the correlator isolated from the test's.
     */
    static Path correlatorJar(Path dir) throws Exception {
        StringBuilder cp = new StringBuilder();
        for (String e : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            if (!e.isEmpty()) {
                cp.append(cp.isEmpty() ? "" : " ").append(Path.of(e).toAbsolutePath().toUri());
            }
        }
        java.util.jar.Manifest m = new java.util.jar.Manifest();
        m.getMainAttributes().put(java.util.jar.Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().put(java.util.jar.Attributes.Name.CLASS_PATH, cp.toString());
        Path jar = dir.resolve(io.impacketsensor.fleet.CorrelatorJar.FILE);
        try (var out = new java.util.jar.JarOutputStream(java.nio.file.Files.newOutputStream(jar), m)) {
            out.flush();
        }
        return jar;
    }

    static String get(String url) throws Exception {
        var r = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), url + ": " + r.body());
        return r.body();
    }

    /** {@code promtool check metrics} (the Prometheus linter) finds nothing, where promtool is installed (CI). */
    static void promtoolClean(String metrics, Path dir) throws Exception {
        boolean onPath = false;
        for (String d : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            onPath |= !d.isEmpty() && java.nio.file.Files.isExecutable(Path.of(d, "promtool"));
        }
        if (!onPath) {
            return;
        }
        Path f = java.nio.file.Files.writeString(dir.resolve("metrics.txt"), metrics);
        Process p = new ProcessBuilder("promtool", "check", "metrics").redirectInput(f.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "promtool check metrics: " + out);
        assertEquals("", out.strip(), "promtool check metrics: " + out);
    }

    @Test
    void theCorrelateCommandRunsTheCorrelatorsJarUntilStopped(@TempDir Path dir) throws Exception {
        broker.createTopics(3, "c3-events", "c3-alerts");
        Path cfg = dir.resolve("fleet.yaml");
        java.nio.file.Files.writeString(cfg, "kafka:\n  bootstrap_servers: [\"" + broker.bootstrap()
                + "\"]\n  topics:\n    events: c3-events\n");
        Path jar = io.impacketsensor.fleet.CorrelatorJar.locate(null, null, correlatorJar(dir).getParent(), null);
        java.util.concurrent.CompletableFuture<Void> stop = new java.util.concurrent.CompletableFuture<>();
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        java.util.concurrent.CompletableFuture<Integer> exit = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return io.impacketsensor.fleet.CorrelatorJar.run(jar, List.of("--config", cfg.toString(), "--application-id",
                        "c3", "--state-dir", dir.resolve("state").toString(), "--alerts-topic", "c3-alerts", "--http", "127.0.0.1:0"),
                        new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8), stop);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        try {
            List<Replay.Frame> relay = Replay.frames(Captures.lab("atk_ntlmrelayx_smb.pcap"));
            Predicate<Replay.Frame> victimLink = touches("10.99.0.3");
            sensor("sensor-a", relay.stream().filter(victimLink).toList(), dir, "c3-events");
            sensor("sensor-b", relay.stream().filter(victimLink.negate()).toList(), dir, "c3-events");
            List<ConsumerRecord<String, byte[]>> got = broker.read("c3-alerts", 1, Duration.ofSeconds(60));
            assertEquals(List.of("relay ntlm_relay 10.99.0.2 [\"sensor-a\",\"sensor-b\"]"), summary(got));
            // Its /metrics and /health: the lag of every events partition, caught up once all is read.
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("/metrics on 127\\.0\\.0\\.1:(\\d+)").matcher(err.toString());
            assertTrue(m.find(), err.toString());
            String base = "http://127.0.0.1:" + m.group(1);
            String metrics = "";
            long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < end && !(metrics.contains("impacket_correlator_fleet_alerts_total{layer=\"relay\"} 1")
                    && metrics.contains("impacket_correlator_consumer_lag_records{topic=\"c3-events\",partition=\"2\"} 0")
                    && metrics.contains("impacket_correlator_consumer_lag_records{topic=\"c3-events\",partition=\"0\"} 0")
                    && metrics.contains("impacket_correlator_consumer_lag_records{topic=\"c3-events\",partition=\"1\"} 0"))) {
                metrics = get(base + "/metrics");
                Thread.sleep(200);
            }
            assertTrue(metrics.contains("impacket_correlator_up 1"), metrics);
            assertTrue(metrics.contains("impacket_correlator_fleet_alerts_total{layer=\"relay\"} 1"), metrics);
            for (int part = 0; part < 3; part++) {
                assertTrue(metrics.contains("impacket_correlator_consumer_lag_records{topic=\"c3-events\",partition=\"" + part
                        + "\"} 0"), metrics);
            }
            assertTrue(metrics.contains("impacket_correlator_consumer_lag_records{topic=\"c3-fleet-auth-repartition\""), metrics);
            promtoolClean(metrics, dir);
            JsonNode health = JSON.readTree(get(base + "/health"));
            assertEquals("RUNNING", health.path("state").asText());
            assertTrue(health.path("healthy").asBoolean());
            assertEquals(0, health.path("lag").asLong(), health.toString());
            assertTrue(health.path("records").asLong() > 0, health.toString());
        } finally {
            stop.complete(null);
        }
        assertEquals(0, exit.get(60, java.util.concurrent.TimeUnit.SECONDS), err.toString());
        assertTrue(err.toString().contains("c3 reading c3-events, fleet alerts to c3-alerts"), err.toString());
    }

    /**
     * The frames of a capture dealt over {@code n} sensors by TCP/UDP flow, in the order the flows
     * start; other frames go to the first.
     */
    static List<List<Replay.Frame>> byFlow(List<Replay.Frame> frames, int n) {
        List<List<Replay.Frame>> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new ArrayList<>());
        }
        Map<String, Integer> flows = new java.util.HashMap<>();
        for (Replay.Frame f : frames) {
            byte[] b = f.data();
            int link = 0;
            if (b.length >= 38 && (b[12] & 0xFF) == 0x08 && b[13] == 0 && (b[23] == 6 || b[23] == 17)) {
                String a = java.util.HexFormat.of().formatHex(b, 26, 30) + ":" + Cuts.srcPort(f);
                String z = java.util.HexFormat.of().formatHex(b, 30, 34) + ":" + Cuts.dstPort(f);
                String key = b[23] + (a.compareTo(z) < 0 ? a + "-" + z : z + "-" + a);
                link = flows.computeIfAbsent(key, k -> flows.size() % n);
            }
            out.get(link).add(f);
        }
        return out;
    }

    @Test
    void aSprayOverThreeDcLinksIsRaisedOnceByTheFleetAndAtAlertLevelByNoSensorAlone(@TempDir Path dir) throws Exception {
        broker.createTopics(3, "c4-events", "c4-alerts");
        // Impacket smbclient.py tries one password for 26 domain accounts, one SMB connection each.
        // The lab has one DC: its connections dealt over three sensors stand in for a spray over three
        // DCs, each DC's link mirrored to its own sensor (9, 9 and 8 failed logons each).
        List<Replay.Frame> spray = Replay.frames(Captures.lab("atk_spray.i014.pcap"));
        try (Correlator c = correlator("c4", dir.resolve("state"), "c4-events", "c4-alerts")) {
            awaitRunning(c);
            List<List<Replay.Frame>> links = byFlow(spray, 3);
            for (int i = 0; i < 3; i++) {
                SensorReplay s = sensor("dc-link-" + i, links.get(i), dir, "c4-events");
                long failures = s.events.stream().filter(e -> e instanceof io.impacketsensor.core.event.NtlmEvent.NtlmAuthenticate a
                        && a.status() != 0 && a.status() != io.impacketsensor.core.event.SensorEvent.NO_STATUS).count();
                assertTrue(failures >= 8 && failures <= 9, "dc-link-" + i + ": " + failures + " failed logons");
                for (Alert a : s.alerts) {
                    assertFalse(a.analysis().attackTypeId().equals("password_spray")
                            && a.analysis().action().compareTo(io.impacketsensor.detection.model.Action.ALERT) >= 0,
                            "dc-link-" + i + " alone raised the spray: " + a.analysis().indicators());
                }
            }
            // The sensors replay one after the other: the fleet's window crosses the spray threshold
            // (more than 5 failures over 10 accounts) with the second link's first failure; the third
            // link's failures fall in the same window and raise nothing more.
            List<ConsumerRecord<String, byte[]>> got = broker.read("c4-alerts", 1, Duration.ofSeconds(60));
            assertEquals(List.of("spray password_spray 10.99.0.2 [\"dc-link-0\",\"dc-link-1\"]"), summary(got),
                    "exactly one fleet alert");
            JsonNode alert = JSON.readTree(got.get(0).value());
            assertEquals(9000901, alert.path("alert").path("signature_id").asInt());
            assertTrue(alert.path("impacket").path("indicators").get(0).asText().startsWith(
                    "10 failed authentications across 10 accounts within 300 s over 2 sensors (dc-link-0: 9, dc-link-1: 1)"),
                    alert.toString());
        }
        // One sensor on the whole capture raises the spray itself.
        SensorReplay whole = new SensorReplay(null).replay(Captures.lab("atk_spray.i014.pcap"));
        assertTrue(whole.alerts.stream().anyMatch(a -> a.analysis().attackTypeId().equals("password_spray")
                && a.analysis().action().compareTo(io.impacketsensor.detection.model.Action.ALERT) >= 0), types(whole.alerts).toString());
    }
}
