package io.impacketsensor.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static io.impacketsensor.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Every bad command-line input is one line on stderr naming the problem and exit code 2: no stack
 * trace, no Java exception class, no OutOfMemoryError. Inputs are synthetic (made-up flag values,
 * empty and binary files); the capture is the bundled lab sample.
 */
class CliInputErrorsTest {
    private static final Path SAMPLE = Path.of("..", "samples", "atk_psexec.pcap");
    private static final String EVENT = "{\"source_ip\":\"10.1.1.5\",\"dest_ip\":\"10.1.1.10\",\"protocol\":\"SMB\","
            + "\"event_type\":\"tree_connect\",\"share\":\"ADMIN$\"}";

    @TempDir
    Path dir;

    /** analyze with its own streams (it writes to the process's streams when run through Main). */
    private static CliRun analyze(InputStream stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        AnalyzeCommand cmd = new AnalyzeCommand(stdin, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        int code = new CommandLine(cmd).execute(args);
        return new CliRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static void assertOneLineUsageError(CliRun r, String expected) {
        assertEquals(2, r.code(), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().contains(expected), r.err());
        assertNoJavaInternals(r.err());
    }

    private static void assertNoJavaInternals(String err) {
        assertFalse(err.contains("Exception") || err.contains("\tat ") || err.contains("java."), err);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "65"})
    void workersOutsideOneToSixtyFourAreRejected(String n) {
        assertOneLineUsageError(run("replay", "--workers", n, SAMPLE.toString()), "--workers must be 1..64, got " + n);
    }

    static Stream<List<String>> badNumericFlags() {
        return Stream.of(
                List.of("replay", "--workers", "abc", SAMPLE.toString()),
                List.of("replay", "--workers", "1e3", SAMPLE.toString()),
                List.of("replay", "--workers", "99999999999", SAMPLE.toString()),
                List.of("live", "-i", "lo", "--workers", "0"),
                List.of("live", "-i", "lo", "--workers", "x"),
                List.of("live", "-i", "lo", "--snaplen", "10"),
                List.of("live", "-i", "lo", "--snaplen", "262145"),
                List.of("live", "-i", "lo", "--snaplen", "many"),
                List.of("live", "-i", "lo", "--stats-interval", "-1"),
                List.of("live", "-i", "lo", "--stats-interval", "86401"),
                List.of("live", "-i", "lo", "--buffer-size", "0"),
                List.of("live", "-i", "lo", "--buffer-size", "2048"),
                List.of("bench", "--runs", "0"),
                List.of("bench", "--runs", "1001"),
                List.of("bench", "--size-gb", "NaN"),
                List.of("bench", "--size-gb", "Infinity"),
                List.of("bench", "--size-gb", "-1"),
                List.of("bench", "--size-gb", "2000"),
                List.of("bench", "--tshark-limit", "-1"),
                List.of("bench", "--workers", "0"),
                List.of("bench", "--workers", "1,65", "got 65"),
                List.of("bench", "--workers", "two"));
    }

    @ParameterizedTest
    @MethodSource("badNumericFlags")
    void badNumericFlagValuesAreOneLineErrors(List<String> spec) {
        // The message names the bad value; "got 65" where the value is a list.
        boolean named = spec.get(spec.size() - 1).startsWith("got ");
        List<String> args = named ? spec.subList(0, spec.size() - 1) : spec;
        int lastFlag = 0;
        for (int i = 0; i < args.size(); i++) {
            lastFlag = args.get(i).startsWith("--") ? i : lastFlag;
        }
        String value = args.get(lastFlag + 1);
        CliRun r = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> run(args.toArray(String[]::new)));
        assertOneLineUsageError(r, named ? spec.get(spec.size() - 1) : value);
    }

    @ParameterizedTest
    @ValueSource(strings = {"replay --no-such-flag x.pcap", "live --no-such-flag", "bench --no-such-flag",
        "evaluate --no-such-flag dir", "analyze --no-such-flag", "selftest --no-such-flag",
        "config check --no-such-flag x.yaml", "blocklist list --no-such-flag"})
    void unknownFlagsAreOneLineErrors(String command) {
        CliRun r = run(command.split(" "));
        assertOneLineUsageError(r, "Unknown option: '--no-such-flag'");
    }

    @Test
    void benchRefusesWorkerCountsWhoseTablesDoNotFitTheHeap() {
        long need = MemoryEstimate.total(CaptureConfig.DEFAULTS.withWorkers(64),
                io.impacketsensor.detection.config.EngineConfig.defaults());
        assumeTrue(need > Runtime.getRuntime().maxMemory(), "skipped: this JVM's heap holds 64 workers' tables");
        assertOneLineUsageError(run("bench", "--workers", "1,64"), "bench: --workers 64: pipeline.workers=64 needs ~");
    }

    @Test
    void analyzeOfDevZeroStopsWithOneLineAndNoOutOfMemory() {
        Path zero = Path.of("/dev/zero");
        assumeTrue(Files.isReadable(zero), "skipped: no /dev/zero");
        CliRun r = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> analyze(System.in, zero.toString()));
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().startsWith("line 1: a NUL byte at byte 1 of the line: binary data, not JSON lines; stopped\n"),
                r.err());
        assertTrue(r.err().contains("summary: 1 lines, 1 rejected"), r.err());
        assertNoJavaInternals(r.err());
    }

    @Test
    void aLineOverOneMebibyteIsSkippedAndTheNextLinesAreAnalysed() {
        // synthetic: 1 MiB + 1 bytes without a newline, then two valid events
        String longLine = "{\"source_ip\":\"" + "9".repeat(AnalyzeCommand.MAX_LINE_BYTES) + "\"}";
        String in = EVENT + "\n" + longLine + "\n" + EVENT + "\r\n" + EVENT;
        CliRun r = analyze(new ByteArrayInputStream(in.getBytes(StandardCharsets.UTF_8)), "-");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().startsWith("line 2: longer than 1048576 bytes; skipped\n"), r.err());
        assertEquals(3, r.out().lines().count(), r.out());
        assertTrue(r.out().contains("{\"line\":1,") && r.out().contains("{\"line\":3,") && r.out().contains("{\"line\":4,"),
                r.out());
        assertTrue(r.err().contains("summary: 4 lines, 1 rejected"), r.err());
    }

    @Test
    void malformedJsonAndAHugeTimestampFailOnlyTheirLine() {
        String in = String.join("\n", EVENT, "{\"source_ip\": \"10.1.1.6\", \"protocol\":", EVENT.replace("}", ",\"timestamp\":1e300}"),
                EVENT.replace("}", ",\"timestamp\":\"+100000-01-01T00:00:00Z\"}"), EVENT.replace("}", ",\"timestamp\":-5}"),
                EVENT.replace("10.1.1.5", "10.1.1.9"));
        CliRun r = analyze(new ByteArrayInputStream(in.getBytes(StandardCharsets.UTF_8)), "-");
        assertEquals(0, r.code(), r.err());
        List<String> err = r.err().lines().toList();
        assertTrue(err.get(0).startsWith("line 2: json: not valid JSON"), r.err());
        assertTrue(err.get(1).startsWith("line 3: timestamp: must be within 1970-01-01T00:00:00Z..2262-04-11T23:47:16.854775807Z"),
                r.err());
        assertTrue(err.get(1).endsWith("not 1.0E300"), r.err());
        assertTrue(err.get(2).startsWith("line 4: timestamp: must be within"), r.err());
        assertTrue(err.get(3).startsWith("line 5: timestamp: must be within"), r.err());
        assertTrue(r.out().contains("{\"line\":1,") && r.out().contains("{\"line\":6,"), r.out());
        assertTrue(r.err().contains("summary: 6 lines, 4 rejected; total_events 2"), r.err());
        assertNoJavaInternals(r.err().substring(0, r.err().indexOf("summary:")));
    }

    @Test
    void analyzeOfADirectoryAMissingFileOrAnEveDirectoryIsOneLine() throws Exception {
        assertOneLineUsageError(analyze(System.in, dir.toString()), dir + ": is a directory, not a file of JSON lines");
        assertOneLineUsageError(analyze(System.in, dir.resolve("none.jsonl").toString()),
                dir.resolve("none.jsonl") + ": no such file");
        Path events = Files.writeString(dir.resolve("e.jsonl"), EVENT + "\n");
        assertOneLineUsageError(analyze(System.in, "--eve", dir.toString(), events.toString()),
                "--eve " + dir + ": is a directory");
        assertOneLineUsageError(analyze(System.in, "--eve", dir.resolve("no/such/eve.json").toString(), events.toString()),
                "no such directory");
    }

    @Test
    void analyzeOfAnUnreadableFileIsOneLine() throws Exception {
        Path f = Files.writeString(dir.resolve("secret.jsonl"), EVENT + "\n");
        assumeTrue(f.toFile().setReadable(false, false) && !Files.isReadable(f), "skipped: running as root");
        assertOneLineUsageError(analyze(System.in, f.toString()), f + ": permission denied");
    }

    @Test
    void replayOfADirectoryDevNullOrAFifoIsOneLineAndNeverBlocks() throws Exception {
        assertOneLineUsageError(run("replay", dir.toString()), dir + ": is a directory, not a capture file");
        assertOneLineUsageError(run("replay", dir.resolve("none.pcap").toString()), "none.pcap: no such file");
        assertOneLineUsageError(run("replay", Files.write(dir.resolve("empty.pcap"), new byte[0]).toString()),
                "(empty file)");
        assertOneLineUsageError(run("replay", "/dev/null"), "/dev/null: not a regular file");
        Path fifo = dir.resolve("c.fifo");
        assumeTrue(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0, "skipped: needs mkfifo");
        CliRun r = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> run("replay", fifo.toString()));
        assertOneLineUsageError(r, fifo + ": not a regular file");
    }

    @Test
    void configAndStateDirectoryProblemsAreOneLine() throws Exception {
        assertOneLineUsageError(run("config", "check", dir.toString()), dir + ": is a directory, not a YAML file");
        assertOneLineUsageError(run("config", "check", "/dev/null"), "/dev/null: not a regular file");
        assertOneLineUsageError(run("replay", "--config", dir.toString(), SAMPLE.toString()), "is a directory");
        Path captures = Files.createDirectory(dir.resolve("captures"));
        Files.writeString(captures.resolve("MANIFEST.tsv"), "file\texpected_attack_types\n");
        assertOneLineUsageError(run("evaluate", "--config", dir.toString(), captures.toString()), "is a directory");
        Path file = Files.writeString(dir.resolve("state"), "x");
        assertOneLineUsageError(run("blocklist", "list", "--state-dir", file.toString()),
                "state directory " + file + ": not a directory");
        assertOneLineUsageError(run("evaluate", file.toString()), "cannot read manifest");
    }

    @Test
    void binaryOrCorruptFilesAreOneLineWithoutJavaClassNames() throws Exception {
        // synthetic: bytes that are not UTF-8
        byte[] notUtf8 = {(byte) 0xb2, (byte) 0xff, 0x01, 0x41, (byte) 0xc3, 0x28};
        Path yaml = Files.write(dir.resolve("bin.yaml"), notUtf8);
        assertOneLineUsageError(run("config", "check", yaml.toString()), yaml + ":1: not valid YAML (Invalid UTF-8");
        Path tsv = Files.write(dir.resolve("bin.tsv"), notUtf8);
        assertOneLineUsageError(run("evaluate", "--manifest", tsv.toString(), dir.toString()),
                "cannot read manifest " + tsv + ": not UTF-8 text");
        Path state = Files.createDirectory(dir.resolve("state"));
        Files.writeString(state.resolve("blocklist.json"), "garbage");
        CliRun r = run("blocklist", "list", "--state-dir", state.toString());
        assertEquals(1, r.code(), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("impacket-sensor blocklist list: Unrecognized token 'garbage'"), r.err());
    }

    @Test
    void blocklistRemoveFromADaemonThatIsNotThereIsOneLine() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path token = Files.writeString(dir.resolve("token"), "0123456789abcdef0123456789abcdef\n");
        Files.setPosixFilePermissions(token, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        CliRun r = run("blocklist", "remove", "10.0.0.1", "--http", "127.0.0.1:" + port, "--token-file", token.toString());
        assertEquals(1, r.code(), r.err());
        assertEquals("impacket-sensor blocklist remove: connection refused", r.err().strip());
    }

    @Test
    void liveWithAFileAsStateDirectoryIsOneLine() throws Exception {
        Path file = Files.writeString(dir.resolve("not-a-dir"), "x");
        CliRun r = run("live", "-i", "lo", "--http", "", "--eve", dir.resolve("eve.json").toString(), "--state-dir",
                file.toString());
        assertOneLineUsageError(r, "live: state directory " + file + ": ");
    }

    @Test
    void aFullDiskIsOneLineAndExitOneAndTheSummaryStillComes() throws Exception {
        Path full = Path.of("/dev/full");
        assumeTrue(Files.isWritable(full), "skipped: no /dev/full");
        Path events = Files.writeString(dir.resolve("e.jsonl"), EVENT.replace("tree_connect", "service_creation")
                .replace("}", ",\"path\":\"\\\\PIPE\\\\PSEXESVC\",\"service_name\":\"PSEXESVC\"}") + "\n");
        CliRun r = analyze(System.in, "--eve", full.toString(), events.toString());
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().startsWith("impacket-sensor analyze: cannot write EVE output /dev/full at line 1: "
                + "No space left on device\n"), r.err());
        assertTrue(r.err().contains("summary: 1 lines"), r.err());
        assertNoJavaInternals(r.err());

        CliRun replay = run("replay", "--eve", full.toString(), "-P", SAMPLE.toString());
        assertEquals(1, replay.code(), replay.err());
        assertTrue(replay.err().strip().endsWith("replay: No space left on device"), replay.err());
        assertNoJavaInternals(replay.err());
    }

    @Test
    void aStandardOutputThatFailsIsReportedNotIgnored() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        java.io.OutputStream broken = new java.io.OutputStream() {
            @Override
            public void write(int b) throws java.io.IOException {
                throw new java.io.IOException("Broken pipe");
            }
        };
        AnalyzeCommand cmd = new AnalyzeCommand(new ByteArrayInputStream((EVENT + "\n" + EVENT + "\n").getBytes(StandardCharsets.UTF_8)),
                new PrintStream(broken, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(1, new CommandLine(cmd).execute("-"));
        String e = err.toString(StandardCharsets.UTF_8);
        assertTrue(e.startsWith("impacket-sensor analyze: cannot write the analyses to standard output after line 1\n"), e);
    }

    @ParameterizedTest
    @ValueSource(strings = {"replay|", "replay|--config||x.pcap", "config|check|", "evaluate|", "blocklist|list|--state-dir|",
        "live|-i|lo|--state-dir|"})
    void anEmptyPathIsNotTheWorkingDirectory(String args) {
        assertOneLineUsageError(run(args.split("\\|", -1)), "an empty path");
    }

    @Test
    void analyzeOfAnEmptyPathIsOneLine() {
        assertOneLineUsageError(analyze(System.in, ""), "an empty path is not a file");
        assertOneLineUsageError(run("analyze", "--eve", "", "-"), "an empty path");
    }

    @Test
    void emptyConfigFileIsTheDefaults() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty.yaml"), "");
        CliRun r = run("config", "check", empty.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("max_flows: 65536"), r.out());
    }
}
