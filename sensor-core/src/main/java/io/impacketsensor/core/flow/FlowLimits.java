package io.impacketsensor.core.flow;

/**
 * Limits of the packet path of one decode worker: every quantity a peer controls is bounded here.
 * Times are in seconds; memory figures are per worker.
 *
 * @param maxFlows              flows tracked at once; a new flow evicts the one closest to its idle timeout
 * @param tcpNewTimeoutSec      idle timeout of a TCP flow seen from one side only (SYN, scans)
 * @param tcpEstablishedTimeoutSec idle timeout of a TCP flow seen from both sides
 * @param tcpClosedTimeoutSec   how long a TCP flow closed by FIN/RST stays (late ACKs/FINs are not a new flow)
 * @param udpTimeoutSec         idle timeout of a UDP flow
 * @param oooMaxBytes           out-of-order window per TCP direction, bytes past the next expected byte
 * @param oooMaxSegments        out-of-order ranges held per TCP direction
 * @param oooMaxBuffers         out-of-order buffers in the worker's pool (each oooMaxBytes)
 * @param probeMaxBytes         first payload bytes per flow buffered while analyzers probe it
 * @param probeMaxChunks        payload pieces (segments, datagrams, gaps) buffered while probing
 * @param probeMaxBuffers       probe buffers in the worker's pool
 * @param maxExpectations       pending {@link FlowContext#expect} entries
 * @param expectationTimeoutSec how long an expectation stays valid
 * @param fragMaxDatagrams      IP datagrams being reassembled at once
 * @param fragMaxFragments      fragments per datagram
 * @param fragMaxDatagramBytes  reassembled datagram size (IP payload)
 * @param fragMaxTotalBytes     bytes held by all pending datagrams
 * @param fragTimeoutSec        fragment reassembly timeout
 */
public record FlowLimits(int maxFlows, int tcpNewTimeoutSec, int tcpEstablishedTimeoutSec, int tcpClosedTimeoutSec,
                         int udpTimeoutSec, int oooMaxBytes, int oooMaxSegments, int oooMaxBuffers,
                         int probeMaxBytes, int probeMaxChunks, int probeMaxBuffers,
                         int maxExpectations, int expectationTimeoutSec,
                         int fragMaxDatagrams, int fragMaxFragments, int fragMaxDatagramBytes, long fragMaxTotalBytes,
                         int fragTimeoutSec) {

    public static final FlowLimits DEFAULTS = new FlowLimits(65_536, 60, 3_600, 30, 300,
            256 * 1024, 64, 1_024,
            4_096, 32, 4_096,
            256, 600,
            64, 64, 65_535, 4L * 1024 * 1024, 30);

    public FlowLimits {
        if (maxFlows < 1 || oooMaxBytes < 1 || oooMaxSegments < 1 || oooMaxBuffers < 0 || probeMaxBytes < 1
                || probeMaxChunks < 1 || probeMaxBuffers < 0 || maxExpectations < 0 || fragMaxDatagrams < 1
                || fragMaxFragments < 1 || fragMaxDatagramBytes < 1 || fragMaxTotalBytes < 1) {
            throw new IllegalArgumentException("flow limits must be positive");
        }
        if (tcpNewTimeoutSec < 0 || tcpEstablishedTimeoutSec < 0 || tcpClosedTimeoutSec < 0 || udpTimeoutSec < 0
                || expectationTimeoutSec < 0 || fragTimeoutSec < 0) {
            throw new IllegalArgumentException("timeouts must not be negative");
        }
    }

    public FlowLimits withMaxFlows(int n) {
        return new FlowLimits(n, tcpNewTimeoutSec, tcpEstablishedTimeoutSec, tcpClosedTimeoutSec, udpTimeoutSec,
                oooMaxBytes, oooMaxSegments, oooMaxBuffers, probeMaxBytes, probeMaxChunks, probeMaxBuffers,
                maxExpectations, expectationTimeoutSec, fragMaxDatagrams, fragMaxFragments, fragMaxDatagramBytes,
                fragMaxTotalBytes, fragTimeoutSec);
    }

    public FlowLimits withTimeouts(int tcpNew, int tcpEstablished, int tcpClosed, int udp) {
        return new FlowLimits(maxFlows, tcpNew, tcpEstablished, tcpClosed, udp,
                oooMaxBytes, oooMaxSegments, oooMaxBuffers, probeMaxBytes, probeMaxChunks, probeMaxBuffers,
                maxExpectations, expectationTimeoutSec, fragMaxDatagrams, fragMaxFragments, fragMaxDatagramBytes,
                fragMaxTotalBytes, fragTimeoutSec);
    }

    public FlowLimits withOutOfOrder(int maxBytes, int maxSegments, int maxBuffers) {
        return new FlowLimits(maxFlows, tcpNewTimeoutSec, tcpEstablishedTimeoutSec, tcpClosedTimeoutSec, udpTimeoutSec,
                maxBytes, maxSegments, maxBuffers, probeMaxBytes, probeMaxChunks, probeMaxBuffers,
                maxExpectations, expectationTimeoutSec, fragMaxDatagrams, fragMaxFragments, fragMaxDatagramBytes,
                fragMaxTotalBytes, fragTimeoutSec);
    }

    public FlowLimits withProbe(int maxBytes, int maxChunks, int maxBuffers) {
        return new FlowLimits(maxFlows, tcpNewTimeoutSec, tcpEstablishedTimeoutSec, tcpClosedTimeoutSec, udpTimeoutSec,
                oooMaxBytes, oooMaxSegments, oooMaxBuffers, maxBytes, maxChunks, maxBuffers,
                maxExpectations, expectationTimeoutSec, fragMaxDatagrams, fragMaxFragments, fragMaxDatagramBytes,
                fragMaxTotalBytes, fragTimeoutSec);
    }

    public FlowLimits withFragments(int maxDatagrams, int maxFragments, int maxDatagramBytes, long maxTotalBytes, int timeoutSec) {
        return new FlowLimits(maxFlows, tcpNewTimeoutSec, tcpEstablishedTimeoutSec, tcpClosedTimeoutSec, udpTimeoutSec,
                oooMaxBytes, oooMaxSegments, oooMaxBuffers, probeMaxBytes, probeMaxChunks, probeMaxBuffers,
                maxExpectations, expectationTimeoutSec, maxDatagrams, maxFragments, maxDatagramBytes,
                maxTotalBytes, timeoutSec);
    }

    static long nanos(int seconds) {
        return seconds * 1_000_000_000L;
    }
}
