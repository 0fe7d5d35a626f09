package io.impacketsensor.core.testkit;

import io.impacketsensor.core.event.EventHeader;
import io.impacketsensor.core.event.ProtocolAnomaly;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.core.event.Transport;
import io.impacketsensor.core.flow.FlowContext;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * The one {@link FlowContext} of the tests that drive an analyzer directly: fixed endpoints, a
 * settable clock, and the emitted events and announced expectations collected in lists.
 */
public final class RecordingContext implements FlowContext {
    public final List<SensorEvent> events;
    public final List<String> expectations;
    /** The flow's clock; tests move it to cross a timeout. */
    public long now = 1_700_000_000_000_000_000L;
    private final long flowId;
    private final Transport transport;
    private final InetAddress client;
    private final int clientPort;
    private final InetAddress server;
    private final int serverPort;

    /** TCP, loopback port 50000 to loopback port 445, flow 1. */
    public RecordingContext() {
        this(1, InetAddress.getLoopbackAddress(), 50000, InetAddress.getLoopbackAddress(), 445);
    }

    /** Loopback port 50000 to loopback {@code serverPort} over {@code transport}, flow 7. */
    public RecordingContext(Transport transport, int serverPort) {
        this(7, transport, InetAddress.getLoopbackAddress(), 50000, InetAddress.getLoopbackAddress(), serverPort,
                new ArrayList<>(), new ArrayList<>());
    }

    public RecordingContext(long flowId, InetAddress client, int clientPort, InetAddress server, int serverPort) {
        this(flowId, Transport.TCP, client, clientPort, server, serverPort, new ArrayList<>(), new ArrayList<>());
    }

    /** TCP between literal addresses, events and expectations going to the caller's lists. */
    public RecordingContext(long flowId, String client, int clientPort, String server, int serverPort,
                            List<SensorEvent> events, List<String> expectations) {
        this(flowId, Transport.TCP, addr(client), clientPort, addr(server), serverPort, events, expectations);
    }

    private RecordingContext(long flowId, Transport transport, InetAddress client, int clientPort,
                             InetAddress server, int serverPort, List<SensorEvent> events, List<String> expectations) {
        this.flowId = flowId;
        this.transport = transport;
        this.client = client;
        this.clientPort = clientPort;
        this.server = server;
        this.serverPort = serverPort;
        this.events = events;
        this.expectations = expectations;
    }

    private static InetAddress addr(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(s, e);
        }
    }

    @Override
    public long flowId() {
        return flowId;
    }

    @Override
    public Transport transport() {
        return transport;
    }

    @Override
    public long timestampNanos() {
        return now;
    }

    @Override
    public int serverPort() {
        return serverPort;
    }

    @Override
    public int clientPort() {
        return clientPort;
    }

    @Override
    public EventHeader header() {
        return new EventHeader(now, flowId, client, clientPort, server, serverPort, transport);
    }

    @Override
    public void emit(SensorEvent event) {
        events.add(event);
    }

    /** Recorded as {@code server:port:analyzer}. */
    @Override
    public void expect(InetAddress srv, int port, String analyzerName) {
        expectations.add(srv.getHostAddress() + ":" + port + ":" + analyzerName);
    }

    /** Events of one record type, in emission order. */
    public <T> List<T> of(Class<T> type) {
        return of(events, type);
    }

    /** Events of one record type in a list, in order. */
    public static <T> List<T> of(List<SensorEvent> events, Class<T> type) {
        List<T> out = new ArrayList<>();
        for (SensorEvent e : events) {
            if (type.isInstance(e)) {
                out.add(type.cast(e));
            }
        }
        return out;
    }

    /** Names of the anomalies emitted, in order. */
    public List<String> anomalies() {
        List<String> out = new ArrayList<>();
        for (ProtocolAnomaly a : of(ProtocolAnomaly.class)) {
            out.add(a.name());
        }
        return out;
    }
}
