package io.impacketsensor.decoders.fuzz;

import io.impacketsensor.core.testkit.Captures;
import io.impacketsensor.core.testkit.Replay;

import io.impacketsensor.core.packet.Packet;
import io.impacketsensor.core.packet.PacketDecoder;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Replays captures and 1,000 seeded mutants of each through the real packet path and every
 * production decoder ({@link CaptureReplay}), and asserts that the analyzer registry counted zero
 * decoder exceptions: an exception a peer can provoke is an evasion (the analyzer loses what it
 * was decoding in that direction of the connection), so any is a release blocker.
 *
 * <p>A mutant is the capture with one frame's payload changed by one of: a flip of 1-4 bits,
 * a byte set to a boundary value (0x00, 0xFF, 0x7F, 0x80), a 16- or 32-bit field (either byte
 * order) inflated (0xFFFF, 0x8000, 0x7FFF, 0xFFFFFFFF, 0x7FFFFFFF, 0x80000000, or the old value
 * plus 1-256), or the frame truncated. The mutated frame is replayed with the other frames of its
 * flow (the decoders only ever see one flow's bytes, so the rest of the capture cannot change the
 * outcome), which keeps a mutant at the cost of one flow. The random stream is seeded from the
 * capture's name, so every run sees the same mutants and a failure names the one that broke.
 *
 * <p>Which captures: with {@code -Dsensor.pcaps=DIR} every {@code .pcap}/{@code .pcapng} under
 * DIR (the shared capture set), each with 1,000 mutants; otherwise the captures committed in sensor-core's test resources
 * ({@code pcaps/lab}, all of the lab, and {@code pcaps/public}). Every one of them is replayed
 * unmutated in {@code mvn verify}. Mutants: in {@code mvn verify} 1,000 of each capture of
 * {@link #VERIFY_SUBSET}, which together exercise every decoder (SMB2 with each named-pipe
 * interface, SMB1, DCE/RPC over TCP with drsuapi and DCOM, Kerberos TCP/UDP, LDAP, CLDAP,
 * NTLMSSP) in about 10-20 s; under the {@code fuzz} profile ({@code -Dfuzz.mutants.all=true})
 * 1,000 of every capture. Measured on two shared cores: the 149 committed captures (149,000
 * mutants) take about 70 s, the 181 of the shared set with {@code -Dsensor.pcaps} about 110 s;
 * every build of every module pays for {@code mvn verify}, so it keeps the subset and the
 * complete sets run with the fuzz targets.
 */
@Tag("mutants")
class MutantReplayTest {
    static final int MUTANTS = 1000;

    /** Mutated in {@code mvn verify}: one capture per decoder path, see the class comment. */
    static final Set<String> VERIFY_SUBSET = Set.of(
            "lab/atk_psexec.pcap",                // SMB2, svcctl over \PIPE\svcctl, NTLMSSP
            "lab/atk_secretsdump_dcsync.pcap",    // DCE/RPC over TCP, epmapper, drsuapi
            "lab/atk_wmiexec.pcap",               // DCOM activation, WMI
            "lab/atk_atexec.pcap",                // tsch
            "lab/atk_reg.pcap",                   // winreg
            "lab/atk_samrdump.pcap",              // samr, lsarpc
            "lab/atk_GetUserSPNs_compat.pcap",    // Kerberos TCP, LDAP with GSS-API
            "lab/atk_ntlmrelayx_ldap.pcap",       // LDAP Sicily/NTLM bind
            "public/OISF_suricata-verify/tests/smb1-02/smb1_osx.pcap",          // SMB1
            "public/OISF_suricata-verify/tests/ldap-udp/cldap.pcap",            // CLDAP
            "public/OISF_suricata-verify/tests/krb5-krb5_msg_type/input.pcap",  // Kerberos UDP
            "public/OISF_suricata-verify/tests/krb5-request-frag-log/krb5-frag.pcap"); // Kerberos records across segments

    @TestFactory
    Stream<DynamicTest> everyCaptureAndItsMutants() throws Exception {
        boolean all = Boolean.getBoolean("fuzz.mutants.all");
        List<DynamicTest> tests = new ArrayList<>();
        for (Capture c : captures()) {
            boolean mutate = all || c.shared() || VERIFY_SUBSET.contains(c.name());
            tests.add(DynamicTest.dynamicTest(c.name() + (mutate ? " + " + MUTANTS + " mutants" : ""),
                    () -> check(c, mutate)));
        }
        assertTrue(System.getProperty("sensor.pcaps") != null ? !tests.isEmpty() : tests.size() > 50,
                "captures found (the committed ones are on the test classpath)");
        return tests.stream();
    }

    record Capture(String name, Path file, boolean shared) {
    }

    static void check(Capture c, boolean mutate) {
        List<Replay.Frame> frames = CaptureReplay.read(c.file());
        assertNotNull(frames, c.name() + " is a capture");
        CaptureReplay.Result clean = CaptureReplay.replay(frames);
        assertEquals(0, clean.exceptions(), () -> c.name() + ": decoder exceptions "
                + clean.thrown().stream().map(CaptureReplay::describe).toList());
        if (!mutate) {
            return;
        }
        List<Integer> payloadFrames = new ArrayList<>();
        List<Object> flowKeys = new ArrayList<>();
        for (int i = 0; i < frames.size(); i++) {
            Packet p = new Packet();
            Replay.Frame f = frames.get(i);
            Object key = flowKey(p, f);
            flowKeys.add(key);
            if (key != null && p.payloadLen > 0) {
                payloadFrames.add(i);
            }
        }
        if (payloadFrames.isEmpty()) {
            return;
        }
        SplittableRandom rnd = new SplittableRandom(c.name().hashCode());
        Set<String> failures = new LinkedHashSet<>();
        long exceptions = 0;
        int changed = 0;
        Map<Object, Long> cleanFlowEvents = new HashMap<>();
        for (int m = 0; m < MUTANTS; m++) {
            int idx = payloadFrames.get(rnd.nextInt(payloadFrames.size()));
            Replay.Frame f = frames.get(idx);
            Packet p = new Packet();
            flowKey(p, f);
            StringBuilder what = new StringBuilder();
            byte[] mutated = mutate(f.data(), p.payloadOff, p.payloadLen, rnd, what);
            List<Replay.Frame> flow = new ArrayList<>();
            Object key = flowKeys.get(idx);
            for (int i = 0; i < frames.size(); i++) {
                if (i == idx) {
                    flow.add(new Replay.Frame(f.linkType(), f.tsNanos(), mutated));
                } else if (key.equals(flowKeys.get(i))) {
                    flow.add(frames.get(i));
                }
            }
            CaptureReplay.Result r = CaptureReplay.replay(flow);
            long cleanEvents = cleanFlowEvents.computeIfAbsent(key, k -> {
                List<Replay.Frame> same = new ArrayList<>();
                for (int i = 0; i < frames.size(); i++) {
                    if (k.equals(flowKeys.get(i))) {
                        same.add(frames.get(i));
                    }
                }
                return CaptureReplay.replay(same).decoded();
            });
            if (cleanEvents != r.decoded()) {
                changed++;
            }
            exceptions += r.exceptions();
            if (r.exceptions() > 0 && failures.size() < 10) {
                failures.add("mutant " + m + " (frame " + (idx + 1) + ", " + what + "): "
                        + r.thrown().stream().map(CaptureReplay::describe).toList());
            }
        }
        assertEquals(0, exceptions, c.name() + ": decoder exceptions in mutants: " + String.join("\n", failures));
        // A replay that never reached a decoder would pass vacuously: where the capture has events,
        // some mutants must change what the decoders made of it (events or their counters).
        assertTrue(clean.events() == 0 || changed > 0, c.name() + ": no mutant changed what was decoded");
    }

    /** The symmetric 5-tuple of a frame (IP pair for fragments); null when it is not IP. */
    static Object flowKey(Packet p, Replay.Frame f) {
        byte[] d = f.data();
        if (PacketDecoder.decodeLink(p, f.linkType(), f.tsNanos(), d, d.length, d.length) != PacketDecoder.OK) {
            return null;
        }
        int r = PacketDecoder.decodeIp(p);
        if (r == PacketDecoder.OK && PacketDecoder.decodeTransport(p) == PacketDecoder.OK && p.l4Buf == d) {
            List<Long> a = List.of(p.srcHi, p.srcLo, (long) p.srcPort);
            List<Long> b = List.of(p.dstHi, p.dstLo, (long) p.dstPort);
            return Set.of(a, b).size() == 1 ? List.of(a, a, p.ipProto) : Set.of(Set.of(a, b), p.ipProto);
        }
        p.payloadLen = 0;
        return r == PacketDecoder.FRAGMENT || r == PacketDecoder.OK
                ? Set.of(Set.of(List.of(p.srcHi, p.srcLo), List.of(p.dstHi, p.dstLo)), p.ipProto) : null;
    }

    static final int[] BOUNDARY = {0x00, 0xFF, 0x7F, 0x80};
    static final long[] INFLATED = {0xFFFFL, 0x8000L, 0x7FFFL, 0xFFFFFFFFL, 0x7FFFFFFFL, 0x80000000L};

    /** One seeded mutation of the payload {@code [off, off+len)} of a frame; {@code what} says which. */
    static byte[] mutate(byte[] frame, int off, int len, SplittableRandom rnd, StringBuilder what) {
        byte[] b = frame.clone();
        int op = rnd.nextInt(4);
        switch (op) {
            case 0 -> {
                int n = 1 + rnd.nextInt(4);
                what.append("flip ").append(n).append(" bits at");
                for (int k = 0; k < n; k++) {
                    int at = off + rnd.nextInt(len);
                    b[at] ^= (byte) (1 << rnd.nextInt(8));
                    what.append(' ').append(at);
                }
            }
            case 1 -> {
                int at = off + rnd.nextInt(len);
                int v = BOUNDARY[rnd.nextInt(BOUNDARY.length)];
                b[at] = (byte) v;
                what.append("byte ").append(at).append(" = 0x").append(Integer.toHexString(v));
            }
            case 2 -> {
                int width = len >= 4 && rnd.nextBoolean() ? 4 : 2;
                if (len < width) {
                    return mutate(frame, off, len, rnd, what);
                }
                int at = off + rnd.nextInt(len - width + 1);
                boolean le = rnd.nextBoolean();
                long old = read(b, at, width, le);
                long v = rnd.nextInt(3) == 0 ? old + 1 + rnd.nextInt(256) : INFLATED[rnd.nextInt(INFLATED.length)];
                write(b, at, width, le, v);
                what.append(width * 8).append("-bit ").append(le ? "LE" : "BE").append(" field at ").append(at)
                        .append(" 0x").append(Long.toHexString(old)).append(" -> 0x").append(Long.toHexString(v & (width == 2 ? 0xFFFFL : 0xFFFFFFFFL)));
            }
            default -> {
                int keep = off + rnd.nextInt(len);
                what.append("truncated to ").append(keep).append(" bytes");
                return Arrays.copyOf(b, keep);
            }
        }
        return b;
    }

    static long read(byte[] b, int at, int width, boolean le) {
        long v = 0;
        for (int k = 0; k < width; k++) {
            int i = le ? at + width - 1 - k : at + k;
            v = (v << 8) | (b[i] & 0xff);
        }
        return v;
    }

    static void write(byte[] b, int at, int width, boolean le, long v) {
        for (int k = 0; k < width; k++) {
            int i = le ? at + k : at + width - 1 - k;
            b[i] = (byte) (v >>> (8 * k));
        }
    }

    /** The captures to replay: {@code -Dsensor.pcaps=DIR}, or the committed ones. */
    static List<Capture> captures() throws Exception {
        String shared = System.getProperty("sensor.pcaps");
        List<Capture> out = new ArrayList<>();
        if (shared != null && !shared.isBlank()) {
            Path root = Path.of(shared);
            assertTrue(Files.isDirectory(root), "-Dsensor.pcaps=" + shared + " is not a directory");
            try (Stream<Path> files = Files.walk(root)) {
                for (Path f : files.sorted().toList()) {
                    if (f.toString().endsWith(".pcap") || f.toString().endsWith(".pcapng")) {
                        out.add(new Capture(root.relativize(f).toString(), f, true));
                    }
                }
            }
            return out;
        }
        // The replay sets pcaps/lab and pcaps/public of sensor-core's test-jar (docs/dev/testing.md).
        for (String n : Captures.list("/pcaps")) {
            out.add(new Capture(n.substring("/pcaps/".length()), Captures.path(n), false));
        }
        assertFalse(out.isEmpty(), "sensor-core test resources pcaps/ on the classpath");
        return out;
    }
}
