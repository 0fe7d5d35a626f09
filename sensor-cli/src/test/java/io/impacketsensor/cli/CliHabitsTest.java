package io.impacketsensor.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.impacketsensor.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The command line behaves as tcpdump users expect: {@code replay -r FILE}, {@code -} for standard
 * input, {@code -f/--bpf} and {@code -c N} on replay, the progress bar decided by stderr alone, a
 * failed {@code live} start that leaves nothing behind, and help examples that paste. Replay
 * runs on the bundled sample (samples/README.md: lab psexec, 119 frames, attacker 10.99.0.2).
 * ({@code --workers 0}: CliInputErrorsTest.workersOutsideOneToSixtyFourAreRejected.)
 */
class CliHabitsTest {
    private static final Path SAMPLE = Path.of("..", "samples", "atk_psexec.pcap");

    @TempDir
    Path dir;

    private static void assertOneLineUsageError(CliRun r, String expected) {
        assertEquals(2, r.code(), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith(expected), r.err());
        assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), r.err());
    }

    private static List<String> alerts(Path eve) throws IOException {
        return Files.readAllLines(eve).stream().filter(l -> l.contains("\"event_type\":\"alert\""))
                .map(l -> l.replaceAll("\"timestamp\":\"[^\"]*\",", "")).toList();
    }

    @Test
    void dashRIsTcpdumpsReadOption() throws IOException {
        CliRun plain = run("replay", "--eve", dir.resolve("a.json").toString(), SAMPLE.toString());
        CliRun r = run("replay", "--eve", dir.resolve("b.json").toString(), "-r", SAMPLE.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("119 packets"), r.err());
        assertFalse(alerts(dir.resolve("a.json")).isEmpty());
        assertEquals(alerts(dir.resolve("a.json")), alerts(dir.resolve("b.json")));
        assertEquals(0, plain.code(), plain.err());
        assertOneLineUsageError(run("replay"), "replay: no capture file: give FILE, -r FILE, or - for standard input");
    }

    /** {@code tcpdump -w - | impacket-sensor replay -}: the capture arrives on a pipe. */
    @Test
    void dashReadsTheCaptureFromStandardInput() throws Exception {
        Path eve = dir.resolve("stdin.json");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "replay", "--eve", eve.toString(), "-")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(dir.resolve("stderr").toFile()).start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(Files.readAllBytes(SAMPLE));
        }
        assertEquals(0, p.waitFor(), Files.readString(dir.resolve("stderr")));
        String err = Files.readString(dir.resolve("stderr"));
        assertTrue(err.startsWith("replay standard input: 119 packets"), err);
        run("replay", "--eve", dir.resolve("file.json").toString(), SAMPLE.toString());
        assertEquals(alerts(dir.resolve("file.json")), alerts(eve));
        assertOneLineUsageError(run("replay", "-", "-"), "replay: standard input (-) can be read only once");
    }

    @Test
    void bpfFiltersTheReplayAsTcpdumpDoes() throws IOException {
        CliRun none = run("replay", "--eve", dir.resolve("none.json").toString(), "-f", "tcp port 9", SAMPLE.toString());
        assertEquals(0, none.code(), none.err());
        assertTrue(none.err().contains(": 0 packets"), none.err());
        assertEquals(List.of(), alerts(dir.resolve("none.json")));
        CliRun smb = run("replay", "--eve", dir.resolve("smb.json").toString(), "--bpf", "host 10.99.0.2 and tcp port 445",
                SAMPLE.toString());
        assertEquals(0, smb.code(), smb.err());
        assertTrue(smb.err().contains("119 packets"), smb.err());
        run("replay", "--eve", dir.resolve("all.json").toString(), SAMPLE.toString());
        assertEquals(alerts(dir.resolve("all.json")), alerts(dir.resolve("smb.json")));
        assertOneLineUsageError(run("replay", "-f", "tcp port", SAMPLE.toString()), "replay: bad BPF expression 'tcp port' for ");
    }

    @Test
    void dashCStopsAfterNFrames() {
        CliRun r = run("replay", "-c", "10", SAMPLE.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().startsWith("replay " + SAMPLE + ": 10 packets"), r.err());
        CliRun filtered = run("replay", "-c", "5", "-f", "tcp", SAMPLE.toString());
        assertTrue(filtered.err().contains(": 5 packets"), filtered.err());
        assertOneLineUsageError(run("replay", "-c", "0", SAMPLE.toString()), "replay: -c must be at least 1, got 0");
    }

    /**
     * isatty(2) is what decides: under a pseudo-terminal ({@code script}), with only stderr left on
     * it the answer is true; with stdin and stdout on it and stderr redirected, false. The procfs
     * answer and libc's isatty(3) agree in both cases.
     */
    @Test
    void progressBarFollowsStderrNotStdout() throws Exception {
        assumeTrue(new ProcessBuilder("sh", "-c", "command -v script").start().waitFor() == 0,
                "skipped: script (util-linux) not installed, no pseudo-terminal to test with");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String probe = "'" + java + "' -cp '" + System.getProperty("java.class.path") + "' '" + TerminalProbe.class.getName() + "' ";
        Path onlyStderr = dir.resolve("only-stderr");
        Path notStderr = dir.resolve("not-stderr");
        sh("script", "-qec", probe + "'" + onlyStderr + "' </dev/null >/dev/null", "/dev/null");
        sh("script", "-qec", probe + "'" + notStderr + "' 2>/dev/null", "/dev/null");
        assertEquals("true true", Files.readString(onlyStderr).strip());
        assertEquals("false false", Files.readString(notStderr).strip());
        String src = Files.readString(Path.of("src/main/java/io/impacketsensor/cli/SensorRun.java"));
        assertTrue(src.contains("Terminal.stderrIsTerminal() ? new Progress(") && !src.contains("System.console()"),
                "the replay progress bar is decided by Terminal.stderrIsTerminal()");
    }

    /**
     * Run by {@link #progressBarFollowsStderrNotStdout} in a child JVM: writes the answer, then libc's
     * isatty(3) on the same descriptor, to the file in args[0].
     */
    static final class TerminalProbe {
        public static void main(String[] args) throws IOException {
            Files.writeString(Path.of(args[0]), Terminal.stderrIsTerminal() + " " + Terminal.libcIsatty());
        }
    }

    /** The procfs link targets of the devices that are terminals, and of what stderr is otherwise open on. */
    @Test
    void terminalDevicesByProcfsTarget() {
        for (String tty : List.of("/dev/pts/3", "/dev/tty1", "/dev/ttyS0", "/dev/tty", "/dev/console")) {
            assertTrue(Terminal.isTerminalDevice(tty), tty);
        }
        for (String not : List.of("pipe:[4026]", "socket:[981]", "/dev/null", "/var/log/sensor.log", "anon_inode:[eventfd]")) {
            assertFalse(Terminal.isTerminalDevice(not), not);
        }
    }

    @Test
    void aFailedLiveStartLeavesNoFilesBehind() throws IOException {
        Path eve = dir.resolve("log/eve.json");
        Files.createDirectories(eve.getParent());
        Path state = dir.resolve("state");
        CliRun r = run("live", "-i", "nosuchif0", "--http", "", "--eve", eve.toString(), "--state-dir", state.toString());
        assertOneLineUsageError(r, "live: interface nosuchif0: ");
        assertFalse(Files.exists(eve), "no EVE file");
        assertFalse(Files.exists(state), "no state directory");

        // What was there before stays as it was.
        Files.createDirectories(state);
        Path mine = Files.writeString(state.resolve("notes.txt"), "kept");
        Files.writeString(eve, "{}\n");
        r = run("live", "-i", "nosuchif0", "--http", "", "--eve", eve.toString(), "--state-dir", state.toString());
        assertEquals(2, r.code(), r.err());
        assertEquals("{}\n", Files.readString(eve));
        try (var s = Files.list(state)) {
            assertEquals(List.of(mine), s.toList());
        }
    }

    /**
     * Every "Examples:" entry of every command's help parses as given: the words after
     * {@code [sudo] impacket-sensor} (continuation lines joined, shell quoting undone, the rest of a
     * pipeline and comments dropped) are accepted by the command line parser; and no example names
     * a path of a build machine or of the source tree.
     */
    @Test
    void helpExamplesPasteAndNameNoMachinePaths() {
        List<String> examples = new ArrayList<>();
        collect(Main.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter())), examples);
        assertTrue(examples.size() >= 15, examples.toString());
        for (String example : examples) {
            for (String bad : new String[] {"/work/", "/tmp/", "/home/", "/root/", "../", "samples/", "target/"}) {
                assertFalse(example.contains(bad), "example names a machine path (" + bad + "): " + example);
            }
            List<String> words = words(example);
            int at = words.indexOf("impacket-sensor");
            assertTrue(at == 0 || at == 1 && words.get(0).equals("sudo") || at > 0 && words.get(at - 1).equals("|"),
                    "example runs impacket-sensor: " + example);
            List<String> args = new ArrayList<>();
            for (String w : words.subList(at + 1, words.size())) {
                if (w.equals("|") || w.startsWith("#")) {
                    break;
                }
                args.add(w);
            }
            try {
                Main.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()))
                        .parseArgs(args.toArray(new String[0]));
            } catch (CommandLine.ParameterException e) {
                throw new AssertionError("example does not parse (" + e.getMessage() + "): " + example, e);
            }
        }
    }

    private static void collect(CommandLine cl, List<String> into) {
        boolean in = false;
        StringBuilder pending = new StringBuilder();
        for (String line : cl.getCommandSpec().usageMessage().footer()) {
            if (line.equals("Examples:")) {
                in = true;
            } else if (in && (line.isBlank() || !line.startsWith("  "))) {
                in = false;
            } else if (in) {
                assertFalse(line.contains("\t") || line.endsWith(" "), "example line with a tab or trailing blank: '" + line + "'");
                if (line.endsWith("\\")) {
                    pending.append(line, 0, line.length() - 1).append(' ');
                } else {
                    into.add((pending + line).strip());
                    pending.setLength(0);
                }
            }
        }
        assertEquals("", pending.toString(), "an example ends with a continuation backslash");
        for (CommandLine sub : cl.getSubcommands().values()) {
            collect(sub, into);
        }
    }

    /** POSIX shell words: single and double quotes, backslash escapes; '|' stands alone. */
    static List<String> words(String s) {
        List<String> out = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        boolean word = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\'') {
                int end = s.indexOf('\'', i + 1);
                w.append(s, i + 1, end);
                i = end;
                word = true;
            } else if (c == '"') {
                i++;
                while (s.charAt(i) != '"') {
                    if (s.charAt(i) == '\\' && "\"\\$`".indexOf(s.charAt(i + 1)) >= 0) {
                        i++;
                    }
                    w.append(s.charAt(i++));
                }
                word = true;
            } else if (c == '\\') {
                w.append(s.charAt(++i));
                word = true;
            } else if (c == ' ' || c == '|') {
                if (word) {
                    out.add(w.toString());
                    w.setLength(0);
                    word = false;
                }
                if (c == '|') {
                    out.add("|");
                }
            } else {
                w.append(c);
                word = true;
            }
        }
        if (word) {
            out.add(w.toString());
        }
        return out;
    }

    private static void sh(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), String.join(" ", cmd) + ": " + out);
    }
}
