/**
 * The small interfaces that the capture, packet, flow and pipeline packages share:
 * {@link io.impacketsensor.core.spi.FrameProcessor} (implemented by the flow package, driven by
 * the pipeline), {@link io.impacketsensor.core.spi.FrameClassifier} (implemented by the packet
 * package, called by the pipeline's capture thread), {@link io.impacketsensor.core.spi.EventOrder}
 * (the pipeline's sink tells the flow package where its events sit) and
 * {@link io.impacketsensor.core.spi.CounterVisitor}. They live here, depending on nothing, so that
 * the packages form a line (capture, packet, flow, pipeline) rather than a cycle; a
 * package-dependency test keeps it so.
 */
package io.impacketsensor.core.spi;
