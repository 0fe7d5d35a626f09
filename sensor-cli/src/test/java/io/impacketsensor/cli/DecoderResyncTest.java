package io.impacketsensor.cli;

import io.impacketsensor.cli.LabFrames.Frame;
import io.impacketsensor.detection.engine.Alert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The two evasions of a decoder that kept one framing state for both directions or gave a
 * connection up at its first malformed PDU, replayed through the real pipeline and engine on the
 * lab captures (sensor-core's test-jar, {@code pcaps/lab/}, ours):
 * <ul>
 *   <li>secretsdump's DRSGetNCChanges request, its head sent before the end of the server's
 *       previous reply (legal TCP), still raises dcsync with a block;</li>
 *   <li>psexec with one malformed DCE/RPC fragment written to the svcctl pipe just before the
 *       CreateServiceW request still raises psexec, the CreateServiceW is still decoded, and the
 *       malformed fragment is an anomaly record. The fragments are synthetic (built here, named
 *       by what is wrong with them); the SMB2 WRITE carrying each one copies the header of the
 *       capture's own CreateServiceW WRITE.</li>
 * </ul>
 */
class DecoderResyncTest {
    @TempDir
    static Path dir;

    private static int le16(byte[] b, int i) {
        return (b[i] & 0xFF) | (b[i + 1] & 0xFF) << 8;
    }

    /** A DCE/RPC REQUEST first fragment with this opnum at the start of a TCP payload. */
    private static boolean rpcRequest(byte[] p, int at, int opnum) {
        return p.length >= at + 24 && p[at] == 5 && p[at + 1] == 0 && p[at + 2] == 0 && (p[at + 3] & 1) != 0
                && le16(p, at + 22) == opnum;
    }

    private static boolean raised(List<Alert> alerts, String type, String action) {
        return alerts.stream().anyMatch(a -> a.analysis().attackType().id().equals(type)
                && a.analysis().action().id().equals(action));
    }

    @Test
    void dcsyncRequestInterleavedWithThePreviousReplyStillRaisesDcsyncAndTheBlock() throws Exception {
        List<Frame> frames = LabFrames.read(LabFrames.copy(dir, "atk_secretsdump_dcsync.pcap"));
        int idx = -1;
        for (int i = 0; i < frames.size() && idx < 0; i++) {
            byte[] f = frames.get(i).data();
            int port = TcpInterleave.dstPort(f);
            // DRSUAPI runs on the port ept_map named, not on 135 or 445 (MS-DRSR 2.1).
            if (port != 135 && port != 445 && rpcRequest(TcpInterleave.payload(f), 0, 3)) {
                idx = i;
            }
        }
        assertTrue(idx > 0, "a DRSGetNCChanges request (opnum 3) in the capture");
        DirectionInterleaveTest.Replay original = DirectionInterleaveTest.replay(LabFrames.copy(dir,
                "atk_secretsdump_dcsync.pcap"));
        assertTrue(raised(original.alerts(), "dcsync", "block"), original.verdicts().toString());
        int len = TcpInterleave.payload(frames.get(idx).data()).length;
        // Heads shorter than, equal to and longer than the 16-byte common header, and half the PDU.
        for (int head : new int[] {1, 10, 16, 24, len / 2}) {
            Path p = LabFrames.write(TcpInterleave.headBeforeReplyEnd(frames, idx, head),
                    dir.resolve("dcsync_head_" + head + ".pcap"));
            DirectionInterleaveTest.Replay r = DirectionInterleaveTest.replay(p);
            assertTrue(raised(r.alerts(), "dcsync", "block"), "head " + head + ": " + r.verdicts());
            assertEquals(original.verdicts(), r.verdicts(), "head " + head);
            assertEquals("", DirectionInterleaveTest.diff(original.events(), r.events()), "head " + head);
            assertEquals(0, r.counters().get("analyzer.exceptions"), "head " + head);
        }
    }

    /** Synthetic malformed DCE/RPC fragments, each with the anomaly it must raise. */
    private static final Object[][] MALFORMED = {
        // frag_length 10: shorter than the 16-byte common header (C706 12.6.3.1).
        {"dcerpc.bad_frag_length", hex("05000003100000000a00000063000000" + "0000000000000000")},
        // rpc_vers 4: not connection-oriented DCE/RPC 5.x.
        {"dcerpc.malformed_header", hex("04000003100000001800000063000000" + "0000000000000000")},
        // auth_length 0xfff0 in a 32-byte PDU: the sec_trailer cannot fit (C706 13.2.6.1).
        {"dcerpc.bad_auth_length", hex("0500000310000000" + "2000f0ff63000000" + "00000000000000000000000000000000")},
    };

    private static byte[] hex(String s) {
        byte[] b = new byte[s.length() / 2];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
        }
        return b;
    }

    @Test
    void psexecWithOneMalformedFragmentBeforeTheServiceCreationStillRaisesPsexec() throws Exception {
        List<Frame> frames = LabFrames.read(LabFrames.copy(dir, "atk_psexec.pcap"));
        // The SMB2 WRITE (MS-SMB2 2.2.21) whose data is the svcctl RCreateServiceW request (opnum 12):
        // NBSS 4 bytes, SMB2 header 64, WRITE fixed part with DataOffset at +2 (from the SMB2 header).
        int idx = -1;
        int dataOff = -1;
        for (int i = 0; i < frames.size() && idx < 0; i++) {
            byte[] p = TcpInterleave.payload(frames.get(i).data());
            if (p.length > 4 + 64 + 48 && p[0] == 0 && (p[4] & 0xFF) == 0xFE && p[5] == 'S' && le16(p, 4 + 12) == 9
                    && (p[4 + 16] & 1) == 0) {
                int d = le16(p, 4 + 64 + 2);
                if (rpcRequest(p, 4 + d, 12)) {
                    idx = i;
                    dataOff = d;
                }
            }
        }
        assertTrue(idx > 0, "the CreateServiceW WRITE in the capture");
        byte[] createService = TcpInterleave.payload(frames.get(idx).data());
        for (Object[] m : MALFORMED) {
            String anomaly = (String) m[0];
            byte[] fragment = (byte[]) m[1];
            byte[] write = new byte[4 + dataOff + fragment.length];
            System.arraycopy(createService, 0, write, 0, 4 + dataOff);
            System.arraycopy(fragment, 0, write, 4 + dataOff, fragment.length);
            int smbLen = write.length - 4;
            write[1] = (byte) (smbLen >> 16);
            write[2] = (byte) (smbLen >> 8);
            write[3] = (byte) smbLen;
            // A MessageId of its own (MS-SMB2 3.2.4.1.3), and the WRITE Length of the new data.
            write[4 + 24 + 6] ^= 0x5A;
            write[4 + 64 + 4] = (byte) fragment.length;
            write[4 + 64 + 5] = (byte) (fragment.length >> 8);
            write[4 + 64 + 6] = 0;
            write[4 + 64 + 7] = 0;
            Path p = LabFrames.write(TcpInterleave.insertBefore(frames, idx, write),
                    dir.resolve("psexec_" + anomaly + ".pcap"));
            ByteArrayOutputStream eveBytes = new ByteArrayOutputStream();
            DirectionInterleaveTest.Replay r;
            try (EveWriter eve = new EveWriter(eveBytes, false, true)) {
                r = DirectionInterleaveTest.replay(p, eve);
            }
            assertTrue(raised(r.alerts(), "psexec", "block"), anomaly + ": " + r.verdicts());
            assertTrue(r.events().stream().anyMatch(e -> e.startsWith("DcerpcRequest[") && e.contains("namedPipe=svcctl")
                    && e.contains("opnum=12,")), anomaly + ": the CreateServiceW after the malformed fragment is decoded");
            assertTrue(r.anomalies().stream().anyMatch(a -> a.startsWith(anomaly + ": ") && a.contains("on pipe svcctl")),
                    anomaly + ": " + r.anomalies());
            String eve = eveBytes.toString(StandardCharsets.UTF_8);
            assertTrue(eve.lines().anyMatch(l -> l.contains("\"event_type\":\"anomaly\"") && l.contains("\"" + anomaly + "\"")),
                    anomaly + ": an EVE anomaly record");
            // The decoders report the fragment; nothing escaped as an exception.
            assertEquals(0, r.counters().get("analyzer.exceptions"), anomaly);
        }
    }
}
