package io.impacketsensor.core.capture;

import io.impacketsensor.core.pipeline.CapturePipeline;
import io.impacketsensor.core.pipeline.PipelineOptions;
import io.impacketsensor.core.spi.CounterVisitor;
import io.impacketsensor.core.spi.FrameProcessor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A capture file's reader lends its read buffers to the ring's slots instead of copying each
 * frame: every frame must reach its worker intact, whatever the frame sizes, the window size and
 * the workers' pace. Frames are synthetic byte patterns derived from the frame index.
 */
class LentFramesTest {
    @TempDir
    Path dir;

    private static byte pattern(long frame, int k) {
        return (byte) (frame * 31 + k * 7);
    }

    private Path capture(int frames, boolean pcapng) throws Exception {
        byte[][] all = new byte[frames][];
        for (int i = 0; i < frames; i++) {
            // Mostly small frames, some larger than a 2 KB slot, a few larger than the window.
            int len = i % 97 == 0 ? 9000 + i % 300 : i % 7 == 0 ? 1500 + i % 900 : 60 + i % 200;
            byte[] f = new byte[len];
            f[0] = (byte) i;
            for (int k = 1; k < len; k++) {
                f[k] = pattern(i, k);
            }
            all[i] = f;
        }
        if (pcapng) {
            PcapNgWriter w = new PcapNgWriter().section(java.nio.ByteOrder.LITTLE_ENDIAN).iface(1, 0, -1);
            for (int i = 0; i < frames; i++) {
                w.epb(0, i, all[i], all[i].length);
            }
            return w.writeTo(dir.resolve("lent.pcapng"));
        }
        PcapWriter w = PcapWriter.ethernet();
        for (int i = 0; i < frames; i++) {
            w.packet(i * 1000L, all[i]);
        }
        return w.writeTo(dir.resolve("lent.pcap"));
    }

    /** Checks each frame's bytes; worker 0 now and then takes its time, so the reader must wait for buffers. */
    private static final class Checking implements FrameProcessor {
        final AtomicLong frames;
        final AtomicLong bad;
        final boolean slow;

        Checking(AtomicLong frames, AtomicLong bad, boolean slow) {
            this.frames = frames;
            this.bad = bad;
            this.slow = slow;
        }

        @Override
        public void process(int linkType, long tsNanos, byte[] frame, int off, int caplen, int wirelen) {
            frames.incrementAndGet();
            long i = tsNanos / 1000; // frame i was written at i microseconds
            if (caplen == 0 || frame[off] != (byte) i) {
                bad.incrementAndGet();
                return;
            }
            for (int k = 1; k < caplen; k++) {
                if (frame[off + k] != pattern(i, k)) {
                    bad.incrementAndGet();
                    return;
                }
            }
            if (slow && i % 500 == 0) {
                LockSupport.parkNanos(2_000_000);
            }
        }

        @Override
        public void tick(long nowNanos) {
        }

        @Override
        public void finish() {
        }

        @Override
        public void reportCounters(CounterVisitor visitor) {
        }
    }

    private void replay(Path p, int window, int workers) throws Exception {
        AtomicLong frames = new AtomicLong();
        AtomicLong bad = new AtomicLong();
        try (PcapFileReader r = PcapFileReader.open(p, window)) {
            assertTrue(r.lendsFrames());
            CapturePipeline pipe = new CapturePipeline(r, (lt, f, o, c) -> c > 0 ? f[o] & 0xFF : 0,
                    (w, n, sink) -> new Checking(frames, bad, w == 0), e -> { },
                    new PipelineOptions(workers, 64, 64, 1000));
            assertTrue(pipe.run());
            assertEquals(6000, pipe.snapshot(0).get("capture.records"));
            // Every frame was lent: none needed a pooled buffer for oversized frames.
            assertEquals(0, pipe.snapshot(0).get("capture.oversize_frames"));
        }
        assertEquals(6000, frames.get(), "frames handled");
        assertEquals(0, bad.get(), "frames overwritten before their worker read them (window " + window
                + ", " + workers + " workers)");
    }

    @Test
    void classicPcapFramesArriveIntact() throws Exception {
        Path p = capture(6000, false);
        for (int window : new int[] {4096, 64 << 10, PcapFileReader.DEFAULT_WINDOW}) {
            replay(p, window, 1);
            replay(p, window, 2);
        }
    }

    @Test
    void pcapngFramesArriveIntact() throws Exception {
        Path p = capture(6000, true);
        replay(p, 4096, 1);
        replay(p, 64 << 10, 2);
    }

    @Test
    void aLoneSlotGetsACopy() throws Exception {
        Path p = capture(300, false);
        try (PcapFileReader r = PcapFileReader.open(p, 4096)) {
            FrameSlot s = new FrameSlot();
            long i = 0;
            while (r.next(s)) {
                assertEquals(0, s.offset);
                assertEquals((byte) i, s.data[0]);
                i++;
            }
            assertEquals(300, i);
        }
    }
}
