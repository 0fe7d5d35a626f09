package io.impacketsensor.fleet;

import io.impacketsensor.core.testkit.Captures;
import io.impacketsensor.detection.ImpacketProtection;
import io.impacketsensor.detection.config.EngineConfig;
import io.impacketsensor.detection.engine.Alert;
import io.impacketsensor.detection.engine.DetectionEngine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DC learning shared by the fleet, against a real broker, on two captures of the lab (sensor-core's
 * pcaps-fixtures/README.md): {@code lab_kdc_as_dc2.pcap}, a Kerberos AS exchange answered by the
 * second DC (10.99.0.4), and {@code lab_dc2_replication.pcap}, that DC's endpoint-mapper lookup and
 * replication connection (DsBind, DRSGetNCChanges) to dc1 without its promotion. Alone, the sensor of
 * the replication link sees a host it never saw serve call DRSGetNCChanges: DCSync. With the fact of
 * the sensor that saw it answer Kerberos, it is replication.
 */
class FleetDcFactsTest {
    private static final String DC2 = "10.99.0.4";
    private static TestBroker broker;
    private static KafkaSettings settings;

    @BeforeAll
    static void start() throws Exception {
        broker = new TestBroker();
        broker.createTopics(3, "events", "dcfacts");
        settings = TestBroker.settings(broker.bootstrap(), Map.of("topics", Map.of("events", "events",
                "dc_facts", "dcfacts"), "shared_dc_learning", true));
    }

    @AfterAll
    static void stop() throws Exception {
        broker.close();
    }

    private static void await(BooleanSupplier c, String what) throws InterruptedException {
        long end = System.nanoTime() + 30_000_000_000L;
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    private static Set<String> dcsyncSources(SensorReplay s) {
        Set<String> out = new TreeSet<>();
        for (Alert a : s.alerts) {
            if (a.analysis().attackType().id().equals("dcsync")) {
                out.add(a.header().clientIp().getHostAddress());
            }
        }
        return out;
    }

    @Test
    void aDcOnlyAnotherSensorSawServeReplicatesWithoutDcsync(@TempDir Path dir) throws Exception {
        // The replication link alone, no fleet: DCSync from dc2.
        SensorReplay alone = new SensorReplay(null).replay(Captures.fixture("lab_dc2_replication.pcap"));
        assertEquals(Set.of(DC2), dcsyncSources(alone), alone.alerts.toString());

        // Sensor A sees dc2 answer Kerberos and publishes the fact; it skips its own fact.
        try (FleetPublisher pubA = new FleetPublisher(settings,
                new KafkaOutput(settings, "sensor-a", dir.resolve("spill-a.json")), "sensor-a")) {
            SensorReplay a = new SensorReplay(pubA);
            pubA.shareDcLearning(a.engine);
            a.replay(Captures.fixture("lab_kdc_as_dc2.pcap"));
            await(() -> pubA.output().sent() == pubA.output().offered(), "sensor A's records to be acknowledged");
            assertEquals(1, broker.read("dcfacts", 1, Duration.ofSeconds(30)).size());
            assertTrue(pubA.dcFacts().awaitCaughtUp(Duration.ofSeconds(30)));
            assertEquals(0, pubA.dcFacts().learned(), "a sensor does not learn from its own facts");

            // Sensor B, on the replication link, reads the fleet's facts before its capture: no DCSync.
            try (FleetPublisher pubB = new FleetPublisher(settings,
                    new KafkaOutput(settings, "sensor-b", dir.resolve("spill-b.json")), "sensor-b")) {
                SensorReplay b = new SensorReplay(pubB);
                pubB.shareDcLearning(b.engine);
                assertTrue(pubB.dcFacts().awaitCaughtUp(Duration.ofSeconds(30)));
                assertEquals(1, pubB.dcFacts().learned());
                b.replay(Captures.fixture("lab_dc2_replication.pcap"));
                assertFalse(dcsyncSources(b).contains(DC2), b.alerts.toString());
                assertEquals(0, pubB.dcFacts().counters().stream()
                        .filter(c -> c[0].equals("malformed")).mapToLong(c -> (Long) c[1]).sum());
            }
        }
    }

    @Test
    void theFleetTeachesAtMostTheCapAndNothingWithLearningOff() {
        ImpacketProtection e = new ImpacketProtection(EngineConfig.defaults());
        for (int i = 0; i < DetectionEngine.MAX_FLEET_DCS; i++) {
            assertEquals(DetectionEngine.FleetDc.LEARNED, e.learnFleetDc("10.1." + (i >> 8) + "." + (i & 0xff)));
        }
        assertEquals(DetectionEngine.FleetDc.KNOWN, e.learnFleetDc("10.1.0.0"));
        assertEquals(DetectionEngine.FleetDc.CAPPED, e.learnFleetDc("10.2.0.1"));
        assertNull(e.learnFleetDc("dc1.example"), "only address literals");

        EngineConfig d = EngineConfig.defaults();
        EngineConfig off = new EngineConfig(d.layers(), d.thresholds(), d.blocking(), d.allowList(), d.behaviour(),
                d.chains(), d.relay(), d.kerberos(), d.domainControllers(), false, d.alerts(), d.customSignatures());
        assertEquals(DetectionEngine.FleetDc.LEARNING_OFF, new ImpacketProtection(off).learnFleetDc("10.2.0.1"));
    }

    @Test
    void aRecordThatIsNotADcFactIsRefused() {
        // synthetic: records another client wrote to the topic
        assertNull(FleetDcFacts.parse("dc:10.0.0.1", "{\"v\":1,\"type\":\"dc_fact\",\"dc_ip\":\"10.0.0.2\"}".getBytes()));
        assertNull(FleetDcFacts.parse("dc:10.0.0.1", "{\"v\":2,\"type\":\"dc_fact\",\"dc_ip\":\"10.0.0.1\"}".getBytes()));
        assertNull(FleetDcFacts.parse("dc:10.0.0.1", "{\"v\":1,\"type\":\"ntlm_auth\",\"dc_ip\":\"10.0.0.1\"}".getBytes()));
        assertNull(FleetDcFacts.parse("dc:dc1", "{\"v\":1,\"type\":\"dc_fact\",\"dc_ip\":\"dc1\"}".getBytes()));
        assertNull(FleetDcFacts.parse("dc:10.0.0.1", "not json".getBytes()));
        assertEquals("10.0.0.1", FleetDcFacts.parse("dc:10.0.0.1",
                "{\"v\":1,\"type\":\"dc_fact\",\"dc_ip\":\"10.0.0.1\",\"fact\":\"kdc\"}".getBytes()));
    }
}
