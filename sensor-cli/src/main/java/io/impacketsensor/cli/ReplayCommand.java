package io.impacketsensor.cli;

import io.impacketsensor.core.capture.PcapFileChain;
import io.impacketsensor.core.capture.PcapFormatException;
import io.impacketsensor.core.pipeline.PipelineOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code impacket-sensor replay FILE...}: runs capture files through the sensor, losslessly. */
@Command(name = "replay", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Runs pcap/pcapng files through the sensor.", "",
            "The files are read one after the other, as one capture, through the full packet path: "
                + "link layer, IPv4/IPv6 with fragments, TCP reassembly, the protocol analyzers. "
                + "Replay is lossless and deterministic: the reader waits for the decode workers "
                + "instead of dropping. It ends with one EVE stats record and a summary on stderr. "
                + "A damaged file (truncated last record, corrupt block) is read up to the damage, "
                + "with a warning."},
        footer = {"", "Examples:",
            "  impacket-sensor replay samples/atk_psexec.pcap",
            "  impacket-sensor replay --eve eve.json --workers 2 mon.pcapng tue.pcap",
            "  impacket-sensor replay --eve - capture.pcap \\",
            "       | jq -c 'select(.event_type==\"stats\").stats.flow'",
            "", "Exit codes: 0 ok, 1 runtime failure, 2 bad usage or unreadable/not-a-pcap file."})
public final class ReplayCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", arity = "1..*", description = "pcap or pcapng capture files, read in order")
    List<Path> files;

    @Option(names = "--eve", paramLabel = "FILE|-",
            description = "write EVE JSON lines (protocol records and the stats record) to FILE (appended), or - for stdout")
    String eve;

    @Option(names = {"-P", "--protocol-records"},
            description = "also write protocol records (event_type smb, ntlm, dcerpc, krb5, ldap, anomaly) to the EVE output")
    boolean protocolRecords;

    @Option(names = "--workers", paramLabel = "N",
            description = "decode workers; frames go to worker (symmetric flow hash %% N). Default: 1 (config pipeline.workers)")
    int workers;

    @Option(names = "--config", paramLabel = "FILE", description = "YAML config file (keys pipeline.*, flow.max_flows)")
    Path config;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        if (workers < 0 || workers > PipelineOptions.MAX_WORKERS) {
            err.println("replay: --workers must be 1.." + PipelineOptions.MAX_WORKERS + ", got " + workers);
            return Main.EXIT_USAGE;
        }
        CaptureConfig cfg;
        try {
            cfg = CaptureConfig.load(config);
        } catch (CaptureConfig.ConfigException e) {
            err.println("replay: " + e.getMessage());
            return Main.EXIT_USAGE;
        }
        PcapFileChain chain;
        try {
            chain = PcapFileChain.open(files);
        } catch (PcapFormatException e) {
            err.println("replay: " + e.getMessage());
            return Main.EXIT_USAGE;
        }
        try (chain) {
            EveWriter w;
            try {
                w = SensorRun.openEve(eve, protocolRecords);
            } catch (IOException e) {
                err.println("replay: cannot write EVE output " + eve + ": " + e.getMessage());
                return Main.EXIT_USAGE;
            }
            String title = "replay " + (files.size() == 1 ? files.get(0).toString() : files.size() + " files");
            return new SensorRun(title, false, err).run(chain, SensorRun.processors(cfg.flowLimits()),
                    cfg.pipeline(workers), w, 0);
        }
    }
}
