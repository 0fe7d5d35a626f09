package io.impacketsensor.decoders.smb2;

import io.impacketsensor.core.flow.Direction;
import io.impacketsensor.core.flow.FlowContext;
import io.impacketsensor.decoders.pipe.PipeConsumer;
import io.impacketsensor.decoders.pipe.PipeConsumerFactory;
import io.impacketsensor.decoders.smb.spi.NbssStream;

import java.util.Arrays;

/**
 * The named-pipe bytes of one SMB2 connection on their way to the {@link PipeConsumer}s (DCE/RPC):
 * the part of a READ or WRITE that was gathered now, the rest streamed by the framer as it passes
 * (MS-SMB2 2.2.19-2.2.21), and the data of a WRITE or transceive IOCTL whose FileId was not known
 * yet held, bounded, until its response.
 */
final class Smb2PipeData {
    /**
     * Bytes of pipe WRITEs held per connection until their FileId is known (a client writes a
     * pipe right after opening it; only the directions arriving out of step make the FileId
     * unknown then).
     */
    static final int MAX_DEFERRED = 8192;

    private FlowContext ctx;
    private final PipeConsumerFactory pipes;
    private int deferredBytes;
    /** The open whose pipe data each direction's framer is streaming. */
    private Smb2Session.FileEntry streamToServer;
    private Smb2Session.FileEntry streamToClient;
    /** The named pipe opened last on this connection ({@link #lastOpened}). */
    private Smb2Session.FileEntry lastOpened;

    Smb2PipeData(FlowContext ctx, PipeConsumerFactory pipes) {
        this.ctx = ctx;
        this.pipes = pipes;
    }

    /** For the next connection of a pooled analyzer: every field as the constructor leaves it. */
    void reuse(FlowContext ctx) {
        this.ctx = ctx;
        deferredBytes = 0;
        streamToServer = null;
        streamToClient = null;
        lastOpened = null;
    }

    /** The open is a named pipe: its bytes go to a consumer from now on. */
    void open(Smb2Session.FileEntry f, long sessionId) {
        f.pipe = true;
        f.consumer = pipes.open(ctx, Smb2Pipes.pipeName(f.name), sessionId, f.tree.id);
        f.tree.lastPipe = f;
        lastOpened = f;
    }

    /**
     * The named pipe opened last on {@code tree} (on this connection when the tree is unknown: an
     * asynchronous answer carries no TreeId, MS-SMB2 2.2.1.1), while it is open and read by a
     * consumer; else null.
     */
    Smb2Session.FileEntry lastOpened(Smb2Session.Tree tree) {
        Smb2Session.FileEntry f = tree != null ? tree.lastPipe : lastOpened;
        return f != null && f.consumer != null && f.tree.ipc && f.tree.files.get(f.vol) == f ? f : null;
    }

    /** True when {@code n} more bytes may be held. */
    boolean canHold(long n) {
        return n <= MAX_DEFERRED - deferredBytes;
    }

    /** Holds {@code b[from, from+len)} with the request until its response names the open. */
    void hold(Smb2Pending q, byte[] b, int from, int len) {
        q.deferred = Arrays.copyOfRange(b, from, from + len);
        deferredBytes += len;
    }

    /** The request's response arrived: its held bytes go to {@code f}'s consumer, if it is a pipe. */
    void release(Smb2Pending q, Smb2Session.FileEntry f) {
        byte[] d = q.deferred;
        q.deferred = null;
        deferredBytes -= d.length;
        if (f != null && f.consumer != null) {
            deliver(f, Direction.TO_SERVER, d, 0, d.length);
        }
    }

    /**
     * Pipe data at header-relative {@code dataOff} of a command of {@code cmdLen} bytes of which
     * {@code avail} were gathered: the gathered part now, the rest streamed when the command is the
     * whole PDU ({@code single}), else a gap for the consumer.
     */
    void data(NbssStream framer, Smb2Session.FileEntry f, byte[] b, int off, int dataOff, int dataLen,
              boolean single, int cmdLen, int avail) {
        Direction dir = framer.dir();
        long end = Math.min((long) dataOff + dataLen, cmdLen);
        if (dataOff < avail) {
            int n = (int) Math.min(end, avail) - dataOff;
            if (n > 0) {
                deliver(f, dir, b, off + dataOff, n);
            }
        }
        if (end > avail && f.consumer != null) {
            if (single) {
                framer.stream(Math.max(dataOff, avail), (int) end);
                if (dir == Direction.TO_SERVER) {
                    streamToServer = f;
                } else {
                    streamToClient = f;
                }
            } else {
                f.consumer.onGap(dir, end - Math.max(dataOff, avail));
            }
        }
    }

    void deliver(Smb2Session.FileEntry f, Direction dir, byte[] b, int off, int len) {
        if (f.consumer != null && !f.consumer.onData(dir, b, off, len)) {
            f.consumer = null;
        }
    }

    /** Bytes of the window the framer streams. */
    void onStream(Direction dir, byte[] b, int off, int len) {
        Smb2Session.FileEntry f = dir == Direction.TO_SERVER ? streamToServer : streamToClient;
        if (f != null) {
            deliver(f, dir, b, off, len);
        }
    }

    /** Bytes of the streamed window were lost. */
    void onStreamGap(Direction dir, long len) {
        Smb2Session.FileEntry f = dir == Direction.TO_SERVER ? streamToServer : streamToClient;
        if (f != null && f.consumer != null) {
            f.consumer.onGap(dir, len);
        }
    }
}
