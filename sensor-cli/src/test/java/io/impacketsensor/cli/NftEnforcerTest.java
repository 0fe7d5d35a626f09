package io.impacketsensor.cli;

import io.impacketsensor.detection.model.BlockEntry;
import io.impacketsensor.detection.response.Blocklist;
import io.impacketsensor.detection.response.BlocklistStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class NftEnforcerTest {
    private static final Instant T0 = Instant.parse("2026-11-27T10:00:00Z");

    @Test
    void aMissingNftIsCountedNeverFatal() throws Exception {
        NftEnforcer e = new NftEnforcer(BlocklistStore.NONE, "/nonexistent/nft", () -> T0);
        Blocklist l = new Blocklist(e, 60);
        l.block("10.0.0.1", "r", "psexec", 0.9, T0);
        l.unblock("10.0.0.1");
        e.close();
        assertTrue(e.failures() >= 2, "setup and add failed and were counted: " + e.failures());
        assertEquals(0, e.applied());
        assertFalse(e.active(), "alerts must not say blocked when nft never ran");
        assertTrue(l.size() == 0);
    }

    static String sh(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }

    static boolean usable() throws Exception {
        return sh("id", "-u").trim().equals("0") && !sh("sh", "-c", "command -v nft").isBlank()
                && !sh("sh", "-c", "command -v ip").isBlank();
    }

    /** nft in a network namespace of this test (never the host's ruleset), through a wrapper script. */
    @Test
    void blocksBecomeSetElementsWithTheTtlAndUnblocksRemoveThem(@TempDir Path dir) throws Exception {
        assumeTrue(usable(), "skipped: needs root, nft and ip (nftables, iproute2)");
        String ns = "isnft-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xFFFFF));
        sh("ip", "netns", "add", ns);
        try {
            Path wrapper = dir.resolve("nft-in-ns");
            Files.writeString(wrapper, "#!/bin/sh\nexec ip netns exec " + ns + " nft \"$@\"\n");
            Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwx------"));
            Instant now = Instant.now();
            NftEnforcer e = new NftEnforcer(BlocklistStore.NONE, wrapper.toString(), () -> now);
            Blocklist l = new Blocklist(e, 3600);
            l.block("10.7.7.7", "r", "psexec", 0.9, now);
            l.block("10.7.7.8", "r", "psexec", 0.9, now);
            l.block("fd00::7", "r", "dcsync", 0.9, now);
            l.unblock("10.7.7.8");
            e.close();
            assertEquals(0, e.failures());
            assertTrue(e.active(), "table set up and every element applied");
            String set = sh("ip", "netns", "exec", ns, "nft", "list", "set", "inet", "impacket_sensor", "blocklist");
            assertTrue(set.contains("10.7.7.7 timeout 1h"), set);
            assertFalse(set.contains("10.7.7.8"), set);
            String set6 = sh("ip", "netns", "exec", ns, "nft", "list", "set", "inet", "impacket_sensor", "blocklist6");
            assertTrue(set6.contains("fd00::7"), set6);
            String chain = sh("ip", "netns", "exec", ns, "nft", "list", "chain", "inet", "impacket_sensor", "input");
            assertTrue(chain.contains("ip saddr @blocklist drop"), chain);
            // Re-running the set-up (a restart) keeps one rule per chain, and a renewed block keeps one element.
            NftEnforcer again = new NftEnforcer(new BlocklistStore() {
                @Override
                public List<BlockEntry> load() {
                    return List.of(new BlockEntry("10.7.7.7", "r", "psexec", 0.9, now, now.plusSeconds(600)));
                }

                @Override
                public void blocked(BlockEntry entry) {
                }

                @Override
                public void unblocked(String ip) {
                }
            }, wrapper.toString(), () -> now);
            new Blocklist(again, 3600);
            again.close();
            chain = sh("ip", "netns", "exec", ns, "nft", "list", "chain", "inet", "impacket_sensor", "input");
            assertEquals(1, chain.split("ip saddr @blocklist drop", -1).length - 1, chain);
            set = sh("ip", "netns", "exec", ns, "nft", "list", "set", "inet", "impacket_sensor", "blocklist");
            assertTrue(set.contains("10.7.7.7 timeout 10m"), "the reloaded entry carries its own remaining time: " + set);
        } finally {
            sh("ip", "netns", "del", ns);
        }
    }
}
