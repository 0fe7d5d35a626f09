package io.impacketsensor.core.event;

import java.net.InetAddress;
import java.util.Objects;

/**
 * What every event carries. Client and server are the flow's initiator and responder (for a
 * mid-stream pickup, the side that talks to the well-known port is the server).
 *
 * <p>The parts that stay the same for a flow's life (its id, addresses, ports, transport: its
 * {@link Ends}) are one object shared by the headers of all its events, so a header is a time and
 * a reference: a header is made for nearly every event a worker emits, and a flow emits many.
 * Equality, hash code and text are those of a record of the seven values, so events compare and
 * print as they would with the values held in the header itself.
 */
public final class EventHeader {
    private final long timestampNanos;
    private final Ends ends;

    /**
     * @param timestampNanos capture time of the packet that completed the event, ns since the epoch
     * @param flowId         the flow's id, stable for the flow's life and unique within a run
     * @param clientIp       the initiator's address
     * @param clientPort     the initiator's port (0 when the transport has none)
     * @param serverIp       the responder's address
     * @param serverPort     the responder's port
     * @param transport      TCP or UDP
     */
    public EventHeader(long timestampNanos, long flowId, InetAddress clientIp, int clientPort,
                       InetAddress serverIp, int serverPort, Transport transport) {
        this(timestampNanos, new Ends(flowId, clientIp, clientPort, serverIp, serverPort, transport));
    }

    /** A header at {@code timestampNanos} for the flow and roles {@code ends} name. */
    public EventHeader(long timestampNanos, Ends ends) {
        this.timestampNanos = timestampNanos;
        this.ends = Objects.requireNonNull(ends, "ends");
    }

    /**
     * The flow's id, addresses, ports and transport, as the flow's roles stand: immutable, shared
     * by the headers of a flow's events.
     */
    public record Ends(long flowId, InetAddress clientIp, int clientPort, InetAddress serverIp, int serverPort,
                       Transport transport) {
    }

    /** Capture time of the packet that completed the event, ns since the epoch. */
    public long timestampNanos() {
        return timestampNanos;
    }

    /** The flow's id, stable for the flow's life and unique within a run. */
    public long flowId() {
        return ends.flowId;
    }

    /** The initiator's address. */
    public InetAddress clientIp() {
        return ends.clientIp;
    }

    /** The initiator's port (0 when the transport has none). */
    public int clientPort() {
        return ends.clientPort;
    }

    /** The responder's address. */
    public InetAddress serverIp() {
        return ends.serverIp;
    }

    /** The responder's port. */
    public int serverPort() {
        return ends.serverPort;
    }

    /** TCP or UDP. */
    public Transport transport() {
        return ends.transport;
    }

    /** The flow and roles this header names. */
    public Ends ends() {
        return ends;
    }

    @Override
    public boolean equals(Object o) {
        return this == o || o instanceof EventHeader h && timestampNanos == h.timestampNanos
                && (ends == h.ends || ends.equals(h.ends));
    }

    /** The hash a record of the seven values in this order has (31 × h + the component's hash). */
    @Override
    public int hashCode() {
        int h = Long.hashCode(timestampNanos);
        h = 31 * h + Long.hashCode(ends.flowId);
        h = 31 * h + Objects.hashCode(ends.clientIp);
        h = 31 * h + Integer.hashCode(ends.clientPort);
        h = 31 * h + Objects.hashCode(ends.serverIp);
        h = 31 * h + Integer.hashCode(ends.serverPort);
        return 31 * h + Objects.hashCode(ends.transport);
    }

    @Override
    public String toString() {
        return "EventHeader[timestampNanos=" + timestampNanos + ", flowId=" + ends.flowId
                + ", clientIp=" + ends.clientIp + ", clientPort=" + ends.clientPort
                + ", serverIp=" + ends.serverIp + ", serverPort=" + ends.serverPort
                + ", transport=" + ends.transport + "]";
    }
}
