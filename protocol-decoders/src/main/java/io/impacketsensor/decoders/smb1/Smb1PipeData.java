package io.impacketsensor.decoders.smb1;

import io.impacketsensor.core.flow.Direction;
import io.impacketsensor.core.flow.FlowContext;
import io.impacketsensor.decoders.pipe.PipeConsumer;
import io.impacketsensor.decoders.pipe.PipeConsumerFactory;

import java.util.Arrays;

/**
 * The named-pipe bytes of one SMB1 connection on their way to the {@link PipeConsumer}s (DCE/RPC):
 * the data of WRITE_ANDX, READ_ANDX and TRANSACTION (MS-CIFS 2.2.4.42, 2.2.4.43, 2.2.4.33) as
 * gathered, up to {@link Smb1Limits#maxPipeMessage()}, and the data of a WRITE_ANDX whose FID was
 * not open yet held, bounded, until its response.
 */
final class Smb1PipeData {
    /**
     * Bytes of pipe WRITEs held per connection until their FID is known (a client writes a pipe
     * right after opening it; only the directions arriving out of step make the FID unknown then).
     */
    static final int MAX_DEFERRED = 8192;

    private FlowContext ctx;
    private final PipeConsumerFactory pipes;
    private final Smb1Limits limits;
    private final Smb1Opens.Over over;
    private int deferredBytes;

    Smb1PipeData(FlowContext ctx, PipeConsumerFactory pipes, Smb1Limits limits, Smb1Opens.Over over) {
        this.ctx = ctx;
        this.pipes = pipes;
        this.limits = limits;
        this.over = over;
    }

    /** For the next connection of a pooled analyzer: every field as the constructor leaves it. */
    void reuse(FlowContext ctx) {
        this.ctx = ctx;
        deferredBytes = 0;
    }

    /** The open is a named pipe named {@code name} (without {@code \PIPE\}): its bytes go to a consumer. */
    void open(Smb1Session.FileEntry f, String name, int uid) {
        f.consumer = pipes.open(ctx, name, uid, f.tree.tid);
    }

    /** True when {@code n} more bytes may be held. */
    boolean canHold(long n) {
        return n <= MAX_DEFERRED - deferredBytes;
    }

    /** Holds {@code b[from, from+n)} with the request until its response names the open. */
    void hold(Smb1Pending q, byte[] b, int from, int n) {
        q.deferred = Arrays.copyOfRange(b, from, from + n);
        deferredBytes += n;
    }

    /** Pipe data of a WRITE read before its FID was open: to the pipe's decoder now, if it is one. */
    void release(Smb1Pending q) {
        byte[] d = q.deferred;
        q.deferred = null;
        deferredBytes -= d.length;
        if (q.file != null && q.file.consumer != null && !q.file.consumer.onData(Direction.TO_SERVER, d, 0, d.length)) {
            q.file.consumer = null;
        }
    }

    /**
     * A pipe message of {@code n} bytes of which {@code have} were gathered at {@code b[off]}: the
     * gathered part to the consumer, the rest a gap; over the limit, all of it a gap (after the anomaly).
     */
    void data(Smb1Session.FileEntry f, Direction dir, byte[] b, int off, int have, int n) {
        if (n <= 0) {
            return;
        }
        if (n > limits.maxPipeMessage()) {
            over.anomaly(Smb1Anomaly.PIPE_MESSAGE_TOO_LARGE, dir + " " + n);
            // Not handed over: the pipe's decoder resynchronises after it.
            f.consumer.onGap(dir, n);
            return;
        }
        have = Math.min(n, have);
        if (have > 0 && !f.consumer.onData(dir, b, off, have)) {
            f.consumer = null;
            return;
        }
        if (have < n && f.consumer != null) {
            f.consumer.onGap(dir, n - Math.max(have, 0));
        }
    }
}
