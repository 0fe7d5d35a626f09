package io.impacketsensor.decoders.testutil;

import io.impacketsensor.core.event.EventHeader;
import io.impacketsensor.core.event.ProtocolAnomaly;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.core.event.Transport;
import io.impacketsensor.core.flow.FlowContext;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/** A {@link FlowContext} for tests: collects the emitted events. */
public final class RecordingContext implements FlowContext {
    public final List<SensorEvent> events = new ArrayList<>();
    public long now = 1_700_000_000_000_000_000L;
    private final long flowId;
    private final InetAddress client;
    private final InetAddress server;
    private final int clientPort;
    private final int serverPort;

    public RecordingContext() {
        this(1, InetAddress.getLoopbackAddress(), 50000, InetAddress.getLoopbackAddress(), 445);
    }

    public RecordingContext(long flowId, InetAddress client, int clientPort, InetAddress server, int serverPort) {
        this.flowId = flowId;
        this.client = client;
        this.server = server;
        this.clientPort = clientPort;
        this.serverPort = serverPort;
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
        return new EventHeader(now, flowId, client, clientPort, server, serverPort, Transport.TCP);
    }

    @Override
    public void emit(SensorEvent event) {
        events.add(event);
    }

    @Override
    public void expect(InetAddress s, int port, String analyzerName) {
    }

    /** Events of one record type. */
    public <T> List<T> of(Class<T> type) {
        List<T> out = new ArrayList<>();
        for (SensorEvent e : events) {
            if (type.isInstance(e)) {
                out.add(type.cast(e));
            }
        }
        return out;
    }

    /** Names of the anomalies emitted. */
    public List<String> anomalies() {
        List<String> out = new ArrayList<>();
        for (ProtocolAnomaly a : of(ProtocolAnomaly.class)) {
            out.add(a.name());
        }
        return out;
    }
}
