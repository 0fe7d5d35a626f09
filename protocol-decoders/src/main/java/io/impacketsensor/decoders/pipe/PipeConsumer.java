package io.impacketsensor.decoders.pipe;

import io.impacketsensor.core.flow.Direction;

/**
 * The byte stream of one opened SMB2 named pipe (one CREATE on IPC$ to its CLOSE), delivered in
 * order per direction: data the client wrote (WRITE, IOCTL input) as {@link Direction#TO_SERVER},
 * data it read back (READ, IOCTL output) as {@link Direction#TO_CLIENT}. The DCE/RPC analyzer is
 * the consumer in production.
 */
public interface PipeConsumer {

    /**
     * Bytes of the pipe stream; the buffer is valid only during the call.
     *
     * @return true to keep receiving; false to stop (the pipe is then ignored)
     */
    boolean onData(Direction dir, byte[] buf, int off, int len);

    /** Bytes of the pipe stream are missing (a gap in the TCP stream, a limit); resynchronise. */
    void onGap(Direction dir, long len);

    /** The pipe was closed (or its session or flow ended). */
    void onClose();
}
