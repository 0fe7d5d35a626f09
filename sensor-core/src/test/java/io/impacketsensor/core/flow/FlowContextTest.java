package io.impacketsensor.core.flow;

import io.impacketsensor.core.event.EventHeader;
import io.impacketsensor.core.event.ProtocolAnomaly;
import io.impacketsensor.core.event.Transport;
import io.impacketsensor.core.packet.Frames;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/** FlowContext: header materialisation (IPv4, IPv6) and emit() to the sink (synthetic frames). */
class FlowContextTest {

    @Test
    void headerAndEmitIpv4() throws Exception {
        RecordingFactory f = new RecordingFactory("rec", "", false, 445);
        Harness h = Harness.tcp(445, f);
        h.handshake();
        h.c2s(1, 1, Frames.ACK | Frames.PSH, "x");
        FlowContext ctx = f.only().ctx;
        EventHeader hd = ctx.header();
        assertEquals(InetAddress.getByName("10.0.0.1"), hd.clientIp());
        assertEquals(50000, hd.clientPort());
        assertEquals(InetAddress.getByName("10.0.0.2"), hd.serverIp());
        assertEquals(445, hd.serverPort());
        assertEquals(Transport.TCP, hd.transport());
        assertEquals(ctx.flowId(), hd.flowId());
        assertEquals(h.now, hd.timestampNanos(), "the time of the packet being delivered");
        ProtocolAnomaly a = new ProtocolAnomaly(hd, "test.anomaly", "detail");
        ctx.emit(a);
        assertEquals(1, h.events.size());
        assertSame(a, h.events.get(0));
        assertEquals(1, h.counter("events.emitted"));
    }

    @Test
    void headerIpv6Udp() throws Exception {
        RecordingFactory f = new RecordingFactory("krb", "", false, 88);
        Harness h = new Harness(FlowLimits.DEFAULTS, 88, f);
        byte[] l4 = Frames.udp(88, 51000, new byte[] {1});
        h.frame(Frames.ether(Frames.ipv6("2001:db8::88", "2001:db8:0:0:ffff::1", 17, null, l4)));
        EventHeader hd = f.only().ctx.header();
        assertEquals(InetAddress.getByName("2001:db8:0:0:ffff::1"), hd.clientIp());
        assertEquals(InetAddress.getByName("2001:db8::88"), hd.serverIp());
        assertEquals(51000, hd.clientPort());
        assertEquals(88, hd.serverPort());
        assertEquals(Transport.UDP, hd.transport());
    }
}
