package io.impacketsensor.core.testkit;

import io.impacketsensor.core.capture.PcapWriter;
import io.impacketsensor.core.wire.Bytes;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Real captures with packets left out, for the tests of what a sensor sees when it starts while
 * sessions are open or loses packets: a capture begun at a phase boundary of an attack (everything
 * before a frame dropped), or without the frames that carry one PDU. Frames are only dropped,
 * never changed. Works on Ethernet frames with IPv4 (what the lab captures are).
 */
public final class Cuts {
    /** SMB2 commands (MS-SMB2 2.2.1). */
    public static final int SMB2_SESSION_SETUP = 1;
    public static final int SMB2_TREE_CONNECT = 3;
    public static final int SMB2_CREATE = 5;
    /** DCE/RPC PTYPEs (C706 12.6.4). */
    public static final int RPC_REQUEST = 0;
    public static final int RPC_BIND = 11;
    public static final int RPC_BIND_ACK = 12;

    private Cuts() {
    }

    /** Offset of the TCP payload in an Ethernet (optionally 802.1Q) IPv4 frame, or -1. */
    public static int tcpPayload(Replay.Frame f) {
        byte[] b = f.data();
        int l3 = 14;
        if (b.length < 14) {
            return -1;
        }
        int type = Bytes.u16be(b, 12);
        if (type == 0x8100 && b.length >= 18) {
            type = Bytes.u16be(b, 16);
            l3 = 18;
        }
        if (type != 0x0800 || b.length < l3 + 20 || (b[l3 + 9] & 0xFF) != 6) {
            return -1;
        }
        int l4 = l3 + (b[l3] & 0x0F) * 4;
        if (b.length < l4 + 20) {
            return -1;
        }
        int payload = l4 + ((b[l4 + 12] & 0xF0) >>> 4) * 4;
        return payload <= b.length ? payload : -1;
    }

    /**
     * The frames a copy of the servers' side alone holds (an RX-only mirror): of each TCP connection,
     * those its responder sent (the receiver of the SYN; without a captured SYN, the side with the
     * lower port). Frames that are not TCP over IPv4 are kept.
     */
    public static List<Replay.Frame> serverSide(List<Replay.Frame> frames) {
        return oneSide(frames, true);
    }

    /**
     * The frames a copy of the clients' side alone holds (the other RX-only mirror): of each TCP
     * connection, those its initiator sent, decided as in {@link #serverSide}. Frames that are not
     * TCP over IPv4 are kept.
     */
    public static List<Replay.Frame> clientSide(List<Replay.Frame> frames) {
        return oneSide(frames, false);
    }

    private static List<Replay.Frame> oneSide(List<Replay.Frame> frames, boolean servers) {
        java.util.Map<String, String> responder = new java.util.HashMap<>();
        List<Replay.Frame> out = new java.util.ArrayList<>();
        for (Replay.Frame f : frames) {
            if (tcpPayload(f) < 0) {
                out.add(f);
                continue;
            }
            byte[] b = f.data();
            int l3 = Bytes.u16be(b, 12) == 0x8100 ? 18 : 14;
            int l4 = l3 + (b[l3] & 0x0F) * 4;
            String src = Bytes.u32be(b, l3 + 12) + ":" + srcPort(f);
            String dst = Bytes.u32be(b, l3 + 16) + ":" + dstPort(f);
            String conn = src.compareTo(dst) < 0 ? src + "-" + dst : dst + "-" + src;
            if ((b[l4 + 13] & 0x12) == 0x02) {
                responder.put(conn, dst);
            }
            String server = responder.computeIfAbsent(conn, k -> srcPort(f) < dstPort(f) ? src : dst);
            if (server.equals(src) == servers) {
                out.add(f);
            }
        }
        return out;
    }

    /** TCP destination port of the frame, or -1. */
    public static int dstPort(Replay.Frame f) {
        int p = tcpPayload(f);
        if (p < 0) {
            return -1;
        }
        byte[] b = f.data();
        int l3 = Bytes.u16be(b, 12) == 0x8100 ? 18 : 14;
        return Bytes.u16be(b, l3 + (b[l3] & 0x0F) * 4 + 2);
    }

    /** TCP source port of the frame, or -1. */
    public static int srcPort(Replay.Frame f) {
        int p = tcpPayload(f);
        if (p < 0) {
            return -1;
        }
        byte[] b = f.data();
        int l3 = Bytes.u16be(b, 12) == 0x8100 ? 18 : 14;
        return Bytes.u16be(b, l3 + (b[l3] & 0x0F) * 4);
    }

    /** True when the TCP payload starts with a DCE/RPC PDU header of {@code ptype}. */
    public static Predicate<Replay.Frame> rpc(int ptype) {
        return f -> {
            int p = tcpPayload(f);
            byte[] b = f.data();
            return p >= 0 && b.length >= p + 16 && b[p] == 5 && (b[p + 2] & 0xFF) == ptype;
        };
    }

    /** True when the TCP payload carries a DCE/RPC PDU of {@code ptype} inside SMB2 (a pipe WRITE/READ/IOCTL) or on TCP. */
    public static Predicate<Replay.Frame> rpcAnywhere(int ptype) {
        return f -> {
            int p = tcpPayload(f);
            byte[] b = f.data();
            if (p < 0) {
                return false;
            }
            for (int i = p; i + 16 <= b.length; i++) {
                if (b[i] == 5 && b[i + 1] == 0 && (b[i + 2] & 0xFF) == ptype && (b[i + 4] & 0xEE) == 0
                        && Bytes.u16le(b, i + 8) >= 16) {
                    return true;
                }
            }
            return false;
        };
    }

    /** True for an SMB2 message of {@code command}, the response when {@code response}, on NBSS. */
    public static Predicate<Replay.Frame> smb2(int command, boolean response) {
        return f -> {
            int p = tcpPayload(f);
            byte[] b = f.data();
            return p >= 0 && b.length >= p + 4 + 64 && b[p] == 0 && (b[p + 4] & 0xFF) == 0xFE && b[p + 5] == 'S'
                    && Bytes.u16le(b, p + 4 + 12) == command && ((b[p + 4 + 16] & 1) != 0) == response;
        };
    }

    /** True for an SMB2 response of {@code command} with status STATUS_SUCCESS (MS-SMB2 2.2.1.2). */
    public static Predicate<Replay.Frame> smb2Success(int command) {
        return smb2(command, true).and(f -> {
            int p = tcpPayload(f) + 4;
            byte[] b = f.data();
            return b[p + 8] == 0 && b[p + 9] == 0 && b[p + 10] == 0 && b[p + 11] == 0;
        });
    }

    /** Index of the first frame matching {@code p}, or -1. */
    public static int first(List<Replay.Frame> frames, Predicate<Replay.Frame> p) {
        for (int i = 0; i < frames.size(); i++) {
            if (p.test(frames.get(i))) {
                return i;
            }
        }
        return -1;
    }

    /** Index of the last frame matching {@code p}, or -1. */
    public static int last(List<Replay.Frame> frames, Predicate<Replay.Frame> p) {
        for (int i = frames.size() - 1; i >= 0; i--) {
            if (p.test(frames.get(i))) {
                return i;
            }
        }
        return -1;
    }

    /** The frames from {@code index} on: a capture started there. */
    public static List<Replay.Frame> from(List<Replay.Frame> frames, int index) {
        return new ArrayList<>(frames.subList(Math.max(0, index), frames.size()));
    }

    /** The frames without those matching {@code drop}. */
    public static List<Replay.Frame> without(List<Replay.Frame> frames, Predicate<Replay.Frame> drop) {
        List<Replay.Frame> out = new ArrayList<>(frames.size());
        for (Replay.Frame f : frames) {
            if (!drop.test(f)) {
                out.add(f);
            }
        }
        return out;
    }

    /** Writes Ethernet frames as a pcap file (for the tools that read files: the CLI, the pipeline). */
    public static Path write(List<Replay.Frame> frames, Path file) throws IOException {
        // The lab captures' snap length: frames coalesced by the capturing host exceed 65535.
        PcapWriter w = new PcapWriter(java.nio.ByteOrder.LITTLE_ENDIAN, true, 262144, PcapWriter.LINKTYPE_ETHERNET);
        for (Replay.Frame f : frames) {
            w.packet(f.tsNanos(), f.data(), 0, f.data().length, f.wirelen());
        }
        try (OutputStream os = Files.newOutputStream(file)) {
            w.writeTo(os);
        }
        return file;
    }
}
