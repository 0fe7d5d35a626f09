package io.impacketsensor.decoders.fuzz;

import io.impacketsensor.core.testkit.RecordingContext;

import io.impacketsensor.core.event.RpcArgs;
import io.impacketsensor.core.event.Transport;
import io.impacketsensor.core.flow.Direction;
import io.impacketsensor.core.flow.FlowAnalyzer;
import io.impacketsensor.core.fuzz.StreamInput;
import io.impacketsensor.decoders.DecoderConfig;
import io.impacketsensor.decoders.Decoders;
import io.impacketsensor.decoders.dcerpc.DcerpcAnalyzerFactory;
import io.impacketsensor.decoders.dcerpc.DcerpcLimits;
import io.impacketsensor.decoders.dcerpc.ndr.HandleNames;
import io.impacketsensor.decoders.dcerpc.ndr.NdrReader;
import io.impacketsensor.decoders.dcerpc.ndr.StubDecoders;
import io.impacketsensor.decoders.token.TokenDecoder;
import io.impacketsensor.decoders.kerberos.KerberosAnalyzerFactory;
import io.impacketsensor.decoders.http.HttpAnalyzerFactory;
import io.impacketsensor.decoders.http.HttpLimits;
import io.impacketsensor.decoders.ldap.LdapAnalyzerFactory;
import io.impacketsensor.decoders.mssql.MssqlAnalyzerFactory;
import io.impacketsensor.decoders.mssql.MssqlLimits;
import io.impacketsensor.decoders.smb.SmbAnalyzerFactory;

/**
 * What the decoder fuzz targets share: the production decoders of one worker, wired as
 * {@link Decoders#forWorker} wires them (SMB named pipes to DCE/RPC, Kerberos in GSS tokens to the
 * Kerberos decoder), called directly so that an exception escapes instead of being counted by the
 * analyzer registry, and the replay of a {@link StreamInput} into one analyzer.
 */
final class Targets {
    private Targets() {
    }

    static final KerberosAnalyzerFactory KERBEROS = new KerberosAnalyzerFactory();
    static final TokenDecoder TOKENS = Decoders.tokenDecoder(DecoderConfig.defaults().withKerberos(KERBEROS.tokenHook()));
    static final DcerpcAnalyzerFactory DCERPC = new DcerpcAnalyzerFactory(DcerpcLimits.DEFAULTS, TOKENS);
    static final SmbAnalyzerFactory SMB = new SmbAnalyzerFactory(TOKENS, DCERPC.pipeConsumers());
    static final LdapAnalyzerFactory LDAP = new LdapAnalyzerFactory(TOKENS);
    static final HttpAnalyzerFactory HTTP = new HttpAnalyzerFactory(HttpLimits.DEFAULTS, TOKENS);
    static final MssqlAnalyzerFactory MSSQL = new MssqlAnalyzerFactory(MssqlLimits.DEFAULTS, TOKENS);
    static final io.impacketsensor.decoders.dns.DnsAnalyzerFactory DNS = new io.impacketsensor.decoders.dns.DnsAnalyzerFactory();
    static final io.impacketsensor.decoders.rdp.RdpAnalyzerFactory RDP =
            new io.impacketsensor.decoders.rdp.RdpAnalyzerFactory(io.impacketsensor.decoders.rdp.RdpLimits.DEFAULTS);
    static final io.impacketsensor.decoders.ssrp.SsrpAnalyzerFactory SSRP = new io.impacketsensor.decoders.ssrp.SsrpAnalyzerFactory();

    static RecordingContext ctx(Transport transport, int port) {
        return new RecordingContext(transport, port);
    }

    /**
     * Replays {@code data} into the analyzer, then closes it, under the flow layer's contract:
     * data calls carry at least one byte, gaps at least one byte.
     */
    static void drive(FlowAnalyzer a, byte[] data) {
        StreamInput.replay(data, new StreamInput.Sink() {
            @Override
            public boolean data(int dir, byte[] buf, int off, int len) {
                if (len == 0) {
                    // The flow layer never delivers an empty payload (AnalyzerRegistry.data).
                    return true;
                }
                return a.onData(dir == 0 ? Direction.TO_SERVER : Direction.TO_CLIENT, buf, off, len);
            }

            @Override
            public boolean gap(int dir, int len) {
                return a.onGap(dir == 0 ? Direction.TO_SERVER : Direction.TO_CLIENT, Math.max(1, len));
            }
        });
        a.onClose();
    }

    /**
     * One stub decoder as the DCE/RPC analyzer calls it. Input: opnum, mode (bit 0: the context
     * negotiated NDR64; bits 1-2: which of {@code ifaces}), the request stub length (16 bits,
     * big-endian), the request stub, then the response stub. The request is decoded when the
     * analyzer would decode it, the response too, with the request's arguments, as in a call.
     */
    static void stub(byte[] data, int... ifaces) {
        if (data.length < 4) {
            return;
        }
        int opnum = data[0] & 0xff;
        boolean ndr64 = (data[1] & 1) != 0;
        int iface = ifaces[((data[1] & 0xff) >>> 1) % ifaces.length];
        int reqLen = Math.min(((data[2] & 0xff) << 8) | (data[3] & 0xff), data.length - 4);
        DcerpcLimits l = DcerpcLimits.DEFAULTS;
        NdrReader r = new NdrReader();
        HandleNames handles = new HandleNames(l.maxTrackedHandles());
        RpcArgs request = null;
        boolean same = ndr64 && StubDecoders.sameInNdr64(iface, opnum);
        boolean decodable = ndr64 ? same || StubDecoders.wantsRequestNdr64(iface, opnum)
                : StubDecoders.wantsRequest(iface, opnum);
        if (decodable) {
            r.wrap(data, 4, reqLen, l.maxNdrArrayCount(), l.maxNdrStringChars());
            request = ndr64 && !same ? StubDecoders.requestNdr64(iface, opnum, r)
                    : StubDecoders.request(iface, opnum, r, handles, l.maxDcomStrings());
            if (!r.ok()) {
                request = null;
            }
        }
        // Responses as an ORPC call's (its request carried an object UUID): the DCOM answers too.
        if (!ndr64 && StubDecoders.wantsResponse(iface, opnum, true)) {
            int at = 4 + reqLen;
            r.wrap(data, at, data.length - at, l.maxNdrArrayCount(), l.maxNdrStringChars());
            StubDecoders.response(iface, opnum, r, request, handles, true, l.maxDcomStrings());
        }
    }
}
