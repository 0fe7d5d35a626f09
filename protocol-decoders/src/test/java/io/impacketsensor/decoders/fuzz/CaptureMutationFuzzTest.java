package io.impacketsensor.decoders.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.impacketsensor.core.testkit.Replay;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Generic fuzz target over whole captures: the fuzzer mutates a complete pcap file (headers,
 * frames, the PDUs of every protocol at once), which is replayed through the real packet path and
 * every production decoder, as {@code impacket-sensor replay} does; the analyzer registry's
 * decoder-exception counter ({@code analyzer.exceptions}) must stay 0. Seeds: small complete
 * captures of the lab and public sets (corpus README).
 */
class CaptureMutationFuzzTest {
    private static Path file;

    @BeforeAll
    static void tempFile() throws IOException {
        file = Files.createTempFile("fuzz-capture", ".pcap");
    }

    @AfterAll
    static void cleanup() throws IOException {
        Files.deleteIfExists(file);
    }

    @FuzzTest(maxDuration = "60s")
    void fuzz(byte[] data) throws IOException {
        Files.write(file, data);
        List<Replay.Frame> frames = CaptureReplay.read(file);
        if (frames == null) {
            return;
        }
        CaptureReplay.Result r = CaptureReplay.replay(frames);
        assertEquals(0, r.exceptions(), () -> "decoder exceptions: "
                + r.thrown().stream().map(CaptureReplay::describe).toList());
    }
}
