package io.impacketsensor.core.flow;

import io.impacketsensor.core.event.EventSink;
import io.impacketsensor.core.packet.FragmentReassembler;
import io.impacketsensor.core.packet.LinkTypes;
import io.impacketsensor.core.packet.Packet;
import io.impacketsensor.core.packet.PacketDecoder;
import io.impacketsensor.core.spi.CounterVisitor;
import io.impacketsensor.core.spi.EventOrder;
import io.impacketsensor.core.spi.FrameProcessor;
import io.impacketsensor.core.wire.Bytes;

import java.util.List;

/**
 * The decode worker's {@link FrameProcessor}: link layer, IP (with fragment reassembly), TCP/UDP,
 * the flow table, TCP reassembly and the analyzers, with primitive counters. One instance per
 * worker; nothing here allocates per packet once pools and flow slots are warm.
 *
 * <p>Flow ids: in a pipeline ({@link EventOrder} sink) {@code (ring sequence of the frame that
 * opened the flow + 1) << 8}, unique because a frame opens at most one flow, and the same whatever
 * the number of workers (EVE {@code flow_id} does not depend on {@code --workers}); with a plain
 * sink {@code (per-worker count << 8) | workerIndex}, unique across up to 256 workers.
 * A flow is one 5-tuple connection in both directions; for TCP a SYN (without ACK) whose sequence
 * number differs from the first one seen from that side starts a new flow on the same 5-tuple
 * (port reuse), as tshark's {@code tcp.stream} does.
 *
 * <p>Determinism across worker counts: flows are expired on the capture clock of every frame,
 * this worker's or another's ({@link #observe}), so every worker expires at the frames one
 * worker would; with a pipeline sink ({@link EventOrder}) the flow table keys the events of
 * expired and drained flows so that the consumer ends them in one worker's order.
 */
public final class PacketProcessor implements FrameProcessor, FlowTable.EndListener {
    /** Flows are expired at most this often (capture time), not on every packet. */
    private static final long EXPIRY_INTERVAL_NANOS = 1_000_000_000L;
    /**
     * A SYN this far below the first sequence number seen from its side, on a flow that has not
     * closed, is the flow's own SYN arriving late (reordered), not a new connection on the same
     * 5-tuple: a reused connection's random ISN lands here with probability 2^20 / 2^32.
     */
    static final int LATE_SYN_WINDOW = 1 << 20;
    /** A UDP datagram equal to the last one from the same side within this time is a SPAN duplicate. */
    static final long UDP_DUPLICATE_NANOS = 10_000_000L;

    private final int workerIndex;
    private final Packet packet = new Packet();
    private final FlowCounters c = new FlowCounters();
    private final FragmentReassembler fragments;
    private final FlowTable table;
    private final AnalyzerRegistry registry;
    /** Endpoints an endpoint-mapper answer announced: the server side of a flow picked up mid-stream. */
    private final Expectations expectations;
    private final SegmentBufferPool oooPool;
    private final BufferBudget budget;
    private final TcpReassembler tcp;
    private long flowSeq;
    private long lastExpiry;
    /** The link type of the last frame and its counter index (a capture rarely mixes link types). */
    private int lastLinkType = -1;
    private int lastLinkIndex;
    /** The pipeline's ordering of this worker's events; null with a plain sink (tests, tools). */
    private final EventOrder order;
    /** The sink wants the acknowledging packet of each TCP event ({@link AckWatch}). */
    private final boolean ackTimed;

    /**
     * @param workerIndex  this worker's index (0..255), the low byte of its flow ids with a plain sink
     * @param limits       the packet path limits
     * @param factories    this worker's analyzer factories (instances not shared with other workers)
     * @param expectations shared by all workers of the pipeline
     * @param sink         where analyzers' events go
     */
    public PacketProcessor(int workerIndex, FlowLimits limits, List<? extends AnalyzerFactory> factories,
                           Expectations expectations, EventSink sink) {
        this(workerIndex, limits, factories, expectations, sink, BufferBudget.DEFAULT_BYTES);
    }

    /**
     * @param bufferBudgetBytes this worker's {@link BufferBudget}: bytes of partial PDUs and
     *                          out-of-order holds over all its flows
     */
    public PacketProcessor(int workerIndex, FlowLimits limits, List<? extends AnalyzerFactory> factories,
                           Expectations expectations, EventSink sink, long bufferBudgetBytes) {
        if (workerIndex < 0 || workerIndex > 255) {
            throw new IllegalArgumentException("worker index must be 0..255");
        }
        this.workerIndex = workerIndex;
        this.fragments = new FragmentReassembler(limits.fragMaxDatagrams(), limits.fragMaxFragments(),
                limits.fragMaxDatagramBytes(), limits.fragMaxTotalBytes(), FlowLimits.nanos(limits.fragTimeoutSec()));
        this.order = sink instanceof EventOrder o ? o : null;
        this.ackTimed = order != null && order.ackTimed();
        this.registry = new AnalyzerRegistry(factories, expectations, limits, order);
        this.expectations = expectations;
        this.budget = new BufferBudget(bufferBudgetBytes);
        this.table = new FlowTable(limits, sink, expectations, c.eventsEmitted, this, order, budget);
        this.oooPool = new SegmentBufferPool(limits.oooMaxBytes(), limits.oooMaxSegments(), limits.oooMaxBuffers(),
                budget);
        this.tcp = new TcpReassembler(registry, oooPool, c);
    }

    @Override
    public void process(int linkType, long tsNanos, byte[] frame, int off, int caplen, int wirelen) {
        c.packets++;
        c.bytes += wirelen;
        if (linkType != lastLinkType) {
            lastLinkType = linkType;
            lastLinkIndex = LinkTypes.index(linkType);
        }
        c.perLinkType[lastLinkIndex]++;
        if (order != null) {
            table.sequence = order.sequence();
        }
        observe(tsNanos);
        Packet p = packet;
        int r = PacketDecoder.decodeLink(p, linkType, tsNanos, frame, off, caplen, wirelen);
        if (r != PacketDecoder.OK) {
            if (r == PacketDecoder.NOT_IP) {
                c.nonIp++;
            } else if (r == PacketDecoder.MALFORMED) {
                c.l2Malformed++;
            }
            return;
        }
        r = PacketDecoder.decodeIp(p);
        if (p.ipVersion == 4) {
            c.ipv4++;
        } else if (p.ipVersion == 6) {
            c.ipv6++;
        }
        if (p.truncated) {
            c.ipTruncated++;
        }
        if (r == PacketDecoder.FRAGMENT) {
            int slot = fragments.add(p);
            if (slot < 0) {
                return;
            }
            // The whole datagram's payload is now in the reassembly buffer.
            p.l4Buf = fragments.buffer(slot);
            p.l4Off = 0;
            p.l4Len = fragments.length(slot);
            p.fragment = false;
            r = p.ipVersion == 6 ? PacketDecoder.ipv6Ext(p, p.ipProto, false)
                    : (p.ipProto == Packet.PROTO_TCP || p.ipProto == Packet.PROTO_UDP ? PacketDecoder.OK : PacketDecoder.OTHER_PROTO);
            try {
                transport(p, r);
            } finally {
                fragments.release(slot);
            }
            return;
        }
        transport(p, r);
    }

    private void transport(Packet p, int r) {
        if (r == PacketDecoder.MALFORMED) {
            c.ipMalformed++;
            return;
        }
        if (r == PacketDecoder.OTHER_PROTO) {
            c.ipOtherProto++;
            return;
        }
        boolean isTcp = p.ipProto == Packet.PROTO_TCP;
        if (PacketDecoder.decodeTransport(p) != PacketDecoder.OK) {
            if (isTcp) {
                c.tcpMalformed++;
            } else {
                c.udpMalformed++;
            }
            return;
        }
        if (isTcp) {
            c.tcpPackets++;
        } else {
            c.udpPackets++;
        }
        flow(p, isTcp);
    }

    private void flow(Packet p, boolean isTcp) {
        long now = p.tsNanos;
        Flow f = table.find(p);
        boolean fromA = table.lastFromA;
        long sig = signature(p, isTcp);
        long seqAck = (long) p.tcpSeq << 32 | (p.tcpAck & 0xFFFF_FFFFL);
        if (f != null) {
            long[] dup = f.dup;
            int d = f.dirFrom(fromA) * Flow.DUP_STRIDE;
            long ts = dup[d + Flow.DUP_TS];
            if (dup[d + Flow.DUP_SIG] == sig && (isTcp ? dup[d + Flow.DUP_SEQ_ACK] == seqAck
                    : now - ts <= UDP_DUPLICATE_NANOS && now - ts >= 0)) {
                // The same segment or datagram again: a SPAN session mirroring both ingress and
                // egress of a port copies every frame twice. Dropped before reassembly and the
                // analyzers, so nothing is decoded twice.
                if (isTcp) {
                    c.tcpDuplicates++;
                } else {
                    c.udpDuplicates++;
                }
                f.lastSeen = now;
                table.touch(f, now);
                return;
            }
        }
        if (f != null && isTcp && startsNewConnection(f, f.dirFrom(fromA), p)) {
            c.tcpPortReuse++;
            tcp.close(f);
            table.remove(f);
            f = null;
        }
        if (f == null) {
            long id = order != null ? (order.sequence() + 1) << 8 : (++flowSeq << 8) | workerIndex;
            f = table.create(p, id, now);
            f.clientIsA = clientIsSource(p, isTcp) == fromA;
            if (isTcp && (p.tcpFlags & Packet.TCP_SYN) == 0) {
                f.clientIsA = midStreamClientIsSource(p, now) == fromA;
            }
            if (isTcp) {
                c.tcpFlows++;
            } else {
                c.udpFlows++;
            }
            registry.onNewFlow(f);
        }
        f.lastSeen = now;
        int dir = f.dirFrom(fromA);
        f.seen[dir] = true;
        long[] dup = f.dup;
        int at = dir * Flow.DUP_STRIDE;
        dup[at + Flow.DUP_SIG] = sig;
        dup[at + Flow.DUP_SEQ_ACK] = seqAck;
        dup[at + Flow.DUP_TS] = now;
        if (isTcp) {
            if (f.state == Flow.TCP_CLOSED) {
                c.tcpAfterClose++;
            } else {
                if (f.state == Flow.TCP_NEW && f.seen[0] && f.seen[1]) {
                    f.state = Flow.TCP_ESTABLISHED;
                }
                if (f.acks.waiting != 0 && (p.tcpFlags & Packet.TCP_ACK) != 0) {
                    // Before this segment's own data: Suricata handles the other side's acknowledged data first.
                    f.acks.ack(f.id, dir, p.tcpAck, order);
                }
                SegmentBuffer held = f.ooo[1 - dir];
                if (held != null && ackTimed && (p.tcpFlags & Packet.TCP_ACK) != 0) {
                    // Suricata parses the held bytes this ACK covers now, not when they are delivered.
                    held.stamp(p.tcpAck, order.sequence());
                }
                tcp.segment(f, dir, p);
            }
        } else if (p.payloadLen > 0) {
            if (dir == Flow.DIR_TO_SERVER) {
                c.udpBytesToServer += p.payloadLen;
            } else {
                c.udpBytesToClient += p.payloadLen;
            }
            registry.data(f, dir, p.l4Buf, p.payloadOff, p.payloadLen);
        }
        table.touch(f, now);
    }

    /**
     * A SYN without ACK whose sequence number differs from the first one seen from that side is
     * a new connection reusing the 5-tuple (tshark starts a new tcp.stream on the same rule) —
     * unless it is this connection's own SYN overtaken by its first segments (a reordering tap or
     * SPAN): then it lies just below the first sequence number seen from that side, on a flow
     * that has not closed.
     */
    private boolean startsNewConnection(Flow f, int dir, Packet p) {
        if ((p.tcpFlags & (Packet.TCP_SYN | Packet.TCP_ACK)) != Packet.TCP_SYN
                || !f.seqKnown[dir] || p.tcpSeq == f.baseSeq[dir]) {
            return false;
        }
        int below = f.baseSeq[dir] - p.tcpSeq;
        // Its own FIN may have overtaken it too (a short connection inside one reordering window);
        // a new connection reusing the tuple would start above the old one's sequence numbers
        // (RFC 9293 3.4.1 / RFC 6528), not just below its start.
        if (!f.synSeen[dir] && f.state != Flow.TCP_CLOSED && below > 0 && below <= LATE_SYN_WINDOW) {
            c.tcpLateSyn++;
            return false;
        }
        return true;
    }

    /**
     * What makes a copy of a frame recognisable: the transport checksum (it covers the payload,
     * RFC 9293 3.1, RFC 768), the IPv4 identification (RFC 791 3.1; a sender's retransmission
     * gets a new one) and the payload length. With the TCP sequence and acknowledgement numbers,
     * equal signatures are the same segment; for UDP, the same datagram within
     * {@link #UDP_DUPLICATE_NANOS}.
     */
    private static long signature(Packet p, boolean isTcp) {
        int at = p.l4Off + (isTcp ? 16 : 6);
        int sum = at + 1 < p.l4Off + p.l4Len ? Bytes.u16be(p.l4Buf, at) : 0;
        long id = p.ipVersion == 4 ? p.fragId : 0;
        return ((long) sum << 48) | (id << 32) | (p.payloadLen & 0xFFFFFFFFL);
    }

    /**
     * Who started the flow: the sender of a SYN, the receiver of a SYN-ACK; otherwise (mid-stream
     * TCP, UDP) the side using the higher port is the client, the lower (well-known) port being
     * the server's; equal ports: the first sender.
     */
    private static boolean clientIsSource(Packet p, boolean isTcp) {
        if (isTcp && (p.tcpFlags & Packet.TCP_SYN) != 0) {
            return (p.tcpFlags & Packet.TCP_ACK) == 0;
        }
        return p.srcPort >= p.dstPort;
    }

    /**
     * Who is the client of a TCP flow picked up without its SYN: the side talking to an endpoint an
     * endpoint-mapper answer announced (a dynamic DCE/RPC port, 49152-65535 on Windows, is above a
     * Linux client's ephemeral ports, 32768-60999, so the higher port is not always the client's);
     * else the higher port, as {@link #clientIsSource}. Once per new flow, not per packet.
     */
    private boolean midStreamClientIsSource(Packet p, long now) {
        long before = order != null ? order.sequence() : Long.MAX_VALUE;
        if (expectations.lookup(p.ipVersion, p.dstHi, p.dstLo, p.dstPort, now, before) != null) {
            return true;
        }
        if (expectations.lookup(p.ipVersion, p.srcHi, p.srcLo, p.srcPort, now, before) != null) {
            return false;
        }
        return p.srcPort >= p.dstPort;
    }

    @Override
    public void onFlowEnd(Flow f, int reason) {
        tcp.close(f);
    }

    /**
     * Expires idle flows at most every {@link #EXPIRY_INTERVAL_NANOS} of capture time (or when
     * time goes back). Called for every frame of the capture, whichever worker owns it, so the
     * expiry points are the same with any number of workers.
     */
    @Override
    public void observe(long tsNanos) {
        // The test alone, small enough for the compiler to inline at every frame.
        if (tsNanos - lastExpiry >= EXPIRY_INTERVAL_NANOS || tsNanos < lastExpiry) {
            expireAt(tsNanos);
        }
    }

    private void expireAt(long tsNanos) {
        lastExpiry = tsNanos;
        table.expire(tsNanos);
    }

    @Override
    public void tick(long nowNanos) {
        lastExpiry = nowNanos;
        table.expire(nowNanos);
        fragments.expire(nowNanos);
    }

    @Override
    public void finish() {
        table.drain(FlowTable.END_TIMEOUT);
    }

    @Override
    public void reportCounters(CounterVisitor v) {
        c.report(v);
        v.counter("flow.active", table.active());
        v.counter("flow.timeouts", table.timedOut);
        v.counter("flow.evicted", table.evicted);
        v.counter("tcp.ooo_buffers", oooPool.created());
        budget.reportCounters(v);
        v.counter("frag.fragments", fragments.fragments);
        v.counter("frag.reassembled", fragments.reassembled);
        v.counter("frag.overlaps", fragments.overlaps);
        v.counter("frag.overlap_conflicts", fragments.overlapConflicts);
        v.counter("frag.timeouts", fragments.timeouts);
        v.counter("frag.evicted", fragments.evicted);
        v.counter("frag.dropped_too_many", fragments.droppedTooManyFragments);
        v.counter("frag.dropped_too_big", fragments.droppedTooBig);
        v.counter("frag.dropped_overlap_v6", fragments.droppedOverlapV6);
        v.counter("frag.dropped_memory", fragments.droppedMemory);
        registry.reportCounters(v);
    }
}
