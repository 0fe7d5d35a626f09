package io.impacketsensor.cli;

import io.impacketsensor.core.capture.PcapFileChain;
import io.impacketsensor.core.packet.SymmetricFlowHash;
import io.impacketsensor.core.pipeline.CapturePipeline;
import io.impacketsensor.core.pipeline.PipelineOptions;
import io.impacketsensor.detection.config.EngineConfig;
import io.impacketsensor.detection.engine.Alert;
import io.impacketsensor.cli.LabFrames.Frame;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Replay is deterministic with any number of decode workers: the capture merging every lab capture
 * by timestamp (what {@code mergecap -w all.pcap lab/*.pcap} makes) raises exactly the same alert
 * records with 2 and 3 workers as with 1, run after run: attack type, instance, revision,
 * indicators, signatures, chain, confidence, action, addresses, ports, flow id and packet time.
 *
 * <p>Before the per-worker event queues and their merge, the workers' events reached the engine
 * in whatever order their threads published them, and the number of alert revisions changed from
 * run to run with 2 workers. Captures: the lab copies in sensor-core's test-jar under
 * {@code pcaps/lab/} (ours).
 */
class ReplayDeterminismTest {
    @TempDir
    static Path dir;
    private static Path merged;

    @BeforeAll
    static void mergeLabCaptures() throws Exception {
        List<Frame> frames = new ArrayList<>();
        int files = 0;
        for (EvaluateCommand.Entry e : EvaluateCommand.readManifest(LabFrames.copy(dir, "MANIFEST.tsv"))) {
            frames.addAll(LabFrames.read(LabFrames.copy(dir, e.file())));
            files++;
        }
        assertTrue(files >= 40, "lab captures: " + files);
        // Stable sort: frames of one capture keep their order when timestamps tie (as mergecap).
        frames.sort(Comparator.comparingLong(Frame::tsNanos));
        merged = LabFrames.write(frames, dir.resolve("lab_merged.pcap"));
    }

    @Test
    void twoAndThreeWorkersRaiseWhatOneWorkerRaises() throws Exception {
        List<String> one = alerts(1);
        assertTrue(one.size() >= 20, "the merged lab capture raises few alerts: " + one.size());
        same(one, alerts(1), "1 worker, second run");
        for (int run = 0; run < 5; run++) {
            same(one, alerts(2), "2 workers, run " + run + " vs 1 worker");
        }
        for (int run = 0; run < 3; run++) {
            same(one, alerts(3), "3 workers, run " + run + " vs 1 worker");
        }
    }

    /** Equal lists, else a failure naming the first record that differs (the lists are long). */
    private static void same(List<String> expected, List<String> actual, String what) {
        for (int i = 0; i < Math.min(expected.size(), actual.size()); i++) {
            assertEquals(expected.get(i), actual.get(i), what + ": alert record " + i + " of " + expected.size()
                    + " (got " + actual.size() + ")");
        }
        assertEquals(expected.size(), actual.size(), what + ": alert records");
    }

    /** The alert records of one replay of the merged capture, one line each. */
    private static List<String> alerts(int workers) throws Exception {
        List<Alert> alerts = new ArrayList<>();
        Detection detection = new Detection(EngineConfig.defaults(), null, alerts::add);
        try (PcapFileChain chain = PcapFileChain.open(List.of(merged))) {
            CapturePipeline pipeline = new CapturePipeline(chain, new SymmetricFlowHash(),
                    SensorRun.processors(CaptureConfig.DEFAULTS.flowLimits()), SensorRun.eventConsumer(detection),
                    new PipelineOptions(workers, 16384, 8192, 1000));
            assertTrue(pipeline.run(), "drained");
            assertEquals(null, pipeline.failure());
        }
        List<String> out = new ArrayList<>();
        for (Alert a : alerts) {
            var an = a.analysis();
            var h = a.header();
            out.add(an.attackType().id() + " #" + an.instanceId() + " rev " + a.revision() + " events " + a.eventCount()
                    + " " + an.sourceIp() + " -> " + an.targetIp()
                    + " flow " + h.flowId() + " " + h.clientIp().getHostAddress() + ":" + h.clientPort() + " -> "
                    + h.serverIp().getHostAddress() + ":" + h.serverPort() + " " + h.transport()
                    + " at " + h.timestampNanos() + " first " + a.firstSeenNanos() + " " + a.appProto()
                    + " conf " + an.confidence() + " " + an.action() + " blocked " + an.blocked()
                    + " indicators " + an.indicators() + " signatures " + an.matchedSignatures()
                    + " chain " + an.chain() + " tool " + an.tool());
        }
        return out;
    }
}
