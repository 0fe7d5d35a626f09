package io.impacketsensor.detection.response;

import io.impacketsensor.detection.model.BlockEntry;
import io.impacketsensor.detection.ImpacketProtection;
import io.impacketsensor.detection.NetworkEvent;
import io.impacketsensor.detection.config.ConfigException;
import io.impacketsensor.detection.config.EngineConfig;
import io.impacketsensor.detection.config.EngineConfigLoader;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** engine.blocking.max_entries: a full list evicts the lowest confidence, then the oldest block. */
class BlocklistCapTest {
    private static final Instant T0 = Instant.parse("2026-11-27T10:00:00Z");

    /** Records what the store is told, as the state file would be. */
    static final class RecordingStore implements BlocklistStore {
        final List<BlockEntry> initial = new ArrayList<>();
        final List<String> unblocked = new ArrayList<>();
        final List<String> blocked = new ArrayList<>();

        @Override
        public List<BlockEntry> load() {
            return initial;
        }

        @Override
        public void blocked(BlockEntry entry) {
            blocked.add(entry.ip());
        }

        @Override
        public void unblocked(String ip) {
            unblocked.add(ip);
        }
    }

    private static List<String> ips(Blocklist b) {
        return b.current(T0.plusSeconds(60)).stream().map(BlockEntry::ip).toList();
    }

    @Test
    void lowestConfidenceGoesFirstThenTheOldest() {
        RecordingStore store = new RecordingStore();
        Blocklist b = new Blocklist(store, 3600, 3);
        b.block("10.0.0.1", "r", "psexec", 0.9, T0);
        b.block("10.0.0.2", "r", "psexec", 0.7, T0.plusSeconds(1));
        b.block("10.0.0.3", "r", "psexec", 0.7, T0.plusSeconds(2));
        // Full: the new block goes in, the older of the two 0.7 entries goes out.
        assertNotNull(b.block("10.0.0.4", "r", "psexec", 0.95, T0.plusSeconds(3)));
        assertEquals(List.of("10.0.0.1", "10.0.0.3", "10.0.0.4"), ips(b));
        assertEquals(List.of("10.0.0.2"), store.unblocked);
        // Next: the remaining 0.7 entry, although it is newer than the 0.9 one.
        b.block("10.0.0.5", "r", "psexec", 0.8, T0.plusSeconds(4));
        assertEquals(List.of("10.0.0.1", "10.0.0.4", "10.0.0.5"), ips(b));
        assertEquals(2, b.evictions());
        // Never lose the new block, even when it has the lowest confidence of all.
        b.block("10.0.0.6", "r", "ntlm_relay", 0.5, T0.plusSeconds(5));
        assertTrue(b.isBlocked("10.0.0.6", T0.plusSeconds(5)));
        assertFalse(b.isBlocked("10.0.0.5", T0.plusSeconds(5)));
        assertEquals(3, b.size());
        assertEquals(3, b.evictions());
        assertEquals("10.0.0.6", store.blocked.get(store.blocked.size() - 1));
    }

    @Test
    void renewingAnAddressOnAFullListEvictsNothingAndReordersIt() {
        Blocklist b = new Blocklist(BlocklistStore.NONE, 3600, 2);
        b.block("10.0.0.1", "r", "psexec", 0.7, T0);
        b.block("10.0.0.2", "r", "psexec", 0.8, T0.plusSeconds(1));
        // Renewed with a higher confidence: 10.0.0.2 is now the lowest.
        b.block("10.0.0.1", "r", "psexec", 0.95, T0.plusSeconds(2));
        assertEquals(0, b.evictions());
        assertEquals(2, b.size());
        b.block("10.0.0.3", "r", "psexec", 0.9, T0.plusSeconds(3));
        assertEquals(List.of("10.0.0.1", "10.0.0.3"), ips(b));
        assertEquals(1, b.evictions());
    }

    @Test
    void unblockAndExpiryFreeRoomWithoutEvicting() {
        Blocklist b = new Blocklist(BlocklistStore.NONE, 10, 2);
        b.block("10.0.0.1", "r", "psexec", 0.7, T0);
        b.block("10.0.0.2", "r", "psexec", 0.8, T0);
        assertTrue(b.unblock("10.0.0.1"));
        b.block("10.0.0.3", "r", "psexec", 0.9, T0);
        assertEquals(0, b.evictions());
        b.current(T0.plusSeconds(11));
        assertEquals(0, b.size());
        b.block("10.0.0.4", "r", "psexec", 0.1, T0.plusSeconds(12));
        b.block("10.0.0.5", "r", "psexec", 0.1, T0.plusSeconds(12));
        assertEquals(0, b.evictions());
    }

    @Test
    void aSavedListOverTheCapIsCutAtLoad() {
        RecordingStore store = new RecordingStore();
        for (int i = 0; i < 5; i++) {
            store.initial.add(new BlockEntry("10.0.1." + i, "r", "psexec", 0.5 + i / 10.0, T0.plusSeconds(i), null));
        }
        Blocklist b = new Blocklist(store, 0, 3);
        assertEquals(3, b.size());
        assertEquals(2, b.evictions());
        assertEquals(List.of("10.0.1.0", "10.0.1.1"), store.unblocked);
    }

    @Test
    void aFloodKeepsTheCapAndStaysFast() {
        Blocklist b = new Blocklist(BlocklistStore.NONE, 3600, 100_000);
        long start = System.nanoTime();
        for (int i = 0; i < 336_000; i++) {
            b.block("10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255), "r", "psexec",
                    0.7 + (i % 7) / 100.0, T0.plusMillis(i));
        }
        assertEquals(100_000, b.size());
        assertEquals(236_000, b.evictions());
        // O(log n) per eviction: a scan of the whole list per block would take minutes here.
        assertTrue(System.nanoTime() - start < 30_000_000_000L, "flood took too long");
        // A block made after the flood is held.
        b.block("192.0.2.1", "r", "dcsync", 0.71, T0.plusSeconds(400));
        assertTrue(b.isBlocked("192.0.2.1", T0.plusSeconds(400)));
    }

    @Test
    void configKeyHasARangeAndReachesTheEngine() {
        assertEquals(100_000, EngineConfigLoader.parse("engine: {}\n").blocking().maxEntries());
        assertEquals(1, EngineConfigLoader.parse("engine:\n  blocking:\n    max_entries: 1\n").blocking().maxEntries());
        assertEquals(500_000,
                EngineConfigLoader.parse("engine:\n  blocking:\n    max_entries: 500000\n").blocking().maxEntries());
        for (String bad : new String[] {"0", "500001"}) {
            String m = assertThrows(ConfigException.class,
                    () -> EngineConfigLoader.parse("engine:\n  blocking:\n    max_entries: " + bad + "\n")).getMessage();
            assertTrue(m.startsWith("engine.blocking.max_entries: must be within 1..500000"), m);
        }
        // Through the façade: three attackers, room for two; the statistics count the eviction.
        EngineConfig cfg = EngineConfigLoader.parse("engine:\n  blocking:\n    max_entries: 2\n");
        ImpacketProtection p = new ImpacketProtection(cfg);
        for (String ip : new String[] {"192.168.1.100", "192.168.1.101", "192.168.1.102"}) {
            p.analyzeNetworkEvent(NetworkEvent.builder(ip, NetworkEvent.Protocol.SMB).destIp("192.168.1.10")
                    .eventType("service_creation").share("ADMIN$").path("\\PIPE\\PSEXESVC").serviceName("PSEXESVC")
                    .command("cmd.exe").username("administrator").build());
        }
        assertEquals(2, p.getBlockedIps().size());
        assertEquals(1, p.getStatistics().blocklistEvictions());
        assertTrue(p.getBlockedIps().stream().anyMatch(e -> e.ip().equals("192.168.1.102")), "the newest block is held");
    }

    @Test
    void capMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new Blocklist(BlocklistStore.NONE, 0, 0));
    }
}
