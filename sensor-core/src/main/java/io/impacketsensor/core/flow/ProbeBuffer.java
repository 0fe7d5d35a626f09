package io.impacketsensor.core.flow;

/**
 * The first payload of a flow, kept while candidate analyzers probe it, so the analyzer that
 * matches receives the flow from its first byte, in the order the pieces arrived (requests and
 * replies interleaved as on the wire). Bounded in bytes and pieces; pooled per worker.
 */
final class ProbeBuffer {
    private final byte[][] data;
    private final int maxBytes;
    private final int[] used = new int[2];
    /** Start, per direction, of the bytes after the last gap: what the next probe looks at. */
    private final int[] probeStart = new int[2];
    private final int[] chunkDir;
    /** Payload length of a chunk, or -1 for a gap. */
    private final int[] chunkLen;
    private final long[] gapLen;
    private int chunks;
    private int total;

    ProbeBuffer(int maxBytes, int maxChunks) {
        this.maxBytes = maxBytes;
        this.data = new byte[][] {new byte[maxBytes], new byte[maxBytes]};
        this.chunkDir = new int[maxChunks];
        this.chunkLen = new int[maxChunks];
        this.gapLen = new long[maxChunks];
    }

    void reset() {
        used[0] = 0;
        used[1] = 0;
        probeStart[0] = 0;
        probeStart[1] = 0;
        chunks = 0;
        total = 0;
    }

    /** Appends payload; false (nothing kept) when a bound would be exceeded. */
    boolean addData(int dir, byte[] b, int off, int len) {
        if (chunks == chunkDir.length || total + len > maxBytes) {
            return false;
        }
        System.arraycopy(b, off, data[dir], used[dir], len);
        chunkDir[chunks] = dir;
        chunkLen[chunks] = len;
        chunks++;
        used[dir] += len;
        total += len;
        return true;
    }

    /** Records a gap; the next probe of that direction starts after it. */
    boolean addGap(int dir, long len) {
        if (chunks == chunkDir.length) {
            return false;
        }
        chunkDir[chunks] = dir;
        chunkLen[chunks] = -1;
        gapLen[chunks] = len;
        chunks++;
        probeStart[dir] = used[dir];
        return true;
    }

    byte[] bytes(int dir) {
        return data[dir];
    }

    int probeStart(int dir) {
        return probeStart[dir];
    }

    int probeLength(int dir) {
        return used[dir] - probeStart[dir];
    }

    int chunks() {
        return chunks;
    }

    int chunkDir(int i) {
        return chunkDir[i];
    }

    /** Payload length of chunk {@code i}, or -1 when it is a gap. */
    int chunkLen(int i) {
        return chunkLen[i];
    }

    long gapLen(int i) {
        return gapLen[i];
    }
}
