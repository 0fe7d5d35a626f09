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

    /**
     * As {@link #expect(InetAddress, int, String)}, also saying what the connection there serves
     * ({@code detail}: the interface an ept_map answer mapped to that port), which that connection's
     * analyzer reads with {@link #expectedDetail()}.
     */
    default void expect(InetAddress server, int port, String analyzerName, Object detail) {
        expect(server, port, analyzerName);
    }

    /**
     * What earlier announcements of this flow's server endpoint said besides the protocol, when
     * they agree ({@link #expect(InetAddress, int, String, Object)}); null otherwise.
     */
    default Object expectedDetail() {
        return null;
    }

    /**
     * Ring sequence of the frame being delivered, in a pipeline; -1 outside one. State shared by
     * the workers (what one connection learns for another) is stamped with it, so a flow only
     * sees what earlier frames taught, whichever worker thread happens to run ahead.
     */
    default long frameSequence() {
        return -1;
    }

    /**
     * An account in the worker's {@link BufferBudget} for one buffer that holds bytes across
     * deliveries (a partial PDU): grow it through the account, and let go of the buffer when the
     * owner is asked to. Call once per buffer, when the analyzer is created. Outside a flow table
     * (tests, tools) the account has no limit.
     *
     * @param name  the protocol, named in the anomaly when the buffer is dropped
     * @param owner what drops the buffer
     */
    default BufferBudget.Account bufferAccount(String name, BufferBudget.Owner owner) {
        return BufferBudget.unlimited().account(name, owner);
    }

    /**
     * {@link #bufferAccount(String, BufferBudget.Owner)} with the name and owner of {@code kept}, for
     * an analyzer of an ended flow that serves this one: {@code kept} is its account, released at its
     * close. The same object is given back when it is of this worker's budget and nothing is charged
     * to it, so a pooled analyzer costs no account per connection.
     */
    default BufferBudget.Account bufferAccount(BufferBudget.Account kept) {
        return bufferAccount(kept.name(), kept.owner());
    }
}
