package io.impacketsensor.decoders.ntlmssp;

import io.impacketsensor.core.event.Carrier;
import io.impacketsensor.core.event.NtlmEvent;
import io.impacketsensor.core.event.ProtocolAnomaly;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.core.flow.FlowContext;
import io.impacketsensor.core.wire.Bytes;
import io.impacketsensor.core.wire.FileTime;
import io.impacketsensor.decoders.text.Utf16Memo;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Builds the {@link NtlmEvent} records from the fields {@link NtlmsspParser} located (strings are
 * decoded here, at event time only) and the anomaly records; the only place in this package where
 * events are created.
 */
final class NtlmsspEvents {
    private NtlmsspEvents() {
    }

    // The server challenge a conversation passes in is its own copy, never written after it was
    // made (the next CHALLENGE makes a new one): the CHALLENGE and the AUTHENTICATE events share it
    // as events share their other immutable values.

    /**
     * The challenge of a login without an NTLMSSP message (SMB1 without extended security): flags 0,
     * the server's domain as TargetName and NetBIOS domain, its name as NetBIOS computer.
     */
    static NtlmEvent.NtlmChallenge bareChallenge(FlowContext ctx, Carrier carrier, byte[] serverChallenge,
                                                 String domain, String server) {
        return new NtlmEvent.NtlmChallenge(ctx.header(), carrier, 0, serverChallenge, domain, domain, server,
                "", "", 0, null, null);
    }

    /** The responses of a login without an NTLMSSP message, as an AUTHENTICATE with flags 0 and no status yet. */
    static NtlmEvent.NtlmAuthenticate bareResponses(FlowContext ctx, Carrier carrier, int lmLen, int ntLen,
                                                    int ntlmVersion, String domain, String user, int avFlags,
                                                    String avTarget, byte[] proof, byte[] serverChallenge,
                                                    boolean anonymous) {
        return new NtlmEvent.NtlmAuthenticate(ctx.header(), carrier, 0, lmLen, ntLen, ntlmVersion, domain, user, "",
                false, null, false, avFlags, avTarget, proof, serverChallenge,
                anonymous, SensorEvent.NO_STATUS);
    }

    /** A held AUTHENTICATE with the authentication's result. */
    static NtlmEvent.NtlmAuthenticate withStatus(NtlmEvent.NtlmAuthenticate a, long status) {
        return new NtlmEvent.NtlmAuthenticate(a.header(), a.carrier(), a.flags(), a.lmResponseLength(),
                a.ntResponseLength(), a.ntlmVersion(), a.domain(), a.user(), a.workstation(),
                a.encryptedSessionKey(), a.version(), a.micPresent(), a.msvAvFlags(), a.avTargetName(),
                a.ntProofStr(), a.serverChallenge(), a.anonymous(), status, a.channelBindings());
    }

    /** An anomaly record: the anomaly's event name and a detail naming what was seen. */
    static void anomaly(FlowContext ctx, NtlmsspAnomaly a, String detail) {
        ctx.emit(new ProtocolAnomaly(ctx.header(), a.eventName(), detail));
    }

    /** The NEGOTIATE just parsed. */
    static NtlmEvent.NtlmNegotiate negotiate(FlowContext ctx, Carrier carrier, NtlmsspParser parser, byte[] b) {
        // NEGOTIATE strings are always OEM (MS-NLMP 2.2.1.1: DomainName/Workstation "MUST be OEM").
        return new NtlmEvent.NtlmNegotiate(ctx.header(), carrier, parser.flags,
                oem(b, parser.domainOff, parser.domainLen), oem(b, parser.workstationOff, parser.workstationLen),
                version(parser, b));
    }

    /** The CHALLENGE just parsed; {@code serverChallenge} its 8-byte challenge. */
    static NtlmEvent.NtlmChallenge challenge(FlowContext ctx, Carrier carrier, NtlmsspParser parser, byte[] b,
                                             byte[] serverChallenge) {
        byte[] vb = parser.versionOff < 0 ? null : Arrays.copyOfRange(b, parser.versionOff, parser.versionOff + 8);
        long ts = parser.avTimestamp == 0 ? 0 : FileTime.toEpochNanos(parser.avTimestamp);
        return new NtlmEvent.NtlmChallenge(ctx.header(), carrier, parser.flags, serverChallenge,
                text(parser, b, parser.targetNameOff, parser.targetNameLen, Utf16Memo.NTLM_TARGET),
                Utf16Memo.decode(Utf16Memo.NTLM_NB_DOMAIN, b, parser.avNbDomainOff, parser.avNbDomainLen),
                Utf16Memo.decode(Utf16Memo.NTLM_NB_COMPUTER, b, parser.avNbComputerOff, parser.avNbComputerLen),
                Utf16Memo.decode(Utf16Memo.NTLM_DNS_DOMAIN, b, parser.avDnsDomainOff, parser.avDnsDomainLen),
                Utf16Memo.decode(Utf16Memo.NTLM_DNS_COMPUTER, b, parser.avDnsComputerOff, parser.avDnsComputerLen),
                ts, validVersion(parser, b) ? version(parser, b) : null, vb);
    }

    /** The AUTHENTICATE just parsed, answering {@code serverChallenge} (null when not seen). */
    static NtlmEvent.NtlmAuthenticate authenticate(FlowContext ctx, Carrier carrier, NtlmsspParser parser, byte[] b,
                                                   byte[] serverChallenge, long status) {
        int ntLen = parser.ntLen;
        int ntlmVersion = NtlmsspAnalyzer.responseVersion(parser.lmLen, ntLen, parser.userLen > 0);
        byte[] proof = ntlmVersion == 2 && ntLen >= 16 ? Arrays.copyOfRange(b, parser.ntOff, parser.ntOff + 16) : null;
        boolean mic = parser.micOff >= 0 && !allZero(b, parser.micOff, 16);
        String user = text(parser, b, parser.userOff, parser.userLen, Utf16Memo.NTLM_USER);
        boolean anonymous = ntLen == 0 && user.isEmpty() && parser.lmLen <= 1;
        return new NtlmEvent.NtlmAuthenticate(ctx.header(), carrier, parser.flags, parser.lmLen, ntLen, ntlmVersion,
                text(parser, b, parser.domainOff, parser.domainLen, Utf16Memo.NTLM_DOMAIN), user,
                text(parser, b, parser.workstationOff, parser.workstationLen, Utf16Memo.NTLM_WORKSTATION),
                parser.sessionKeyLen > 0,
                validVersion(parser, b) ? version(parser, b) : null, mic, parser.avFlags,
                Utf16Memo.decode(Utf16Memo.NTLM_AV_TARGET, b, parser.avTargetNameOff, parser.avTargetNameLen), proof,
                serverChallenge, anonymous, status, parser.avChannelBindings);
    }

    /** Unicode or OEM per NTLMSSP_NEGOTIATE_UNICODE (MS-NLMP 2.2.2.5 flag A). */
    private static String text(NtlmsspParser parser, byte[] b, int off, int len, int slot) {
        if (off < 0 || len == 0) {
            return "";
        }
        return (parser.flags & NtlmsspParser.FLAG_UNICODE) != 0 ? Utf16Memo.decode(slot, b, off, len)
                : oem(b, off, len);
    }

    private static String oem(byte[] b, int off, int len) {
        if (off < 0 || len <= 0 || off > b.length - len) {
            return "";
        }
        return new String(b, off, len, StandardCharsets.ISO_8859_1);
    }

    /** Impacket's smbserver fills VERSION with 0xFF bytes; a real one has NTLMRevisionCurrent 15. */
    private static boolean validVersion(NtlmsspParser parser, byte[] b) {
        return parser.versionOff >= 0 && (b[parser.versionOff + 7] & 0xFF) != 0xFF;
    }

    private static NtlmEvent.Version version(NtlmsspParser parser, byte[] b) {
        int v = parser.versionOff;
        if (v < 0) {
            return null;
        }
        return RecentVersions.of(b[v] & 0xFF, b[v + 1] & 0xFF, Bytes.u16le(b, v + 2), b[v + 7] & 0xFF);
    }

    private static boolean allZero(byte[] b, int off, int len) {
        for (int i = 0; i < len; i++) {
            if (b[off + i] != 0) {
                return false;
            }
        }
        return true;
    }
}
