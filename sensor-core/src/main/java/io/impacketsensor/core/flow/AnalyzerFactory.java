package io.impacketsensor.core.flow;

import io.impacketsensor.core.event.Transport;
import io.impacketsensor.core.spi.CounterVisitor;
import io.impacketsensor.core.wire.ProbeResult;

/**
 * Creates the analyzer of one protocol for new flows, and says which flows are its. One factory
 * instance per decode worker (so its counters are plain fields written by one thread).
 */
public interface AnalyzerFactory {

    /** Stable protocol name used in counters and config ({@code smb2}, {@code dcerpc}, ...). */
    String name();

    /** True when flows to this server port are probably this protocol (e.g. 445 and 139 for smb2). */
    boolean wantsPort(Transport transport, int serverPort);

    /**
     * True when this protocol may also appear on ports it does not name (DCE/RPC on dynamic
     * ports): the registry then probes unclaimed TCP flows with it.
     */
    default boolean probesAnyPort() {
        return false;
    }

    /**
     * Looks at the first payload bytes of a flow in one direction and says whether they are this
     * protocol. Called until it answers MATCH or NO_MATCH (or a probe byte limit is reached).
     */
    ProbeResult probe(Transport transport, Direction dir, byte[] buf, int off, int len);

    /** A new analyzer for a flow whose probe matched. */
    FlowAnalyzer create(FlowContext ctx);

    /** Reports this factory's counters ({@code proto.<name>.pdus}, {@code .parser_error}, ...). */
    void reportCounters(CounterVisitor visitor);
}
