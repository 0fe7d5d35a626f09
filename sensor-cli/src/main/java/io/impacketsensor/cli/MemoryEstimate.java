package io.impacketsensor.cli;

import io.impacketsensor.core.flow.FlowLimits;
import io.impacketsensor.detection.config.EngineConfig;

import java.util.Locale;

/**
 * The heap the sensor's bounded tables can come to hold with a configuration, checked against
 * {@link Runtime#maxMemory()} before anything is allocated: a table sized beyond the heap must be
 * refused at start with the key to change, not end in an {@code OutOfMemoryError} once traffic
 * (an attacker's SYN scan fills the flow table) reaches the configured size.
 *
 * <p>The per-item figures were measured on a 64-bit JVM with compressed references (heap used
 * before and after allocating 10^5..10^6 items, after GC); they are the full-table worst case, not
 * the start-up footprint.
 */
final class MemoryEstimate {
    /** One capture-ring slot: a FrameSlot with its 2 KB frame buffer (measured 2,138 B) + the ring's reference. */
    static final long RING_SLOT_BYTES = 2_144;
    /**
     * One event-ring slot of one worker: its three array cells (20 B) and the event it can hold
     * until the engine takes it (a decoded record with its strings: measured 198 B on average over
     * the 15,790 events of ten passes over the lab captures, rounded up to 256 B).
     */
    static final long EVENT_SLOT_BYTES = 276;
    /**
     * One flow: its flow-table slot (parallel key/list arrays and the index, measured 89 B) and the
     * Flow object with its context once a packet created it (measured 472 B), rounded up.
     */
    static final long FLOW_BYTES = 576;
    /** Capture buffers for oversized (GRO/TSO) frames: 128 x 64 KB, shared by the workers. */
    static final long OVERSIZE_BYTES = 128L * 64 * 1024;
    /**
     * One tracked source of the detection engine with one account, before its sliding windows
     * (measured ~900 B per distinct source of flat authentication events, less the one window
     * those allocate), rounded up.
     */
    static final long SOURCE_BYTES = 768;
    /** Object and array headers of one sliding window (RateWindow or DistinctWindow). */
    private static final long WINDOW_OVERHEAD = 40;
    /** The JVM's own objects, the detection engine at start, the decoders' tables, EVE and HTTP. */
    static final long BASE_BYTES = 64L << 20;

    private MemoryEstimate() {
    }

    /** One blocklist entry with its index nodes (measured 234 B at 500,000 entries), rounded up. */
    static final long BLOCK_ENTRY_BYTES = 250;

    /**
     * Bytes of one worker's fixed pools at their limits: the probe buffers and the IP fragments a
     * peer can make it hold (not configurable; fixed per worker). Out-of-order TCP data is not
     * counted here: it is charged to flow.buffer_budget_mb with the decoders' partial PDUs.
     */
    static long reassemblyPerWorker(FlowLimits l) {
        return (long) l.probeMaxBuffers() * l.probeMaxBytes() + l.fragMaxTotalBytes();
    }

    /** The whole estimate for {@code c} (its workers are the effective count, after {@code --workers}). */
    static long total(CaptureConfig c, EngineConfig e) {
        return BASE_BYTES + OVERSIZE_BYTES + rings(c) + events(c) + flows(c)
                + c.workers() * reassemblyPerWorker(c.flowLimits()) + c.bufferBudgetBytes() + sources(e)
                + blocks(e);
    }

    /** The blocklist when full (engine.blocking.max_entries). */
    static long blocks(EngineConfig e) {
        return e.blocking().maxEntries() * BLOCK_ENTRY_BYTES;
    }

    /**
     * The tracked sources when full, each with every sliding window a peer can make it allocate:
     * a rate window keeps threshold+1 timestamps (8 B), a distinct window as many hash+time pairs
     * (12 B), so raising a behaviour threshold costs per source (at the defaults ~2.6 KB a source).
     * Checked against the engine's MemoryFootprint benchmark (session, authentication, failure and
     * TGS windows per source): 1,527 B measured, 1,512 B by this formula for the same windows.
     */
    static long sources(EngineConfig e) {
        EngineConfig.Behaviour b = e.behaviour();
        // auth, failed, SMB sessions, TGS, LDAP searches and the 5-logon Netlogon burst: rate windows.
        long rate = 8L * (b.authAttemptsPerMinute() + b.failedAuthThreshold() + b.smbSessionsPerMinute()
                + b.tgsRequestsThreshold() + b.ldapSearchesPerMinute() + 5 + 6);
        // failed accounts (at least 16 slots), unknown principals, RC4 SPNs (8 slots): distinct windows.
        long distinct = 12L * (Math.max(16, b.sprayAccounts()) + b.unknownPrincipalThreshold() + 1 + 8);
        return b.maxTrackedIps() * (SOURCE_BYTES + rate + distinct + 9 * WINDOW_OVERHEAD);
    }

    private static long rings(CaptureConfig c) {
        return c.ringSize() * RING_SLOT_BYTES;
    }

    private static long events(CaptureConfig c) {
        return (long) c.workers() * c.eventRingSize() * EVENT_SLOT_BYTES;
    }

    private static long flows(CaptureConfig c) {
        return (long) c.workers() * c.maxFlows() * FLOW_BYTES;
    }

    /**
     * Null when {@code c} fits in {@code maxMemory} bytes of heap; else one line naming the key
     * whose tables take the most and what the whole needs, e.g. {@code flow.max_flows=4000000 needs
     * ~4.3 GB of heap with 2 workers (the sensor in all ~4.8 GB); the JVM has 512 MB (-Xmx)}.
     */
    static String check(CaptureConfig c, EngineConfig e, long maxMemory) {
        long total = total(c, e);
        if (total <= maxMemory) {
            return null;
        }
        // The key of the largest part is the one to change; the reassembly pools grow only with workers.
        long[] parts = {flows(c), rings(c), events(c), c.workers() * reassemblyPerWorker(c.flowLimits()), sources(e),
            c.bufferBudgetBytes(), blocks(e)};
        String[] keys = {"flow.max_flows=" + c.maxFlows(), "pipeline.ring_size=" + c.ringSize(),
            "pipeline.event_ring_size=" + c.eventRingSize(), "pipeline.workers=" + c.workers(),
            "engine.behaviour.max_tracked_ips=" + e.behaviour().maxTrackedIps(),
            "flow.buffer_budget_mb=" + c.bufferBudgetMb(), "engine.blocking.max_entries=" + e.blocking().maxEntries()};
        int max = 0;
        for (int i = 1; i < parts.length; i++) {
            if (parts[i] > parts[max]) {
                max = i;
            }
        }
        String what = keys[max];
        long need = parts[max];
        if (c.workers() > 1 && total(c.withWorkers(1), e) <= maxMemory) {
            // One worker would fit: the worker count is what to change, whatever part is largest.
            what = keys[3];
            need = total - total(c.withWorkers(1), e);
        }
        return String.format(Locale.ROOT, "%s needs ~%s of heap with %d worker%s (the sensor in all ~%s); "
                + "the JVM has %s (-Xmx): lower the value or raise -Xmx", what, size(need), c.workers(),
                c.workers() == 1 ? "" : "s", size(total), size(maxMemory));
    }

    /** 512 MB, 1.9 GB: binary units, as -Xmx counts them. */
    static String size(long bytes) {
        double mb = bytes / (double) (1 << 20);
        if (mb < 1024) {
            return String.format(Locale.ROOT, "%.0f MB", Math.ceil(mb));
        }
        return String.format(Locale.ROOT, "%.1f GB", mb / 1024);
    }
}
