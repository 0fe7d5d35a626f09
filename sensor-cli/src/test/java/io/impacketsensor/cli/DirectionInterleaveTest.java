package io.impacketsensor.cli;

import io.impacketsensor.cli.LabFrames.Frame;
import io.impacketsensor.core.capture.PcapFileChain;
import io.impacketsensor.core.event.EventSink;
import io.impacketsensor.core.event.ProtocolAnomaly;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.core.packet.SymmetricFlowHash;
import io.impacketsensor.core.pipeline.CapturePipeline;
import io.impacketsensor.core.pipeline.CounterSnapshot;
import io.impacketsensor.detection.config.EngineConfig;
import io.impacketsensor.detection.engine.Alert;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Direction-safe decoding through the real pipeline and engine: every lab capture (sensor-core's
 * test-jar, {@code pcaps/lab/}, ours) rewritten so that the two directions of each TCP connection
 * are interleaved at every segment boundary ({@link TcpInterleave#everySegmentBoundary}: each data
 * segment split in half, and each server segment's second half sent after the first half of the
 * client's next segment; legal TCP) gives the same protocol events, the same anomalies and the
 * same alerts as the original, and no decoder exception. The public Ethernet captures of the same
 * test-jar are held to the same (the few in raw-IP or Linux-cooked framing are skipped).
 */
class DirectionInterleaveTest {
    @TempDir
    static Path dir;

    /** Reply/request boundaries interleaved over all captures (a capture of single exchanges has none). */
    private static final java.util.concurrent.atomic.AtomicInteger BOUNDARIES = new java.util.concurrent.atomic.AtomicInteger();

    @org.junit.jupiter.api.AfterAll
    static void enoughBoundariesWereInterleaved() {
        // 1,051 with the 49 lab captures: the rewrite must keep interleaving, not degrade to a copy.
        assertTrue(BOUNDARIES.get() >= 1000, "interleaved boundaries: " + BOUNDARIES.get());
    }

    /** What one replay produced. */
    record Replay(List<String> events, List<String> anomalies, List<Alert> alerts, CounterSnapshot counters) {
        /** The alert records reduced to what must not depend on packet order: type, addresses, action. */
        TreeSet<String> verdicts() {
            TreeSet<String> out = new TreeSet<>();
            for (Alert a : alerts) {
                var an = a.analysis();
                out.add(an.attackType().id() + " " + an.sourceIp() + " -> " + an.targetIp() + " " + an.action().id()
                        + " conf " + an.confidence());
            }
            return out;
        }
    }

    /** Replays {@code pcap} through the pipeline (one worker) and a fresh engine. */
    static Replay replay(Path pcap) throws Exception {
        return replay(pcap, null);
    }

    /** As {@link #replay(Path)}, writing EVE records to {@code eve} when not null. */
    static Replay replay(Path pcap, EveWriter eve) throws Exception {
        List<Alert> alerts = new ArrayList<>();
        List<SensorEvent> events = new ArrayList<>();
        Detection detection = new Detection(EngineConfig.defaults(), eve, alerts::add);
        EventSink sink = e -> {
            events.add(e);
            detection.accept(e);
        };
        CounterSnapshot counters;
        try (PcapFileChain chain = PcapFileChain.open(List.of(pcap))) {
            CapturePipeline pipeline = new CapturePipeline(chain, new SymmetricFlowHash(),
                    SensorRun.processors(CaptureConfig.DEFAULTS.flowLimits()), sink, CaptureConfig.DEFAULTS.pipeline(0));
            assertTrue(pipeline.run(), "drained");
            assertNull(pipeline.failure());
            counters = pipeline.snapshot(0);
        }
        detection.flush();
        List<String> out = new ArrayList<>();
        List<String> anomalies = new ArrayList<>();
        for (SensorEvent e : events) {
            // The packet that completes a message (and so the event's time) changes with the
            // segmentation; what was decoded must not.
            // Flow ids are numbered by frame; byte arrays print as their identity hash.
            String s = e.toString().replaceAll("timestampNanos=-?\\d+, flowId=\\d+", "")
                    .replaceAll("\\[B@[0-9a-f]+", "[B");
            out.add(s);
            if (e instanceof ProtocolAnomaly a) {
                anomalies.add(a.name() + ": " + a.detail());
            }
        }
        out.sort(null);
        return new Replay(out, anomalies, alerts, counters);
    }

    @TestFactory
    List<DynamicTest> everyLabCaptureInterleavedAtEverySegmentBoundaryGivesTheSameEventsAndAlerts() throws Exception {
        List<EvaluateCommand.Entry> entries = EvaluateCommand.readManifest(LabFrames.copy(dir, "MANIFEST.tsv"));
        assertTrue(entries.size() >= 49, "lab manifest rows: " + entries.size());
        List<DynamicTest> tests = new ArrayList<>();
        for (EvaluateCommand.Entry e : entries) {
            tests.add(DynamicTest.dynamicTest(e.file(), () -> sameAfterInterleaving(e)));
        }
        return tests;
    }

    /**
     * The same over the public captures of sensor-core's test-jar (listed in
     * {@code pcaps/expected.tsv}; provenance in {@code pcaps/README.md}) that are Ethernet: the
     * same events, anomalies and alert verdicts, no decoder exception.
     */
    @TestFactory
    List<DynamicTest> everyPublicEthernetCaptureInterleavedGivesTheSameEvents() throws Exception {
        List<String> names = new ArrayList<>();
        try (java.io.InputStream in = DirectionInterleaveTest.class.getResourceAsStream("/pcaps/expected.tsv")) {
            assertTrue(in != null, "test resource /pcaps/expected.tsv (sensor-core test-jar)");
            for (String line : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).split("\n")) {
                if (line.startsWith("public/")) {
                    names.add(line.substring(0, line.indexOf('\t')));
                }
            }
        }
        assertTrue(names.size() >= 90, "public captures: " + names.size());
        List<DynamicTest> tests = new ArrayList<>();
        for (String name : names) {
            tests.add(DynamicTest.dynamicTest(name, () -> {
                Path original = dir.resolve(name.replace('/', '_'));
                if (!java.nio.file.Files.exists(original)) {
                    try (java.io.InputStream in = DirectionInterleaveTest.class.getResourceAsStream("/pcaps/" + name)) {
                        assertTrue(in != null, name);
                        java.nio.file.Files.copy(in, original);
                    }
                }
                org.junit.jupiter.api.Assumptions.assumeTrue(LabFrames.ethernet(original), "not Ethernet");
                TcpInterleave.Interleaved il = TcpInterleave.everySegmentBoundary(LabFrames.read(original));
                Path rewritten = LabFrames.write(il.frames(), dir.resolve("interleaved_" + name.replace('/', '_')));
                Replay a = replay(original);
                Replay b = replay(rewritten);
                assertEquals(0, b.counters().get("analyzer.exceptions"), name + " " + b.anomalies());
                // A capture with out-of-order segments (zeek's mapi.pcap) can come out of the rewrite
                // with bytes TCP no longer delivers: then the two are not the same streams to compare.
                org.junit.jupiter.api.Assumptions.assumeTrue(a.counters().get("tcp.gap_bytes")
                        == b.counters().get("tcp.gap_bytes"), name + ": the rewrite lost bytes ("
                        + a.counters().get("tcp.gap_bytes") + " vs " + b.counters().get("tcp.gap_bytes") + " missing)");
                assertEquals(a.anomalies().size(), b.anomalies().size(), name + ": anomalies " + a.anomalies() + " vs "
                        + b.anomalies());
                assertEquals("", diff(a.events(), b.events()), name + ": events");
                assertEquals(a.verdicts(), b.verdicts(), name + ": alerts");
            }));
        }
        return tests;
    }

    private static void sameAfterInterleaving(EvaluateCommand.Entry e) throws Exception {
        Path original = LabFrames.copy(dir, e.file());
        List<Frame> frames = LabFrames.read(original);
        // The SQL Server Browser captures are UDP datagrams (and a refused SYN): no TCP byte to interleave.
        org.junit.jupiter.api.Assumptions.assumeTrue(frames.stream().anyMatch(f -> TcpInterleave.payload(f.data()).length > 0),
                e.file() + ": no TCP data");
        TcpInterleave.Interleaved il = TcpInterleave.everySegmentBoundary(frames);
        List<Frame> mixed = il.frames();
        assertTrue(mixed.size() > frames.size(), "segments were split");
        BOUNDARIES.addAndGet(il.boundaries());
        Path rewritten = LabFrames.write(mixed, dir.resolve("interleaved_" + e.file()));
        Replay a = replay(original);
        Replay b = replay(rewritten);
        assertEquals(0, b.counters().get("analyzer.exceptions"), e.file() + " " + b.anomalies());
        assertEquals(a.anomalies().size(), b.anomalies().size(), e.file() + ": anomalies " + a.anomalies() + " vs "
                + b.anomalies());
        assertEquals(diff(a.events(), b.events()), "", e.file() + ": events");
        assertEquals(a.verdicts(), b.verdicts(), e.file() + ": alerts");
        LabGoldenTest.check(e, rewritten);
    }

    /** The events only one side has, one per line ("" when the multisets are equal). */
    static String diff(List<String> expected, List<String> actual) {
        TreeMap<String, Integer> count = new TreeMap<>();
        for (String s : expected) {
            count.merge(s, 1, Integer::sum);
        }
        for (String s : actual) {
            count.merge(s, -1, Integer::sum);
        }
        StringBuilder sb = new StringBuilder();
        count.forEach((k, v) -> {
            if (v != 0) {
                sb.append(v > 0 ? "missing " : "extra ").append(k).append('\n');
            }
        });
        return sb.toString();
    }
}
