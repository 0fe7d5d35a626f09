package io.impacketsensor.detection.response;

import io.impacketsensor.detection.model.BlockEntry;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Another sensor's blocks on this list: this sensor's rules, enforced but not saved, their lapse not re-published. */
class BlocklistRemoteTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    /** Records what the list tells its store and its listener. */
    static final class Log implements BlocklistStore, Blocklist.Listener {
        final List<String> calls = new ArrayList<>();

        @Override
        public List<BlockEntry> load() {
            return List.of();
        }

        @Override
        public void blocked(BlockEntry e) {
            calls.add("saved " + e.ip());
        }

        @Override
        public void unblocked(String ip) {
            calls.add("unsaved " + ip);
        }

        @Override
        public void enforced(BlockEntry e) {
            calls.add("enforced " + e.ip());
        }

        @Override
        public void released(String ip) {
            calls.add("released " + ip);
        }
    }

    static final class Heard implements Blocklist.Listener {
        final List<String> calls = new ArrayList<>();

        @Override
        public void blocked(BlockEntry e) {
            calls.add("block " + e.ip());
        }

        @Override
        public void unblocked(String ip) {
            calls.add("unblock " + ip);
        }
    }

    private static BlockEntry entry(String ip, Instant expires) {
        return new BlockEntry(ip, "r", "psexec", 0.9, T0, expires);
    }

    @Test
    void aRemoteBlockIsEnforcedUnderThisListsTtlNotSavedAndItsLapseNotPublished() {
        Log store = new Log();
        Heard heard = new Heard();
        Blocklist l = new Blocklist(store, 600);
        l.listener(heard);
        // The other sensor's TTL is a day; this list's ten minutes bound it.
        assertEquals(Blocklist.RemoteResult.APPLIED, l.applyRemote(entry("10.0.0.9", T0.plusSeconds(86_400)), T0));
        assertTrue(l.isBlocked("10.0.0.9", T0.plusSeconds(599)));
        assertEquals(List.of("enforced 10.0.0.9"), store.calls);
        assertTrue(heard.calls.isEmpty(), "another sensor's block is not published again");
        assertTrue(l.current(T0.plusSeconds(600)).isEmpty());
        assertEquals(List.of("enforced 10.0.0.9", "released 10.0.0.9"), store.calls);
        assertTrue(heard.calls.isEmpty(), "its lapse is its owner's to publish");
        assertEquals(1, l.remoteApplied());
    }

    @Test
    void aProtectedOrLapsedRemoteBlockIsRefusedAndCounted() {
        Blocklist l = new Blocklist(BlocklistStore.NONE, 600);
        l.policy(new BlockPolicy(List.of("10.0.0.0/24"), 0, null));
        assertEquals(Blocklist.RemoteResult.PROTECTED, l.applyRemote(entry("10.0.0.9", null), T0));
        assertEquals(Blocklist.RemoteResult.EXPIRED, l.applyRemote(entry("10.0.1.9", T0.minusSeconds(1)), T0));
        assertEquals(0, l.size());
        assertEquals(1, l.remoteProtected());
        assertEquals(1, l.remoteExpired());
    }

    @Test
    void ownBlocksArePublishedAndAFleetUnblockEndsThem() {
        Log store = new Log();
        Heard heard = new Heard();
        Blocklist l = new Blocklist(store, 600);
        l.listener(heard);
        l.block("10.0.0.5", "r", "psexec", 0.9, T0);
        assertEquals(List.of("block 10.0.0.5"), heard.calls);
        // Another sensor's block of the same address leaves it this list's own.
        l.applyRemote(entry("10.0.0.5", T0.plusSeconds(300)), T0);
        assertTrue(l.current(T0).get(0).expiresAt().equals(T0.plusSeconds(600)));
        assertTrue(l.removeRemote("10.0.0.5"));
        assertFalse(l.isBlocked("10.0.0.5", T0));
        assertEquals(List.of("saved 10.0.0.5", "unsaved 10.0.0.5"), store.calls);
        assertEquals(List.of("block 10.0.0.5"), heard.calls, "a fleet unblock is not published back");
        assertFalse(l.removeRemote("10.0.0.5"));
        // An operator's unblock here is published (a tombstone for the fleet).
        l.applyRemote(entry("10.0.0.6", null), T0);
        assertTrue(l.unblock("10.0.0.6"));
        assertEquals(List.of("block 10.0.0.5", "unblock 10.0.0.6"), heard.calls);
    }
}
