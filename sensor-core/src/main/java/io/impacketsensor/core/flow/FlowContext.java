package io.impacketsensor.core.flow;

import io.impacketsensor.core.event.EventHeader;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.core.event.Transport;

import java.net.InetAddress;

/**
 * What an analyzer may know and do about its flow. Implemented by the flow layer; one instance
 * per flow, reused as the flow lives.
 */
public interface FlowContext {

    /** The flow's id, unique within a run. */
    long flowId();

    /** TCP or UDP. */
    Transport transport();

    /** Capture time of the packet being delivered, ns since the epoch. */
    long timestampNanos();

    /** The server (responder) port. */
    int serverPort();

    /** The client (initiator) port. */
    int clientPort();

    /**
     * A header for an event being created now (current timestamp). Allocates: call it only when
     * an event is created.
     */
    EventHeader header();

    /** Hands an event to the engine. */
    void emit(SensorEvent event);

    /**
     * Declares that a later TCP connection to {@code server}:{@code port} carries the named
     * protocol (an endpoint-mapper answer naming a dynamic DCE/RPC port), so the registry picks
     * that analyzer for it without waiting for a port rule.
     */
    void expect(InetAddress server, int port, String analyzerName);
}
