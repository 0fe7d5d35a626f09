package io.impacketsensor.core.spi;

/**
 * Picks the worker for a frame on the capture thread: a hash of the flow that is the same for both
 * directions (so one worker sees a whole connection), computed without allocating. Frames that
 * are not IP (or IP fragments whose ports are unknown) hash on the addresses alone.
 */
@FunctionalInterface
public interface FrameClassifier {
    /** The hash of the frame of {@code caplen} bytes at {@code off} in {@code frame}. */
    int symmetricFlowHash(int linkType, byte[] frame, int off, int caplen);

    /** The hash of a frame that starts at index 0. */
    default int symmetricFlowHash(int linkType, byte[] frame, int caplen) {
        return symmetricFlowHash(linkType, frame, 0, caplen);
    }
}
