package io.impacketsensor.decoders.rdp;

import io.impacketsensor.core.event.ProtocolAnomaly;
import io.impacketsensor.core.event.RdpEvent.ClientHello;
import io.impacketsensor.core.event.RdpEvent.RdpConnectConfirm;
import io.impacketsensor.core.event.RdpEvent.RdpConnectRequest;
import io.impacketsensor.core.event.RdpEvent.RdpTlsHandshake;
import io.impacketsensor.core.flow.FlowContext;
import io.impacketsensor.core.wire.Bytes;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the RDP events from the fields {@link RdpParser} read, and the anomaly records; the only
 * place in this package where events are created.
 */
final class RdpEvents {
    private RdpEvents() {
    }

    /** The Connection Request just parsed. The cookie and token are ASCII ([MS-RDPBCGR] 2.2.1.1), read as ISO-8859-1. */
    static RdpConnectRequest request(FlowContext ctx, int txId, RdpParser p, byte[] b) {
        String line = p.lineOff < 0 ? null : new String(b, p.lineOff, p.lineLen, StandardCharsets.ISO_8859_1);
        return new RdpConnectRequest(ctx.header(), txId, p.mstshash ? line : null, p.mstshash ? null : line,
                p.negType == RdpParser.TYPE_RDP_NEG_REQ ? p.negValue : -1,
                p.negType == RdpParser.TYPE_RDP_NEG_REQ ? p.negFlags : 0, p.correlationInfo, p.trailing);
    }

    /** The Connection Confirm just parsed. */
    static RdpConnectConfirm confirm(FlowContext ctx, int txId, RdpParser p) {
        return new RdpConnectConfirm(ctx.header(), txId, p.negType,
                p.negType == RdpParser.TYPE_RDP_NEG_RSP ? p.negFlags : 0,
                p.negType == RdpParser.TYPE_RDP_NEG_RSP ? p.negValue : -1,
                p.negType == RdpParser.TYPE_RDP_NEG_FAILURE ? (int) p.negValue : 0);
    }

    /** The ClientHello just parsed, kept until the handshake record is emitted. */
    static ClientHello clientHello(RdpParser p, byte[] b) {
        List<Integer> extensions = new ArrayList<>();
        for (int i = p.extOff, end = p.extOff + p.extLen; i + 4 <= end; i += 4 + Bytes.u16be(b, i + 2)) {
            extensions.add(Bytes.u16be(b, i));
        }
        List<Integer> formats = new ArrayList<>(Math.max(p.formatsCount, 0));
        for (int i = 0; i < p.formatsCount; i++) {
            formats.add(b[p.formatsOff + i] & 0xFF);
        }
        String sni = p.sniOff < 0 ? "" : new String(b, p.sniOff, p.sniLen, StandardCharsets.ISO_8859_1);
        List<Integer> suites = u16s(b, p.suitesOff, p.suitesCount);
        List<Integer> groups = u16s(b, p.groupsOff, p.groupsCount);
        int anonymous = 0;
        for (int s : suites) {
            if (TlsSuites.anonymous(s)) {
                anonymous++;
            }
        }
        String ja3 = TlsSuites.ja3(p.helloVersion, suites, extensions, groups, formats);
        return new ClientHello(p.helloVersion, suites, List.copyOf(extensions), groups, List.copyOf(formats),
                u16s(b, p.versionsOff, p.versionsCount), sni, anonymous, ja3, TlsSuites.md5(ja3));
    }

    private static List<Integer> u16s(byte[] b, int off, int count) {
        if (off < 0 || count <= 0) {
            return List.of();
        }
        Integer[] v = new Integer[count];
        for (int i = 0; i < count; i++) {
            v[i] = Bytes.u16be(b, off + 2 * i);
        }
        return List.of(v);
    }

    /**
     * The certificates' serial numbers as lower-case hex without leading zeros, as Suricata writes
     * {@code rdp.x509_serials} (the INTEGER's value; a leading 00 octet only keeps it positive).
     */
    static List<String> serials(RdpParser p, byte[] b) {
        String[] out = new String[p.serials];
        for (int i = 0; i < p.serials; i++) {
            StringBuilder s = new StringBuilder(2 * p.serialLen[i]);
            for (int j = 0; j < p.serialLen[i]; j++) {
                int v = b[p.serialOff[i] + j] & 0xFF;
                s.append(Character.forDigit(v >>> 4, 16)).append(Character.forDigit(v & 0xF, 16));
            }
            int z = 0;
            while (z < s.length() - 1 && s.charAt(z) == '0') {
                z++;
            }
            out[i] = s.substring(z);
        }
        return List.of(out);
    }

    static RdpTlsHandshake tls(FlowContext ctx, int txId, RdpConnectRequest request, long selectedProtocol,
                               ClientHello hello, int serverVersion, int cipher, List<String> serials) {
        return new RdpTlsHandshake(ctx.header(), txId, request, selectedProtocol, hello, serverVersion, cipher, serials);
    }

    /** An anomaly record: the anomaly's event name and a detail naming what was seen. */
    static void anomaly(FlowContext ctx, RdpAnomaly a, String detail) {
        ctx.emit(new ProtocolAnomaly(ctx.header(), a.eventName(), detail));
    }
}
