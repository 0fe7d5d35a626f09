package io.impacketsensor.core.pipeline;

import io.impacketsensor.core.capture.PcapFileReader;
import io.impacketsensor.core.capture.PcapWriter;
import io.impacketsensor.core.event.EventHeader;
import io.impacketsensor.core.event.ProtocolAnomaly;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.core.event.Transport;
import io.impacketsensor.core.spi.EventOrder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The merge of the workers' event queues, with synthetic producers (the test threads play the
 * workers: one thread per queue at a time). Each event's detail names its (sequence, key) so the
 * expected order can be written down. The latch waits are hang guards, not timing assertions.
 */
class EventRingTest {
    private static final long GUARD_SECONDS = 60;

    @TempDir
    Path dir;

    /** Collects what the consumer hands on, and lets a test wait for a count. */
    private static final class Sink implements io.impacketsensor.core.event.EventSink {
        final List<String> seen = Collections.synchronizedList(new ArrayList<>());
        volatile CountDownLatch latch = new CountDownLatch(0);

        @Override
        public void accept(SensorEvent e) {
            seen.add(((ProtocolAnomaly) e).detail());
            latch.countDown();
        }

        void expect(int n) {
            latch = new CountDownLatch(n);
        }

        void await() throws InterruptedException {
            assertTrue(latch.await(GUARD_SECONDS, TimeUnit.SECONDS), "events handed on: " + seen);
        }
    }

    private static SensorEvent event(String detail) {
        InetAddress lo = InetAddress.getLoopbackAddress();
        return new ProtocolAnomaly(new EventHeader(0, 1, lo, 1, lo, 2, Transport.TCP), "test.event", detail);
    }

    /** Publishes one event at (seq, key) from queue {@code q}, named after its stamp. */
    private static void emit(WorkerEvents q, long seq, long key, String name) {
        q.slot(seq);
        q.within(key);
        q.accept(event(name));
    }

    @Test
    void anIdleWorkerDoesNotHoldTheOthersBack() throws Exception {
        Sink sink = new Sink();
        EventRing ring = new EventRing(sink, 2, 64, true);
        ring.start();
        WorkerEvents busy = ring.producer(0);
        WorkerEvents idle = ring.producer(1);
        sink.expect(10);
        for (int s = 0; s < 10; s++) {
            emit(busy, s, EventOrder.FRAME, "f" + s);
            busy.progress(s);
        }
        // The idle worker handled (skipped) every slot the capture thread published: caught up.
        idle.progress(9);
        sink.await();
        assertEquals(List.of("f0", "f1", "f2", "f3", "f4", "f5", "f6", "f7", "f8", "f9"), sink.seen);
        assertTrue(ring.shutdown(GUARD_SECONDS, TimeUnit.SECONDS));
    }

    /** Waits (hang guard) until the consumer announced that it sleeps. */
    private static void awaitAsleep(EventRing ring) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(GUARD_SECONDS);
        while (!ring.sleeper().parked.get()) {
            assertTrue(System.nanoTime() < end, "the consumer never went to sleep");
            Thread.sleep(1);
        }
    }

    @Test
    void aSleepingConsumerIsWokenByABatchAndByTheEndOfInput() throws Exception {
        // An idle sleep far longer than the guard: only the producers' wake-up or shutdown ends it.
        Sink sink = new Sink();
        EventRing ring = new EventRing(sink, 1, 4096, true, TimeUnit.HOURS.toNanos(1));
        ring.start();
        WorkerEvents q = ring.producer(0);
        awaitAsleep(ring);
        // Fewer than a batch: the consumer may sleep on (it does: nothing wakes it before the end).
        int n = WorkerEvents.WAKE_BATCH - 1;
        for (int s = 0; s < n; s++) {
            emit(q, s, EventOrder.FRAME, "e" + s);
        }
        Thread.sleep(50);
        assertEquals(List.of(), sink.seen, "a consumer asleep took events before a batch was queued");
        // The batch's last event wakes it, and it takes them all.
        sink.expect(n + 1);
        emit(q, n, EventOrder.FRAME, "e" + n);
        sink.await();
        assertEquals(n + 1, sink.seen.size());
        // Asleep again; the end of input wakes it and what is left is handed on before it stops.
        awaitAsleep(ring);
        emit(q, n + 1, EventOrder.FRAME, "last");
        assertTrue(ring.shutdown(GUARD_SECONDS, TimeUnit.SECONDS), "shutdown did not wake the consumer");
        assertEquals("last", sink.seen.get(sink.seen.size() - 1));
        assertEquals(n + 2, sink.seen.size());
    }

    @Test
    void aLaggingWorkersEarlierEventComesFirst() throws Exception {
        Sink sink = new Sink();
        EventRing ring = new EventRing(sink, 2, 64, true);
        ring.start();
        WorkerEvents ahead = ring.producer(0);
        WorkerEvents behind = ring.producer(1);
        emit(ahead, 5, EventOrder.FRAME, "w0@5");
        ahead.progress(7);
        behind.progress(3);
        // Worker 1 has not handled slot 4 yet: the merge must wait for it, whatever it does meanwhile.
        Thread.sleep(50);
        assertEquals(List.of(), sink.seen, "taken before worker 1 reached slot 5");
        sink.expect(2);
        emit(behind, 4, EventOrder.FRAME, "w1@4");
        behind.progress(7);
        sink.await();
        assertEquals(List.of("w1@4", "w0@5"), sink.seen);
        assertTrue(ring.shutdown(GUARD_SECONDS, TimeUnit.SECONDS));
    }

    @Test
    void skewedWorkersAreMergedInFrameOrderThroughTinyQueues() throws Exception {
        // Three producer threads, each owning the frames seq % 3 == its index, at different speeds,
        // through 4-slot queues (producers wait on full queues): the result is sorted by frame.
        int frames = 3000;
        int workers = 3;
        Sink sink = new Sink();
        EventRing ring = new EventRing(sink, workers, 4, true);
        ring.start();
        sink.expect(frames * 2);
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            WorkerEvents q = ring.producer(w);
            int me = w;
            Thread t = new Thread(() -> {
                for (int s = 0; s < frames; s++) {
                    if (s % workers == me) {
                        emit(q, s, EventOrder.FRAME, s + "a");
                        q.within(EventOrder.FRAME);
                        q.accept(event(s + "b"));
                    }
                    if (me == 2 && s % 7 == 0) {
                        Thread.yield(); // the slow worker
                    }
                    if (me == 0 || s % 16 == 0 || s == frames - 1) {
                        q.progress(s);
                    }
                }
            }, "producer-" + w);
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        sink.await();
        assertTrue(ring.shutdown(GUARD_SECONDS, TimeUnit.SECONDS));
        List<String> expected = new ArrayList<>();
        for (int s = 0; s < frames; s++) {
            expected.add(s + "a");
            expected.add(s + "b");
        }
        assertEquals(expected, sink.seen);
        CounterSnapshot c = new CounterSnapshot();
        ring.reportCounters(c);
        assertEquals(frames * 2L, c.get("events.published"));
        assertEquals(0, c.get("events.dropped_ring"));
    }

    @Test
    void flowEndsOfOneSlotInterleaveByKeyThenTheFrameFollows() throws Exception {
        // End of input (one slot, seq 100): both workers drain their flows, keyed by idle list and
        // last touch; one worker would end them in that key order.
        Sink sink = new Sink();
        EventRing ring = new EventRing(sink, 2, 64, true);
        ring.start();
        WorkerEvents w0 = ring.producer(0);
        WorkerEvents w1 = ring.producer(1);
        emit(w0, 100, EventOrder.flowEndKey(0, 10), "c0@10");
        emit(w0, 100, EventOrder.flowEndKey(0, 40), "c0@40");
        emit(w0, 100, EventOrder.flowEndKey(1, 20), "c1@20");
        emit(w1, 100, EventOrder.flowEndKey(0, 30), "c0@30");
        emit(w1, 100, EventOrder.flowEndKey(1, 5), "c1@5");
        emit(w1, 100, EventOrder.FRAME, "frame");
        sink.expect(6);
        assertTrue(ring.shutdown(GUARD_SECONDS, TimeUnit.SECONDS), "drained at the end of input");
        sink.await();
        assertEquals(List.of("c0@10", "c0@30", "c0@40", "c1@5", "c1@20", "frame"), sink.seen);
    }

    @Test
    void endOfInputDrainsEverythingEvenWithoutProgress() throws Exception {
        // Workers that stopped without reporting their last slots (a halted live capture): shutdown
        // still hands every queued event on, in stamp order.
        Sink sink = new Sink();
        EventRing ring = new EventRing(sink, 2, 64, true);
        ring.start();
        emit(ring.producer(1), 8, EventOrder.FRAME, "w1@8");
        emit(ring.producer(0), 9, EventOrder.FRAME, "w0@9");
        emit(ring.producer(1), 12, EventOrder.FRAME, "w1@12");
        assertTrue(ring.shutdown(GUARD_SECONDS, TimeUnit.SECONDS));
        assertEquals(List.of("w1@8", "w0@9", "w1@12"), sink.seen);
    }

    @Test
    void liveDropsWhenAQueueIsFull() {
        Sink sink = new Sink();
        EventRing ring = new EventRing(sink, 1, 2, false); // consumer not started: nothing frees a slot
        for (int i = 0; i < 3; i++) {
            emit(ring.producer(0), i, EventOrder.FRAME, "e" + i);
        }
        CounterSnapshot c = new CounterSnapshot();
        ring.reportCounters(c);
        assertEquals(2, c.get("events.published"));
        assertEquals(1, c.get("events.dropped_ring"));
    }

    @Test
    void aPipelineWithThreeWorkersHandsEventsOnInFrameOrder() throws Exception {
        // 256 * 30 frames, byte 0 = index mod 256, byte 1 = index / 256: the frames starting with
        // 0x45 emit an event naming (worker, byte 1). Worker = byte 1 % 3, so consecutive emitting
        // frames belong to different workers; frame order means byte 1 ascending.
        PcapWriter w = PcapWriter.ethernet();
        int frames = 256 * 30;
        for (int i = 0; i < frames; i++) {
            byte[] f = new byte[60];
            f[0] = (byte) i;
            f[1] = (byte) (i >> 8);
            w.packet(1_000_000L * i, f);
        }
        Path p = w.writeTo(dir.resolve("order.pcap"));
        for (int run = 0; run < 3; run++) {
            List<String> seen = Collections.synchronizedList(new ArrayList<>());
            try (PcapFileReader r = PcapFileReader.open(p)) {
                CapturePipeline pipeline = new CapturePipeline(r, (lt, f, o, c) -> f[o + 1] & 0xFF,
                        (worker, workers, sink) -> new CountingProcessor(worker, sink),
                        e -> seen.add(((ProtocolAnomaly) e).detail()), new PipelineOptions(3, 64, 64, 1000));
                assertTrue(pipeline.run());
            }
            List<String> expected = new ArrayList<>();
            for (int b = 0; b < 30; b++) {
                expected.add(b % 3 + ":" + b);
            }
            assertEquals(expected, seen, "run " + run);
        }
    }
}
