package io.impacketsensor.cli;

import io.impacketsensor.core.capture.FrameSlot;
import io.impacketsensor.core.capture.PcapFileChain;
import io.impacketsensor.core.capture.PcapWriter;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Test helper: the lab captures of sensor-core's test-jar ({@code pcaps/lab/}, ours) copied to a
 * folder, read into frames, and merged captures written back.
 */
final class LabFrames {
    private LabFrames() {
    }

    /** One frame of a source capture. */
    record Frame(long tsNanos, byte[] data, int wirelen) {
    }

    /** The Ethernet frames of a capture, in file order. */
    static List<Frame> read(Path pcap) throws Exception {
        List<Frame> frames = new ArrayList<>();
        try (PcapFileChain r = PcapFileChain.open(List.of(pcap))) {
            FrameSlot s = new FrameSlot();
            while (r.read(s) == PcapFileChain.FRAME) {
                assertEquals(PcapWriter.LINKTYPE_ETHERNET, s.linkType, pcap + ": Ethernet only");
                frames.add(new Frame(s.tsNanos, Arrays.copyOf(s.data, s.caplen), s.wirelen));
            }
        }
        return frames;
    }

    /** True when every frame of the capture is Ethernet (what {@link #read} and the rewrites handle). */
    static boolean ethernet(Path pcap) throws Exception {
        try (PcapFileChain r = PcapFileChain.open(List.of(pcap))) {
            FrameSlot s = new FrameSlot();
            while (r.read(s) == PcapFileChain.FRAME) {
                if (s.linkType != PcapWriter.LINKTYPE_ETHERNET) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Writes the frames, in list order, as a classic Ethernet pcap (ns timestamps). */
    static Path write(List<Frame> frames, Path file) throws Exception {
        PcapWriter w = new PcapWriter(java.nio.ByteOrder.LITTLE_ENDIAN, true, 262144, PcapWriter.LINKTYPE_ETHERNET);
        for (Frame f : frames) {
            w.packet(f.tsNanos(), f.data(), 0, f.data().length, f.wirelen());
        }
        try (OutputStream os = Files.newOutputStream(file)) {
            w.writeTo(os);
        }
        return file;
    }

    /** Lab file {@code name} (a capture or MANIFEST.tsv) copied into {@code dir} once. */
    static Path copy(Path dir, String name) throws Exception {
        Path target = dir.resolve(name);
        if (!Files.exists(target)) {
            try (InputStream in = LabFrames.class.getResourceAsStream("/pcaps/lab/" + name)) {
                assertNotNull(in, "test resource /pcaps/lab/" + name + " (sensor-core test-jar)");
                Files.copy(in, target);
            }
        }
        return target;
    }
}
