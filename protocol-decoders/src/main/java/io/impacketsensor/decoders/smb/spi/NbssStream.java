package io.impacketsensor.decoders.smb.spi;

import io.impacketsensor.core.flow.Direction;

/** The NBSS framing of one direction of an SMB connection, as a {@link SmbMessageAnalyzer} sees it. */
public interface NbssStream {

    Direction dir();

    /**
     * Marks message-relative bytes {@code [start, end)} of the message being handed over: they reach
     * {@link SmbMessageAnalyzer#onStream} in place as they pass instead of being skipped (named-pipe
     * data of a READ or WRITE larger than what was gathered).
     */
    void stream(int start, int end);
}
