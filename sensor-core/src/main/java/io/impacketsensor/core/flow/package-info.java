/**
 * Flows and application analysis. The SPI ({@link io.impacketsensor.core.flow.FlowAnalyzer},
 * {@link io.impacketsensor.core.flow.AnalyzerFactory}, {@link io.impacketsensor.core.flow.FlowContext})
 * is what the protocol decoders implement. {@link io.impacketsensor.core.flow.PacketProcessor} is
 * the decode worker: a bounded flow table keyed on primitives with idle timeouts per state, TCP
 * reassembly per direction (retransmissions, overlaps with first-copy-wins, bounded out-of-order
 * window, gaps reported through {@code onGap}, mid-stream pickup, sequence wraparound, FIN/RST),
 * and the {@link io.impacketsensor.core.flow.AnalyzerRegistry} that picks an analyzer by port,
 * probe or expectation. Every peer-controlled quantity is bounded by
 * {@link io.impacketsensor.core.flow.FlowLimits}. See {@code docs/dev/flow.md}.
 */
package io.impacketsensor.core.flow;
