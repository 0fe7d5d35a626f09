package io.impacketsensor.core.pipeline;

import io.impacketsensor.core.capture.FrameSlot;
import io.impacketsensor.core.capture.PacketSource;
import io.impacketsensor.core.capture.PcapFileReader;
import io.impacketsensor.core.capture.PcapWriter;
import io.impacketsensor.core.event.ProtocolAnomaly;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.core.spi.FrameClassifier;
import io.impacketsensor.core.spi.FrameProcessor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Frames are synthetic: byte 0 = frame index mod 256, which the test classifier hashes on. */
class CapturePipelineTest {
    @TempDir
    Path dir;

    private static final FrameClassifier FIRST_BYTE = (linkType, frame, off, caplen) -> caplen > 0 ? frame[off] & 0xFF : 0;

    private Path capture(int frames) throws Exception {
        PcapWriter w = PcapWriter.ethernet();
        for (int i = 0; i < frames; i++) {
            byte[] f = new byte[60 + i % 40];
            f[0] = (byte) i;
            f[1] = (byte) (i >> 8);
            w.packet(1_000_000_000L * i, f);
        }
        return w.writeTo(dir.resolve("p.pcap"));
    }

    private static final class Harness {
        final List<CountingProcessor> processors = Collections.synchronizedList(new ArrayList<>());
        final List<SensorEvent> events = Collections.synchronizedList(new ArrayList<>());
        final List<String> eventThreads = Collections.synchronizedList(new ArrayList<>());

        ProcessorFactory factory() {
            return (worker, workers, sink) -> {
                CountingProcessor p = new CountingProcessor(worker, sink);
                processors.add(p);
                return p;
            };
        }

        void sink(SensorEvent e) {
            events.add(e);
            eventThreads.add(Thread.currentThread().getName());
        }
    }

    @Test
    void replayDeliversEveryFrameToItsWorkerAndFinishesEachOnItsThread() throws Exception {
        Path p = capture(2000);
        Harness h = new Harness();
        try (PcapFileReader r = PcapFileReader.open(p)) {
            CapturePipeline pipe = new CapturePipeline(r, FIRST_BYTE, h.factory(), h::sink, new PipelineOptions(3, 64, 64, 1000));
            assertTrue(pipe.run());
            assertNull(pipe.failure());
            assertEquals(3, pipe.finishedWorkers());
            long total = 0;
            for (CountingProcessor cp : h.processors) {
                total += cp.frames;
                assertEquals(1, cp.finishCalls);
                assertEquals("worker-" + cp.worker, cp.finishThread);
                assertEquals("worker-" + cp.worker, cp.processThread);
                for (int b : cp.firstBytes) {
                    assertEquals(cp.worker, b % 3, "frame with first byte " + b + " on worker " + cp.worker);
                }
            }
            // the 8 frames starting with 0x66 make the test processor throw: counted, not processed
            assertEquals(1992, total);
            CounterSnapshot s = pipe.snapshot(0);
            assertEquals(1992, s.get("test.frames"));
            assertEquals(8, s.get("pipeline.handler_errors"));
            assertEquals(2000, s.get("capture.records"));
            assertEquals(2000, s.get("pipeline.published"));
            assertEquals(2000, s.get("worker.0.packets") + s.get("worker.1.packets") + s.get("worker.2.packets"));
            assertEquals(0, s.get("capture.dropped_ring"));
            // frames 0x45, 0x145, ... (every 256th from 69) emitted one event each, through the event thread
            assertEquals(8, h.events.size());
            assertEquals(8, s.get("events.published"));
            assertTrue(h.eventThreads.stream().allMatch("events"::equals));
        }
    }

    @Test
    void replayIsDeterministicPerWorker() throws Exception {
        Path p = capture(3000);
        List<List<Integer>> first = null;
        for (int run = 0; run < 3; run++) {
            Harness h = new Harness();
            try (PcapFileReader r = PcapFileReader.open(p)) {
                new CapturePipeline(r, FIRST_BYTE, h.factory(), h::sink, new PipelineOptions(2, 64, 64, 1000)).run();
            }
            h.processors.sort((a, b) -> a.worker - b.worker);
            List<List<Integer>> seen = List.of(h.processors.get(0).firstBytes, h.processors.get(1).firstBytes);
            if (first == null) {
                first = seen;
            } else {
                assertEquals(first, seen, "run " + run);
            }
        }
    }

    @Test
    void aThrowingProcessorIsCountedAndTheRingKeepsRunning() throws Exception {
        Path p = capture(1000); // first byte 0x66 on frames 102, 358, 614, 870
        Harness h = new Harness();
        try (PcapFileReader r = PcapFileReader.open(p)) {
            CapturePipeline pipe = new CapturePipeline(r, FIRST_BYTE, h.factory(), h::sink, PipelineOptions.of(1));
            assertTrue(pipe.run());
            CounterSnapshot s = pipe.snapshot(0);
            assertEquals(4, s.get("pipeline.handler_errors"));
            assertEquals(996, s.get("test.frames"));
            assertEquals(1000, s.get("worker.0.packets"));
            assertEquals(1, h.processors.get(0).finishCalls);
        }
    }

    /**
     * A live pipeline on a 64-slot ring over a 5000-frame source, whose one worker is held on its
     * first frame until {@code hold} opens; started, and waited for (bounded) until the capture
     * has paused on the full ring.
     */
    private record Held(Harness h, CountDownLatch hold, ScriptedSource src, CapturePipeline pipe) {
        static Held startAndFill() throws InterruptedException {
            Harness h = new Harness();
            CountDownLatch hold = new CountDownLatch(1);
            ScriptedSource src = new ScriptedSource(5000, false);
            ProcessorFactory held = (worker, workers, sink) -> {
                CountingProcessor cp = new CountingProcessor(worker, sink);
                cp.release = hold;
                h.processors.add(cp);
                return cp;
            };
            CapturePipeline pipe = new CapturePipeline(src, FIRST_BYTE, held, h::sink, new PipelineOptions(1, 64, 64, 50));
            pipe.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (pipe.snapshot(0).get("capture.ring_full_waits") == 0 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertTrue(pipe.snapshot(0).get("capture.ring_full_waits") >= 1, "the ring filled");
            Thread.sleep(50);
            return new Held(h, hold, src, pipe);
        }
    }

    @Test
    void liveModeLeavesFramesInTheSourceWhileTheRingIsFullAndLosesNone() throws Exception {
        // The worker is held on the first frame: the 64-slot ring fills and the capture pauses,
        // leaving the rest in the source (the kernel buffer, live) instead of reading and dropping it.
        Held t = Held.startAndFill();
        assertTrue(t.src().producedSoFar() <= 64, "read " + t.src().producedSoFar() + " frames into a 64-slot ring");
        t.hold().countDown();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (t.src().producedSoFar() < 5000 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        t.pipe().requestStop();
        assertTrue(t.pipe().awaitEnd(10_000));
        CounterSnapshot s = t.pipe().snapshot(0);
        assertEquals(5000, s.get("capture.records"));
        assertEquals(5000 - 20, s.get("test.frames")); // the 20 frames starting with 0x66 throw (counted)
        assertEquals(20, s.get("pipeline.handler_errors"));
        assertEquals(1, t.h().processors.get(0).finishCalls);
    }

    @Test
    void liveStopEndsAPauseOnAFullRing() throws Exception {
        Held t = Held.startAndFill();
        t.pipe().requestStop();
        Thread.sleep(50);
        int read = t.src().producedSoFar();
        t.hold().countDown(); // the capture thread then publishes FINISH into the freed slots
        assertTrue(t.pipe().awaitEnd(10_000));
        CounterSnapshot s = t.pipe().snapshot(0);
        assertEquals(s.get("pipeline.published"), s.get("test.frames") + s.get("pipeline.handler_errors"));
        assertEquals(read, t.src().producedSoFar(), "nothing read after the stop");
        assertTrue(read <= 64, "read " + read);
        assertEquals(1, t.h().processors.get(0).finishCalls);
    }

    @Test
    void liveTicksReachIdleWorkersAndSnapshotsAreGatheredOnTheirThreads() throws Exception {
        Harness h = new Harness();
        ScriptedSource src = new ScriptedSource(100, false);
        CapturePipeline pipe = new CapturePipeline(src, FIRST_BYTE, h.factory(), h::sink, new PipelineOptions(2, 256, 64, 20));
        pipe.start();
        while (src.producedSoFar() < 100) {
            Thread.sleep(5);
        }
        CounterSnapshot s = pipe.snapshot(5000);
        // the snapshot is taken after the 100 frames were published: both workers saw theirs
        assertEquals(100, s.get("capture.records"));
        assertEquals(100, s.get("test.frames"));
        assertTrue(s.get("pipeline.ticks") >= 1);
        pipe.requestStop();
        assertTrue(pipe.awaitEnd(10_000));
        for (CountingProcessor cp : h.processors) {
            assertTrue(cp.ticks >= 1, "worker " + cp.worker + " ticked");
            assertEquals(1, cp.finishCalls);
        }
    }

    @Test
    void stopDuringReplayDrainsAndFinishes() throws Exception {
        Path p = capture(20000);
        Harness h = new Harness();
        try (PcapFileReader r = PcapFileReader.open(p)) {
            CapturePipeline pipe = new CapturePipeline(r, FIRST_BYTE, h.factory(), h::sink, PipelineOptions.of(1));
            pipe.start();
            pipe.requestStop();
            assertTrue(pipe.awaitEnd(10_000));
            CounterSnapshot s = pipe.snapshot(0);
            // Frames whose first byte is 0x66 make the test processor throw (counted as handler
            // errors, not as frames): how many were published depends on when the stop lands.
            assertEquals(s.get("pipeline.published"), s.get("test.frames") + s.get("pipeline.handler_errors"),
                    "every published frame was processed");
            assertEquals(1, h.processors.get(0).finishCalls);
        }
    }

    @Test
    void eventsFromSeveralWorkersAllReachTheSink() throws Exception {
        Path p = capture(256 * 40); // 40 frames start with 0x45
        Harness h = new Harness();
        try (PcapFileReader r = PcapFileReader.open(p)) {
            new CapturePipeline(r, (lt, f, o, c) -> f[o + 1], h.factory(), h::sink, new PipelineOptions(2, 64, 64, 1000)).run();
        }
        assertEquals(40, h.events.size());
        long fromW0 = h.events.stream().filter(e -> ((ProtocolAnomaly) e).detail().startsWith("0:")).count();
        assertEquals(20, fromW0);
    }

    /** {@code s} as a source that does not lend its buffers to the ring's slots. */
    private static PacketSource copying(PacketSource s) {
        return new PacketSource() {
            @Override
            public int read(FrameSlot into) {
                int status = s.read(scratch);
                if (status == FRAME) {
                    into.ensureCapacity(scratch.caplen);
                    System.arraycopy(scratch.data, scratch.offset, into.data, 0, scratch.caplen);
                    into.caplen = scratch.caplen;
                    into.wirelen = scratch.wirelen;
                    into.tsNanos = scratch.tsNanos;
                    into.linkType = scratch.linkType;
                }
                return status;
            }

            private final FrameSlot scratch = new FrameSlot();

            @Override
            public boolean lossless() {
                return s.lossless();
            }

            @Override
            public String failure() {
                return s.failure();
            }

            @Override
            public void wakeUp(boolean stop) {
                s.wakeUp(stop);
            }

            @Override
            public void reportCounters(io.impacketsensor.core.spi.CounterVisitor visitor) {
                s.reportCounters(visitor);
            }

            @Override
            public List<String> warnings() {
                return s.warnings();
            }

            @Override
            public void close() {
                s.close();
            }
        };
    }

    @Test
    void oversizedFramesBorrowPooledBuffersAndArriveIntact() throws Exception {
        // 3000 frames, every third one 3-9 KB (bigger than a 2 KB slot); each byte derives from the frame index
        PcapWriter w = PcapWriter.ethernet();
        for (int i = 0; i < 3000; i++) {
            byte[] f = new byte[i % 3 == 0 ? 3000 + (i * 131) % 6000 : 60 + i % 200];
            for (int k = 0; k < f.length; k++) {
                f[k] = (byte) (i * 31 + k);
            }
            w.packet(i, f);
        }
        Path p = w.writeTo(dir.resolve("big.pcap"));
        long[] bad = new long[1];
        long[] seen = new long[1];
        ProcessorFactory checking = (worker, workers, sink) -> new FrameProcessor() {
            @Override
            public void process(int linkType, long tsNanos, byte[] frame, int off, int caplen, int wirelen) {
                long i = seen[0]++; // one worker: frames arrive in file order
                for (int k = 0; k < caplen; k++) {
                    if (frame[off + k] != (byte) (i * 31 + k)) {
                        bad[0]++;
                        return;
                    }
                }
            }

            @Override
            public void tick(long nowNanos) {
            }

            @Override
            public void finish() {
            }

            @Override
            public void reportCounters(io.impacketsensor.core.spi.CounterVisitor v) {
            }
        };
        // Through a source that copies every frame into its slot (as libpcap's reader does): a
        // capture file's reader would lend its buffer instead, and no slot would need the pool.
        try (PcapFileReader r = PcapFileReader.open(p)) {
            CapturePipeline pipe = new CapturePipeline(copying(r), FIRST_BYTE, checking, e -> { },
                    new PipelineOptions(1, 64, 64, 1000));
            assertTrue(pipe.run());
            CounterSnapshot s = pipe.snapshot(0);
            assertEquals(3000, seen[0]);
            assertEquals(0, bad[0], "frames overwritten before their worker read them");
            assertEquals(1000, s.get("capture.oversize_frames"));
            assertTrue(s.get("capture.oversize_allocations") <= OversizePool.BUFFERS,
                    "pool buffers allocated " + s.get("capture.oversize_allocations"));
        }
    }
}
