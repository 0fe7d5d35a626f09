package io.impacketsensor.detection.response;

import io.impacketsensor.detection.model.AnalysisResult;
import io.impacketsensor.detection.ImpacketProtection;
import io.impacketsensor.detection.NetworkEvent;
import io.impacketsensor.detection.config.EngineConfig;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BlockPolicyTest {
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    /** synthetic: the psexec example event of the engine's usage example, from {@code src}. */
    private static NetworkEvent psexec(String src, Instant at) {
        String ts = at == null ? "" : ",\"timestamp\":\"" + at + "\"";
        return NetworkEvent.fromJson("{\"source_ip\":\"" + src + "\",\"dest_ip\":\"10.1.1.10\",\"protocol\":\"smb\","
                + "\"event_type\":\"service_creation\",\"share\":\"ADMIN$\",\"path\":\"\\\\PIPE\\\\PSEXESVC\","
                + "\"service_name\":\"PSEXESVC\",\"command\":\"cmd.exe\"" + ts + "}");
    }

    @Test
    void protectedAddressesAreNeverBlockedAndEachAttemptIsCounted() {
        ImpacketProtection p = new ImpacketProtection(EngineConfig.defaults());
        BlockPolicy policy = new BlockPolicy(List.of("127.0.0.0/8", "::1/128", "10.1.1.10", "192.168.7.0/24"), 0, null);
        p.setBlockPolicy(policy);
        for (String ip : List.of("127.0.0.1", "127.8.9.10", "10.1.1.10", "192.168.7.200", "::1")) {
            AnalysisResult r = p.analyzeNetworkEvent(psexec(ip, null));
            assertTrue(r.isAttack(), ip);
            assertFalse(r.analysis().blocked(), ip + " must not be reported blocked");
        }
        assertTrue(p.getBlockedIps().isEmpty(), p.getBlockedIps().toString());
        // every block decision counts (one flat event maps to several typed events, each may decide)
        assertTrue(policy.protectedRefused() >= 5, "refusals: " + policy.protectedRefused());
        // an unprotected neighbour is still blocked
        assertTrue(p.analyzeNetworkEvent(psexec("10.1.1.11", null)).analysis().blocked());
        assertEquals(List.of("10.1.1.11"), p.getBlockedIps().stream().map(e -> e.ip()).toList());
    }

    @Test
    void entriesLoadedForAnAddressProtectedSinceAreDropped() {
        BlocklistStore store = new BlocklistStore() {
            @Override
            public List<io.impacketsensor.detection.model.BlockEntry> load() {
                return List.of(new io.impacketsensor.detection.model.BlockEntry("10.0.0.1", "x", "psexec", 0.9, T0, null),
                        new io.impacketsensor.detection.model.BlockEntry("10.0.0.2", "x", "psexec", 0.9, T0, null));
            }

            @Override
            public void blocked(io.impacketsensor.detection.model.BlockEntry entry) {
            }

            @Override
            public void unblocked(String ip) {
            }
        };
        Blocklist b = new Blocklist(store, 0);
        b.policy(new BlockPolicy(List.of("10.0.0.1/32"), 0, null));
        assertEquals(List.of("10.0.0.2"), b.current(T0).stream().map(e -> e.ip()).toList());
    }

    @Test
    void newBlocksOverTheCapAreRefusedRenewalsAreNot() {
        Blocklist b = new Blocklist(BlocklistStore.NONE, 3600);
        BlockPolicy policy = new BlockPolicy(List.of(), 3, null);
        b.policy(policy);
        for (int i = 1; i <= 3; i++) {
            assertNotNull(b.block("10.0.0." + i, "r", "psexec", 0.9, T0.plusSeconds(i)));
        }
        assertNull(b.block("10.0.0.4", "r", "psexec", 0.9, T0.plusSeconds(10)), "fourth new block in a minute");
        assertEquals(1, policy.rateLimited());
        assertNotNull(b.block("10.0.0.2", "r", "psexec", 0.9, T0.plusSeconds(20)), "a renewal is not a new block");
        // 60 s after the first block a slot is free again
        assertNotNull(b.block("10.0.0.4", "r", "psexec", 0.9, T0.plusSeconds(61)));
        assertNull(b.block("10.0.0.5", "r", "psexec", 0.9, T0.plusSeconds(61)));
        assertEquals(2, policy.rateLimited());
        assertEquals(4, b.size());
    }

    @Test
    void withAWallClockAnEventFromTheFutureExpiresNothing() {
        AtomicReference<Instant> wall = new AtomicReference<>(T0);
        ImpacketProtection p = new ImpacketProtection(EngineConfig.defaults());
        p.setBlockPolicy(new BlockPolicy(List.of(), 0, wall::get));
        assertTrue(p.analyzeNetworkEvent(psexec("10.1.1.5", T0)).analysis().blocked());
        // An event stamped 2100 moves event time; the blocks run on the wall clock and stay.
        p.analyzeNetworkEvent(psexec("10.1.1.6", Instant.parse("2100-01-01T00:00:00Z")));
        List<String> ips = p.getBlockedIps().stream().map(e -> e.ip()).toList();
        assertEquals(List.of("10.1.1.5", "10.1.1.6"), ips);
        assertEquals(T0.plusSeconds(3600), p.getBlockedIps().get(1).expiresAt(), "expiry from the wall clock");
        wall.set(T0.plusSeconds(3601));
        assertTrue(p.getBlockedIps().isEmpty(), "the TTL runs out on the wall clock");
    }

    @Test
    void withoutAClockEventTimeRulesAsInAReplay() {
        ImpacketProtection p = new ImpacketProtection(EngineConfig.defaults());
        p.analyzeNetworkEvent(psexec("10.1.1.5", T0));
        p.analyzeNetworkEvent(psexec("10.1.1.6", T0.plusSeconds(7200)));
        assertEquals(List.of("10.1.1.6"), p.getBlockedIps().stream().map(e -> e.ip()).toList());
    }

    @Test
    void badNetworksAndANegativeCapAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new BlockPolicy(List.of("10.0.0.0/33"), 0, null));
        assertThrows(IllegalArgumentException.class, () -> new BlockPolicy(List.of("dc1.example"), 0, null));
        assertThrows(IllegalArgumentException.class, () -> new BlockPolicy(List.of(), -1, null));
    }

    @Test
    void timestampsOutsideTheEngineRangeAreAnErrorWithAMessage() {
        for (String ts : List.of("1e300", "-5", "\"+100000-01-01T00:00:00Z\"")) {
            var e = assertThrows(io.impacketsensor.detection.NetworkEventException.class,
                    () -> NetworkEvent.fromJson("{\"source_ip\":\"10.0.0.1\",\"protocol\":\"smb\",\"timestamp\":" + ts + "}"));
            assertTrue(e.getMessage().contains("must be within 1970-01-01"), e.getMessage());
        }
    }
}
