package io.impacketsensor.cli;

import io.impacketsensor.detection.config.ConfigException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code impacket-sensor config check FILE}: validates the whole file and prints the effective configuration. */
@Command(name = "config", mixinStandardHelpOptions = true, description = "Configuration file tools.",
        subcommands = ConfigCommand.Check.class)
final class ConfigCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        Main.required(spec, "a subcommand is required");
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = {"Validates FILE (every section; unknown keys and bad values are errors naming the key) "
                + "and prints the effective configuration (defaults filled in) as YAML on stdout.",
                "It also states the heap the file's tables need when full; live, replay and evaluate "
                    + "refuse to start in a JVM whose -Xmx is smaller.",
                "Exit codes: 0 valid, 2 invalid."})
    static final class Check implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "FILE", description = "YAML config file, e.g. /etc/impacket-sensor/impacket-sensor.yaml")
        Path file;

        @Override
        public Integer call() {
            SensorConfig c;
            try {
                c = SensorConfig.load(file);
            } catch (ConfigException e) {
                spec.commandLine().getErr().println("config check: " + e.getMessage());
                return Main.EXIT_USAGE;
            }
            io.impacketsensor.detection.rules.Tuning tuning;
            try {
                RuleFiles rf = RuleFiles.of(file);
                io.impacketsensor.detection.ImpacketProtection probe = new io.impacketsensor.detection.ImpacketProtection(c.engine());
                tuning = rf.apply(probe);
                if (rf.local() != null) {
                    spec.commandLine().getErr().println("config check: local rules " + rf.local() + ": "
                            + (probe.rules().size() - probe.baseRules().size()) + " rules");
                }
            } catch (UsageException | io.impacketsensor.detection.rules.RuleException e) {
                spec.commandLine().getErr().println("config check: " + e.getMessage());
                return Main.EXIT_USAGE;
            }
            spec.commandLine().getOut().print(c.toYaml());
            spec.commandLine().getOut().flush();
            if (!tuning.source().isEmpty()) {
                PrintWriter err = spec.commandLine().getErr();
                err.println("config check: tuning " + tuning.source() + ": " + tuning.describe().size() + " entries");
                for (String l : tuning.describe()) {
                    err.println("  " + l);
                }
            }
            // The heap is the running sensor's (-Xmx of the unit or the launcher), not this JVM's:
            // say what the file needs, which live/replay check at start.
            int w = c.capture().workers();
            spec.commandLine().getErr().println("config check: " + file + " is valid; full tables need ~"
                    + MemoryEstimate.size(MemoryEstimate.total(c.capture(), c.engine())) + " of heap with " + w
                    + " worker" + (w == 1 ? "" : "s") + " (the sensor refuses to start with a smaller -Xmx)");
            return Main.EXIT_OK;
        }
    }
}
