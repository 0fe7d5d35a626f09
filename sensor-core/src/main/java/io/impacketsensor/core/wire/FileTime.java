package io.impacketsensor.core.wire;

/** Windows FILETIME (MS-DTYP 2.3.3): 100-ns intervals since 1601-01-01 UTC. */
public final class FileTime {
    /** 100-ns intervals between 1601-01-01 and 1970-01-01. */
    public static final long EPOCH_DIFF_100NS = 116_444_736_000_000_000L;

    private FileTime() {
    }

    /** FILETIME to nanoseconds since the Unix epoch (saturating for absurd values). */
    public static long toEpochNanos(long fileTime) {
        // Bounds are checked before subtracting: a negative FILETIME near Long.MIN_VALUE would
        // otherwise wrap around to a far-future time.
        if (fileTime > EPOCH_DIFF_100NS + Long.MAX_VALUE / 100) {
            return Long.MAX_VALUE;
        }
        if (fileTime < EPOCH_DIFF_100NS + Long.MIN_VALUE / 100) {
            return Long.MIN_VALUE;
        }
        return (fileTime - EPOCH_DIFF_100NS) * 100;
    }
}
