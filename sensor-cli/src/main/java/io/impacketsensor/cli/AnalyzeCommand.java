package io.impacketsensor.cli;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.impacketsensor.detection.model.Analysis;
import io.impacketsensor.detection.model.AnalysisResult;
import io.impacketsensor.detection.model.BlockEntry;
import io.impacketsensor.detection.model.ChainStep;
import io.impacketsensor.detection.ImpacketProtection;
import io.impacketsensor.detection.NetworkEvent;
import io.impacketsensor.detection.NetworkEventException;
import io.impacketsensor.detection.model.Statistics;
import io.impacketsensor.detection.config.ConfigException;
import io.impacketsensor.detection.config.EngineConfig;
import io.impacketsensor.detection.eve.EveAlertWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code impacket-sensor analyze [FILE|-]}: one specification-format JSON event per line in, one
 * analysis JSON object per line out; bad lines (not JSON, a bad field, longer than 1 MiB) are
 * reported on stderr with their line number and skipped; input with a NUL byte is not JSON lines and
 * stops the run (exit 2) after what was read before it; the blocklist and statistics summary goes to stderr at the end.
 */
@Command(name = "analyze", mixinStandardHelpOptions = true,
        description = "Analyse flat JSON events (one per line) and print one analysis per line.")
public final class AnalyzeCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", defaultValue = "-", paramLabel = "FILE|-",
            description = "Input file, or - for standard input (default).")
    String input = "-";

    /**
     * Longest accepted line: a flat event is a few hundred bytes; the bound keeps one line without
     * a newline (a binary file, a stream that never ends one) from filling the heap.
     */
    static final int MAX_LINE_BYTES = 1 << 20;

    @Option(names = "--config", paramLabel = "FILE", description = "Configuration file (engine section).")
    Path config;

    @Option(names = "--eve", paramLabel = "FILE", description = "Also write EVE JSON alerts to this file.")
    Path eve;

    private final InputStream stdin;
    private final PrintStream stdout;
    private final PrintStream stderr;

    public AnalyzeCommand() {
        this(System.in, System.out, System.err);
    }

    public AnalyzeCommand(InputStream stdin, PrintStream stdout, PrintStream stderr) {
        this.stdin = stdin;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    @Override
    public Integer call() throws IOException {
        EngineConfig cfg;
        try {
            cfg = SensorConfig.load(config).engine();
        } catch (ConfigException e) {
            stderr.println("impacket-sensor analyze: " + e.getMessage());
            return 2;
        }
        InputStream in;
        if ("-".equals(input)) {
            in = stdin;
        } else {
            try {
                in = open(Path.of(input));
            } catch (UsageException e) {
                stderr.println("impacket-sensor analyze: " + e.getMessage());
                return 2;
            }
        }
        OutputStream eveOut = null;
        if (eve != null) {
            try {
                eveOut = openEve(eve);
            } catch (UsageException e) {
                stderr.println("impacket-sensor analyze: " + e.getMessage());
                closeQuietly(in);
                return 2;
            }
        }
        ImpacketProtection engine = new ImpacketProtection(cfg);
        EveAlertWriter eveWriter = eveOut == null ? null : new EveAlertWriter(eveOut);
        if (eveWriter != null) {
            engine.setAlertSink(eveWriter);
        }
        JsonGenerator g = new JsonFactory().createGenerator((OutputStream) stdout, JsonEncoding.UTF8);
        g.configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
        g.setRootValueSeparator(null);
        long lines = 0;
        long bad = 0;
        int exit = 0;
        try (JsonLines r = new JsonLines(in, MAX_LINE_BYTES)) {
            String line;
            while (true) {
                try {
                    line = r.next();
                } catch (JsonLines.LineTooLongException e) {
                    lines = r.lineNumber();
                    bad++;
                    stderr.println("line " + lines + ": " + e.getMessage() + "; skipped");
                    continue;
                } catch (JsonLines.BinaryInputException e) {
                    lines = r.lineNumber();
                    bad++;
                    stderr.println("line " + lines + ": " + e.getMessage() + "; stopped");
                    exit = 2;
                    break;
                } catch (IOException e) {
                    stderr.println("impacket-sensor analyze: cannot read " + input + " after line " + lines + ": "
                            + IoReason.of(e));
                    exit = 1;
                    break;
                }
                if (line == null) {
                    break;
                }
                lines = r.lineNumber();
                if (line.isBlank()) {
                    continue;
                }
                AnalysisResult res;
                try {
                    res = engine.analyzeNetworkEvent(NetworkEvent.fromJson(line));
                } catch (NetworkEventException e) {
                    bad++;
                    stderr.println("line " + lines + ": " + e.getMessage());
                    continue;
                }
                write(g, lines, res);
                g.flush();
                stdout.write('\n');
                if (stdout.checkError()) {
                    // PrintStream keeps write errors to itself: without this a full disk or a closed
                    // pipe would lose every analysis and still exit 0.
                    stderr.println("impacket-sensor analyze: cannot write the analyses to standard output after line "
                            + lines);
                    exit = 1;
                    break;
                }
            }
        } catch (java.io.UncheckedIOException e) {
            stderr.println("impacket-sensor analyze: cannot write EVE output " + eve + " at line " + lines + ": "
                    + IoReason.of(e.getCause()));
            exit = 1;
        } finally {
            if (eveWriter != null) {
                try {
                    eveWriter.close();
                    eveOut.close();
                } catch (IOException | java.io.UncheckedIOException e) {
                    if (exit == 0) {
                        IOException io = e instanceof IOException x ? x : ((java.io.UncheckedIOException) e).getCause();
                        stderr.println("impacket-sensor analyze: cannot write EVE output " + eve + ": " + IoReason.of(io));
                        exit = 1;
                    }
                }
            }
        }
        stdout.flush();
        summary(engine, lines, bad);
        return exit;
    }

    /** The input file, or a one-line reason it cannot be read. */
    private static InputStream open(Path file) throws UsageException {
        if (file.toString().isEmpty()) {
            throw new UsageException("an empty path is not a file (give FILE or - for standard input)");
        }
        if (Files.isDirectory(file)) {
            throw new UsageException(file + ": is a directory, not a file of JSON lines");
        }
        try {
            return Files.newInputStream(file);
        } catch (NoSuchFileException e) {
            throw new UsageException(file + ": no such file");
        } catch (AccessDeniedException e) {
            throw new UsageException(file + ": permission denied");
        } catch (IOException e) {
            throw new UsageException(file + ": cannot read: " + IoReason.of(e));
        }
    }

    private static OutputStream openEve(Path file) throws UsageException {
        if (Files.isDirectory(file)) {
            throw new UsageException("--eve " + file + ": is a directory");
        }
        try {
            return Files.newOutputStream(file);
        } catch (NoSuchFileException e) {
            throw new UsageException("--eve " + file + ": no such directory");
        } catch (AccessDeniedException e) {
            throw new UsageException("--eve " + file + ": permission denied");
        } catch (IOException e) {
            throw new UsageException("--eve " + file + ": cannot write: " + IoReason.of(e));
        }
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // nothing was read from it
        }
    }

    static void write(JsonGenerator g, long line, AnalysisResult res) throws IOException {
        Analysis a = res.analysis();
        g.writeStartObject();
        g.writeNumberField("line", line);
        g.writeBooleanField("is_attack", res.isAttack());
        g.writeStringField("attack_type", a.attackTypeId());
        g.writeNumberField("confidence", a.confidence());
        g.writeStringField("severity", a.severity().id());
        g.writeNumberField("severity_score", a.severityScore());
        g.writeStringField("action", a.action().id());
        g.writeBooleanField("blocked", a.blocked());
        if (a.tool() != null) {
            g.writeStringField("tool", a.tool());
        }
        strings(g, "indicators", a.indicators());
        strings(g, "matched_signatures", a.matchedSignatures());
        strings(g, "recommendations", a.recommendations());
        strings(g, "mitre_techniques", a.mitreTechniques());
        g.writeArrayFieldStart("chain");
        for (ChainStep s : a.chain()) {
            g.writeStartObject();
            g.writeStringField("timestamp", io.impacketsensor.detection.eve.EveCommon.timestamp(s.timestampNanos()));
            g.writeStringField("step", s.step());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private static void strings(JsonGenerator g, String name, List<String> l) throws IOException {
        g.writeArrayFieldStart(name);
        for (String s : l) {
            g.writeString(s);
        }
        g.writeEndArray();
    }

    private void summary(ImpacketProtection engine, long lines, long bad) {
        Statistics s = engine.getStatistics();
        stderr.println("summary: " + lines + " lines, " + bad + " rejected; total_events " + s.totalEvents()
                + " (engine_events " + s.engineEvents() + "), attacks detected " + s.attacksDetected() + " (SMB " + s.smbAttacks() + ", Kerberos "
                + s.kerberosAttacks() + ", NTLM relay " + s.ntlmRelayAttempts() + ", secret dumps " + s.secretDumps()
                + "), alerts " + s.alertsEmitted());
        StringBuilder types = new StringBuilder();
        for (Map.Entry<String, Long> e : s.byAttackType().entrySet()) {
            types.append(' ').append(e.getKey()).append('=').append(e.getValue());
        }
        stderr.println("attack types:" + (types.length() == 0 ? " none" : types));
        StringBuilder actions = new StringBuilder();
        for (Map.Entry<String, Long> e : s.byAction().entrySet()) {
            actions.append(' ').append(e.getKey()).append('=').append(e.getValue());
        }
        stderr.println("actions:" + actions);
        List<BlockEntry> blocked = engine.getBlockedIps();
        stderr.println("blocklist: " + blocked.size() + " address(es)");
        for (BlockEntry b : blocked) {
            stderr.println("  " + b.ip() + "  " + b.attackType() + "  confidence " + b.confidence() + "  blocked "
                    + b.blockedAt() + "  expires " + (b.expiresAt() == null ? "never" : b.expiresAt().toString())
                    + "  " + b.reason());
        }
    }
}
