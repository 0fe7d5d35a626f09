package io.impacketsensor.core.flow;

import io.impacketsensor.core.packet.Packet;

/**
 * TCP stream reassembly of one worker (RFC 9293 3.4 sequence space, 3.10.7.4 segment arrival).
 *
 * <p>Per direction, bytes are handed to the {@link AnalyzerRegistry} in sequence order, once:
 * <ul>
 *   <li>a segment wholly below the next expected byte is a retransmission and is dropped; one that
 *       straddles it is trimmed (what was delivered first stays delivered);</li>
 *   <li>a segment past the next expected byte waits in a bounded {@link SegmentBuffer}; bytes held
 *       there win over later copies (differences are counted as overlap conflicts);</li>
 *   <li>a hole becomes a gap reported with {@code onGap(len)} — never glued — when the buffer is
 *       full, when the flow ends with the hole still open, or when the peer acknowledged data past
 *       the hole (the receiver has it, so the capture lost it) and {@link #ACK_HOLE_PATIENCE} more
 *       segments of the flow did not fill it: a tap or SPAN port that reorders frames delivers that
 *       ACK before the segment it acknowledges, so the ACK alone proves nothing yet;</li>
 *   <li>without a SYN (mid-stream pickup) a direction starts where the peer's SYN-ACK says, else
 *       at the first segment seen carrying data or a FIN (a bare ACK can be one a reordering copy
 *       delivers before the data it follows); each direction is delivered on its own, so a copy
 *       holding only one side of the connection still feeds the analyzers;</li>
 *   <li>data acknowledging bytes of the other direction not yet delivered (its sender had received
 *       them) makes them a gap before it is delivered ({@link #PEER_PATIENCE}), so the other
 *       direction's analyzer resynchronises instead of waiting for bytes the copy lost;</li>
 *   <li>sequence comparisons use 32-bit serial arithmetic, so wraparound needs no special case;</li>
 *   <li>FIN in both directions or a RST closes the flow; data a FIN skipped over is reported as a gap.</li>
 * </ul>
 * Flows without an analyzer only have their SYN/FIN/RST state tracked (the cheap path).
 */
final class TcpReassembler {
    /** A segment further ahead than this is not part of the stream (RFC 9293 window sanity). */
    static final int MAX_SEQ_JUMP = 1 << 30;
    /**
     * Segments of a flow (either direction) that may still fill a hole the peer already
     * acknowledged. Twice a 16-frame reordering window: a displaced segment arrives within it,
     * a segment the capture lost waits this long and is then a gap like before.
     */
    static final int ACK_HOLE_PATIENCE = 32;
    /**
     * Segments of a flow without progress of the other direction that data acknowledging bytes
     * of it not yet delivered waits: one, the segment itself. Those bytes are then a gap and the
     * reply is delivered. Measured on the lab captures: any longer wait hands the analyzers, when
     * the bytes were lost rather than displaced, a burst of requests ahead of their replies (4
     * segments cost detections under 1% and 5% loss), and not marking them lost at all costs more
     * (the other direction then waits its whole acknowledged-hole patience).
     */
    static final int PEER_PATIENCE = 1;

    private final AnalyzerRegistry registry;
    private final SegmentBufferPool pool;
    private final FlowCounters c;

    TcpReassembler(AnalyzerRegistry registry, SegmentBufferPool pool, FlowCounters counters) {
        this.registry = registry;
        this.pool = pool;
        this.c = counters;
    }

    /** Processes one TCP segment of a flow that is not closed. */
    void segment(Flow f, int dir, Packet p) {
        int flags = p.tcpFlags;
        int seq = p.tcpSeq;
        if ((flags & Packet.TCP_SYN) != 0) {
            if (!f.seqKnown[dir]) {
                f.baseSeq[dir] = seq;
                f.nextSeq[dir] = seq + 1;
                f.seqKnown[dir] = true;
            }
            f.synSeen[dir] = true;
            if ((flags & Packet.TCP_ACK) != 0 && !f.seqKnown[1 - dir]) {
                // A SYN-ACK acknowledges the client's ISN + 1 (RFC 9293 3.5): the client's
                // stream starts there even when its SYN was not seen or its first segments
                // arrive after later ones (one-sided or reordering copies).
                f.baseSeq[1 - dir] = p.tcpAck;
                f.nextSeq[1 - dir] = p.tcpAck;
                f.seqKnown[1 - dir] = true;
            }
            // Data on a SYN (TCP Fast Open, RFC 7413) starts after the SYN's sequence number.
            seq++;
        } else if (!f.seqKnown[dir] && (p.payloadLen > 0 || (flags & Packet.TCP_FIN) != 0)) {
            // A bare ACK does not anchor the stream: a reordering copy can deliver the ACK that
            // follows a segment before the segment itself, and anchoring there would discard
            // that segment as a retransmission.
            f.baseSeq[dir] = seq;
            f.nextSeq[dir] = seq;
            f.seqKnown[dir] = true;
        }
        int len = p.payloadLen;
        if (f.mode != Flow.MODE_NONE) {
            if ((flags & Packet.TCP_ACK) != 0) {
                ackAdvance(f, 1 - dir, p.tcpAck);
            }
            if (len > 0 && f.mode != Flow.MODE_NONE) {
                payload(f, dir, seq, (flags & Packet.TCP_ACK) != 0, p.tcpAck, p.l4Buf, p.payloadOff, len);
            }
            expireAckedHoles(f);
        }
        if ((flags & Packet.TCP_FIN) != 0 && !f.finSeen[dir]) {
            f.finSeen[dir] = true;
            f.finSeq[dir] = seq + len;
        }
        if (f.finSeen[dir] && !f.finDone[dir]) {
            checkFin(f, dir);
        }
        if ((flags & Packet.TCP_RST) != 0) {
            c.tcpResets++;
            close(f);
            f.state = Flow.TCP_CLOSED;
        } else if (f.finDone[0] && f.finDone[1]) {
            close(f);
            f.state = Flow.TCP_CLOSED;
        }
        if (f.mode == Flow.MODE_NONE) {
            releaseBuffers(f);
        }
    }

    private void checkFin(Flow f, int dir) {
        if (f.mode == Flow.MODE_NONE) {
            f.finDone[dir] = true;
            return;
        }
        SegmentBuffer sb = f.ooo[dir];
        if ((sb == null || sb.isEmpty()) && f.nextSeq[dir] - f.finSeq[dir] >= 0) {
            f.finDone[dir] = true;
            f.nextSeq[dir] = f.finSeq[dir] + 1;
        }
    }

    /**
     * The peer acknowledged up to {@code ack} in direction {@code dir}: if held data lies below it,
     * the hole in front of that data will never be retransmitted (the receiver has it), so report
     * it as a gap and deliver what is held.
     */
    private void ackAdvance(Flow f, int dir, int ack) {
        SegmentBuffer sb = f.ooo[dir];
        if (!f.seqKnown[dir]) {
            return;
        }
        int rel = ack - f.nextSeq[dir];
        if (sb == null || sb.isEmpty()) {
            // Nothing held: only a FIN the peer acknowledged proves the bytes before it are lost.
            if (f.finSeen[dir] && !f.finDone[dir] && rel > 0 && rel <= MAX_SEQ_JUMP
                    && ack - (f.finSeq[dir] + 1) >= 0) {
                gap(f, dir, f.finSeq[dir] - f.nextSeq[dir]);
                checkFin(f, dir);
            }
            return;
        }
        if (rel > 0 && rel <= MAX_SEQ_JUMP && rel >= sb.firstStart()) {
            if (!sb.ackPastHole) {
                sb.ackPastHole = true;
                sb.holeWait = ACK_HOLE_PATIENCE;
                sb.holeProgress = f.nextSeq[dir];
                sb.holeAck = ack;
            } else if (ack - sb.holeAck > 0) {
                sb.holeAck = ack;
            }
        }
    }

    /**
     * Counts one segment of the flow against each acknowledged hole; a hole still open when its
     * patience runs out is reported as a gap up to the acknowledged byte, and the held data below
     * that byte is delivered.
     */
    private void expireAckedHoles(Flow f) {
        releaseWaiting(f);
        for (int d = 0; d < 2 && f.mode != Flow.MODE_NONE; d++) {
            SegmentBuffer sb = f.ooo[d];
            if (sb != null && sb.waitPeer && sb.peerProgress != f.nextSeq[1 - d]) {
                // The other direction moved: the wait is for what is still missing.
                sb.peerProgress = f.nextSeq[1 - d];
                sb.peerWait = PEER_PATIENCE;
            }
            if (sb != null && sb.waitPeer && --sb.peerWait <= 0) {
                // The other direction never delivered what this data acknowledges: the capture
                // lost it. Its receiver has it, so it is a gap (held bytes below it go first).
                sb.waitPeer = false;
                int peer = 1 - d;
                int rel = sb.peerAck - f.nextSeq[peer];
                if (rel > 0 && rel <= MAX_SEQ_JUMP) {
                    SegmentBuffer pb = f.ooo[peer];
                    if (pb != null && !pb.isEmpty() && pb.firstStart() < rel + 1) {
                        flush(f, peer, rel + 1);
                    }
                    int left = sb.peerAck - f.nextSeq[peer];
                    if (f.mode != Flow.MODE_NONE && left > 0 && left <= MAX_SEQ_JUMP) {
                        gap(f, peer, left);
                        SegmentBuffer after = f.ooo[peer];
                        if (after != null) {
                            after.advance(left);
                            drain(f, peer);
                        }
                    }
                }
                if (f.mode != Flow.MODE_NONE) {
                    drain(f, d);
                }
                sb = f.ooo[d];
            }
            if (sb != null && sb.ackPastHole && sb.holeProgress != f.nextSeq[d]) {
                // Delivery moved on: the hole the acknowledgement still passes is a later one.
                sb.holeProgress = f.nextSeq[d];
                sb.holeWait = ACK_HOLE_PATIENCE;
            }
            if (sb == null || !sb.ackPastHole || --sb.holeWait > 0) {
                continue;
            }
            sb.ackPastHole = false;
            int rel = sb.holeAck - f.nextSeq[d];
            if (rel > 0 && rel <= MAX_SEQ_JUMP) {
                flush(f, d, rel + 1);
            }
            if (f.mode != Flow.MODE_NONE && f.finSeen[d] && !f.finDone[d]) {
                checkFin(f, d);
            }
        }
    }

    /**
     * Delivers held data that waited for the other direction once that direction caught up (one
     * delivery can release the other side, so twice).
     */
    private void releaseWaiting(Flow f) {
        for (int i = 0; i < 2; i++) {
            for (int d = 0; d < 2 && f.mode != Flow.MODE_NONE; d++) {
                SegmentBuffer sb = f.ooo[d];
                if (sb != null && sb.waitPeer && f.nextSeq[1 - d] - sb.peerAck >= 0) {
                    drain(f, d);
                }
            }
        }
    }

    /**
     * True when a segment of direction {@code dir} acknowledging {@code ack} must wait: its sender
     * had received bytes of the other direction that the capture has not delivered yet.
     */
    private static boolean aheadOfPeer(Flow f, int dir, boolean hasAck, int ack) {
        if (!hasAck || !f.seen[1 - dir] || !f.seqKnown[1 - dir]) {
            return false;
        }
        int ahead = ack - f.nextSeq[1 - dir];
        return ahead > 0 && ahead <= MAX_SEQ_JUMP;
    }

    private void payload(Flow f, int dir, int seq, boolean hasAck, int ack, byte[] b, int off, int len) {
        int rel = seq - f.nextSeq[dir];
        if (rel < 0) {
            if (rel + len <= 0) {
                c.tcpRetransmissions++;
                return;
            }
            // Partly old: keep the bytes delivered first, take only the new tail.
            c.tcpRetransmissions++;
            off -= rel;
            len += rel;
            rel = 0;
        }
        if (rel > MAX_SEQ_JUMP) {
            c.tcpOutOfWindow++;
            return;
        }
        SegmentBuffer sb = f.ooo[dir];
        boolean waits = aheadOfPeer(f, dir, hasAck, ack);
        if (rel == 0 && !waits && (sb == null || sb.isEmpty())) {
            deliver(f, dir, b, off, len);
            return;
        }
        if (sb == null) {
            sb = pool.acquire(f.nextSeq[dir], f, dir);
            if (sb == null) {
                // No buffer left: we cannot wait for the hole, so it becomes a gap now.
                c.tcpOooPoolExhausted++;
                if (rel > 0) {
                    gap(f, dir, rel);
                }
                deliver(f, dir, b, off, len);
                return;
            }
            f.ooo[dir] = sb;
        }
        if (rel > 0) {
            c.tcpOutOfOrder++;
        }
        if (sb.insert(rel, b, off, len) == SegmentBuffer.FULL) {
            c.tcpOooOverflow++;
            flush(f, dir, Integer.MAX_VALUE);
            if (f.mode == Flow.MODE_NONE) {
                return;
            }
            rel = seq - f.nextSeq[dir];
            if (rel < 0) {
                if (rel + len <= 0) {
                    return;
                }
                off -= rel;
                len += rel;
                rel = 0;
            }
            if (rel > 0) {
                SegmentBuffer fresh = pool.acquire(f.nextSeq[dir], f, dir);
                if (fresh != null && fresh.fits(rel, len)) {
                    fresh.insert(rel, b, off, len);
                    f.ooo[dir] = fresh;
                    return;
                }
                pool.release(fresh);
            }
            if (rel > 0) {
                gap(f, dir, rel);
            }
            deliver(f, dir, b, off, len);
            return;
        }
        if (sb.conflict) {
            c.tcpOverlapConflicts++;
        }
        if (waits && rel == 0) {
            // Only the data at the head waits: held data behind a hole waits for the hole anyway,
            // and its acknowledgement must not hold back the head.
            if (!sb.waitPeer) {
                sb.waitPeer = true;
                sb.peerWait = PEER_PATIENCE;
                sb.peerProgress = f.nextSeq[1 - dir];
                sb.peerAck = ack;
            } else if (ack - sb.peerAck > 0) {
                sb.peerAck = ack;
            }
        }
        drain(f, dir);
    }

    /** Delivers held data that now starts at the next expected byte. */
    private void drain(Flow f, int dir) {
        SegmentBuffer sb = f.ooo[dir];
        if (sb != null && sb.waitPeer && f.nextSeq[1 - dir] - sb.peerAck < 0) {
            return;
        }
        if (sb != null) {
            sb.waitPeer = false;
        }
        while (sb != null && !sb.isEmpty() && sb.firstStart() == 0 && f.mode != Flow.MODE_NONE) {
            int n = sb.firstEnd();
            deliverHeld(f, dir, sb, n);
        }
        if (sb != null && sb.ackPastHole && sb.holeAck - f.nextSeq[dir] <= 0) {
            // The acknowledged hole is filled: the ACK overtook its segment, nothing was lost.
            sb.ackPastHole = false;
        }
        if (sb != null && sb.isEmpty() && f.ooo[dir] == sb) {
            pool.release(sb);
            f.ooo[dir] = null;
        }
    }

    /** Reports the holes below {@code relLimit} as gaps and delivers the held data there. */
    private void flush(Flow f, int dir, int relLimit) {
        SegmentBuffer sb = f.ooo[dir];
        while (sb != null && !sb.isEmpty() && sb.firstStart() < relLimit && f.mode != Flow.MODE_NONE) {
            int s = sb.firstStart();
            if (s > 0) {
                gap(f, dir, s);
                sb.advance(s);
            }
            deliverHeld(f, dir, sb, sb.firstEnd());
        }
        if (sb != null && f.ooo[dir] == sb && (sb.isEmpty() || f.mode == Flow.MODE_NONE)) {
            pool.release(sb);
            f.ooo[dir] = null;
        }
    }

    private void deliverHeld(Flow f, int dir, SegmentBuffer sb, int n) {
        int pos = sb.ringPos(0);
        int first = Math.min(n, sb.capacity() - pos);
        // Advance first: the analyzer may detach the flow during delivery.
        sb.advance(n);
        f.nextSeq[dir] += n;
        count(dir, n);
        registry.data(f, dir, sb.data(), pos, first);
        if (first < n) {
            registry.data(f, dir, sb.data(), 0, n - first);
        }
    }

    private void deliver(Flow f, int dir, byte[] b, int off, int len) {
        f.nextSeq[dir] += len;
        count(dir, len);
        registry.data(f, dir, b, off, len);
    }

    private void count(int dir, int n) {
        if (dir == Flow.DIR_TO_SERVER) {
            c.reassembledToServer += n;
        } else {
            c.reassembledToClient += n;
        }
    }

    private void gap(Flow f, int dir, long len) {
        c.tcpGaps++;
        c.tcpGapBytes += len;
        f.nextSeq[dir] += (int) len;
        registry.gap(f, dir, len);
    }

    /**
     * Ends the flow's analysis: held data is flushed (holes as gaps), data a FIN skipped over
     * is reported as a gap, and the analyzer's onClose is called. Idempotent.
     */
    void close(Flow f) {
        if (f.closed) {
            return;
        }
        f.closed = true;
        if (f.isTcp()) {
            for (int d = 0; d < 2 && f.mode != Flow.MODE_NONE; d++) {
                flush(f, d, Integer.MAX_VALUE);
                if (f.mode != Flow.MODE_NONE && f.finSeen[d] && !f.finDone[d] && f.seqKnown[d]) {
                    int missing = f.finSeq[d] - f.nextSeq[d];
                    if (missing > 0 && missing <= MAX_SEQ_JUMP) {
                        gap(f, d, missing);
                    }
                }
            }
        }
        registry.close(f);
        releaseBuffers(f);
    }

    private void releaseBuffers(Flow f) {
        for (int d = 0; d < 2; d++) {
            if (f.ooo[d] != null) {
                pool.release(f.ooo[d]);
                f.ooo[d] = null;
            }
        }
    }
}
