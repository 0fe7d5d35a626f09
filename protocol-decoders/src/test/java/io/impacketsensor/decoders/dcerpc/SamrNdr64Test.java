package io.impacketsensor.decoders.dcerpc;

import io.impacketsensor.core.event.DcerpcEvent.DcerpcRequest;
import io.impacketsensor.core.event.RpcArgs;
import io.impacketsensor.core.event.RpcInterfaces;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.core.flow.Direction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SAMR requests on NDR64 contexts (Windows to Windows): the domain and server names the detection of
 * domain account discovery needs (which server holds the domain's accounts).
 */
class SamrNdr64Test {
    @TempDir
    Path dir;

    /** 401TRG 20171220_smb_net_user.pcap frame 25: SamrLookupDomainInSamServer "CONTOSO" over NDR64 (78 bytes). */
    private static final byte[] LOOKUP_DOMAIN = HexFormat.of().parseHex("000000006b286c73460fed43b222fbf8b7305709"
            + "00000000" + "0e001000" + "00000000" + "0000020000000000" + "0800000000000000" + "0000000000000000"
            + "0700000000000000" + "43004f004e0054004f0053004f00");

    @Test
    void netUserOverNdr64NamesTheServerTheDomainAndTheAccount() throws Exception {
        // tshark on the same capture: Connect5 System Name \\DC1.contoso.local, LookupDomain CONTOSO,
        // OpenUser RID 1110 (twice: the lookup is repeated by net.exe).
        Path pcap = dir.resolve("net_user.pcap"); // the capture is in sensor-core's test jar
        try (InputStream in = Objects.requireNonNull(getClass().getResourceAsStream(
                "/pcaps/public/401trg_detections/pcaps/20171220_smb_net_user.pcap"))) {
            Files.copy(in, pcap);
        }
        List<RpcArgs> samr = PipelineReplay.events(pcap).stream()
                .filter(e -> e instanceof DcerpcRequest r && RpcInterfaces.uuid(RpcInterfaces.SAMR).equals(r.interfaceUuid())
                        && (r.opnum() == 64 || r.opnum() == 5 || r.opnum() == 34))
                .map(e -> ((DcerpcRequest) e).args()).toList();
        assertEquals(List.of(new RpcArgs.SamrCall(64, "\\\\DC1.contoso.local"), new RpcArgs.SamrCall(5, "CONTOSO"),
                new RpcArgs.SamrCall(34, "1110"), new RpcArgs.SamrCall(64, "\\\\DC1.contoso.local"),
                new RpcArgs.SamrCall(5, "CONTOSO"), new RpcArgs.SamrCall(64, "\\\\DC1.contoso.local"),
                new RpcArgs.SamrCall(64, "\\\\DC1.contoso.local"), new RpcArgs.SamrCall(5, "CONTOSO"),
                new RpcArgs.SamrCall(34, "1110")), samr);
    }

    @Test
    void ndr64LookupDomainAtEveryTruncation() {
        RpcArgs want = new RpcArgs.SamrCall(5, "CONTOSO");
        for (int len = 0; len <= LOOKUP_DOMAIN.length; len++) {
            RpcArgs got = call(5, Arrays.copyOf(LOOKUP_DOMAIN, len));
            int l = len;
            assertTrue(len == LOOKUP_DOMAIN.length ? want.equals(got) : got == null || got.equals(want), () -> l + ": " + got);
        }
    }

    /** Binds SAMR with the NDR64 transfer syntax, sends one request and returns its arguments. */
    private static RpcArgs call(int opnum, byte[] stub) {
        RecordingContext ctx = new RecordingContext();
        DcerpcAnalyzer a = new DcerpcAnalyzer(ctx, "samr", DcerpcLimits.DEFAULTS, new DcerpcCounters(), null);
        byte[] bind = Pdus.bind(1, RpcInterfaces.uuid(RpcInterfaces.SAMR));
        ByteBuffer b = ByteBuffer.wrap(bind).order(ByteOrder.LITTLE_ENDIAN);
        b.position(16 + 12 + 4 + 20); // the transfer syntax of context item 0
        Pdus.uuid(b, DcerpcParser.NDR64);
        assertTrue(a.onData(Direction.TO_SERVER, bind, 0, bind.length));
        byte[] r = Pdus.request(2, 0, opnum, 3, stub);
        a.onData(Direction.TO_SERVER, r, 0, r.length);
        SensorEvent last = null;
        for (SensorEvent e : ctx.events) {
            if (e instanceof DcerpcRequest) {
                last = e;
            }
        }
        assertTrue(last instanceof DcerpcRequest, ctx.events.toString());
        return ((DcerpcRequest) last).args();
    }
}
