package io.impacketsensor.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code impacket-sensor}: the command line. Each command is its own class registered in
 * {@link #COMMANDS}; add new ones there.
 *
 * <p>Exit codes: 0 ok, 1 runtime failure, 2 bad usage or bad input (one line naming the problem,
 * no stack trace).
 */
@Command(name = "impacket-sensor", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"Passive network sensor for Impacket attacks in SMB2, NTLMSSP, DCE/RPC, Kerberos and LDAP.",
            "", "Reads pcap/pcapng files or a live interface and writes EVE JSON lines (Suricata's layout) "
                + "plus a summary on stderr."},
        footer = {"", "Examples:",
            "  impacket-sensor replay capture.pcap",
            "  impacket-sensor replay --eve - day1.pcapng day2.pcap",
            "  tcpdump -i eth0 -w - 'tcp port 445' | impacket-sensor replay -",
            "  impacket-sensor analyze events.jsonl",
            "  impacket-sensor selftest --attack-type SMB",
            "  sudo impacket-sensor live -i eth0 --eve eve.json \\",
            "       --bpf 'tcp port 445 or port 88 or tcp port 135 or port 389'",
            "  impacket-sensor correlate --config /etc/impacket-sensor/impacket-sensor.yaml",
            "",
            "Exit codes: 0 ok, 1 runtime failure, 2 bad usage or input.",
            "Run 'impacket-sensor COMMAND --help' for a command's options."})
public final class Main implements Runnable {
    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILURE = 1;
    public static final int EXIT_USAGE = 2;

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /**
     * The commands, by the name each one's {@code @Command} gives it, in the order help lists them.
     * They are made on demand: building a command's model reflects over all its options, and a run
     * needs only the one it names (see {@link #execute}).
     */
    static final Map<String, Supplier<Object>> COMMANDS;

    static {
        Map<String, Supplier<Object>> c = new LinkedHashMap<>();
        c.put("replay", ReplayCommand::new);
        c.put("live", LiveCommand::new);
        c.put("bench", BenchCommand::new);
        c.put("analyze", AnalyzeCommand::new);
        c.put("selftest", SelftestCommand::new);
        c.put("config", ConfigCommand::new);
        c.put("blocklist", BlocklistCommand::new);
        c.put("evaluate", EvaluateCommand::new);
        c.put("rules", RulesCommand::new);
        c.put("correlate", CorrelateCommand::new);
        COMMANDS = Collections.unmodifiableMap(c);
    }

    /**
     * Runs a command line with the given streams (tests use this) and returns the exit code. When
     * the first argument names a command, only that command is built: picocli's reflection over
     * every command's options was half of the main thread's work in a short replay. Anything else
     * (no command, an option such as --help, a misspelt name) gets the whole tree, so help and
     * errors list every command.
     */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        Supplier<Object> only = args.length > 0 ? COMMANDS.get(args[0]) : null;
        CommandLine cl = only == null ? commandLine(out, err) : commandLine(out, err, Map.of(args[0], only));
        return cl.execute(args);
    }

    /** The whole command tree (help, man pages and the reference docs are made from it). */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        return commandLine(out, err, COMMANDS);
    }

    private static CommandLine commandLine(PrintWriter out, PrintWriter err, Map<String, Supplier<Object>> commands) {
        CommandLine cl = new CommandLine(new Main());
        for (Supplier<Object> command : commands.values()) {
            cl.addSubcommand(command.get());
        }
        // Each command's -V/--version (picocli's standard help options) prints the program's version,
        // as the top level's does; without a provider of its own it printed an empty line.
        Version version = new Version();
        for (CommandLine sub : cl.getSubcommands().values()) {
            sub.getCommandSpec().versionProvider(version);
        }
        cl.registerConverter(java.nio.file.Path.class, new PathConverter());
        cl.setOut(out);
        cl.setErr(err);
        cl.setParameterExceptionHandler(new BadUsage());
        cl.setExecutionExceptionHandler(new Failure());
        return cl;
    }

    // The three handlers below are classes, not lambdas: a lambda implementing one of picocli's
    // interfaces makes the class-data archive's dump link that interface, and picocli's classes,
    // compiled for Java 5, cannot be archived once linked; every class implementing it (picocli's
    // built-in converters) would then be read and verified from the jar at each start.

    /** "" would be the working directory (Path.of("")), which no FILE or DIR argument means. */
    static final class PathConverter implements CommandLine.ITypeConverter<java.nio.file.Path> {
        @Override
        public java.nio.file.Path convert(String s) {
            if (s.isEmpty()) {
                throw new CommandLine.TypeConversionException("an empty path");
            }
            return java.nio.file.Path.of(s);
        }
    }

    /** A bad flag or argument: one line naming it, exit code 2. */
    static final class BadUsage implements CommandLine.IParameterExceptionHandler {
        @Override
        public int handleParseException(CommandLine.ParameterException ex, String[] args) {
            CommandLine cl = ex.getCommandLine();
            String name = cl.getCommandSpec().qualifiedName();
            cl.getErr().println(name + ": " + ex.getMessage() + " (see '" + name + " --help')");
            return EXIT_USAGE;
        }
    }

    /**
     * A command that failed: an I/O failure (a full disk, a closed pipe) gets its reason; anything
     * else is a bug and keeps its exception class, still on one line.
     */
    static final class Failure implements CommandLine.IExecutionExceptionHandler {
        @Override
        public int handleExecutionException(Exception ex, CommandLine commandLine, CommandLine.ParseResult parseResult) {
            String why = ex instanceof java.io.UncheckedIOException u ? IoReason.of(u.getCause())
                    : ex instanceof java.io.IOException io ? IoReason.of(io) : String.valueOf(ex);
            commandLine.getErr().println(commandLine.getCommandName() + ": " + why);
            return EXIT_FAILURE;
        }
    }

    @Override
    public void run() {
        required(spec, "a command is required");
    }

    /** A command group run without its subcommand: usage on stderr, then bad usage (exit 2). */
    static void required(CommandSpec spec, String what) {
        spec.commandLine().usage(spec.commandLine().getErr());
        throw new CommandLine.ParameterException(spec.commandLine(), what);
    }

    /** The project version the build wrote into version.properties. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws java.io.IOException {
            return new String[] {"impacket-sensor " + version()};
        }
    }

    /** The project version (from the build's version.properties). */
    public static String version() throws java.io.IOException {
        java.util.Properties p = new java.util.Properties();
        try (java.io.InputStream in = Main.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                throw new java.io.IOException("version.properties is missing from the jar");
            }
            p.load(in);
        }
        return p.getProperty("version");
    }
}
