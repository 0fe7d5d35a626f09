package io.impacketsensor.decoders.smb.spi;

import io.impacketsensor.core.flow.Direction;

/**
 * The messages of one SMB protocol version (SMB1, or SMB2/3 with its transform headers) on one
 * TCP connection. The SMB analyzer does the NBSS framing (RFC 1002 4.3.1, MS-SMB2 2.1) and hands
 * each message to the analyzer its protocol id names (MS-SMB2 2.2.1: {@code FE 'SMB'}, MS-CIFS
 * 2.2.3.1: {@code FF 'SMB'}), so a client that negotiates in SMB1 and goes on in SMB2 stays one flow.
 * Only the first {@link #need} bytes of a message are gathered; the rest is skipped by length,
 * except a window marked with {@link NbssStream#stream}, handed over as it passes.
 */
public interface SmbMessageAnalyzer {

    /**
     * Bytes of the message to gather, given at least its first min(msgLen, 64) bytes
     * ({@code have}); the framer gathers the larger of this and what it has.
     */
    int need(byte[] b, int off, int have, int msgLen);

    /**
     * The gathered prefix ({@code len} of {@code msgLen} bytes) of one message from
     * {@code framing}'s direction; false stops the flow. A message that breaks a rule or a limit is
     * reported and dropped, and the connection goes on.
     */
    boolean onMessage(NbssStream framing, byte[] b, int off, int len, int msgLen);

    /** Bytes of the window this analyzer marked with {@link NbssStream#stream}; false stops the flow. */
    default boolean onStream(Direction dir, byte[] b, int off, int len) {
        return true;
    }

    /** Bytes of the marked window were lost. */
    default void onStreamGap(Direction dir, long len) {
    }

    /** A message being gathered in {@code dir} was lost (a gap, or the worker's buffer budget took it). */
    void onGap(Direction dir);

    /** The connection ended. */
    void onClose();
}
