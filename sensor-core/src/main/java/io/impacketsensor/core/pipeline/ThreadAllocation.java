package io.impacketsensor.core.pipeline;

import java.lang.management.ManagementFactory;

/**
 * Bytes allocated by the current thread (HotSpot's {@code com.sun.management.ThreadMXBean}), or
 * -1 where the JVM does not tell. Read at thread start and end only, to show that the packet
 * path allocates nothing per packet.
 */
public final class ThreadAllocation {
    private static final java.lang.management.ThreadMXBean MX = ManagementFactory.getThreadMXBean();

    private ThreadAllocation() {
    }

    public static long current() {
        if (MX instanceof com.sun.management.ThreadMXBean hs && hs.isThreadAllocatedMemorySupported()
                && hs.isThreadAllocatedMemoryEnabled()) {
            return hs.getCurrentThreadAllocatedBytes();
        }
        return -1;
    }
}
