package io.impacketsensor.core.flow;

import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.core.packet.Frames;
import io.impacketsensor.core.packet.LinkTypes;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Drives a {@link PacketProcessor} with synthetic Ethernet/IPv4 TCP and UDP frames of one
 * client/server pair. Sequence numbers passed to {@link #c2s}/{@link #s2c} are relative to each
 * side's ISN, so a test reads like a transcript.
 */
final class Harness {
    final PacketProcessor proc;
    final List<SensorEvent> events = new ArrayList<>();
    String clientIp = "10.0.0.1";
    String serverIp = "10.0.0.2";
    int clientPort = 50000;
    int serverPort;
    long clientIsn = 1000;
    long serverIsn = 5000;
    long now = 1_700_000_000_000_000_000L;
    /** Each frame advances the clock by this much. */
    long stepNanos = 1_000_000L;

    Harness(FlowLimits limits, int serverPort, AnalyzerFactory... factories) {
        this(limits, BufferBudget.DEFAULT_BYTES, serverPort, factories);
    }

    Harness(FlowLimits limits, long bufferBudgetBytes, int serverPort, AnalyzerFactory... factories) {
        this.serverPort = serverPort;
        this.proc = new PacketProcessor(3, limits, List.of(factories), Expectations.of(limits), events::add,
                bufferBudgetBytes);
    }

    static Harness tcp(int port, RecordingFactory f) {
        return new Harness(FlowLimits.DEFAULTS, port, f);
    }

    /** IPv4 identification of the next TCP frame: a sender numbers each datagram it sends (RFC 791 3.1). */
    int ipId = 1;
    private byte[] last;

    /** The last frame again, byte for byte: a SPAN session that copied it twice. */
    void again() {
        frame(last);
    }

    void frame(byte[] frame) {
        last = frame;
        now += stepNanos;
        proc.process(LinkTypes.ETHERNET, now, frame, frame.length, frame.length);
    }

    /** A client-to-server segment; {@code rel} is relative to the client ISN (1 = first data byte). */
    void c2s(long rel, long ackRel, int flags, String data) {
        byte[] l4 = Frames.tcp(clientPort, serverPort, clientIsn + rel, serverIsn + ackRel, flags, null, bytes(data));
        frame(Frames.ether(Frames.ipv4(clientIp, serverIp, 6, ipId++, 0, null, l4)));
    }

    void s2c(long rel, long ackRel, int flags, String data) {
        byte[] l4 = Frames.tcp(serverPort, clientPort, serverIsn + rel, clientIsn + ackRel, flags, null, bytes(data));
        frame(Frames.ether(Frames.ipv4(serverIp, clientIp, 6, ipId++, 0, null, l4)));
    }

    void handshake() {
        c2s(0, 0, Frames.SYN, "");
        s2c(0, 1, Frames.SYN | Frames.ACK, "");
        c2s(1, 1, Frames.ACK, "");
    }

    void udpC2s(String data) {
        frame(Frames.ether(Frames.ipv4(clientIp, serverIp, 17, Frames.udp(clientPort, serverPort, bytes(data)))));
    }

    void udpS2c(String data) {
        frame(Frames.ether(Frames.ipv4(serverIp, clientIp, 17, Frames.udp(serverPort, clientPort, bytes(data)))));
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    Map<String, Long> counters() {
        Map<String, Long> m = new LinkedHashMap<>();
        proc.reportCounters(m::put);
        return m;
    }

    long counter(String name) {
        Long v = counters().get(name);
        if (v == null) {
            throw new AssertionError("no counter " + name);
        }
        return v;
    }
}
