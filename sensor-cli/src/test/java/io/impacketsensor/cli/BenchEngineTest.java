package io.impacketsensor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code bench --engine}: the engine is given the same events, and raises the same alerts, as
 * {@code replay} of the same capture; the kept events are bounded; options that cannot go
 * together are refused in one line; a capture named with {@code --file} is never written over.
 */
class BenchEngineTest {
    private static final Path SAMPLE = Path.of("..", "samples", "atk_psexec.pcap");

    @TempDir
    Path dir;

    /** The replay's stats record and alert count for the sample (the figures bench must match). */
    private record Replayed(long events, long alerts) {
    }

    private Replayed replay() throws Exception {
        Path eve = dir.resolve("eve.json");
        CliRun r = CliRun.run("replay", "--eve", eve.toString(), SAMPLE.toString());
        assertEquals(0, r.code(), r.err());
        long alerts = 0;
        long events = -1;
        ObjectMapper m = new ObjectMapper();
        for (String line : Files.readAllLines(eve)) {
            JsonNode n = m.readTree(line);
            String type = n.path("event_type").asText();
            if (type.equals("alert")) {
                alerts++;
            } else if (type.equals("stats")) {
                events = n.path("impacket_sensor").path("events").path("emitted").asLong(-1);
            }
        }
        assertTrue(events > 0 && alerts > 0, "the sample's replay has events and alerts");
        return new Replayed(events, alerts);
    }

    /** The columns of the table row named {@code what}. */
    private static String[] row(String out, String what) {
        for (String line : out.split("\n")) {
            if (line.startsWith(what + " ")) {
                return line.trim().split("\\s+");
            }
        }
        throw new AssertionError("no row '" + what + "' in:\n" + out);
    }

    private static long number(String s) {
        return Long.parseLong(s.replace(",", ""));
    }

    @Test
    void theEngineSeesReplaysEventsAndRaisesReplaysAlerts() throws Exception {
        Replayed expected = replay();
        Path copy = dir.resolve("sample.pcap");
        Files.copy(SAMPLE, copy);
        CliRun r = CliRun.run("bench", "--engine", "--file", copy.toString(), "--runs", "1");
        assertEquals(0, r.code(), r.err());
        for (String what : List.of("first", "steady")) {
            String[] c = row(r.out(), what);
            assertEquals(8, c.length, what + " row: " + String.join(" ", c));
            assertEquals(expected.events(), number(c[1]), "events kept: every event replay gave the engine");
            assertTrue(number(c[2]) > 0 && number(c[3]) > 0, "rates measured");
            if (what.equals("first")) {
                assertEquals(List.of("-", "-", "-"), List.of(c[4], c[5], c[6]), "no cold latency round");
            } else {
                double p50 = Double.parseDouble(c[4]);
                double p99 = Double.parseDouble(c[5]);
                double p999 = Double.parseDouble(c[6]);
                assertTrue(p50 > 0 && p50 <= p99 && p99 <= p999, "percentiles in order: " + String.join(" ", c));
            }
            assertEquals(expected.alerts(), number(c[7]), "alerts: as many as replay wrote");
        }
        assertTrue(r.err().contains(expected.events() + " events decoded"), r.err());
    }

    @Test
    void keptEventsStopAtTheLimitAndSaySo() throws Exception {
        Path copy = dir.resolve("sample.pcap");
        Files.copy(SAMPLE, copy);
        CliRun r = CliRun.run("bench", "--engine", "--engine-events", "10", "--file", copy.toString(), "--runs", "1");
        assertEquals(0, r.code(), r.err());
        assertEquals(10, number(row(r.out(), "steady")[1]));
        assertTrue(r.err().contains("10 kept (the rest not kept: --engine-events 10)"), r.err());
    }

    @Test
    void anExistingFileIsMeasuredAsItIsAndNeverWrittenOver() throws Exception {
        Path copy = dir.resolve("mine.pcap");
        Files.copy(SAMPLE, copy);
        byte[] before = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(copy));
        CliRun r = CliRun.run("bench", "--engine", "--file", copy.toString(), "--size-gb", "1", "--from",
                SAMPLE.getParent().toString(), "--runs", "1");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("less than --size-gb 1.0: measured as it is"), r.err());
        assertArrayEquals(before, MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(copy)),
                "the user's capture is unchanged: " + HexFormat.of().formatHex(before));
        assertEquals(List.of("mine.pcap"), Files.list(dir).map(p -> p.getFileName().toString()).toList(),
                "nothing built beside it");
    }

    @Test
    void aMissingFileIsBuiltAndNothingIsLeftBesideIt() throws Exception {
        Path built = dir.resolve("built.pcap");
        CliRun r = CliRun.run("bench", "--engine", "--file", built.toString(), "--size-gb", "0.0002", "--from",
                SAMPLE.getParent().toString(), "--runs", "1");
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.size(built) >= 0.0002 * (1 << 30), "built to the size asked");
        assertEquals(List.of("built.pcap"), Files.list(dir).map(p -> p.getFileName().toString()).toList());
        assertTrue(number(row(r.out(), "steady")[1]) > 0, r.out());
    }

    @Test
    void aBuildNeverWritesThroughASymbolicLinkPlantedAtTheFile() throws Exception {
        // The default --file is in /tmp, where another user can plant a link to a file of root's.
        Path victim = dir.resolve("victim");
        Path built = dir.resolve("bench.pcap");
        Files.createSymbolicLink(built, victim);
        CliRun r = CliRun.run("bench", "--engine", "--file", built.toString(), "--size-gb", "0.0002", "--from",
                SAMPLE.getParent().toString(), "--runs", "1");
        assertEquals(0, r.code(), r.err());
        assertTrue(!Files.exists(victim), "nothing written where the link pointed");
        assertTrue(Files.isRegularFile(built, java.nio.file.LinkOption.NOFOLLOW_LINKS), "the link replaced by the capture");
    }

    @Test
    void aFileInAMissingFolderIsRefusedInOneLineNamingTheFolder() {
        Path missing = dir.resolve("no/such/dir");
        CliRun r = CliRun.run("bench", "--engine", "--file", missing.resolve("b.pcap").toString(), "--size-gb",
                "0.0002", "--from", SAMPLE.getParent().toString(), "--runs", "1");
        assertEquals(Main.EXIT_USAGE, r.code(), r.err());
        assertEquals("bench: --file " + missing.resolve("b.pcap") + ": no such folder " + missing.toAbsolutePath(),
                r.err().strip(), "one line, before anything is built");
    }

    @Test
    void optionsThatCannotGoTogetherOrOutOfRangeAreRefusedInOneLine() {
        CliRun both = CliRun.run("bench", "--engine", "--end-to-end", "--file", SAMPLE.toString());
        assertEquals(Main.EXIT_USAGE, both.code());
        assertEquals("bench: --engine and --end-to-end measure different things: give one", both.err().strip());
        CliRun zero = CliRun.run("bench", "--engine", "--engine-events", "0", "--file", SAMPLE.toString());
        assertEquals(Main.EXIT_USAGE, zero.code());
        assertTrue(zero.err().strip().startsWith("bench: --engine-events must be 1.."), zero.err());
        assertEquals(1, zero.err().strip().lines().count());
    }

    @Test
    void aFileThatIsNotACaptureIsRefusedInOneLineAndKept() throws Exception {
        Path text = dir.resolve("notes.pcap");
        Files.writeString(text, "not a capture\n");
        for (String mode : List.of("--engine", "--end-to-end", "--runs")) {
            CliRun r = mode.equals("--runs") ? CliRun.run("bench", "--file", text.toString(), "--runs", "1")
                    : CliRun.run("bench", mode, "--file", text.toString(), "--runs", "1");
            assertEquals(Main.EXIT_USAGE, r.code(), mode + ": " + r.err());
            String last = r.err().strip().lines().reduce((a, b) -> b).orElse("");
            assertTrue(last.startsWith("bench: " + text + ": not a pcap or pcapng file"), mode + ": " + r.err());
            assertEquals("", r.out(), mode + ": nothing measured");
        }
        assertEquals("not a capture\n", Files.readString(text), "the file is left as it was");
    }

    @Test
    void percentileIsTheNearestRank() {
        long[] v = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        assertEquals(5, BenchEngine.percentile(v, 10, 0.50));
        assertEquals(10, BenchEngine.percentile(v, 10, 0.99));
        assertEquals(1, BenchEngine.percentile(v, 10, 0.0));
        assertEquals(3, BenchEngine.percentile(v, 3, 0.999), "only the first n values count");
    }
}
