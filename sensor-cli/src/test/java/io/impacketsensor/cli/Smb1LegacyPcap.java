package io.impacketsensor.cli;

import io.impacketsensor.core.capture.PcapWriter;
import io.impacketsensor.core.packet.Frames;
import io.impacketsensor.core.wire.Hex;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Writes a synthetic capture of one SMB1 login without extended security (MS-CIFS 2.2.4.52,
 * 2.2.4.53) on TCP 445: Zeek smb1_transaction_request.pcap's NEGOTIATE request and Samba's
 * NEGOTIATE response (frames 4 and 6, real bytes: challenge 436d271584aa1a25, SecurityMode 0x03),
 * then a built SESSION_SETUP_ANDX request, WordCount 13, with 24-byte LM and NTLM responses (an
 * NTLMv1 login of LAB\bob), answered STATUS_LOGON_FAILURE.
 */
final class Smb1LegacyPcap {
    static final long LOGON_FAILURE = 0xC000_006DL;
    private static final String CLIENT = "10.0.0.5";
    private static final String SERVER = "10.0.0.10";
    private static final int CPORT = 49200;
    /** Zeek smb1_transaction_request.pcap frame 4 (NBSS payload). */
    private static final String NEGOTIATE_REQUEST = "ff534d4272000000001800000000000000000000000000000000010000000200"
            + "000c00024e54204c4d20302e313200";
    /** Same capture, frame 6. */
    private static final String NEGOTIATE_RESPONSE = "ff534d42720000000088034000000000000000000000000000000100000002"
            + "001100000332000100044100000000010031010000fdf3800063aaaa718d8bd301c4ff082000436d271584aa1a25540045"
            + "005300540000004a00450053005300490045000000";

    private Smb1LegacyPcap() {
    }

    static Path ntlmv1Login(Path file) throws IOException {
        byte[] negReq = Hex.decode(NEGOTIATE_REQUEST);
        byte[] negResp = Hex.decode(NEGOTIATE_RESPONSE);
        // The session setup reuses the request header (PID, UID 0), command 0x73, MID 3.
        byte[] hdr = Arrays.copyOf(negReq, 32);
        hdr[4] = 0x73;
        hdr[30] = 3;
        ByteArrayOutputStream req = new ByteArrayOutputStream();
        req.writeBytes(hdr);
        req.write(13);
        // AndX none; MaxBufferSize 2920; MaxMpxCount 50; VcNumber 0; SessionKey 0; OEM/Unicode password
        // lengths 24/24; Reserved; Capabilities 0x14 (MS-CIFS 2.2.4.53.1).
        req.writeBytes(Hex.decode("ff000000680b3200000000000000180018000000000014000000"));
        byte[] lm = new byte[24];
        byte[] nt = new byte[24];
        Arrays.fill(lm, (byte) 0x11);
        Arrays.fill(nt, (byte) 0x22);
        byte[] strings = "bob\0LAB\0Windows 4.0\0Windows 4.0\0".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        int bc = lm.length + nt.length + strings.length;
        req.write(bc & 0xFF);
        req.write(bc >>> 8);
        req.writeBytes(lm);
        req.writeBytes(nt);
        req.writeBytes(strings);
        // Error response: NTSTATUS STATUS_LOGON_FAILURE (Flags2 NT status), WordCount 0, ByteCount 0.
        byte[] resp = Arrays.copyOf(negResp, 35);
        resp[4] = 0x73;
        resp[5] = 0x6D;
        resp[6] = 0;
        resp[7] = 0;
        resp[8] = (byte) 0xC0;
        resp[11] |= 0x40;
        resp[30] = 3;
        resp[32] = 0;
        resp[33] = 0;
        resp[34] = 0;

        PcapWriter w = PcapWriter.ethernet();
        long t = 1_700_000_000_000_000_000L;
        long c = 1000;
        long s = 5000;
        w.packet(t, frame(true, c, 0, Frames.SYN, new byte[0]));
        w.packet(t += 1_000_000, frame(false, s, c + 1, Frames.SYN | Frames.ACK, new byte[0]));
        c++;
        s++;
        w.packet(t += 1_000_000, frame(true, c, s, Frames.ACK, new byte[0]));
        byte[][] msgs = {negReq, negResp, req.toByteArray(), resp};
        for (int i = 0; i < msgs.length; i++) {
            byte[] p = nbss(msgs[i]);
            boolean toServer = i % 2 == 0;
            w.packet(t += 1_000_000, frame(toServer, toServer ? c : s, toServer ? s : c, Frames.PSH | Frames.ACK, p));
            if (toServer) {
                c += p.length;
            } else {
                s += p.length;
            }
        }
        w.packet(t += 1_000_000, frame(true, c, s, Frames.FIN | Frames.ACK, new byte[0]));
        w.packet(t + 1_000_000, frame(false, s, c + 1, Frames.FIN | Frames.ACK, new byte[0]));
        return w.writeTo(file);
    }

    private static byte[] frame(boolean toServer, long seq, long ack, int flags, byte[] payload) {
        byte[] tcp = Frames.tcp(toServer ? CPORT : 445, toServer ? 445 : CPORT, seq, ack, flags, null, payload);
        return Frames.ether(Frames.ipv4(toServer ? CLIENT : SERVER, toServer ? SERVER : CLIENT, 6, tcp));
    }

    /** NetBIOS session message header (RFC 1002 4.3.1): type 0, 24-bit length. */
    private static byte[] nbss(byte[] smb) {
        byte[] b = new byte[4 + smb.length];
        b[1] = (byte) (smb.length >>> 16);
        b[2] = (byte) (smb.length >>> 8);
        b[3] = (byte) smb.length;
        System.arraycopy(smb, 0, b, 4, smb.length);
        return b;
    }
}
