package io.impacketsensor.detection;

import com.fasterxml.jackson.databind.JsonNode;
import io.impacketsensor.core.event.Carrier;
import io.impacketsensor.core.event.DcerpcEvent;
import io.impacketsensor.core.event.EventHeader;
import io.impacketsensor.core.event.KerberosEvent;
import io.impacketsensor.core.event.NtlmEvent;
import io.impacketsensor.core.event.RpcArgs;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.core.event.SmbEvent;
import io.impacketsensor.core.event.Transport;
import io.impacketsensor.detection.config.EngineConfig;
import io.impacketsensor.detection.eve.EveAlertWriter;
import io.impacketsensor.detection.model.AnalysisResult;
import io.impacketsensor.detection.response.AllowListMatcher;
import io.impacketsensor.detection.response.BlocklistStore;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

/**
 * Test harness: an engine whose alerts go to an EVE buffer (validated against the schema on read),
 * and synthetic typed events (the records the decoders produce; values from INDICATORS.md).
 */
final class Harness {
    static final long T0 = 1_800_000_000L * 1_000_000_000L;
    final ImpacketProtection engine;
    private final ByteArrayOutputStream eve = new ByteArrayOutputStream();
    private final EveAlertWriter writer = new EveAlertWriter(eve);
    private long flow = 100;

    Harness() {
        this(EngineConfig.defaults());
    }

    Harness(EngineConfig cfg) {
        engine = new ImpacketProtection(cfg, BlocklistStore.NONE, () -> T0);
        engine.setAlertSink(writer);
    }

    AnalysisResult feed(SensorEvent... events) {
        AnalysisResult last = AnalysisResult.BENIGN;
        for (SensorEvent e : events) {
            last = engine.analyze(e);
        }
        return last;
    }

    /** All alerts so far, each validated against the EVE schema. */
    List<JsonNode> alerts() throws Exception {
        writer.flush();
        return EveSchema.validate(eve.toString(StandardCharsets.UTF_8));
    }

    static InetAddress ip(String s) {
        return AllowListMatcher.parseAddress(s);
    }

    EventHeader h(String client, String server, int port, int sec) {
        return new EventHeader(T0 + sec * 1_000_000_000L, flow++, ip(client), 50000, ip(server), port, Transport.TCP);
    }

    EventHeader hf(long flowId, String client, String server, int port, int sec) {
        return new EventHeader(T0 + sec * 1_000_000_000L, flowId, ip(client), 50000, ip(server), port, Transport.TCP);
    }

    SmbEvent.SmbTreeConnect tree(String c, String s, int sec, String share) {
        return new SmbEvent.SmbTreeConnect(h(c, s, 445, sec), 1, 1, "\\\\" + s + "\\" + share, share.equals("IPC$") ? 2 : 1, 0);
    }

    SmbEvent.SmbCreate create(String c, String s, int sec, String share, String name, boolean pipe, boolean write) {
        return new SmbEvent.SmbCreate(h(c, s, 445, sec), 1, 1, "\\\\" + s + "\\" + share, name, pipe,
                write ? 0x0012019F : 0x00120089, write ? 5 : 1, 0x40, 0x80, 2, 0, 1, 0);
    }

    SmbEvent.SmbRead read(String c, String s, int sec, String share, String name) {
        return new SmbEvent.SmbRead(h(c, s, 445, sec), 1, 1, "\\\\" + s + "\\" + share, name, false, 0, 4096, 100, 0);
    }

    DcerpcEvent.DcerpcRequest rpc(String c, String s, int sec, String pipe, UUID iface, int opnum, RpcArgs args) {
        return new DcerpcEvent.DcerpcRequest(h(c, s, pipe == null ? 49700 : 445, sec), pipe, 1, 0, iface, opnum, null,
                false, 100, 1, 0, 0, args);
    }

    DcerpcEvent.DcerpcBind bind(String c, String s, int sec, UUID iface) {
        return new DcerpcEvent.DcerpcBind(h(c, s, 49700, sec), null, false, 1, 4280, 4280,
                List.of(new DcerpcEvent.Context(0, iface, 4, 0, List.of(), 0)), 10, 6, 79231, false);
    }

    NtlmEvent.NtlmAuthenticate auth(EventHeader h, String domain, String user, String ws, boolean mic, int avFlags,
                                    int flags, byte[] proof, long status) {
        return new NtlmEvent.NtlmAuthenticate(h, Carrier.SMB2, flags, 24, 300, 2, domain, user, ws, true,
                mic ? new NtlmEvent.Version(10, 0, 19041, 15) : null, mic, avFlags, "cifs/srv", proof, null, false, status);
    }

    NtlmEvent.NtlmChallenge challenge(EventHeader h, byte[] ch) {
        return new NtlmEvent.NtlmChallenge(h, Carrier.SMB2, 0xE2898215, ch, "LAB", "LAB", "SRV", "lab.local",
                "srv.lab.local", 0, new NtlmEvent.Version(10, 0, 20348, 15), null);
    }

    static KerberosEvent.PrincipalName pn(int type, String... parts) {
        return new KerberosEvent.PrincipalName(type, List.of(parts));
    }

    KerberosEvent.KerberosRequest krbReq(String c, String dc, int sec, int msgType, List<Integer> padata, int encTs,
                                         int options, KerberosEvent.PrincipalName cname,
                                         KerberosEvent.PrincipalName sname, List<Integer> etypes, String forUser) {
        return new KerberosEvent.KerberosRequest(h(c, dc, 88, sec), msgType, padata, encTs, 1, forUser,
                forUser == null ? null : "LAB.LOCAL", forUser == null ? 0 : -138, false, -1, false, null, options, cname, "LAB.LOCAL", sname,
                KerberosEvent.NO_TIME, KerberosEvent.NO_TIME, KerberosEvent.NO_TIME, 1, etypes, false, List.of());
    }
}
