package io.impacketsensor.cli;

import io.impacketsensor.core.capture.CaptureException;
import io.impacketsensor.core.capture.LiveOptions;
import io.impacketsensor.core.capture.LivePcapSource;
import io.impacketsensor.detection.config.EngineConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code impacket-sensor live -i IFACE}: captures from an interface until SIGINT/SIGTERM. */
@Command(name = "live", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Captures from a network interface until SIGINT/SIGTERM.", "",
            "Needs root, or CAP_NET_RAW (and CAP_NET_ADMIN for promiscuous mode). On SIGINT or "
                + "SIGTERM it drains the decode workers and writes the final stats. When the workers "
                + "fall behind, frames are dropped and counted (capture.dropped_ring) rather than "
                + "stalling the capture; the kernel's own drops are reported too.",
            "", "On a sensor NIC turn receive offloads off first, so frames are real packets:",
            "  ethtool -K IFACE gro off lro off"},
        footer = {"", "Examples:",
            "  sudo impacket-sensor live -i eth0",
            "  sudo impacket-sensor live -i eth1 --stats-interval 60 \\",
            "       --eve /var/log/impacket-sensor/eve.json \\",
            "       --bpf 'tcp port 445 or tcp port 139 or port 88 or tcp port 135 or port 389'",
            "", "Exit codes: 0 ok, 1 runtime failure (interface went down),", "            2 bad usage, unknown interface, bad BPF."})
public final class LiveCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    RunOptions run;

    @Option(names = {"-i", "--interface"}, required = true, paramLabel = "IFACE", description = "interface to capture on (e.g. eth0, any)")
    String iface;

    @Option(names = "--bpf", paramLabel = "EXPR", description = "BPF capture filter (tcpdump syntax)")
    String bpf;


    @Option(names = "--snaplen", paramLabel = "N", defaultValue = "65535",
            description = "bytes kept per frame (default ${DEFAULT-VALUE}; GRO/TSO frames reach 64 KB)")
    int snaplen;


    @Option(names = "--stats-interval", paramLabel = "S", defaultValue = "60",
            description = "seconds between EVE stats records and stderr status lines (0: only at the end; default ${DEFAULT-VALUE})")
    int statsInterval;

    @Option(names = "--promisc", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "promiscuous mode (default on; a SPAN port needs it)")
    boolean promisc;

    @Option(names = "--immediate", description = "deliver each frame at once (lower latency, more CPU; default: batched)")
    boolean immediate;

    @Option(names = "--buffer-size", paramLabel = "MB", defaultValue = "32", description = "kernel capture buffer in MB (default ${DEFAULT-VALUE})")
    int bufferMb;


    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        CaptureConfig cfg;
        EngineConfig engineConfig;
        LiveOptions options;
        EveWriter w;
        try {
            if (statsInterval < 0) {
                throw new UsageException("--stats-interval must be >= 0, got " + statsInterval);
            }
            if (bufferMb < 1 || bufferMb > 2047) {
                throw new UsageException("--buffer-size must be 1..2047 MB, got " + bufferMb);
            }
            try {
                options = new LiveOptions(iface, bpf, snaplen, promisc, immediate, bufferMb << 20,
                        LiveOptions.DEFAULT_TIMEOUT_MS);
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
            cfg = SensorRun.config(run.config, run.workers);
            engineConfig = Detection.config(run.config);
            w = SensorRun.openEve(run.eve, run.protocolRecords);
        } catch (UsageException e) {
            err.println("live: " + e.getMessage());
            return Main.EXIT_USAGE;
        }
        LivePcapSource source;
        try {
            source = LivePcapSource.open(options);
        } catch (CaptureException e) {
            err.println("live: " + e.getMessage());
            if (w != null) {
                w.close();
            }
            return Main.EXIT_USAGE;
        }
        try (source) {
            err.println("live: capturing on " + iface + (bpf != null ? " (filter: " + bpf + ")" : "")
                    + "; Ctrl-C to stop");
            err.flush();
            return new SensorRun("live " + iface, true, err).run(source, SensorRun.processors(cfg.flowLimits()),
                    cfg.pipeline(run.workers), w, new Detection(engineConfig, w, null), statsInterval);
        }
    }
}
