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
 *   <li>each held segment keeps its acknowledgement number: data acknowledging bytes of the other
 *       direction not yet delivered (its sender had received them) waits for them, so a reply a
 *       reordering copy delivers before its request reaches the analyzer after it, and requests
 *       and replies held on both sides are delivered interleaved as their acknowledgements say;
 *       bytes still missing after {@link #PEER_PATIENCE} segments of the worker (extended by
 *       {@link #PEER_EXTENSION} while the other direction holds nothing and has not closed) are a
 *       gap (the copy lost them) and the other direction's analyzer resynchronises after it;</li>
 *   <li>sequence comparisons use 32-bit serial arithmetic, so wraparound needs no special case;</li>
 *   <li>FIN in both directions or a RST closes the flow (a RST that overtook bytes its sender sent
 *       before it, below its sequence number, once they are in or after
 *       {@link #PEER_PATIENCE} segments of the worker); data a FIN skipped over is reported as a gap
 *       once the peer acknowledged the FIN and {@link #ACK_HOLE_PATIENCE} more segments of the flow
 *       did not bring it, or at the flow's end.</li>
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
     * TCP segments of the worker (any flow) that data acknowledging bytes of the other direction
     * not yet delivered waits for them; they are then a gap. Counted over the worker, not the
     * flow, so a connection that falls silent is not held back while others go on (its events
     * would then reach the engine after those of later connections). Measured on the project's
     * lab captures with {@code evaluate --perturb}: a shorter wait recovers fewer of the replies a
     * 16-frame reordering window moves ahead of their requests (8 segments: 4 captures fewer under
     * reorder:16), and 10 is the longest that costs nothing when the bytes were lost instead (12
     * and 16 segments delay an SMB session whose NEGOTIATE response was lost past the DCOM
     * connection that follows it, and lose its chain under loss:1%).
     */
    static final int PEER_PATIENCE = 10;
    /**
     * Segments of the worker a wait of {@link #PEER_PATIENCE} is extended by when, at its end, the
     * other direction holds nothing and has not closed: the bytes waited for are then that side's
     * latest, as when a reordering copy moves a request far behind the reply to it (a KDC's
     * AS-REP 12 segments ahead of its AS-REQ under reorder:16). When the bytes were lost instead,
     * the conversation goes on and that side's later data arrives past the hole; that ends the
     * extension at once, so the loss cases keep the shorter wait.
     */
    static final int PEER_EXTENSION = PEER_PATIENCE;

    /** Capacity of the queue of waits (a power of two). */
    static final int WAITS = 256;
    /** The direction recorded in the wait queue for a reset's wait ({@link #rstWait(Flow)}). */
    private static final int RST_WAIT = 2;

    private final AnalyzerRegistry registry;
    /** TCP segments this worker processed: the clock of {@link #PEER_PATIENCE}. */
    private long segments;
    /** Waits for the other direction, oldest first (a ring; deadlines only grow). */
    private final Flow[] waitFlow = new Flow[WAITS];
    private final int[] waitDir = new int[WAITS];
    private final long[] waitDeadline = new long[WAITS];
    private int waitHead;
    private int waitCount;
    private final SegmentBufferPool pool;
    private final FlowCounters c;

    TcpReassembler(AnalyzerRegistry registry, SegmentBufferPool pool, FlowCounters counters) {
        this.registry = registry;
        this.pool = pool;
        this.c = counters;
    }

    /** Processes one TCP segment of a flow that is not closed. */
    void segment(Flow f, int dir, Packet p) {
        segments++;
        if (waitCount > 0) {
            expireWaits();
        }
        int flags = p.tcpFlags;
        int seq = p.tcpSeq;
        if ((flags & Packet.TCP_SYN) != 0) {
            if (!f.seqKnown[dir]) {
                f.baseSeq[dir] = seq;
                f.nextSeq[dir] = seq + 1;
                f.seqKnown[dir] = true;
            } else if (!f.synSeen[dir] && (flags & Packet.TCP_ACK) == 0 && lateSynRestarts(f, dir, seq)) {
                // The direction's own SYN, overtaken by its FIN or a later segment before any of
                // its data was delivered: the stream starts after it, and what lies between is
                // waited for like any hole.
                f.baseSeq[dir] = seq;
                f.nextSeq[dir] = seq + 1;
                f.finDone[dir] = false;
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
            // that segment as a retransmission. But a bare ACK sent before this segment (its
            // sequence number below this one's) shows the bytes between were sent and not seen
            // yet: the stream starts there, and those bytes are waited for like any hole (a
            // reordering copy delivering a connection's second segment first). One byte below
            // is a keep-alive probe (RFC 9293 3.8.4), not a start.
            int start = seq;
            int below = seq - f.bareSeq[dir];
            if (f.bareSeen[dir] && below > 1 && below <= MAX_SEQ_JUMP) {
                start = f.bareSeq[dir];
            }
            f.baseSeq[dir] = start;
            f.nextSeq[dir] = start;
            f.seqKnown[dir] = true;
        } else if (!f.seqKnown[dir] && (!f.bareSeen[dir] || seq - f.bareSeq[dir] < 0)) {
            f.bareSeq[dir] = seq;
            f.bareSeen[dir] = true;
        }
        int len = p.payloadLen;
        if (f.mode != Flow.MODE_NONE) {
            // Only held data or a FIN of the other direction gives its acknowledgement a use.
            if ((flags & Packet.TCP_ACK) != 0 && (f.ooo[1 - dir] != null || f.finSeen[1 - dir])) {
                ackAdvance(f, 1 - dir, p.tcpAck);
            }
            SegmentBuffer other = f.ooo[1 - dir];
            if (len > 0 && other != null && other.waitPeer && other.peerExtended && f.seqKnown[dir]
                    && seq - other.peerAck >= 0 && seq - other.peerAck <= MAX_SEQ_JUMP) {
                // This side's later bytes arrived before the ones the other side waits for: those
                // were lost, not moved, so the extended wait ends now.
                endWait(f, 1 - dir, other);
            }
            if (len > 0 && f.mode != Flow.MODE_NONE) {
                payload(f, dir, seq, (flags & Packet.TCP_ACK) != 0, p.tcpAck, p.l4Buf, p.payloadOff, len);
            }
            // Nearly every segment: nothing held and no FIN hole counted down, nothing to expire.
            if (f.ooo[0] != null || f.ooo[1] != null || f.finHoleWait[0] != 0 || f.finHoleWait[1] != 0) {
                expireAckedHoles(f);
            }
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
            if (f.mode != Flow.MODE_NONE && !f.rstWait && unseen(f, dir, seq) && rstWait(f)) {
                // Bytes its sender sent before the reset (below its sequence number) have not
                // arrived: a reordering copy delivers the RST ahead of them. The flow closes once
                // they are in, or after PEER_PATIENCE segments of the worker. (What the reset
                // acknowledges of the other side is not waited for: those bytes may have been
                // lost long before, and holding the flow would hold back what it already has.)
                f.rstDir = dir;
                f.rstSeq = seq;
            } else {
                close(f);
                f.state = Flow.TCP_CLOSED;
            }
        } else if (f.rstWait && (f.mode == Flow.MODE_NONE || !unseen(f, f.rstDir, f.rstSeq))) {
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

    /**
     * True when bytes of direction {@code dir} below {@code seq} have neither been delivered nor
     * are held (past the last byte held); one sequence number missing is taken for the direction's
     * FIN (RFC 9293 3.4: a FIN occupies one), which carries no data to wait for.
     */
    private static boolean unseen(Flow f, int dir, int seq) {
        SegmentBuffer sb = f.ooo[dir];
        int missing = seq - f.nextSeq[dir] - (sb == null || sb.isEmpty() ? 0 : sb.lastEnd());
        return f.seqKnown[dir] && missing > 1 && missing <= MAX_SEQ_JUMP;
    }

    /**
     * Starts the wait of a flow whose RST overtook bytes sent before it: {@link #PEER_PATIENCE}
     * segments of the worker, as a reply waits for its request, so a flow whose bytes were lost
     * rather than moved does not hold its events back while later connections go on. False when
     * every slot of the queue is taken (the flow then closes at once).
     */
    private boolean rstWait(Flow f) {
        if (waitCount == WAITS) {
            return false;
        }
        f.rstWait = true;
        f.rstDeadline = segments + PEER_PATIENCE;
        int tail = (waitHead + waitCount) & (WAITS - 1);
        waitFlow[tail] = f;
        waitDir[tail] = RST_WAIT;
        waitDeadline[tail] = f.rstDeadline;
        waitCount++;
        return true;
    }

    /**
     * True when a SYN at {@code seq}, below where direction {@code dir} was taken up, may move its
     * start back: nothing of the direction was delivered or held yet (at most its FIN consumed).
     */
    private static boolean lateSynRestarts(Flow f, int dir, int seq) {
        int below = f.baseSeq[dir] - (seq + 1);
        int consumed = f.nextSeq[dir] - f.baseSeq[dir];
        return below > 0 && below <= MAX_SEQ_JUMP && (consumed == 0 || consumed == 1 && f.finDone[dir])
                && (f.ooo[dir] == null || f.ooo[dir].isEmpty());
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
            // A reordering copy can deliver the FIN and its acknowledgement before the last
            // segments, so the bytes become a gap only if ACK_HOLE_PATIENCE more segments of the
            // flow do not bring them (expireAckedHoles), as for an acknowledged hole.
            if (f.finSeen[dir] && !f.finDone[dir] && rel > 0 && rel <= MAX_SEQ_JUMP
                    && ack - (f.finSeq[dir] + 1) >= 0 && f.finHoleWait[dir] == 0) {
                f.finHoleWait[dir] = ACK_HOLE_PATIENCE;
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
     * Ends the waits whose patience ran out: a wait is {@link #PEER_PATIENCE} segments of the
     * worker, whichever flows they belong to, so a flow that falls silent is not held longer.
     */
    private void expireWaits() {
        while (waitCount > 0 && segments - waitDeadline[waitHead] >= 0) {
            Flow f = waitFlow[waitHead];
            int d = waitDir[waitHead];
            long deadline = waitDeadline[waitHead];
            waitFlow[waitHead] = null;
            waitHead = (waitHead + 1) & (WAITS - 1);
            waitCount--;
            if (d == RST_WAIT) {
                if (!f.closed && f.rstWait && f.rstDeadline == deadline) {
                    // The bytes before the reset did not come: the copy lost them.
                    close(f);
                    f.state = Flow.TCP_CLOSED;
                }
                continue;
            }
            SegmentBuffer sb = f.ooo[d];
            if (!f.closed && f.mode != Flow.MODE_NONE && sb != null && sb.waitPeer && sb.peerDeadline == deadline) {
                if (!sb.peerExtended && peerQuiet(f, 1 - d) && requeue(f, d, sb, PEER_EXTENSION)) {
                    sb.peerExtended = true;
                    continue;
                }
                endWait(f, d, sb);
                if (f.mode == Flow.MODE_NONE) {
                    releaseBuffers(f);
                }
            }
        }
    }

    /**
     * The other direction never delivered what the held data of {@code d} acknowledges: the
     * capture lost it. Its receiver has it, so it is a gap (held bytes below it go first).
     */
    private void endWait(Flow f, int d, SegmentBuffer sb) {
        sb.waitPeer = false;
        int peer = 1 - d;
        if (!f.seen[peer]) {
            f.unheard[peer] = true;
        }
        int rel = sb.peerAck - f.nextSeq[peer];
        if (rel > 0 && rel <= MAX_SEQ_JUMP) {
            SegmentBuffer pb = f.ooo[peer];
            if (pb != null && !pb.isEmpty() && pb.firstStart() < rel + 1) {
                // The holes go; the held data itself keeps the order its acknowledgements say.
                flush(f, peer, rel + 1, false);
            }
            int left = sb.peerAck - f.nextSeq[peer];
            if (f.mode != Flow.MODE_NONE && left > 0 && left <= MAX_SEQ_JUMP) {
                gap(f, peer, left);
                SegmentBuffer after = f.ooo[peer];
                if (after != null) {
                    after.advance(left);
                }
            }
        }
        settle(f);
    }

    /**
     * Starts the wait of the held data at the head of {@code sb}, queued in deadline order; false
     * when every slot is taken (the data then goes without waiting).
     */
    private boolean startWait(Flow f, int dir, SegmentBuffer sb) {
        sb.peerExtended = false;
        return requeue(f, dir, sb, PEER_PATIENCE);
    }

    /**
     * Queues a wait of {@code patience} segments for the held data at the head of {@code sb};
     * false when every slot is taken. Deadlines stay in queue order because every wait, first or
     * extended, is the same number of segments ({@link #PEER_EXTENSION} equals
     * {@link #PEER_PATIENCE}) from a count that only grows.
     */
    private boolean requeue(Flow f, int dir, SegmentBuffer sb, int patience) {
        if (waitCount == WAITS) {
            return false;
        }
        sb.waitPeer = true;
        sb.peerDeadline = segments + patience;
        int tail = (waitHead + waitCount) & (WAITS - 1);
        waitFlow[tail] = f;
        waitDir[tail] = dir;
        waitDeadline[tail] = sb.peerDeadline;
        waitCount++;
        return true;
    }

    /**
     * True when direction {@code peer} was heard, holds no data and has not closed: bytes of it
     * that the other side acknowledged and the capture has not delivered are its latest ones.
     */
    private static boolean peerQuiet(Flow f, int peer) {
        SegmentBuffer pb = f.ooo[peer];
        return f.seen[peer] && !f.finSeen[peer] && (pb == null || pb.isEmpty());
    }

    /**
     * Counts one segment of the flow against each acknowledged hole; a hole still open when its
     * patience runs out is reported as a gap up to the acknowledged byte, and the held data below
     * that byte is delivered.
     */
    private void expireAckedHoles(Flow f) {
        settle(f);
        for (int d = 0; d < 2 && f.mode != Flow.MODE_NONE; d++) {
            if (f.finHoleWait[d] > 0) {
                expireFinHole(f, d);
            }
            SegmentBuffer sb = f.ooo[d];
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
                // The acknowledged holes are lost; the data between them still follows the other
                // direction as its acknowledgements say.
                flush(f, d, rel + 1, false);
                settle(f);
            }
            if (f.mode != Flow.MODE_NONE && f.finSeen[d] && !f.finDone[d]) {
                checkFin(f, d);
            }
        }
    }

    /**
     * Counts one segment of the flow against the bytes missing below an acknowledged FIN of
     * {@code d}; when the patience runs out they are a gap (held data below the FIN goes first,
     * in the order the acknowledgements say) and the FIN is taken.
     */
    private void expireFinHole(Flow f, int d) {
        if (f.finDone[d]) {
            f.finHoleWait[d] = 0;
            return;
        }
        if (--f.finHoleWait[d] > 0) {
            return;
        }
        int rel = f.finSeq[d] - f.nextSeq[d];
        if (rel > 0 && rel <= MAX_SEQ_JUMP) {
            flush(f, d, rel, false);
            settle(f);
            SegmentBuffer sb = f.ooo[d];
            int missing = f.finSeq[d] - f.nextSeq[d];
            if (f.mode != Flow.MODE_NONE && (sb == null || sb.isEmpty()) && missing > 0 && missing <= MAX_SEQ_JUMP) {
                gap(f, d, missing);
            }
        }
        if (f.mode != Flow.MODE_NONE) {
            checkFin(f, d);
        }
    }

    /**
     * Delivers held data of both directions in the order their acknowledgements say, until
     * neither can move: each delivery can release data of the other side that waited for it.
     */
    private void settle(Flow f) {
        boolean moved = true;
        while (moved && f.mode != Flow.MODE_NONE) {
            moved = drain(f, 0);
            moved |= f.mode != Flow.MODE_NONE && drain(f, 1);
        }
    }

    /**
     * True when a segment of direction {@code dir} acknowledging {@code ack} must wait: its sender
     * had received bytes of the other direction that the capture has not delivered yet.
     */
    private static boolean aheadOfPeer(Flow f, int dir, boolean hasAck, int ack) {
        if (!hasAck || !f.seqKnown[1 - dir] || (f.unheard[1 - dir] && !f.seen[1 - dir])) {
            // The other direction's start is known from its SYN or the SYN-ACK even before any of
            // its packets arrived (a reordering copy can deliver the reply first).
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
            flush(f, dir, Integer.MAX_VALUE, true);
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
                    if (waits) {
                        fresh.mark(rel, ack);
                    }
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
        if (waits) {
            // Each segment keeps its own acknowledgement: its bytes wait for the other direction's
            // bytes it acknowledges, and the bytes before it do not.
            sb.mark(rel, ack);
        }
        drain(f, dir);
    }

    /**
     * Delivers held data that now starts at the next expected byte, up to the first byte sent
     * after its sender had received bytes of the other direction not delivered yet; the data
     * held there waits for them ({@link #PEER_PATIENCE}). True when anything was delivered.
     */
    private boolean drain(Flow f, int dir) {
        SegmentBuffer sb = f.ooo[dir];
        if (sb == null) {
            return false;
        }
        boolean moved = false;
        while (true) {
            while (f.ooo[dir] == sb && !sb.isEmpty() && sb.firstStart() == 0 && f.mode != Flow.MODE_NONE) {
                int n = Math.min(sb.firstEnd(), sb.deliverable(f.nextSeq[1 - dir]));
                if (n <= 0) {
                    break;
                }
                deliverHeld(f, dir, sb, n);
                moved = true;
            }
            if (f.ooo[dir] != sb) {
                return moved;
            }
            if (f.mode == Flow.MODE_NONE || sb.isEmpty() || sb.firstStart() != 0) {
                sb.waitPeer = false;
                break;
            }
            // The head waits for the other direction's bytes it acknowledges; a new acknowledgement
            // starts a new wait (the displaced bytes it needs have their own window).
            if (sb.waitPeer && sb.peerAck == sb.headAck()) {
                break;
            }
            if (startWait(f, dir, sb)) {
                sb.peerAck = sb.headAck();
                break;
            }
            sb.dropHeadMark();
        }
        if (sb.ackPastHole && sb.holeAck - f.nextSeq[dir] <= 0) {
            // The acknowledged hole is filled: the ACK overtook its segment, nothing was lost.
            sb.ackPastHole = false;
        }
        if (sb.isEmpty()) {
            pool.release(sb);
            f.ooo[dir] = null;
        }
        return moved;
    }

    /**
     * Reports the holes below {@code relLimit} (relative to the next expected byte when called) as
     * gaps and delivers the held data there; unless {@code force}, held data still waiting for the
     * other direction stops the delivery (it is then released by {@link #settle}).
     */
    private void flush(Flow f, int dir, int relLimit, boolean force) {
        SegmentBuffer sb = f.ooo[dir];
        int limitSeq = f.nextSeq[dir] + relLimit;
        boolean all = relLimit == Integer.MAX_VALUE;
        while (sb != null && f.ooo[dir] == sb && !sb.isEmpty() && f.mode != Flow.MODE_NONE
                && (all || f.nextSeq[dir] + sb.firstStart() - limitSeq < 0)) {
            int s = sb.firstStart();
            if (s > 0) {
                gap(f, dir, s);
                sb.advance(s);
            }
            int n = force ? sb.firstEnd() : Math.min(sb.firstEnd(), sb.deliverable(f.nextSeq[1 - dir]));
            if (n <= 0) {
                break;
            }
            deliverHeld(f, dir, sb, n);
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
        // One read of the counters' field keeps this within what the compiler inlines (35 bytes).
        FlowCounters k = c;
        if (dir == Flow.DIR_TO_SERVER) {
            k.reassembledToServer += n;
        } else {
            k.reassembledToClient += n;
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
            // What can still go in the order the acknowledgements say goes first; bytes held data
            // still waits for will not come, so they are a gap now, as when the wait runs out.
            for (int d = 0; d < 2 && f.mode != Flow.MODE_NONE; d++) {
                SegmentBuffer sb = f.ooo[d];
                if (sb != null && sb.waitPeer) {
                    endWait(f, d, sb);
                }
            }
            settle(f);
            for (int d = 0; d < 2 && f.mode != Flow.MODE_NONE; d++) {
                flush(f, d, Integer.MAX_VALUE, true);
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
