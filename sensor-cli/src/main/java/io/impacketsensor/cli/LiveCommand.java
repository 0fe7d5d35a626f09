package io.impacketsensor.cli;

import io.impacketsensor.core.capture.CaptureException;
import io.impacketsensor.core.capture.LiveOptions;
import io.impacketsensor.core.capture.LivePcapSource;
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
                + "fall behind, frames wait in the kernel capture buffer (--buffer-size); when that is "
                + "full the kernel drops them and they are counted (capture.kernel_dropped).",
            "", "On a sensor NIC turn receive offloads off first, so frames are real packets:",
            "  ethtool -K IFACE gro off lro off"},
        footer = {"", "Examples:",
            "  sudo impacket-sensor live -i eth0",
            "  sudo impacket-sensor live --config /etc/impacket-sensor/impacket-sensor.yaml",
            "  sudo impacket-sensor live -i eth1 --stats-interval 60 \\",
            "       --eve /var/log/impacket-sensor/eve.json \\",
            "       --bpf 'tcp port 445 or tcp port 139 or port 88 or tcp port 135 or port 389'",
            "", "Exit codes: 0 ok, 1 runtime failure (interface went down),", "            2 bad usage, unknown interface, bad BPF."})
public final class LiveCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    RunOptions run;

    @Option(names = {"-i", "--interface"}, paramLabel = "IFACE",
            description = "interface to capture on (e.g. eth0, any); default: config capture.interface")
    String iface;

    @Option(names = "--bpf", paramLabel = "EXPR", description = "BPF capture filter (tcpdump syntax); default: config capture.bpf")
    String bpf;

    @Option(names = "--snaplen", paramLabel = "N",
            description = "bytes kept per frame (default: config capture.snaplen, 65535; GRO/TSO frames reach 64 KB)")
    Integer snaplen;

    @Option(names = "--stats-interval", paramLabel = "S",
            description = "seconds between EVE stats records and stderr status lines (0: only at the end; default: config outputs.stats_interval_seconds, 60)")
    Integer statsInterval;

    @Option(names = "--promisc", negatable = true, fallbackValue = "true",
            description = "promiscuous mode (default: config capture.promisc, on; a SPAN port needs it)")
    Boolean promisc;

    @Option(names = "--immediate", description = "deliver each frame at once (lower latency, more CPU; default: batched)")
    boolean immediate;

    @Option(names = "--buffer-size", paramLabel = "MB", description = "kernel capture buffer in MB (default: config capture.buffer_mb, 32)")
    Integer bufferMb;

    @Option(names = "--state-dir", paramLabel = "DIR", description = "blocklist and counters (default: config state.dir, /var/lib/impacket-sensor)")
    Path stateDir;

    @Option(names = "--http", paramLabel = "HOST:PORT",
            description = "HTTP API listener; '' = off (default: config http.listen, 127.0.0.1:9470). Changes need the "
                    + "bearer token (state dir api-token or http.token_file); no TLS: localhost or a management network")
    String http;

    @Option(names = "--enforce", negatable = true, fallbackValue = "true",
            description = "put blocked addresses in the nftables set inet impacket_sensor blocklist (default: config enforcement.nftables, off)")
    Boolean enforce;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        SensorConfig cfg;
        CaptureConfig capture;
        LiveOptions options;
        try {
            if (statsInterval != null && (statsInterval < 0 || statsInterval > 86_400)) {
                throw new UsageException("--stats-interval must be 0..86400 seconds, got " + statsInterval);
            }
            if (bufferMb != null && (bufferMb < 1 || bufferMb > 2047)) {
                throw new UsageException("--buffer-size must be 1..2047 MB, got " + bufferMb);
            }
            if (http != null && !http.isEmpty() && HostPort.check(http) != null) {
                throw new UsageException("--http: " + HostPort.check(http));
            }
            cfg = SensorRun.config(run.config, run.workers).withInterface(iface).withOverrides(bpf, snaplen, bufferMb,
                    promisc, run.eve, run.protocolRecords ? Boolean.TRUE : null, statsInterval, stateDir, http, enforce);
            capture = SensorRun.capture(cfg, run.workers);
            if (cfg.iface() == null) {
                throw new UsageException("no interface: give -i IFACE or capture.interface in the config file");
            }
            try {
                options = new LiveOptions(cfg.iface(), cfg.bpf(), cfg.snaplen(), cfg.promisc(), immediate,
                        cfg.bufferMb() << 20, LiveOptions.DEFAULT_TIMEOUT_MS);
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
        } catch (UsageException e) {
            err.println("live: " + e.getMessage());
            return Main.EXIT_USAGE;
        }
        // A start that fails below leaves no EVE or state file behind that it created.
        StartLeftovers leftovers = new StartLeftovers(cfg);
        Daemon daemon;
        try {
            daemon = Daemon.start(cfg, err, RuleFiles.of(run.config));
        } catch (UsageException e) {
            leftovers.remove();
            err.println("live: " + e.getMessage());
            return Main.EXIT_USAGE;
        }
        io.impacketsensor.fleet.FleetPublisher fleet;
        try {
            fleet = FleetHook.open(cfg);
        } catch (UsageException e) {
            daemon.close();
            leftovers.remove();
            err.println("live: " + e.getMessage());
            return Main.EXIT_USAGE;
        }
        if (fleet != null) {
            daemon.service().fleet(fleet);
            err.println("live: Kafka output to " + String.join(",", cfg.kafka().bootstrapServers()) + " as sensor "
                    + fleet.sensor());
            fleet.shareBlocklist(daemon.service().engine());
            if (fleet.blocklist() != null) {
                err.println("live: shared blocklist on topic " + cfg.kafka().blocksTopic());
            }
            fleet.shareDcLearning(daemon.service().engine());
            if (fleet.dcFacts() != null) {
                err.println("live: shared DC learning on topic " + cfg.kafka().dcFactsTopic());
            }
        }
        LivePcapSource source;
        try {
            source = LivePcapSource.open(options);
        } catch (CaptureException e) {
            err.println("live: " + e.getMessage());
            if (fleet != null) {
                fleet.close();
            }
            daemon.close();
            leftovers.remove();
            return Main.EXIT_USAGE;
        }
        try (source) {
            err.println("live: capturing on " + cfg.iface() + (cfg.bpf() != null ? " (filter: " + cfg.bpf() + ")" : "")
                    + "; Ctrl-C to stop");
            err.flush();
            SensorRun r = new SensorRun("live " + cfg.iface(), true, err);
            r.daemon = daemon;
            r.fleet = fleet;
            Detection detection = new Detection(daemon.service().engine(), daemon.eve(), fleet);
            detection.fleet(fleet);
            return r.run(source, SensorRun.processors(capture, cfg.protocolRecords()), capture.pipeline(0), daemon.eve(), detection,
                    cfg.statsInterval());
        }
    }
}
