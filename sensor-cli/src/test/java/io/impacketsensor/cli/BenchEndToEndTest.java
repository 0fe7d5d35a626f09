package io.impacketsensor.cli;

import io.impacketsensor.core.capture.FrameSlot;
import io.impacketsensor.core.capture.PcapFileChain;
import io.impacketsensor.core.capture.PcapWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The slice {@code bench --end-to-end} times against tshark: the first N records, byte for byte. */
class BenchEndToEndTest {
    @TempDir
    Path dir;

    @Test
    void sliceKeepsTheHeaderAndTheFirstNRecordsInEitherByteOrder() throws Exception {
        for (ByteOrder order : List.of(ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN)) {
            // synthetic: three frames of 60, 61 and 62 bytes, each filled with its index
            PcapWriter w = new PcapWriter(order, true, 65535, PcapWriter.LINKTYPE_ETHERNET);
            for (int i = 0; i < 3; i++) {
                byte[] f = new byte[60 + i];
                java.util.Arrays.fill(f, (byte) i);
                w.packet(1_000_000_000L * (i + 1) + 7, f);
            }
            Path in = dir.resolve("in-" + order + ".pcap");
            try (OutputStream os = Files.newOutputStream(in)) {
                w.writeTo(os);
            }
            Path out = dir.resolve("out-" + order + ".pcap");
            assertEquals(2, BenchEndToEnd.slice(in, out, 2));
            assertEquals(24 + 16 + 60 + 16 + 61, Files.size(out));
            try (PcapFileChain r = PcapFileChain.open(List.of(out))) {
                FrameSlot s = new FrameSlot();
                for (int i = 0; i < 2; i++) {
                    assertEquals(PcapFileChain.FRAME, r.read(s));
                    assertEquals(60 + i, s.caplen);
                    assertEquals((byte) i, s.data[59]);
                    assertEquals(1_000_000_000L * (i + 1) + 7, s.tsNanos);
                }
                assertEquals(false, r.read(s) == PcapFileChain.FRAME);
            }
            assertEquals(3, BenchEndToEnd.slice(in, dir.resolve("all.pcap"), 10), "a limit past the end copies all");
        }
    }

    @Test
    void sliceRejectsAFileThatIsNotClassicPcap() throws Exception {
        Path bad = dir.resolve("bad.pcap");
        Files.write(bad, new byte[24]);
        assertThrows(java.io.IOException.class, () -> BenchEndToEnd.slice(bad, dir.resolve("x.pcap"), 1));
    }
}
