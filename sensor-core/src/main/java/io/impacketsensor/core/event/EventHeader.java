package io.impacketsensor.core.event;

import java.net.Inet4Address;
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
     * by the headers of a flow's events. It compares, hashes and prints as a record of these six
     * values. It also holds each IPv4 address as a number ({@link #clientIpv4()}), taken once when
     * made: the detection engine keys its per-host state by it, and reading it from here costs no
     * trip through the {@code InetAddress} and its holder, two objects per address that are rarely
     * in the processor's cache when an event from one of many hosts comes in.
     */
    public static final class Ends {
        private final long flowId;
        private final InetAddress clientIp;
        private final int clientPort;
        private final InetAddress serverIp;
        private final int serverPort;
        private final Transport transport;
        private final long clientIpv4;
        private final long serverIpv4;

        public Ends(long flowId, InetAddress clientIp, int clientPort, InetAddress serverIp, int serverPort,
                    Transport transport) {
            this.flowId = flowId;
            this.clientIp = clientIp;
            this.clientPort = clientPort;
            this.serverIp = serverIp;
            this.serverPort = serverPort;
            this.transport = transport;
            this.clientIpv4 = ipv4(clientIp);
            this.serverIpv4 = ipv4(serverIp);
        }

        /**
         * An IPv4 address as an unsigned 32-bit number ({@code 10.0.0.1} is {@code 0x0A000001}), or
         * -1 for an IPv6 address or none.
         */
        public static long ipv4(InetAddress a) {
            // Inet4Address.hashCode() is the address itself, read without copying it.
            return a instanceof Inet4Address ? a.hashCode() & 0xFFFF_FFFFL : -1;
        }

        public long flowId() {
            return flowId;
        }

        public InetAddress clientIp() {
            return clientIp;
        }

        public int clientPort() {
            return clientPort;
        }

        public InetAddress serverIp() {
            return serverIp;
        }

        public int serverPort() {
            return serverPort;
        }

        public Transport transport() {
            return transport;
        }

        /** The initiator's IPv4 address as a number ({@link #ipv4}), or -1 when it is IPv6. */
        public long clientIpv4() {
            return clientIpv4;
        }

        /** The responder's IPv4 address as a number ({@link #ipv4}), or -1 when it is IPv6. */
        public long serverIpv4() {
            return serverIpv4;
        }

        @Override
        public boolean equals(Object o) {
            return this == o || o instanceof Ends e && flowId == e.flowId && clientPort == e.clientPort
                    && serverPort == e.serverPort && Objects.equals(clientIp, e.clientIp)
                    && Objects.equals(serverIp, e.serverIp) && transport == e.transport;
        }

        /** The hash a record of the six values in this order has (31 × h + the component's hash). */
        @Override
        public int hashCode() {
            int h = Long.hashCode(flowId);
            h = 31 * h + Objects.hashCode(clientIp);
            h = 31 * h + Integer.hashCode(clientPort);
            h = 31 * h + Objects.hashCode(serverIp);
            h = 31 * h + Integer.hashCode(serverPort);
            return 31 * h + Objects.hashCode(transport);
        }

        @Override
        public String toString() {
            return "Ends[flowId=" + flowId + ", clientIp=" + clientIp + ", clientPort=" + clientPort
                    + ", serverIp=" + serverIp + ", serverPort=" + serverPort + ", transport=" + transport + "]";
        }
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

    /** The initiator's IPv4 address as a number ({@link Ends#ipv4}), or -1 when it is IPv6. */
    public long clientIpv4() {
        return ends.clientIpv4;
    }

    /** The responder's IPv4 address as a number ({@link Ends#ipv4}), or -1 when it is IPv6. */
    public long serverIpv4() {
        return ends.serverIpv4;
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
