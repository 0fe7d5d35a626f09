package io.impacketsensor.decoders.dcerpc;

import io.impacketsensor.core.event.DcerpcEvent;
import io.impacketsensor.core.event.ProtocolAnomaly;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.core.flow.Expectations;
import io.impacketsensor.core.flow.FlowLimits;
import io.impacketsensor.core.flow.PacketProcessor;
import io.impacketsensor.core.packet.Frames;
import io.impacketsensor.core.packet.LinkTypes;
import io.impacketsensor.decoders.Decoders;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A DCE/RPC connection on a dynamic port picked up in the middle of a PDU (no SYN, no ept_map):
 * the client's first bytes are the tail of a BIND, the server's first bytes a BIND_ACK. Modelled on
 * nDPI {@code kerberos.pcap} frames 21-23 (a DRSUAPI connection to 49155 whose first captured
 * client segment is the last 375 bytes of a Kerberos-authenticated BIND, then the BIND_ACK and an
 * ALTER_CONTEXT for DRSUAPI); the capture is LGPL-3.0, so the frames here are synthetic (Pdus,
 * Frames) with the same shape.
 */
class DcerpcMidStreamTest {
    private static final UUID DRSUAPI = UUID.fromString("e3514235-4b06-11d1-ab04-00c04fc2dcd2");
    private static final String CLIENT = "172.16.8.201";
    private static final String SERVER = "172.16.8.8";
    private static final int CPORT = 49165;
    private static final int SPORT = 49155;
    private static final int DA = Frames.ACK | Frames.PSH;

    private final List<SensorEvent> events = new ArrayList<>();
    private final PacketProcessor proc = new PacketProcessor(0, FlowLimits.DEFAULTS, Decoders.forWorker(),
            Expectations.of(FlowLimits.DEFAULTS), events::add);
    private long now = 1_000_000_000L;
    private long cSeq = 1000;
    private long sSeq = 5000;

    private void c2s(int flags, byte[] payload) {
        send(CLIENT, SERVER, CPORT, SPORT, cSeq, sSeq, flags, payload);
        cSeq += payload.length + ((flags & Frames.SYN) != 0 ? 1 : 0);
    }

    private void s2c(int flags, byte[] payload) {
        send(SERVER, CLIENT, SPORT, CPORT, sSeq, cSeq, flags, payload);
        sSeq += payload.length + ((flags & Frames.SYN) != 0 ? 1 : 0);
    }

    private void send(String src, String dst, int sp, int dp, long seq, long ack, int flags, byte[] payload) {
        byte[] f = Frames.ether(Frames.ipv4(src, dst, 6, Frames.tcp(sp, dp, seq, ack, flags, null, payload)));
        now += 1_000_000L;
        proc.process(LinkTypes.ETHERNET, now, f, f.length, f.length);
    }

    /** The last 375 bytes of an earlier PDU: not a header (the first byte is not rpc_vers 5). */
    private static byte[] tail() {
        byte[] t = new byte[375];
        Arrays.fill(t, (byte) 0x38);
        return t;
    }

    private void bindTailAckAlterRequest() {
        c2s(DA, tail());
        s2c(DA, Pdus.bindAck(2, 3));
        c2s(DA, Pdus.bind(14, 2, DRSUAPI));
        byte[] resp = Pdus.bindAck(2, 1);
        resp[2] = 15; // ALTER_CONTEXT_RESP
        s2c(DA, resp);
        c2s(DA, Pdus.request(3, 0, 3, 3, new byte[16]));
        proc.finish();
    }

    @Test
    void aConnectionPickedUpInsideABindIsDecodedFromTheServersBindAck() {
        bindTailAckAlterRequest();
        List<String> got = new ArrayList<>();
        for (SensorEvent e : events) {
            if (e instanceof DcerpcEvent.DcerpcBind b && b.requestLost()) {
                got.add("ack without its bind, call_id " + b.callId());
            } else if (e instanceof DcerpcEvent.DcerpcBind b) {
                got.add("bind alter=" + b.alterContext() + " " + b.contexts().get(0).interfaceUuid());
            } else if (e instanceof DcerpcEvent.DcerpcRequest r) {
                got.add("request " + r.interfaceUuid() + " " + r.opnum());
            } else if (e instanceof ProtocolAnomaly a) {
                got.add(a.name() + " " + a.detail());
            }
        }
        // The BIND_ACK of the bind whose tail began the capture is a transaction of its own (Suricata's REQUEST_LOST).
        assertEquals(List.of("dcerpc.gap 375 bytes", "ack without its bind, call_id 2", "bind alter=true " + DRSUAPI,
                "request " + DRSUAPI + " 3"), got);
    }

    @Test
    void theSameBytesAfterAHandshakeAreNotDceRpc() {
        // With the SYN seen, the client's first bytes are the start of the stream: not DCE/RPC.
        cSeq--;
        sSeq--;
        c2s(Frames.SYN, new byte[0]);
        s2c(Frames.SYN | Frames.ACK, new byte[0]);
        bindTailAckAlterRequest();
        assertEquals(List.of(), events.stream().filter(e -> e instanceof DcerpcEvent || e instanceof ProtocolAnomaly).toList());
    }
}
