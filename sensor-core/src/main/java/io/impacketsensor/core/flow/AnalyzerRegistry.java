package io.impacketsensor.core.flow;

import io.impacketsensor.core.event.ProtocolAnomaly;
import io.impacketsensor.core.event.Transport;
import io.impacketsensor.core.spi.CounterVisitor;
import io.impacketsensor.core.spi.EventOrder;
import io.impacketsensor.core.wire.ProbeResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Picks the analyzer of each flow and feeds it. One instance per decode worker, built from that
 * worker's own {@link AnalyzerFactory} instances.
 *
 * <p>Choice, in order: an {@link FlowContext#expect expectation} for the server endpoint (TCP)
 * attaches that analyzer at once; otherwise the factories whose {@code wantsPort} accepts the
 * server port, then (TCP only) the {@code probesAnyPort} factories, probe the first payload bytes.
 * The first MATCH wins; NO_MATCH drops a candidate; NEED_MORE keeps the bytes buffered up to
 * {@link FlowLimits#probeMaxBytes()}. A flow no factory wants is only counted: its payload is not
 * reassembled.
 *
 * <p>Mid-stream pickup (a TCP direction whose SYN was not seen): its first bytes may be the tail of
 * a message, so a NO_MATCH there only drops the candidate once the other direction's first bytes
 * were refused too (or that direction began with its SYN). A candidate that then matches on the
 * other direction receives the refused bytes as a gap ({@code onGap} with their length), so it
 * resynchronises on the next message of that direction as after any loss.
 *
 * <p>An analyzer that returns false is detached. One that throws has a bug, and an escaped
 * exception must not become an evasion (a crafted PDU sent first would otherwise hide the rest of
 * the connection): the exception is counted ({@code analyzer.exceptions}), logged once per
 * distinct stack, reported as a {@link ProtocolAnomaly} named {@code <analyzer>.decoder_exception}
 * whose detail names the throwing class and the stream offset, and the delivery it was handling
 * is given to the analyzer as a gap ({@link FlowAnalyzer#onGap}), so it drops that direction's
 * partial state and resynchronises at the next message it can verify
 * ({@code analyzer.exception_resyncs}). Only when {@code onGap} itself throws, or an exception
 * escapes {@code onClose} or the factory, is the flow detached. Nothing else is affected.
 */
public final class AnalyzerRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(AnalyzerRegistry.class);
    private static final int MAX_LOGGED_STACKS = 256;

    private final AnalyzerFactory[] factories;
    private final Expectations expectations;
    /** The pipeline's ordering (null outside one): expectation lookups see only earlier frames. */
    private final EventOrder order;
    private final int probeMaxBytes;
    private final int probeMaxChunks;
    private final ProbeBuffer[] probePool;
    private int probeFree;
    private int probeCreated;
    private final Set<String> loggedStacks = new HashSet<>();

    long attached;
    long attachedByExpectation;
    long noMatch;
    long probeLimit;
    long probePoolExhausted;
    /** Flows attached by the second direction after the first one's mid-stream start was refused. */
    long attachedMidStream;
    long detachedByAnalyzer;
    long exceptions;
    /** Analyzer exceptions after which the flow went on (its direction resynchronising). */
    long exceptionResyncs;
    /** Per factory: flows attached. */
    private final long[] attachedPerFactory;

    public AnalyzerRegistry(List<? extends AnalyzerFactory> factories, Expectations expectations, FlowLimits limits) {
        this(factories, expectations, limits, null);
    }

    /**
     * @param order the worker's {@link EventOrder} in a pipeline,
     *              else null
     */
    public AnalyzerRegistry(List<? extends AnalyzerFactory> factories, Expectations expectations, FlowLimits limits,
                            EventOrder order) {
        this.order = order;
        if (factories.size() > 64) {
            throw new IllegalArgumentException("at most 64 analyzer factories per worker");
        }
        this.factories = factories.toArray(new AnalyzerFactory[0]);
        this.expectations = expectations;
        this.probeMaxBytes = limits.probeMaxBytes();
        this.probeMaxChunks = limits.probeMaxChunks();
        this.probePool = new ProbeBuffer[limits.probeMaxBuffers()];
        this.attachedPerFactory = new long[this.factories.length];
    }

    /** Decides how a new flow is analysed (called once, when its client/server roles are known). */
    void onNewFlow(Flow f) {
        f.mode = Flow.MODE_NONE;
        if (factories.length == 0) {
            return;
        }
        Transport t = f.isTcp() ? Transport.TCP : Transport.UDP;
        int serverPort = f.serverPort();
        if (f.isTcp()) {
            // Never an announcement of this frame or a later one (another worker may be ahead),
            // as with one worker. One of an earlier frame whose worker lags is missed: waiting for
            // it cost 23-41% with 2 workers on the benchmark, and the flow is then probed, which picks
            // the same DCE/RPC analyzer whenever the connection opens with a bind.
            long before = order != null ? order.sequence() : Long.MAX_VALUE;
            String expected = expectations.lookup(f.ipVersion, f.clientIsA ? f.bHi : f.aHi,
                    f.clientIsA ? f.bLo : f.aLo, serverPort, f.lastSeen, before);
            if (expected != null) {
                for (int i = 0; i < factories.length; i++) {
                    if (factories[i].name().equals(expected)) {
                        attachedByExpectation++;
                        attach(f, i);
                        return;
                    }
                }
            }
        }
        long portMask = 0;
        long anyMask = 0;
        for (int i = 0; i < factories.length; i++) {
            AnalyzerFactory fac = factories[i];
            if (fac.wantsPort(t, serverPort)) {
                portMask |= 1L << i;
            } else if (f.isTcp() && fac.probesAnyPort()) {
                anyMask |= 1L << i;
            }
        }
        if ((portMask | anyMask) != 0) {
            f.portCandidates = portMask;
            f.anyPortCandidates = anyMask;
            f.mode = Flow.MODE_PROBING;
        }
    }

    /** In-order payload of one direction (a TCP stretch or a UDP datagram). */
    void data(Flow f, int dir, byte[] b, int off, int len) {
        if (len <= 0) {
            return;
        }
        // TCP data is delivered up to f.nextSeq[dir] (the reassembler advances it first): the events
        // made from it wait for the other side's acknowledgement of that position (AckWatch).
        AckWatch w = f.acks;
        if (f.isTcp()) {
            w.delivering = dir;
            w.deliveringEnd = f.nextSeq[dir];
            w.deliveringAt = acknowledgedOn(f, dir, w.deliveringEnd);
        }
        if (f.mode == Flow.MODE_ANALYZER) {
            long at = f.analyzed[dir];
            f.analyzed[dir] = at + len;
            try {
                keepOrDetach(f, f.analyzer.onData(direction(dir), b, off, len));
            } catch (RuntimeException | StackOverflowError e) {
                resync(f, dir, at, len, e);
            }
        } else if (f.mode == Flow.MODE_PROBING) {
            probeData(f, dir, b, off, len);
        }
        w.delivering = -1;
    }

    /** The packet that acknowledged {@code end} while the data below it was held, or -1. */
    private static long acknowledgedOn(Flow f, int dir, int end) {
        SegmentBuffer sb = f.ooo[dir];
        return sb == null ? -1 : sb.acknowledgedOn(end);
    }

    /** {@code len} bytes of one direction are missing. */
    void gap(Flow f, int dir, long len) {
        if (f.mode == Flow.MODE_ANALYZER) {
            long at = f.analyzed[dir];
            f.analyzed[dir] = at + len;
            // Suricata sees a gap when it processes acknowledged data after it: an ACK past its end.
            AckWatch w = f.acks;
            w.delivering = dir;
            w.deliveringEnd = f.nextSeq[dir] + 1;
            w.deliveringAt = acknowledgedOn(f, dir, w.deliveringEnd);
            try {
                keepOrDetach(f, f.analyzer.onGap(direction(dir), len));
            } catch (RuntimeException | StackOverflowError e) {
                // The gap is the resynchronisation itself: nothing is left to recover with.
                report(f, e, where(dir, at) + " (a gap of " + len + " bytes; flow detached)");
                failed(f, e);
            }
            w.delivering = -1;
        } else if (f.mode == Flow.MODE_PROBING) {
            if (f.probe == null) {
                f.probe = acquireProbe();
                if (f.probe == null) {
                    probePoolExhausted++;
                    detach(f);
                    return;
                }
            }
            if (!f.probe.addGap(dir, len)) {
                probeLimit++;
                detach(f);
            }
        }
    }

    /** An analyzer that answered false no longer wants the flow. */
    private void keepOrDetach(Flow f, boolean keep) {
        if (!keep) {
            detachedByAnalyzer++;
            detach(f);
        }
    }

    /** The flow ended: the analyzer emits what is pending. Called at most once per flow. */
    void close(Flow f) {
        if (f.mode == Flow.MODE_ANALYZER) {
            try {
                f.analyzer.onClose();
            } catch (RuntimeException | StackOverflowError e) {
                report(f, e, " at close");
                failed(f, e);
            }
        }
        detach(f);
        f.ctx.flowEnded();
    }

    private void probeData(Flow f, int dir, byte[] b, int off, int len) {
        ProbeBuffer pb = f.probe;
        if (pb == null) {
            pb = acquireProbe();
            if (pb == null) {
                probePoolExhausted++;
                detach(f);
                return;
            }
            f.probe = pb;
        }
        Transport t = f.isTcp() ? Transport.TCP : Transport.UDP;
        boolean stored = pb.addData(dir, b, off, len);
        byte[] pBuf;
        int pOff;
        int pLen;
        if (stored) {
            // TCP probes see the direction's bytes since its last gap; UDP probes see this datagram.
            pBuf = pb.bytes(dir);
            pOff = t == Transport.TCP ? pb.probeStart(dir) : pb.probeStart(dir) + pb.probeLength(dir) - len;
            pLen = t == Transport.TCP ? pb.probeLength(dir) : len;
        } else if (t == Transport.UDP || pb.probeLength(dir) == 0) {
            // Too big to buffer (an offloaded super-segment, a large datagram), but it is the start
            // of what this direction's probe looks at: probe it in place, once.
            pBuf = b;
            pOff = off;
            pLen = len;
        } else {
            keepAsGapOrGiveUp(f, pb, dir, len);
            return;
        }
        int match = probeMask(f, true, t, dir, pBuf, pOff, pLen);
        if (match < 0 && f.portCandidates == 0) {
            match = probeMask(f, false, t, dir, pBuf, pOff, pLen);
        }
        if (match >= 0) {
            replay(f, match);
            if (!stored) {
                data(f, dir, b, off, len);
            }
        } else if (f.mode == Flow.MODE_PROBING && f.portCandidates == 0 && f.anyPortCandidates == 0) {
            noMatch++;
            detach(f);
        } else if (!stored) {
            keepAsGapOrGiveUp(f, pb, dir, len);
        }
    }

    /**
     * Bytes that could not be buffered: when every candidate left refused this direction's start,
     * the replay would turn them into a gap anyway, so a gap is recorded; otherwise the candidates
     * that still want them cannot have them and the flow is given up.
     */
    private void keepAsGapOrGiveUp(Flow f, ProbeBuffer pb, int dir, int len) {
        long left = f.portCandidates | f.anyPortCandidates;
        if (left != 0 && (left & ~f.rejected[dir]) == 0 && pb.addGap(dir, len)) {
            return;
        }
        probeLimit++;
        detach(f);
    }

    /** True when a NO_MATCH on this direction's first bytes is final (its stream start was seen). */
    private static boolean startSeen(Flow f, int dir) {
        return !f.isTcp() || f.synSeen[dir];
    }

    /** Probes the candidates of one mask in factory order; the index of the first MATCH or -1. */
    private int probeMask(Flow f, boolean portMask, Transport t, int dir, byte[] b, int off, int len) {
        long mask = portMask ? f.portCandidates : f.anyPortCandidates;
        for (int i = 0; mask != 0 && i < factories.length; i++) {
            long bit = 1L << i;
            if ((mask & bit) == 0 || (f.rejected[dir] & bit) != 0) {
                continue;
            }
            ProbeResult r;
            try {
                r = factories[i].probe(t, direction(dir), b, off, len);
            } catch (RuntimeException | StackOverflowError e) {
                countException(e);
                r = ProbeResult.NO_MATCH;
            }
            if (r == ProbeResult.MATCH) {
                return i;
            }
            if (r == ProbeResult.NO_MATCH) {
                if (startSeen(f, dir) || (f.rejected[1 - dir] & bit) != 0) {
                    mask &= ~bit;
                } else {
                    f.rejected[dir] |= bit;
                }
            }
        }
        if (portMask) {
            f.portCandidates = mask;
        } else {
            f.anyPortCandidates = mask;
        }
        return -1;
    }

    /** Attaches factory {@code idx} and hands it everything buffered, in arrival order. */
    private void replay(Flow f, int idx) {
        ProbeBuffer pb = f.probe;
        f.probe = null;
        long bit = 1L << idx;
        // A direction whose mid-stream start this analyzer refused: its first stretch is a gap.
        boolean skip0 = (f.rejected[0] & bit) != 0;
        boolean skip1 = (f.rejected[1] & bit) != 0;
        if (skip0 || skip1) {
            attachedMidStream++;
        }
        attach(f, idx);
        if (pb != null) {
            int pos0 = 0;
            int pos1 = 0;
            for (int i = 0; i < pb.chunks() && f.mode == Flow.MODE_ANALYZER; i++) {
                int dir = pb.chunkDir(i);
                int len = pb.chunkLen(i);
                boolean skip = dir == 0 ? skip0 : skip1;
                if (dir == 0) {
                    skip0 = false;
                } else {
                    skip1 = false;
                }
                if (len < 0) {
                    gap(f, dir, pb.gapLen(i));
                } else if (skip) {
                    gap(f, dir, len);
                    if (dir == 0) {
                        pos0 += len;
                    } else {
                        pos1 += len;
                    }
                } else {
                    if (dir == 0) {
                        data(f, dir, pb.bytes(dir), pos0, len);
                        pos0 += len;
                    } else {
                        data(f, dir, pb.bytes(dir), pos1, len);
                        pos1 += len;
                    }
                }
            }
            releaseProbe(pb);
        }
    }

    private void attach(Flow f, int idx) {
        FlowAnalyzer a;
        try {
            a = factories[idx].create(f.ctx);
        } catch (RuntimeException | StackOverflowError e) {
            failed(f, e);
            return;
        }
        if (a == null) {
            detach(f);
            return;
        }
        attached++;
        attachedPerFactory[idx]++;
        f.analyzer = a;
        f.analyzerFactory = idx;
        f.mode = Flow.MODE_ANALYZER;
    }

    /** Stops analysing the flow: no more payload is reassembled or delivered. */
    void detach(Flow f) {
        if (f.budgetAccounts != null) {
            // The analyzer and its buffers are dropped with the flow: nothing stays charged.
            f.ctx.budget.releaseFlow(f);
        }
        f.mode = Flow.MODE_NONE;
        f.analyzer = null;
        f.portCandidates = 0;
        f.anyPortCandidates = 0;
        f.rejected[0] = 0;
        f.rejected[1] = 0;
        if (f.probe != null) {
            releaseProbe(f.probe);
            f.probe = null;
        }
    }

    private void failed(Flow f, Throwable e) {
        countException(e);
        detach(f);
    }

    /**
     * The analyzer threw while handling {@code len} bytes of direction {@code dir} at stream offset
     * {@code at}: reported, then those bytes are its gap, so it resynchronises on that direction.
     * Runs only on this exceptional path (it allocates the anomaly and its detail).
     */
    private void resync(Flow f, int dir, long at, int len, Throwable e) {
        countException(e);
        FlowAnalyzer a = f.analyzer;
        report(f, e, where(dir, at) + " (" + len + " bytes skipped, resynchronising)");
        try {
            if (a.onGap(direction(dir), len)) {
                exceptionResyncs++;
            } else {
                detachedByAnalyzer++;
                detach(f);
            }
        } catch (RuntimeException | StackOverflowError again) {
            report(f, again, where(dir, at) + " (while resynchronising; flow detached)");
            failed(f, again);
        }
    }

    private static String where(int dir, long at) {
        return " at " + (dir == Flow.DIR_TO_SERVER ? "to_server" : "to_client") + " stream offset " + at;
    }

    /**
     * The anomaly of an analyzer exception, {@code <analyzer>.decoder_exception}: the exception's
     * class, the class and method that threw, then {@code what} (where in the stream).
     */
    private void report(Flow f, Throwable e, String what) {
        StackTraceElement[] st = e.getStackTrace();
        String thrower = st.length > 0 ? " in " + simpleName(st[0].getClassName()) + "." + st[0].getMethodName() : "";
        f.ctx.emit(new ProtocolAnomaly(f.ctx.header(), factories[f.analyzerFactory].name() + ".decoder_exception",
                e.getClass().getSimpleName() + thrower + what));
    }

    private static String simpleName(String className) {
        return className.substring(className.lastIndexOf('.') + 1);
    }

    private void countException(Throwable e) {
        exceptions++;
        StringBuilder key = new StringBuilder(e.getClass().getName());
        StackTraceElement[] st = e.getStackTrace();
        for (int i = 0; i < Math.min(8, st.length); i++) {
            key.append('|').append(st[i]);
        }
        if (loggedStacks.size() < MAX_LOGGED_STACKS && loggedStacks.add(key.toString())) {
            LOG.error("analyzer failed (counted as analyzer.exceptions; the direction resynchronises; "
                    + "logged once per distinct stack)", e);
        }
    }

    private ProbeBuffer acquireProbe() {
        ProbeBuffer pb;
        if (probeFree > 0) {
            pb = probePool[--probeFree];
            probePool[probeFree] = null;
        } else if (probeCreated < probePool.length) {
            pb = new ProbeBuffer(probeMaxBytes, probeMaxChunks);
            probeCreated++;
        } else {
            return null;
        }
        pb.reset();
        return pb;
    }

    private void releaseProbe(ProbeBuffer pb) {
        if (probeFree < probePool.length) {
            probePool[probeFree++] = pb;
        }
    }

    private static Direction direction(int dir) {
        return dir == Flow.DIR_TO_SERVER ? Direction.TO_SERVER : Direction.TO_CLIENT;
    }

    /** Counters of the registry and of every factory. */
    void reportCounters(CounterVisitor v) {
        v.counter("analyzer.attached", attached);
        v.counter("analyzer.attached_by_expectation", attachedByExpectation);
        v.counter("analyzer.no_match", noMatch);
        v.counter("analyzer.probe_limit", probeLimit);
        v.counter("analyzer.probe_pool_exhausted", probePoolExhausted);
        v.counter("analyzer.attached_mid_stream", attachedMidStream);
        v.counter("analyzer.detached", detachedByAnalyzer);
        v.counter("analyzer.exceptions", exceptions);
        v.counter("analyzer.exception_resyncs", exceptionResyncs);
        for (int i = 0; i < factories.length; i++) {
            v.counter("analyzer." + factories[i].name() + ".flows", attachedPerFactory[i]);
            factories[i].reportCounters(v);
        }
    }
}
