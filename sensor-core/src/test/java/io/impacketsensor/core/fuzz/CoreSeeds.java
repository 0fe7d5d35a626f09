package io.impacketsensor.core.fuzz;

import io.impacketsensor.core.capture.FrameSlot;
import io.impacketsensor.core.capture.PcapFileReader;
import io.impacketsensor.core.packet.Frames;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Writes the seed corpora of the sensor-core fuzz targets into {@code <resources>/io/impacketsensor/core/fuzz/}
 * from the committed captures (test resources {@code pcaps/}); run by hand when the targets'
 * input format changes, see that folder's README:
 * {@code java -cp <test classpath> io.impacketsensor.core.fuzz.CoreSeeds sensor-core/src/test/resources}.
 */
public final class CoreSeeds {
    private CoreSeeds() {
    }

    /** Captures the seeds come from: SMB2, SMB1, DCE/RPC, Kerberos (TCP and UDP), LDAP, pcapng. */
    static final String[] CAPTURES = {
        "lab/atk_psexec.pcap",
        "lab/atk_GetUserSPNs.pcap",
        "public/OISF_suricata-verify/tests/smb1-02/smb1_osx.pcap",
        "public/OISF_suricata-verify/tests/ldap-udp/cldap.pcap",
        "public/OISF_suricata-verify/tests/krb5-probing/krb.pcap",
        "public/zeek_zeek/testing/btest/Traces/ldap/ldap_star_single.pcapng",
        "public/zeek_zeek/testing/btest/Traces/ldap/issue-32.pcapng",
    };

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]).resolve("io/impacketsensor/core/fuzz");
        Path pcapDir = root.resolve("PcapReaderFuzzTestInputs/fuzz");
        Path pathDir = root.resolve("PacketPathFuzzTestInputs/fuzz");
        Path tcpDir = root.resolve("TcpReassemblyFuzzTestInputs/fuzz");
        for (Path d : new Path[] {pcapDir, pathDir, tcpDir}) {
            Files.createDirectories(d);
        }
        for (String c : CAPTURES) {
            byte[] file = resource("/pcaps/" + c);
            String name = c.substring(c.lastIndexOf('/') + 1).replace('.', '_');
            // The file header and the first records: enough for every block type the file uses.
            Files.write(pcapDir.resolve(name), Arrays.copyOf(file, Math.min(file.length, 3000)));
            Files.write(pathDir.resolve(name), frames(c, 40, 6000));
        }
        Files.write(pathDir.resolve("synthetic_fragments"), fragments());
        for (int s = 0; s < TCP_SCHEDULES.length; s++) {
            Files.write(tcpDir.resolve("synthetic_schedule_" + s), TCP_SCHEDULES[s].get());
        }
    }

    static byte[] resource(String name) throws IOException {
        try (InputStream in = CoreSeeds.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("test resource " + name + " missing");
            }
            return in.readAllBytes();
        }
    }

    /** The first {@code max} frames of a capture as PacketPathFuzzTest records, up to {@code cap} bytes. */
    static byte[] frames(String capture, int max, int cap) throws Exception {
        Path tmp = Files.createTempFile("seed", ".pcap");
        try {
            Files.write(tmp, resource("/pcaps/" + capture));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            FrameSlot s = new FrameSlot();
            try (PcapFileReader r = PcapFileReader.open(tmp)) {
                for (int n = 0; n < max && r.next(s) && out.size() + s.caplen + 3 <= cap; n++) {
                    int idx = 0;
                    for (int i = 0; i < PacketPathFuzzTest.LINK_TYPES.length; i++) {
                        if (PacketPathFuzzTest.LINK_TYPES[i] == s.linkType) {
                            idx = i;
                        }
                    }
                    out.write(idx);
                    out.write(s.caplen >>> 8);
                    out.write(s.caplen);
                    out.write(s.data, 0, s.caplen);
                }
            }
            return out.toByteArray();
        } finally {
            Files.delete(tmp);
        }
    }

    /** Synthetic: a UDP datagram in three IPv4 fragments (out of order) and in two IPv6 fragments. */
    static byte[] fragments() {
        byte[] udp = Frames.udp(40000, 88, new byte[1200]);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int[][] v4 = {{512, 512, 1}, {0, 512, 1}, {1024, udp.length - 1024, 0}};
        for (int[] f : v4) {
            byte[] part = Arrays.copyOfRange(udp, f[0], f[0] + f[1]);
            int field = (f[0] / 8) | (f[2] == 1 ? 0x2000 : 0);
            record(out, 0, Frames.ether(Frames.ipv4("10.0.0.1", "10.0.0.2", 17, 77, field, null, part)));
        }
        byte[] first = Arrays.copyOfRange(udp, 0, 600);
        byte[] second = Arrays.copyOfRange(udp, 600, udp.length);
        record(out, 6, Frames.ipv6("fd00::1", "fd00::2", 44, Frames.frag6(17, 0, true, 9), first));
        record(out, 6, Frames.ipv6("fd00::1", "fd00::2", 44, Frames.frag6(17, 600, false, 9), second));
        return out.toByteArray();
    }

    private static void record(ByteArrayOutputStream out, int linkIdx, byte[] frame) {
        out.write(linkIdx);
        out.write(frame.length >>> 8);
        out.write(frame.length);
        out.write(frame, 0, frame.length);
    }

    /** Synthetic TCP schedules for TcpReassemblyFuzzTest: {ctl, offset, length, ackOffset} per segment. */
    interface Schedule {
        byte[] get();
    }

    static Schedule schedule(long isnC, long isnS, int[]... segs) {
        return () -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (long v : new long[] {isnC, isnS}) {
                out.write((int) (v >>> 24));
                out.write((int) (v >>> 16));
                out.write((int) (v >>> 8));
                out.write((int) v);
            }
            for (int[] s : segs) {
                out.write(s[0]);
                for (int k = 1; k < 4; k++) {
                    out.write(s[k] >>> 8);
                    out.write(s[k]);
                }
            }
            return out.toByteArray();
        };
    }

    static final int C = 0;
    static final int S = 1;
    static final int SYN_NOACK = 0x02 | 0x10;
    static final int SYN = 0x02;
    static final int FIN = 0x04;

    static final Schedule[] TCP_SCHEDULES = {
        // Handshake, in-order request/response, FIN both ways.
        schedule(1000, 5000, new int[] {C | SYN_NOACK, 0, 0, 0}, new int[] {S | SYN, 0, 0, 0},
                new int[] {C, 0, 0, 0}, new int[] {C, 0, 300, 0}, new int[] {S, 0, 1460, 300},
                new int[] {S, 1460, 800, 300}, new int[] {C, 300, 100, 2260}, new int[] {C | FIN, 400, 0, 2260},
                new int[] {S | FIN, 2260, 0, 401}),
        // Reordered and overlapping segments, a retransmission, sequence numbers wrapping.
        schedule(0xFFFFFF00L, 0xFFFFFFF0L, new int[] {C | SYN_NOACK, 0, 0, 0}, new int[] {S | SYN, 0, 0, 0},
                new int[] {C, 500, 500, 0}, new int[] {C, 0, 600, 0}, new int[] {C, 200, 900, 0},
                new int[] {S, 100, 100, 1100}, new int[] {S, 0, 150, 1100}, new int[] {C, 1000, 300, 200}),
        // Mid-stream start (no handshake), a hole the peer acknowledges (lost before capture).
        schedule(77777, 99999, new int[] {C, 4000, 1000, 0}, new int[] {S, 0, 200, 5000},
                new int[] {C, 7000, 500, 200}, new int[] {S, 200, 100, 7500}, new int[] {C, 5000, 2000, 300}),
        // A reset mid-connection and a new connection on the same ports, with data in the SYN.
        schedule(10, 20, new int[] {C | SYN_NOACK, 0, 0, 0}, new int[] {S | SYN, 0, 0, 0},
                new int[] {C, 0, 100, 0}, new int[] {S | 0x08, 0, 0, 100}, new int[] {C | SYN_NOACK, 0, 50, 0},
                new int[] {S | SYN, 0, 0, 51}, new int[] {C | 0x80, 100, 100, 0}),
    };
}
