package io.impacketsensor.decoders.dcerpc;

import io.impacketsensor.core.event.EventHeader;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.core.event.Transport;
import io.impacketsensor.core.flow.FlowContext;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/** A FlowContext for tests: fixed endpoints, events and expectations collected in lists. */
final class RecordingContext implements FlowContext {
    final List<SensorEvent> events;
    final List<String> expectations;
    private final long flowId;
    private final InetAddress client;
    private final int clientPort;
    private final InetAddress server;
    private final int serverPort;

    RecordingContext(long flowId, String client, int clientPort, String server, int serverPort,
                     List<SensorEvent> events, List<String> expectations) {
        this.flowId = flowId;
        this.client = addr(client);
        this.clientPort = clientPort;
        this.server = addr(server);
        this.serverPort = serverPort;
        this.events = events;
        this.expectations = expectations;
    }

    RecordingContext() {
        this(1, "10.0.0.2", 50000, "10.0.0.1", 135, new ArrayList<>(), new ArrayList<>());
    }

    private static InetAddress addr(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(s, e);
        }
    }

    @Override
    public long flowId() {
        return flowId;
    }

    @Override
    public Transport transport() {
        return Transport.TCP;
    }

    @Override
    public long timestampNanos() {
        return 1_700_000_000_000_000_000L;
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
        return new EventHeader(timestampNanos(), flowId, client, clientPort, server, serverPort, Transport.TCP);
    }

    @Override
    public void emit(SensorEvent event) {
        events.add(event);
    }

    @Override
    public void expect(InetAddress srv, int port, String analyzerName) {
        expectations.add(srv.getHostAddress() + ":" + port + ":" + analyzerName);
    }
}
