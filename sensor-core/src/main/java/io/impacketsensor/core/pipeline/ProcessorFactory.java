package io.impacketsensor.core.pipeline;

import io.impacketsensor.core.event.EventSink;
import io.impacketsensor.core.spi.FrameProcessor;

/** Creates the {@link FrameProcessor} of one decode worker. */
@FunctionalInterface
public interface ProcessorFactory {
    /**
     * @param worker  this worker's index, 0..workers-1
     * @param workers number of workers
     * @param events  where the worker's analyzers emit events: this worker's queue of ring #2, for
     *                its thread only; it is also the worker's {@link EventOrder}
     */
    FrameProcessor create(int worker, int workers, EventSink events);
}
