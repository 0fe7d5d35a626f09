package io.impacketsensor.core.packet;

import io.impacketsensor.core.spi.FrameClassifier;
import io.impacketsensor.core.wire.Bytes;

/**
 * The capture thread's {@link FrameClassifier}: the same hash for both directions of a flow,
 * computed on a reused {@link Packet} without allocating.
 *
 * <p>TCP segments that are not IP fragments hash on addresses and ports. UDP, IP fragments and
 * other IP traffic hash on the addresses and protocol only: the fragments of a datagram carry no
 * ports after the first one, and hashing a UDP flow without ports keeps its fragmented and whole
 * datagrams on the same worker. (A fragmented TCP segment may therefore reach another worker than
 * its flow; TCP over IP fragments is rare and counted as its own flow there.) Non-IP frames hash
 * to 0. One instance per capture thread (the flyweight is not thread-safe).
 */
public final class SymmetricFlowHash implements FrameClassifier {
    private final Packet p = new Packet();

    @Override
    public int symmetricFlowHash(int linkType, byte[] frame, int off, int caplen) {
        if (PacketDecoder.decodeLink(p, linkType, 0, frame, off, caplen, caplen) != PacketDecoder.OK) {
            return 0;
        }
        int r = PacketDecoder.decodeIp(p);
        if (p.ipVersion == 0) {
            return 0;
        }
        // Commutative combination: both directions give the same value.
        long h = mix(p.srcHi, p.srcLo) + mix(p.dstHi, p.dstLo);
        h = h * 31 + p.ipProto;
        if (r == PacketDecoder.OK && p.ipProto == Packet.PROTO_TCP && p.l4Len >= 4) {
            int sp = Bytes.u16be(p.l4Buf, p.l4Off);
            int dp = Bytes.u16be(p.l4Buf, p.l4Off + 2);
            h = h * 31 + (long) (sp * 0x9E3779B1) + (long) (dp * 0x9E3779B1);
        }
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        return (int) h & 0x7FFF_FFFF;
    }

    private static long mix(long hi, long lo) {
        long h = (hi * 0x9E3779B97F4A7C15L) ^ lo;
        h *= 0xC2B2AE3D27D4EB4FL;
        return h ^ (h >>> 31);
    }
}
