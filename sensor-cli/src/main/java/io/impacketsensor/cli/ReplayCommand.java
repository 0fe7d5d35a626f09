package io.impacketsensor.cli;

import io.impacketsensor.core.capture.OfflinePcapSource;
import io.impacketsensor.core.capture.PacketSource;
import io.impacketsensor.core.capture.PcapFileChain;
import io.impacketsensor.core.capture.PcapFormatException;
import io.impacketsensor.detection.config.EngineConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code impacket-sensor replay FILE...}: runs capture files through the sensor, losslessly. */
@Command(name = "replay", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Runs pcap/pcapng files through the sensor.", "",
            "The files are read one after the other, as one capture, through the full packet path: "
                + "link layer, IPv4/IPv6 with fragments, TCP reassembly, the protocol analyzers. "
                + "Replay is lossless and deterministic with any number of workers: the reader waits "
                + "for the decode workers instead of dropping, and their events reach the engine in "
                + "frame order, so --workers N writes the same EVE output as 1 worker. It ends with one EVE stats record and a summary on stderr. "
                + "A damaged file (truncated last record, corrupt block) is read up to the damage, "
                + "with a warning.",
            "",
            "FILE - reads a capture from standard input. With - or --bpf the files are read through "
                + "libpcap, as tcpdump reads them (pcap and pcapng)."},
        footer = {"", "Examples:",
            "  impacket-sensor replay capture.pcap",
            "  impacket-sensor replay --eve eve.json --workers 2 mon.pcapng tue.pcap",
            "  impacket-sensor replay -r capture.pcap -f 'tcp port 445' -c 10000",
            "  tcpdump -i eth0 -w - 'tcp port 445' | impacket-sensor replay --eve eve.json -",
            "  impacket-sensor replay --eve - capture.pcap \\",
            "       | jq -c 'select(.event_type==\"stats\").stats.flow'",
            "", "Exit codes: 0 ok, 1 runtime failure, 2 bad usage or unreadable/not-a-pcap file."})
public final class ReplayCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    RunOptions run;

    // Strings, not Paths: picocli reports a failed conversion of an optional positional as an
    // unmatched argument, so the empty path is refused below with its own message.
    @Parameters(paramLabel = "FILE", arity = "0..*", description = "pcap or pcapng capture files, read in order; - is standard input")
    List<String> files;

    @Option(names = "-r", paramLabel = "FILE", description = "a capture file to read, as tcpdump -r (repeatable; read before the FILE arguments)")
    List<Path> readFiles;

    @Option(names = {"-f", "--bpf"}, paramLabel = "EXPR",
            description = "BPF filter (tcpdump syntax, pcap-filter(7)): only matching frames are replayed")
    String bpf;

    @Option(names = {"-c", "--count"}, paramLabel = "N", description = "stop after N frames (after the filter)")
    Long count;

    /** The run {@link #call} made, for {@code bench --end-to-end}, which times this command itself. */
    SensorRun lastRun;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        CaptureConfig cfg;
        EngineConfig engineConfig;
        SensorConfig config;
        PacketSource source;
        List<Path> all = new ArrayList<>();
        if (readFiles != null) {
            all.addAll(readFiles);
        }
        try {
            if (files != null) {
                for (String f : files) {
                    if (f.isEmpty()) {
                        throw new UsageException("FILE: an empty path");
                    }
                    all.add(Path.of(f));
                }
            }
            if (all.isEmpty()) {
                throw new UsageException("no capture file: give FILE, -r FILE, or - for standard input");
            }
            if (count != null && count < 1) {
                throw new UsageException("-c must be at least 1, got " + count);
            }
            if (bpf != null && bpf.isBlank()) {
                throw new UsageException("--bpf: an empty filter expression");
            }
            config = SensorRun.config(run.config, run.workers);
            cfg = SensorRun.capture(config, run.workers);
            engineConfig = config.engine();
            boolean stdin = all.stream().anyMatch(p -> p.toString().equals("-"));
            source = stdin || bpf != null
                    ? OfflinePcapSource.open(all.stream().map(Path::toString).toList(), bpf)
                    : PcapFileChain.open(all);
        } catch (UsageException | PcapFormatException e) {
            err.println("replay: " + e.getMessage());
            return Main.EXIT_USAGE;
        }
        PacketSource limited = count != null ? new CountLimit(source, count) : source;
        try (limited) {
            EveWriter w;
            try {
                w = SensorRun.openEve(run.eve, run.protocolRecords);
            } catch (UsageException e) {
                err.println("replay: " + e.getMessage());
                return Main.EXIT_USAGE;
            }
            String title = "replay " + (all.size() == 1 ? shown(all.get(0)) : all.size() + " files");
            io.impacketsensor.fleet.FleetPublisher fleet;
            try {
                fleet = FleetHook.open(config);
            } catch (UsageException e) {
                err.println("replay: " + e.getMessage());
                return Main.EXIT_USAGE;
            }
            Detection detection = new Detection(engineConfig, w, fleet);
            detection.fleet(fleet);
            try {
                RuleFiles.of(run.config).applyAtStart(detection.engine());
            } catch (UsageException e) {
                if (fleet != null) {
                    fleet.close();
                }
                err.println("replay: " + e.getMessage());
                return Main.EXIT_USAGE;
            }
            if (fleet != null) {
                // The fleet's DCs are learned before the first packet, as a live sensor that has run a
                // while knows them; a broker that does not answer in time leaves the replay to learn alone.
                fleet.shareDcLearning(detection.engine());
                if (fleet.dcFacts() != null) {
                    try {
                        if (!fleet.dcFacts().awaitCaughtUp(java.time.Duration.ofSeconds(DC_FACTS_WAIT_SECONDS))) {
                            err.println("replay: the fleet's DC facts (topic " + config.kafka().dcFactsTopic()
                                    + ") were not read within " + DC_FACTS_WAIT_SECONDS + " s; DCs are learned from the capture only");
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
            lastRun = new SensorRun(title, false, err);
            lastRun.fleet = fleet;
            return lastRun.run(limited, SensorRun.processors(cfg, run.protocolRecords), cfg.pipeline(0), w, detection, 0);
        }
    }

    /** How long a replay waits for the fleet's DC facts (kafka.shared_dc_learning) before its first packet. */
    private static final int DC_FACTS_WAIT_SECONDS = 15;

    private static String shown(Path p) {
        return p.toString().equals("-") ? "standard input" : p.toString();
    }
}
