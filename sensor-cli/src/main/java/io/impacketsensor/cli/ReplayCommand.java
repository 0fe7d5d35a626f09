package io.impacketsensor.cli;

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

    @Mixin
    RunOptions run;

    @Parameters(paramLabel = "FILE", arity = "1..*", description = "pcap or pcapng capture files, read in order")
    List<Path> files;


    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        CaptureConfig cfg;
        EngineConfig engineConfig;
        PcapFileChain chain;
        try {
            SensorConfig all = SensorRun.config(run.config, run.workers);
            cfg = SensorRun.capture(all, run.workers);
            engineConfig = all.engine();
            chain = PcapFileChain.open(files);
        } catch (UsageException | PcapFormatException e) {
            err.println("replay: " + e.getMessage());
            return Main.EXIT_USAGE;
        }
        try (chain) {
            EveWriter w;
            try {
                w = SensorRun.openEve(run.eve, run.protocolRecords);
            } catch (UsageException e) {
                err.println("replay: " + e.getMessage());
                return Main.EXIT_USAGE;
            }
            String title = "replay " + (files.size() == 1 ? files.get(0).toString() : files.size() + " files");
            Detection detection = new Detection(engineConfig, w, null);
            try {
                RuleFiles.of(run.config).applyAtStart(detection.engine());
            } catch (UsageException e) {
                err.println("replay: " + e.getMessage());
                return Main.EXIT_USAGE;
            }
            return new SensorRun(title, false, err).run(chain, SensorRun.processors(cfg), cfg.pipeline(0), w,
                    detection, 0);
        }
    }
}
