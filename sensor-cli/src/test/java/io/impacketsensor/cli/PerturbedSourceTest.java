package io.impacketsensor.cli;

import io.impacketsensor.core.capture.FrameSlot;
import io.impacketsensor.core.capture.PacketSource;
import io.impacketsensor.core.capture.PcapFileChain;
import io.impacketsensor.core.packet.Packet;
import io.impacketsensor.core.packet.PacketDecoder;
import io.impacketsensor.core.testkit.Captures;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each perturbation on the lab psexec capture (10.99.0.2 client, 10.99.0.1 server on 445). */
class PerturbedSourceTest {
    private static final Path PSEXEC = Captures.lab("atk_psexec.pcap");
    private static final long CLIENT = (10L << 24) | (99L << 16) | 2;

    private static List<byte[]> frames(String mode, long seed) throws Exception {
        List<byte[]> out = new ArrayList<>();
        try (PcapFileChain chain = PcapFileChain.open(List.of(PSEXEC))) {
            PacketSource s = mode == null ? chain : new PerturbedSource(chain, Perturbation.parse(mode), seed);
            if (mode != null && Perturbation.parse(mode).needsCounts()) {
                try (PcapFileChain first = PcapFileChain.open(List.of(PSEXEC))) {
                    ((PerturbedSource) s).countFrames(first);
                }
            }
            FrameSlot slot = new FrameSlot();
            while (s.read(slot) == PacketSource.FRAME) {
                out.add(Arrays.copyOf(slot.data, slot.caplen));
            }
        }
        return out;
    }

    private static Packet decode(byte[] f) {
        Packet p = new Packet();
        assertEquals(PacketDecoder.OK, PacketDecoder.decodeLink(p, 1, 0, f, f.length, f.length));
        assertEquals(PacketDecoder.OK, PacketDecoder.decodeIp(p));
        assertEquals(PacketDecoder.OK, PacketDecoder.decodeTransport(p));
        return p;
    }

    @Test
    void oneWayKeepsOneSideOnly() throws Exception {
        List<byte[]> all = frames(null, 1);
        List<byte[]> client = frames("one-way:client", 1);
        List<byte[]> server = frames("one-way:server", 1);
        assertEquals(all.size(), client.size() + server.size());
        assertTrue(client.stream().allMatch(f -> decode(f).srcLo == CLIENT));
        assertTrue(server.stream().allMatch(f -> decode(f).srcLo != CLIENT && decode(f).srcPort == 445));
    }

    @Test
    void dupGivesEveryFrameTwice() throws Exception {
        List<byte[]> all = frames(null, 1);
        List<byte[]> dup = frames("dup", 1);
        assertEquals(2 * all.size(), dup.size());
        for (int i = 0; i < all.size(); i++) {
            assertTrue(Arrays.equals(all.get(i), dup.get(2 * i)) && Arrays.equals(all.get(i), dup.get(2 * i + 1)));
        }
    }

    @Test
    void lossAndReorderAreReproducibleForASeed() throws Exception {
        List<byte[]> all = frames(null, 1);
        List<byte[]> loss = frames("loss:5%", 1);
        assertTrue(loss.size() < all.size() && loss.size() > all.size() * 8 / 10, loss.size() + " of " + all.size());
        assertEquals(loss.size(), frames("loss:5%", 1).size());
        List<byte[]> r1 = frames("reorder:16", 1);
        List<byte[]> r2 = frames("reorder:16", 1);
        List<byte[]> r3 = frames("reorder:16", 2);
        assertEquals(all.size(), r1.size());
        for (int i = 0; i < r1.size(); i++) {
            assertTrue(Arrays.equals(r1.get(i), r2.get(i)), "same seed, same order");
        }
        boolean differs = false;
        for (int i = 0; i < r1.size(); i++) {
            differs |= !Arrays.equals(r1.get(i), r3.get(i));
            // Every frame stays within its run of 16.
            int block = i / 16;
            int at = -1;
            for (int j = block * 16; j < Math.min(all.size(), block * 16 + 16); j++) {
                if (Arrays.equals(all.get(j), r1.get(i))) {
                    at = j;
                }
            }
            assertTrue(at >= 0, "frame " + i + " comes from its window");
        }
        assertTrue(differs, "another seed, another order");
    }

    @Test
    void vlanAsymTagsEachDirectionWithItsOwnId() throws Exception {
        List<byte[]> all = frames(null, 1);
        List<byte[]> tagged = frames("vlan-asym", 1);
        assertEquals(all.size(), tagged.size());
        for (int i = 0; i < all.size(); i++) {
            byte[] t = tagged.get(i);
            assertEquals(all.get(i).length + 4, t.length);
            assertEquals(0x8100, ((t[12] & 0xFF) << 8) | (t[13] & 0xFF));
            int vlan = ((t[14] & 0x0F) << 8) | (t[15] & 0xFF);
            Packet p = decode(t);
            assertEquals(p.srcLo == CLIENT ? Perturbation.VLAN_TO_SERVER : Perturbation.VLAN_TO_CLIENT, vlan);
        }
    }

    @Test
    void lateJoinDropsTheStart() throws Exception {
        List<byte[]> all = frames(null, 1);
        List<byte[]> pct = frames("late-join:30%", 1);
        assertEquals(all.size() - (int) Math.floor(all.size() * 0.3), pct.size(), "one TCP connection in this capture");
        assertTrue(Arrays.equals(all.get(all.size() - 1), pct.get(pct.size() - 1)));
        List<byte[]> t = frames("late-join:0.1", 1);
        assertTrue(t.size() < all.size() && !t.isEmpty());
        assertNotEquals(0, frames("late-join:0", 1).size());
    }

    @Test
    void badModesAreOneLineUsageErrors() {
        for (String bad : List.of("loss", "loss:5", "loss:200%", "reorder:1", "reorder:x", "one-way:both", "dup:2",
                "late-join:-1", "late-join:", "shuffle")) {
            UsageException e = assertThrows(UsageException.class, () -> Perturbation.parse(bad), bad);
            assertTrue(e.getMessage().startsWith("--perturb '" + bad + "': ") && !e.getMessage().contains("\n"),
                    e.getMessage());
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        assertEquals(Main.EXIT_USAGE, Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), "evaluate",
                PSEXEC.getParent().toString(), "--perturb", "jitter"));
        assertTrue(err.toString().startsWith("evaluate: --perturb 'jitter': unknown mode"), err.toString());
        assertEquals(1, err.toString().strip().lines().count(), err.toString());
    }
}
