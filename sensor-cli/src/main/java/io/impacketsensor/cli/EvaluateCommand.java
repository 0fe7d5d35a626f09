package io.impacketsensor.cli;

import io.impacketsensor.core.capture.PcapFormatException;
import io.impacketsensor.detection.config.EngineConfig;
import io.impacketsensor.detection.engine.Alert;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code impacket-sensor evaluate DIR}: replays every capture its manifest lists through the real
 * packet path and detection engine (a fresh engine per capture) and prints the detection matrix.
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Replays every capture listed in a folder's MANIFEST.tsv through the sensor and prints "
                + "the detection matrix: per capture the expected attack types, the types raised and the verdict; "
                + "then detected/required and false alerts/benign.", "",
            "Manifest: tab-separated with a header naming the columns `file` (path relative to DIR) and "
                + "`expected_attack_types`: `a|b` either type, `a&b` both (& binds tighter than |), `none` no "
                + "alert at all, `optional` or `out_of_scope` no requirement."},
        footer = {"", "Examples:",
            "  impacket-sensor evaluate pcaps/lab",
            "  impacket-sensor evaluate pcaps --manifest pcaps/MANIFEST.tsv --config sensor.yaml",
            "  impacket-sensor evaluate pcaps/public --min-action monitor   # the hunting tier",
            "  impacket-sensor evaluate pcaps/lab --perturb one-way:client  # an RX-only SPAN",
            "  impacket-sensor evaluate pcaps/lab --perturb loss:5%% --seed 7",
            "", "Exit codes: 0 every requirement met, 1 a required type missed or a benign capture alerted "
                + "(or a capture could not be read), 2 bad usage."})
public final class EvaluateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DIR", description = "folder holding the captures")
    Path dir;

    @Option(names = "--manifest", paramLabel = "TSV", description = "manifest (default DIR/MANIFEST.tsv)")
    Path manifest;

    @Option(names = "--config", paramLabel = "FILE", description = "YAML config file (pipeline:, flow:, engine:)")
    Path config;

    @Option(names = "--min-action", paramLabel = "LEVEL", description = "lowest action that counts as an alert: "
            + "alert (the default config) or monitor, the hunting tier (also log, block). Overrides "
            + "engine.alerts.min_action and passes on every monitor-level record")
    String minAction;

    @Option(names = "--perturb", paramLabel = "MODE", description = Perturbation.HELP)
    String perturbMode;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1",
            description = "seed of the random choices of loss:P%% and reorder:W (default ${DEFAULT-VALUE}); "
                    + "the same seed gives the same frames")
    long seed;

    /** One manifest row. */
    record Entry(String file, String expected) {
    }

    /** A verdict for one capture. */
    enum Verdict { DETECTED, MISSED, SILENT, FALSE_ALERT, NO_REQUIREMENT, ERROR }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path tsv = manifest != null ? manifest : dir.resolve("MANIFEST.tsv");
        List<Entry> entries;
        Perturbation perturbation;
        CaptureConfig capture;
        EngineConfig engine;
        RuleFiles ruleFiles;
        try {
            perturbation = perturbMode == null ? null : Perturbation.parse(perturbMode);
            entries = readManifest(tsv);
            SensorConfig all = SensorRun.config(config, null);
            capture = SensorRun.capture(all, null);
            engine = minAction == null ? all.engine() : withMinAction(all.engine(), minAction);
            ruleFiles = RuleFiles.of(config);
            // Checked once up front: a bad file is a usage error, not an error per capture.
            ruleFiles.applyAtStart(new io.impacketsensor.detection.ImpacketProtection(engine));
        } catch (UsageException e) {
            err.println("evaluate: " + e.getMessage());
            return Main.EXIT_USAGE;
        }
        if (minAction != null) {
            out.println("alerts counted from action " + engine.alerts().minAction() + " up");
        }
        if (perturbation != null) {
            out.println("perturbation " + perturbation.text() + ", seed " + seed);
        }
        int width = 7;
        for (Entry e : entries) {
            width = Math.max(width, e.file().length());
        }
        width = Math.min(width, 100);
        String fmt = "%-" + width + "s  %-28s  %-40s  %s%n";
        out.printf(Locale.ROOT, fmt, "capture", "expected", "raised", "verdict");
        int required = 0;
        int detected = 0;
        int benign = 0;
        int falseAlerts = 0;
        int errors = 0;
        List<String> failures = new ArrayList<>();
        for (Entry e : entries) {
            Set<String> raised = new LinkedHashSet<>();
            String failure = null;
            try {
                CaptureDetection.Result r = CaptureDetection.run(List.of(dir.resolve(e.file())), capture, engine,
                        ruleFiles::apply, perturbation, seed);
                for (Alert a : r.alerts()) {
                    raised.add(a.analysis().attackType().id());
                }
                failure = r.failure();
            } catch (PcapFormatException | IOException ex) {
                failure = ex.getMessage();
            }
            Verdict v = failure != null ? Verdict.ERROR : verdict(e.expected(), raised);
            switch (v) {
                case DETECTED -> {
                    required++;
                    detected++;
                }
                case MISSED -> required++;
                case SILENT -> benign++;
                case FALSE_ALERT -> {
                    benign++;
                    falseAlerts++;
                }
                case ERROR -> errors++;
                default -> {
                }
            }
            if (v == Verdict.MISSED || v == Verdict.FALSE_ALERT || v == Verdict.ERROR) {
                failures.add(e.file());
            }
            out.printf(Locale.ROOT, fmt, e.file(), e.expected(), raised.isEmpty() ? "-" : String.join(",", raised),
                    v.name().toLowerCase(Locale.ROOT) + (failure != null ? " (" + failure + ")" : ""));
            out.flush();
        }
        out.printf(Locale.ROOT, "%ntotals: detected %d/%d required, false alerts %d/%d benign, %d without requirement, "
                        + "%d errors%n", detected, required, falseAlerts, benign,
                entries.size() - required - benign - errors, errors);
        if (!failures.isEmpty()) {
            out.println("failing: " + String.join(" ", failures));
        }
        out.flush();
        return failures.isEmpty() ? Main.EXIT_OK : Main.EXIT_FAILURE;
    }

    /** {@code engine} with alerts written from {@code level} up and no sampling of monitor-level records. */
    static EngineConfig withMinAction(EngineConfig engine, String level) throws UsageException {
        String l = level.toLowerCase(Locale.ROOT);
        if (!(l.equals("log") || l.equals("monitor") || l.equals("alert") || l.equals("block"))) {
            throw new UsageException("--min-action: must be log, monitor, alert or block, not '" + level + "'");
        }
        EngineConfig.Alerts a = engine.alerts();
        return new EngineConfig(engine.layers(), engine.thresholds(), engine.blocking(), engine.allowList(),
                engine.behaviour(), engine.chains(), engine.relay(), engine.kerberos(), engine.domainControllers(),
                engine.learnDomainControllers(), new EngineConfig.Alerts(a.dedupeWindowSeconds(), a.maxInstances(),
                a.maxIndicators(), l, 1), engine.customSignatures(), engine.dcPromotion());
    }

    /**
     * The verdict of one capture: {@code none} must raise nothing; {@code optional}/{@code out_of_scope}
     * have no requirement; else one {@code |} alternative must have all its {@code &} types raised.
     */
    static Verdict verdict(String expected, Set<String> raised) {
        String x = expected.trim();
        if (x.equals("none")) {
            return raised.isEmpty() ? Verdict.SILENT : Verdict.FALSE_ALERT;
        }
        if (x.isEmpty() || x.equals("-") || x.equals("optional") || x.equals("out_of_scope")) {
            return Verdict.NO_REQUIREMENT;
        }
        for (String alternative : x.split("\\|")) {
            boolean all = true;
            for (String type : alternative.split("&")) {
                all &= raised.contains(type.trim());
            }
            if (all) {
                return Verdict.DETECTED;
            }
        }
        return Verdict.MISSED;
    }

    static List<Entry> readManifest(Path tsv) throws UsageException {
        List<String> lines;
        try {
            lines = Files.readAllLines(tsv);
        } catch (IOException e) {
            throw new UsageException("cannot read manifest " + tsv + ": " + IoReason.of(e));
        }
        if (lines.isEmpty()) {
            throw new UsageException("manifest " + tsv + " is empty");
        }
        List<String> header = List.of(lines.get(0).split("\t", -1));
        int file = header.indexOf("file");
        int expected = header.indexOf("expected_attack_types");
        if (file < 0 || expected < 0) {
            throw new UsageException("manifest " + tsv + ": the header must name the columns file and expected_attack_types");
        }
        List<Entry> entries = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            String[] cols = lines.get(i).split("\t", -1);
            if (cols.length <= Math.max(file, expected)) {
                throw new UsageException("manifest " + tsv + " line " + (i + 1) + ": too few columns");
            }
            entries.add(new Entry(cols[file], cols[expected]));
        }
        return entries;
    }
}
