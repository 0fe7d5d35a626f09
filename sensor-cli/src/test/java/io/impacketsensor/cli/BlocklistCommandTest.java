package io.impacketsensor.cli;

import io.impacketsensor.detection.response.Blocklist;
import io.impacketsensor.detection.state.FileBlocklistStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;

import static io.impacketsensor.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BlocklistCommandTest {
    @TempDir
    Path dir;

    private void seed() throws Exception {
        Instant now = Instant.now();
        Blocklist l = new Blocklist(new FileBlocklistStore(dir, () -> now), 3600);
        l.block("10.1.2.3", "psexec service PSEXESVC", "psexec", 0.9, now);
        l.block("fd00::9", "dcsync", "dcsync", 0.95, now);
        l.block("10.9.9.9", "old", "psexec", 0.9, now.minusSeconds(7200)); // lapsed an hour ago
    }

    @Test
    void listAndExportShowCurrentEntriesOnly() throws Exception {
        seed();
        CliRun list = run("blocklist", "list", "--state-dir", dir.toString());
        assertEquals(0, list.code(), list.err());
        assertEquals(2, list.out().lines().count(), list.out());
        assertTrue(list.out().startsWith("10.1.2.3\tpsexec\t0.9\t"), list.out());

        assertEquals("10.1.2.3\nfd00::9\n", run("blocklist", "export", "--state-dir", dir.toString()).out().replace("\r", ""));
        CliRun nft = run("blocklist", "export", "--format", "nft", "--state-dir", dir.toString());
        assertTrue(nft.out().contains("add set inet impacket_sensor blocklist { type ipv4_addr; flags timeout; }"), nft.out());
        assertTrue(nft.out().matches("(?s).*add element inet impacket_sensor blocklist \\{ 10\\.1\\.2\\.3 timeout 3[56]\\d\\ds }.*"), nft.out());
        assertTrue(nft.out().contains("add element inet impacket_sensor blocklist6 { fd00::9 timeout "), nft.out());
        CliRun json = run("blocklist", "export", "--format", "json", "--state-dir", dir.toString());
        assertTrue(json.out().contains("\"attack_type\" : \"dcsync\""), json.out());
        assertEquals(2, run("blocklist", "export", "--format", "csv", "--state-dir", dir.toString()).code());
    }

    @Test
    void removeRewritesTheStateFile() throws Exception {
        seed();
        CliRun r = run("blocklist", "remove", "10.1.2.3", "--state-dir", dir.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals("fd00::9\n", run("blocklist", "export", "--state-dir", dir.toString()).out().replace("\r", ""));
        assertEquals(1, run("blocklist", "remove", "10.1.2.3", "--state-dir", dir.toString()).code());
        assertEquals(2, run("blocklist", "remove", "not-an-ip", "--state-dir", dir.toString()).code());
    }

    @Test
    void anEmptyStateDirListsNothing() {
        CliRun r = run("blocklist", "list", "--state-dir", dir.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.out());
    }
}
