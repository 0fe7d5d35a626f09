package io.impacketsensor.fleet;

import io.impacketsensor.core.testkit.Captures;
import io.impacketsensor.detection.ImpacketProtection;
import io.impacketsensor.detection.config.EngineConfig;
import io.impacketsensor.detection.model.BlockEntry;
import io.impacketsensor.detection.response.BlockPolicy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One blocklist for the fleet, against a real broker: a block sensor A decides from a real capture
 * reaches sensor B's blocklist, a restarted B reads it again from the topic, a sensor that protects
 * the address refuses and counts it, and A's unblock ends it on B.
 */
class FleetBlocklistTest {
    private static TestBroker broker;
    private static KafkaSettings settings;

    @BeforeAll
    static void start() throws Exception {
        broker = new TestBroker();
        broker.createTopics(3, "blocks");
        settings = TestBroker.settings(broker.bootstrap(), Map.of("topics", Map.of("blocks", "blocks"),
                "shared_blocklist", true));
    }

    @AfterAll
    static void stop() throws Exception {
        broker.close();
    }

    /** A live sensor's blocks run on the wall clock (BlockPolicy with a clock), as the service sets it. */
    private static BlockPolicy wallClock(List<String> protectedNets) {
        return new BlockPolicy(protectedNets, 0, Instant::now);
    }

    private static Set<String> blocked(ImpacketProtection e) {
        Set<String> s = new TreeSet<>();
        for (BlockEntry b : e.getBlockedIps()) {
            s.add(b.ip());
        }
        return s;
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

    private static ImpacketProtection sensor(List<String> protectedNets) {
        ImpacketProtection e = new ImpacketProtection(EngineConfig.defaults());
        e.setBlockPolicy(wallClock(protectedNets));
        return e;
    }

    @Test
    void aBlockOfOneSensorIsEnforcedByTheOthersRebuiltOnRestartRefusedWhereProtected(@TempDir Path dir) throws Exception {
        SensorReplay a = new SensorReplay(null);
        a.engine.setBlockPolicy(wallClock(List.of()));
        try (KafkaOutput outA = new KafkaOutput(settings, "sensor-a", dir.resolve("spill-a.json"));
             FleetBlocklist fleetA = new FleetBlocklist(settings, "sensor-a", outA, a.engine)) {
            fleetA.start();
            a.replay(Captures.lab("atk_secretsdump_dcsync.pcap"));
            Set<String> fromA = blocked(a.engine);
            assertFalse(fromA.isEmpty(), "the secretsdump capture blocks its attacker on sensor A");
            String attacker = fromA.iterator().next();

            ImpacketProtection b = sensor(List.of());
            try (KafkaOutput outB = new KafkaOutput(settings, "sensor-b", dir.resolve("spill-b.json"));
                 FleetBlocklist fleetB = new FleetBlocklist(settings, "sensor-b", outB, b)) {
                fleetB.start();
                await(() -> blocked(b).equals(fromA), "sensor B to hold sensor A's blocks");
                BlockEntry onB = b.getBlockedIps().get(0);
                assertTrue(onB.expiresAt().isBefore(Instant.now().plusSeconds(3601)), "B's own TTL bounds the block");
            }

            // B restarts with an empty list: it reads the blocks again from the topic.
            ImpacketProtection b2 = sensor(List.of());
            assertTrue(blocked(b2).isEmpty());
            try (KafkaOutput outB = new KafkaOutput(settings, "sensor-b", dir.resolve("spill-b2.json"));
                 FleetBlocklist fleetB2 = new FleetBlocklist(settings, "sensor-b", outB, b2)) {
                fleetB2.start();
                await(() -> blocked(b2).equals(fromA), "the restarted sensor B to rebuild its list");
                assertEquals(fromA.size(), fleetB2.applied());

                // Sensor C protects the attacker's address: refused and counted, never held.
                ImpacketProtection c = sensor(List.of(attacker + "/32"));
                try (KafkaOutput outC = new KafkaOutput(settings, "sensor-c", dir.resolve("spill-c.json"));
                     FleetBlocklist fleetC = new FleetBlocklist(settings, "sensor-c", outC, c)) {
                    fleetC.start();
                    await(fleetC::caughtUp, "sensor C to read the topic");
                    assertFalse(blocked(c).contains(attacker));
                    assertEquals(1, fleetC.refusedProtected());
                    assertEquals(1, c.remoteBlockCounters()[1]);
                    assertEquals(fromA.size() - 1, fleetC.applied());
                }

                // An operator unblocks on A: a tombstone ends the block on B too.
                assertTrue(a.engine.unblock(attacker));
                await(() -> !blocked(b2).contains(attacker), "A's unblock to reach B");
                assertEquals(1, b2.remoteBlockCounters()[3]);
            }
        }
    }

    @Test
    void aRecordThatIsNotABlockIsRefused() {
        // synthetic: a record another client wrote to the topic, not a sensor's block
        assertEquals(null, FleetBlocklist.parse("10.0.0.1", "{\"v\":1,\"ip\":\"10.0.0.2\",\"confidence\":0.9}".getBytes()));
        assertEquals(null, FleetBlocklist.parse("not-an-ip", "{\"v\":1,\"ip\":\"not-an-ip\",\"confidence\":0.9}".getBytes()));
        assertEquals(null, FleetBlocklist.parse("10.0.0.1", "{\"v\":2,\"ip\":\"10.0.0.1\",\"confidence\":0.9}".getBytes()));
        assertEquals(null, FleetBlocklist.parse("10.0.0.1", "not json".getBytes()));
        BlockEntry ok = FleetBlocklist.parse("10.0.0.1", ("{\"v\":1,\"ip\":\"10.0.0.1\",\"confidence\":0.9,"
                + "\"reason\":\"r\",\"attack_type\":\"psexec\",\"blocked_at\":\"2026-01-01T00:00:00Z\",\"expires_at\":null}").getBytes());
        assertEquals("psexec", ok.attackType());
        assertEquals(null, ok.expiresAt());
    }
}
