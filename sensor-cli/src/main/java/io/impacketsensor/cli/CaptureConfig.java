package io.impacketsensor.cli;

import io.impacketsensor.core.flow.BufferBudget;
import io.impacketsensor.core.flow.FlowLimits;
import io.impacketsensor.core.pipeline.PipelineOptions;
import io.impacketsensor.decoders.DecoderConfig;


/**
 * The packet-path keys of the YAML config file, read and validated by {@link SensorConfig}:
 *
 * <pre>
 * pipeline:
 *   workers: 1            # decode workers (flow hash % N); 1 is best on 2 cores. 1..64
 *   ring_size: 16384      # capture ring slots (power of two, 2 KB each). 64..1048576
 *   event_ring_size: 8192 # event ring slots per worker (power of two). 64..1048576
 * flow:
 *   max_flows: 65536      # per worker; the oldest idle flow is evicted beyond it. 1..4194304
 *   buffer_budget_mb: 64  # partial PDUs + out-of-order holds of all flows, split evenly over the workers
 * decoders:
 *   smb2:
 *     max_pdu_size: 8454144  # every XxxLimits component, see DecoderLimits
 * </pre>
 *
 * <p>The ranges bound each key alone; {@link MemoryEstimate} checks them together against the heap.
 */
record CaptureConfig(int workers, int ringSize, int eventRingSize, int maxFlows, int bufferBudgetMb,
                     DecoderConfig decoders) {
    /** With the default decoder limits. */
    CaptureConfig(int workers, int ringSize, int eventRingSize, int maxFlows, int bufferBudgetMb) {
        this(workers, ringSize, eventRingSize, maxFlows, bufferBudgetMb, DecoderConfig.defaults());
    }

    /** flow.buffer_budget_mb: default and range (MiB for the whole process). */
    static final int DEFAULT_BUFFER_BUDGET_MB = (int) (BufferBudget.DEFAULT_BYTES >> 20);
    static final int MIN_BUFFER_BUDGET_MB = 1;
    static final int MAX_BUFFER_BUDGET_MB = 4096;
    static final CaptureConfig DEFAULTS = new CaptureConfig(1, 16384, 8192, FlowLimits.DEFAULTS.maxFlows(),
            DEFAULT_BUFFER_BUDGET_MB);
    /** Largest pipeline.ring_size and pipeline.event_ring_size: 2.1 GB of capture slots, 276 MB of event slots per worker. */
    static final int MAX_RING_SIZE = 1 << 20;
    /** Largest flow.max_flows: 2.3 GB of flow state per worker when full. */
    static final int MAX_FLOWS = 1 << 22;

    /** With {@code --workers} applied (null: the configured count). */
    CaptureConfig withWorkers(Integer n) {
        return n == null ? this : new CaptureConfig(n, ringSize, eventRingSize, maxFlows, bufferBudgetMb, decoders);
    }

    /** flow.buffer_budget_mb in bytes, for the whole process (each worker gets its share). */
    long bufferBudgetBytes() {
        return (long) bufferBudgetMb << 20;
    }

    PipelineOptions pipeline(int workersOverride) {
        return new PipelineOptions(workersOverride > 0 ? workersOverride : workers, ringSize, eventRingSize, 1000);
    }

    FlowLimits flowLimits() {
        return FlowLimits.DEFAULTS.withMaxFlows(maxFlows);
    }
}
