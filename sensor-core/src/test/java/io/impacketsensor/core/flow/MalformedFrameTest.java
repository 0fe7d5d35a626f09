package io.impacketsensor.core.flow;

import io.impacketsensor.core.capture.FrameSlot;
import io.impacketsensor.core.capture.PcapFileReader;
import io.impacketsensor.core.packet.LinkTypes;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Malformed input never throws out of the packet path: every frame of two lab captures
 * (atk_psexec.pcap, ben_kinit_kvno.pcap) truncated at every length, and seeded random byte
 * mutations of them, under every supported link type, with an analyzer on every flow.
 */
class MalformedFrameTest {
    private static final int[] LINK_TYPES = {LinkTypes.ETHERNET, LinkTypes.LINUX_SLL, LinkTypes.LINUX_SLL2,
        LinkTypes.RAW, LinkTypes.IPV6, LinkTypes.NULL, LinkTypes.LOOP, 12345};

    private static List<byte[]> frames(String name) throws Exception {
        Path p = Path.of(MalformedFrameTest.class.getResource("/pcaps/lab/" + name).toURI());
        List<byte[]> out = new ArrayList<>();
        FrameSlot slot = new FrameSlot();
        try (PcapFileReader r = PcapFileReader.open(p)) {
            while (r.next(slot)) {
                out.add(Arrays.copyOf(slot.data, slot.caplen));
            }
        }
        return out;
    }

    private static PacketProcessor processor(RecordingFactory f) {
        FlowLimits small = FlowLimits.DEFAULTS.withMaxFlows(64).withOutOfOrder(4096, 8, 4).withFragments(4, 8, 65535, 1 << 16, 30);
        return new PacketProcessor(1, small, List.of(f), Expectations.of(small), e -> { });
    }

    @Test
    void everyTruncationOfRealFramesUnderEveryLinkType() throws Exception {
        List<byte[]> frames = frames("atk_psexec.pcap");
        frames.addAll(frames("ben_kinit_kvno.pcap"));
        RecordingFactory f = new RecordingFactory("all", "", true, 445, 88);
        PacketProcessor proc = processor(f);
        long n = 0;
        long ts = 1_000_000_000L;
        for (int lt : LINK_TYPES) {
            for (byte[] fr : frames) {
                for (int cut = 0; cut <= fr.length; cut += cut < 80 ? 1 : 37) {
                    proc.process(lt, ts += 1000, fr, cut, fr.length);
                    n++;
                }
            }
        }
        proc.finish();
        List<Long> packets = new ArrayList<>();
        proc.reportCounters((name, v) -> {
            if (name.equals("packets")) {
                packets.add(v);
            }
        });
        assertEquals(n, packets.get(0));
    }

    @Test
    void randomMutationsOfRealFrames() throws Exception {
        List<byte[]> frames = frames("atk_psexec.pcap");
        frames.addAll(frames("ben_kinit_kvno.pcap"));
        RecordingFactory f = new RecordingFactory("all", "", true, 445, 88);
        PacketProcessor proc = processor(f);
        Random rnd = new Random(20261127L);
        long ts = 1_000_000_000L;
        for (int round = 0; round < 200; round++) {
            for (byte[] original : frames) {
                byte[] fr = original.clone();
                int flips = 1 + rnd.nextInt(4);
                for (int k = 0; k < flips; k++) {
                    // Mostly the headers (first 80 bytes), where lengths and offsets live.
                    int pos = rnd.nextInt(Math.min(fr.length, rnd.nextBoolean() ? 80 : fr.length));
                    fr[pos] = (byte) rnd.nextInt(256);
                }
                int lt = rnd.nextInt(8) == 0 ? LINK_TYPES[rnd.nextInt(LINK_TYPES.length)] : LinkTypes.ETHERNET;
                proc.process(lt, ts += 1_000_000, fr, fr.length, fr.length);
            }
        }
        proc.finish();
        long[] exceptions = {-1};
        proc.reportCounters((name, v) -> {
            if (name.equals("analyzer.exceptions")) {
                exceptions[0] = v;
            }
        });
        assertEquals(0, exceptions[0]);
        assertTrue(f.created.size() > 0);
        for (RecordingFactory.Recorder r : f.created) {
            assertEquals(1, r.closes, "every analyzer is closed exactly once");
        }
    }
}
