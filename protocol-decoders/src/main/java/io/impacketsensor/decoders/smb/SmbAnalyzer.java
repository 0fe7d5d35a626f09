package io.impacketsensor.decoders.smb;

import io.impacketsensor.core.collections.ReusePool;
import io.impacketsensor.core.flow.BufferBudget;
import io.impacketsensor.core.flow.Direction;
import io.impacketsensor.core.flow.FlowAnalyzer;
import io.impacketsensor.core.flow.FlowContext;
import io.impacketsensor.decoders.token.TokenDecoder;
import io.impacketsensor.decoders.ntlmssp.NtlmsspLimits;
import io.impacketsensor.decoders.pipe.PipeConsumerFactory;
import io.impacketsensor.decoders.smb.spi.SmbMessageAnalyzer;
import io.impacketsensor.decoders.smb1.Smb1Analyzer;
import io.impacketsensor.decoders.smb1.Smb1Limits;
import io.impacketsensor.decoders.smb2.Smb2Analyzer;
import io.impacketsensor.decoders.smb2.Smb2Limits;

/**
 * SMB over one TCP connection (port 445 Direct TCP or 139 NetBIOS): NBSS framing of each direction
 * through a {@link SmbFramer} (RFC 1002 4.3.1, MS-SMB2 2.1), each message handed to the
 * {@link SmbMessageAnalyzer} its protocol id names: {@code FF 'SMB'} to SMB1 (MS-CIFS 2.2.3.1),
 * created with the first such message; everything else to SMB2 (MS-SMB2 2.2.1 {@code FE}, the
 * transform headers {@code FD} and {@code FC} of 2.2.41 and 2.2.42), which also reports a message
 * with no SMB protocol id. A Windows client that negotiates in SMB1 and goes on in SMB2 stays one flow.
 */
public final class SmbAnalyzer implements FlowAnalyzer, SmbFramer.Handler {
    private FlowContext ctx;
    private final SmbCounters counters;
    private final SmbFramer toServer;
    private final SmbFramer toClient;
    private final Smb2Analyzer smb2;
    private final Smb1Limits smb1Limits;
    private final NtlmsspLimits ntlmLimits;
    private final TokenDecoder tokenDecoder;
    private final PipeConsumerFactory pipes;
    private final BufferBudget.Owner dropToServer;
    private final BufferBudget.Owner dropToClient;
    /** Where this analyzer goes after its {@link #onClose} (null: nowhere). */
    private final ReusePool<SmbAnalyzer> pool;
    private Smb1Analyzer smb1;
    /** An ended connection's SMB1 analyzer, made as new when this connection speaks SMB1 ({@link Smb1Analyzer#reuse}). */
    private Smb1Analyzer spareSmb1;
    private boolean stopped;
    /** Set by {@link #onClose}: a second close must not hand the analyzer to the pool twice. */
    private boolean closed;

    SmbAnalyzer(FlowContext ctx, SmbLimits limits, Smb2Limits smb2Limits, Smb1Limits smb1Limits, NtlmsspLimits ntlmLimits,
                SmbCounters counters, TokenDecoder tokenDecoder, PipeConsumerFactory pipes) {
        this(ctx, limits, smb2Limits, smb1Limits, ntlmLimits, counters, tokenDecoder, pipes, null);
    }

    SmbAnalyzer(FlowContext ctx, SmbLimits limits, Smb2Limits smb2Limits, Smb1Limits smb1Limits, NtlmsspLimits ntlmLimits,
                SmbCounters counters, TokenDecoder tokenDecoder, PipeConsumerFactory pipes, ReusePool<SmbAnalyzer> pool) {
        this.ctx = ctx;
        this.pool = pool;
        this.counters = counters;
        this.smb1Limits = smb1Limits;
        this.ntlmLimits = ntlmLimits;
        this.tokenDecoder = tokenDecoder;
        this.pipes = pipes;
        this.smb2 = new Smb2Analyzer(ctx, smb2Limits, counters.smb2, tokenDecoder, pipes);
        // The gathering buffer grows in steps up to SMB2's maxBufferedPdu, what most messages need at most.
        this.toServer = new SmbFramer(Direction.TO_SERVER, this, limits.maxPduSize(), smb2Limits.maxBufferedPdu());
        this.toClient = new SmbFramer(Direction.TO_CLIENT, this, limits.maxPduSize(), smb2Limits.maxBufferedPdu());
        this.dropToServer = () -> budgetDrop(toServer);
        this.dropToClient = () -> budgetDrop(toClient);
        toServer.account = ctx.bufferAccount("smb", dropToServer);
        toClient.account = ctx.bufferAccount("smb", dropToClient);
    }

    /**
     * For a new connection on {@code ctx}, after this one's {@link #onClose}: every field as the
     * constructor leaves it. The SMB2 analyzer and the framers reset their own state
     * ({@link Smb2Analyzer#reuse}, {@link SmbFramer#reuse}); the SMB1 analyzer is kept aside and
     * reset when the connection speaks SMB1.
     */
    void reuse(FlowContext ctx) {
        this.ctx = ctx;
        if (smb1 != null) {
            spareSmb1 = smb1;
            smb1 = null;
        }
        stopped = false;
        closed = false;
        smb2.reuse(ctx);
        // The framers' accounts were released at close: the same ones serve this connection.
        BufferBudget.Account toServerAccount = toServer.account;
        BufferBudget.Account toClientAccount = toClient.account;
        toServer.reuse();
        toClient.reuse();
        toServer.account = ctx.bufferAccount(toServerAccount);
        toClient.account = ctx.bufferAccount(toClientAccount);
    }

    /** The worker's buffer budget took a framer's partial PDU: as after a gap in that direction. */
    private boolean budgetDrop(SmbFramer framer) {
        boolean lost = framer.dropBuffer();
        if (lost) {
            lost(framer.dir());
        }
        return lost;
    }

    @Override
    public boolean onData(Direction dir, byte[] buf, int off, int len) {
        if (stopped) {
            return false;
        }
        if (!(dir == Direction.TO_SERVER ? toServer : toClient).onData(buf, off, len)) {
            stopped = true;
            counters.skippedFlows++;
        }
        return !stopped;
    }

    @Override
    public boolean onGap(Direction dir, long len) {
        if (stopped) {
            return false;
        }
        counters.gaps++;
        if ((dir == Direction.TO_SERVER ? toServer : toClient).onGap(len)) {
            SmbEvents.anomaly(ctx, SmbAnomaly.GAP, dir + " " + len + " bytes");
            lost(dir);
        }
        return true;
    }

    /** A message being gathered in {@code dir} was lost. */
    private void lost(Direction dir) {
        smb2.onGap(dir);
        if (smb1 != null) {
            smb1.onGap(dir);
        }
    }

    @Override
    public void onClose() {
        if (closed) {
            return;
        }
        closed = true;
        toServer.release();
        toClient.release();
        smb2.onClose();
        if (smb1 != null) {
            smb1.onClose();
        }
        if (pool != null) {
            // Nothing calls an analyzer after its close (the flow is detached): it serves the
            // worker's next SMB connection.
            pool.give(this);
        }
    }

    // ---- framing callbacks -------------------------------------------------------------------

    @Override
    public int need(byte[] b, int off, int have, int pduLen) {
        return analyzerFor(b, off, have).need(b, off, have, pduLen);
    }

    @Override
    public boolean onPdu(SmbFramer framer, byte[] b, int off, int len, int pduLen) {
        counters.pdus++;
        SmbMessageAnalyzer a = analyzerFor(b, off, len);
        if (a != smb2) {
            counters.smb1Pdus++;
        }
        return a.onMessage(framer, b, off, len, pduLen);
    }

    @Override
    public boolean onStream(SmbFramer framer, byte[] b, int off, int len) {
        // Only SMB2 marks stream windows (SMB1 pipe messages are gathered whole).
        return smb2.onStream(framer.dir(), b, off, len);
    }

    @Override
    public void onStreamGap(SmbFramer framer, long len) {
        smb2.onStreamGap(framer.dir(), len);
    }

    @Override
    public void onResync(SmbFramer framer) {
        counters.resyncs++;
    }

    /**
     * Counted and capped with the SMB2 anomalies of the connection, whose names they carry: the
     * framing is that of MS-SMB2 2.1, and a peer must not get more events by mixing the two.
     */
    @Override
    public void onFramingError(SmbFramer framer, SmbAnomaly anomaly, long value) {
        if (smb2.countAnomaly()) {
            SmbEvents.anomaly(ctx, anomaly, framer.dir() + " " + value);
        }
    }

    /** The analyzer of the message's protocol version: SMB1 for {@code FF 'SMB'}, else SMB2. */
    private SmbMessageAnalyzer analyzerFor(byte[] b, int off, int have) {
        if (!SmbParser.isSmb(b, off, have, SmbParser.SMB1)) {
            return smb2;
        }
        if (smb1 == null) {
            if (spareSmb1 != null) {
                smb1 = spareSmb1;
                spareSmb1 = null;
                smb1.reuse(ctx);
            } else {
                smb1 = new Smb1Analyzer(ctx, smb1Limits, ntlmLimits, counters.smb1, tokenDecoder, pipes);
            }
        }
        return smb1;
    }

}
