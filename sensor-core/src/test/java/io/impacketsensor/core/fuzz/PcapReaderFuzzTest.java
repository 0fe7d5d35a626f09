package io.impacketsensor.core.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.impacketsensor.core.capture.FrameSlot;
import io.impacketsensor.core.capture.PcapFileReader;
import io.impacketsensor.core.capture.PcapFormatException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzz target: the pure-Java pcap / pcapng reader on arbitrary file contents. A file that is not a
 * capture is a {@link PcapFormatException} (the CLI's one-line error); anything else escaping, a
 * frame longer than its slot, or more records than the file has room for (a loop) is a finding.
 * Seeds: the first records of the shared captures, classic and pcapng (corpus README).
 */
class PcapReaderFuzzTest {
    private static Path file;
    private final FrameSlot slot = new FrameSlot();

    @BeforeAll
    static void tempFile() throws IOException {
        file = Files.createTempFile("fuzz-pcap", ".pcap");
    }

    @AfterAll
    static void cleanup() throws IOException {
        Files.deleteIfExists(file);
    }

    @FuzzTest(maxDuration = "60s")
    void fuzz(byte[] data) throws IOException {
        Files.write(file, data);
        // Every classic record has a 16-byte header and every pcapng block at least 12 bytes.
        long maxRecords = data.length / 12 + 1;
        long n = 0;
        try (PcapFileReader r = PcapFileReader.open(file)) {
            while (r.next(slot)) {
                assertTrue(slot.caplen >= 0 && slot.caplen <= slot.data.length, "caplen within the slot");
                assertTrue(++n <= maxRecords, "more records than the file can hold");
            }
        } catch (PcapFormatException e) {
            // Not a capture: the documented, clean rejection.
        }
    }
}
