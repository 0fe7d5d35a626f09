package io.impacketsensor.cli;

import io.impacketsensor.core.flow.FlowLimits;
import io.impacketsensor.core.pipeline.PipelineOptions;


/**
 * The packet-path keys of the YAML config file, read and validated by {@link SensorConfig}:
 *
 * <pre>
 * pipeline:
 *   workers: 1            # decode workers (flow hash % N); 1 is best on 2 cores
 *   ring_size: 16384      # capture ring slots (power of two, 2 KB each)
 *   event_ring_size: 8192 # event ring slots (power of two)
 * flow:
 *   max_flows: 65536      # per worker; the oldest idle flow is evicted beyond it
 * </pre>
 */
record CaptureConfig(int workers, int ringSize, int eventRingSize, int maxFlows) {
    static final CaptureConfig DEFAULTS = new CaptureConfig(1, 16384, 8192, FlowLimits.DEFAULTS.maxFlows());

    PipelineOptions pipeline(int workersOverride) {
        return new PipelineOptions(workersOverride > 0 ? workersOverride : workers, ringSize, eventRingSize, 1000);
    }

    FlowLimits flowLimits() {
        return FlowLimits.DEFAULTS.withMaxFlows(maxFlows);
    }
}
