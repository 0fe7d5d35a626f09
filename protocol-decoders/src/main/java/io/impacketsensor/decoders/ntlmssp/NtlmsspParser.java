package io.impacketsensor.decoders.ntlmssp;

import io.impacketsensor.core.wire.ByteCursor;
import io.impacketsensor.core.wire.Bytes;
import io.impacketsensor.core.wire.ParseStatus;

/**
 * Pure grammar of one NTLMSSP message (MS-NLMP 2.2.1), parsed into this reused flyweight: the
 * fields are absolute offsets into the caller's array and raw ints; nothing is decoded to text
 * here. A failed parse leaves {@link #error} set.
 *
 * <pre>
 *   0  "NTLMSSP\0"   8  MessageType (1 negotiate, 2 challenge, 3 authenticate)
 *   NEGOTIATE     12 NegotiateFlags  16 DomainNameFields  24 WorkstationFields  32 Version
 *   CHALLENGE     12 TargetNameFields 20 NegotiateFlags 24 ServerChallenge(8) 32 Reserved(8)
 *                 40 TargetInfoFields 48 Version
 *   AUTHENTICATE  12 LmChallengeResponseFields 20 NtChallengeResponseFields 28 DomainNameFields
 *                 36 UserNameFields 44 WorkstationFields 52 EncryptedRandomSessionKeyFields
 *                 60 NegotiateFlags 64 Version(8) 72 MIC(16) 88 payload
 *   Fields: Len u16, MaxLen u16, BufferOffset u32 (from the message start)
 * </pre>
 */
public final class NtlmsspParser {
    public static final int NEGOTIATE = 1;
    public static final int CHALLENGE = 2;
    public static final int AUTHENTICATE = 3;
    /** NTLMSSP_NEGOTIATE_UNICODE (MS-NLMP 2.2.2.5 flag A): strings are UTF-16LE, else OEM. */
    public static final int FLAG_UNICODE = 0x0000_0001;
    /** NTLMSSP_NEGOTIATE_VERSION (flag T): the VERSION field is meaningful. */
    public static final int FLAG_VERSION = 0x0200_0000;
    /** MsvAvFlags bit: the client provides a MIC (MS-NLMP 2.2.2.1). */
    public static final int AV_FLAG_MIC = 0x2;

    private static final byte[] SIGNATURE = {'N', 'T', 'L', 'M', 'S', 'S', 'P', 0};
    private static final int AV_EOL = 0;
    private static final int AV_NB_COMPUTER = 1;
    private static final int AV_NB_DOMAIN = 2;
    private static final int AV_DNS_COMPUTER = 3;
    private static final int AV_DNS_DOMAIN = 4;
    private static final int AV_FLAGS = 6;
    private static final int AV_TIMESTAMP = 7;
    private static final int AV_TARGET_NAME = 9;
    private static final int AV_CHANNEL_BINDINGS = 10;
    /** NTProofStr (16) + NTLMv2_CLIENT_CHALLENGE fixed part (28) before its AV pairs (2.2.2.7). */
    private static final int NTLMV2_AV_START = 16 + 28;

    private final NtlmsspLimits limits;
    private final ByteCursor c = new ByteCursor();
    private final ByteCursor av = new ByteCursor();

    /** Why the last parse failed, or null. */
    public NtlmsspAnomaly error;
    public int messageType;
    public int flags;
    /** Payload fields: absolute offset and length; length 0 when absent. */
    public int domainOff, domainLen, workstationOff, workstationLen, userOff, userLen;
    public int lmOff, lmLen, ntOff, ntLen, sessionKeyLen, targetNameOff, targetNameLen;
    public int targetInfoOff, targetInfoLen;
    /** Absolute offset of the 8-byte ServerChallenge (CHALLENGE), else -1. */
    public int challengeOff;
    /** Absolute offset of the VERSION structure when present, else -1. */
    public int versionOff;
    /** Absolute offset of the 16-byte MIC when there is room for one (AUTHENTICATE), else -1. */
    public int micOff;
    /** From AV pairs (CHALLENGE target info, or the AUTHENTICATE NTLMv2 blob): offsets/lengths, -1/0 absent. */
    public int avNbComputerOff, avNbComputerLen, avNbDomainOff, avNbDomainLen;
    public int avDnsComputerOff, avDnsComputerLen, avDnsDomainOff, avDnsDomainLen;
    public int avTargetNameOff, avTargetNameLen;
    /** MsvAvFlags, or -1 when absent. */
    public int avFlags;
    /** MsvAvTimestamp FILETIME, or 0 when absent. */
    public long avTimestamp;
    /**
     * MsvAvChannelBindings (MS-NLMP 2.2.2.1, the MD5 of gss_channel_bindings_struct): -1 absent, 0 all
     * sixteen bytes zero (the client had no TLS channel to bind, or chose not to), 1 a real hash.
     */
    public int avChannelBindings;

    public NtlmsspParser(NtlmsspLimits limits) {
        this.limits = limits;
    }

    /** True when {@code buf[off..]} starts with the NTLMSSP signature. */
    public static boolean isNtlmssp(byte[] buf, int off, int len) {
        if (len < SIGNATURE.length || off < 0 || off > buf.length - SIGNATURE.length) {
            return false;
        }
        for (int i = 0; i < SIGNATURE.length; i++) {
            if (buf[off + i] != SIGNATURE[i]) {
                return false;
            }
        }
        return true;
    }

    /** Parses one whole message in {@code buf[off, off+len)}. */
    public ParseStatus parse(byte[] buf, int off, int len) {
        reset();
        if (len > limits.maxMessageSize()) {
            return fail(NtlmsspAnomaly.MESSAGE_TOO_LARGE);
        }
        if (!isNtlmssp(buf, off, len)) {
            return fail(NtlmsspAnomaly.MALFORMED_MESSAGE);
        }
        c.wrap(buf, off, len);
        c.skip(8);
        messageType = c.i32le();
        switch (messageType) {
            case NEGOTIATE -> parseNegotiate();
            case CHALLENGE -> parseChallenge();
            case AUTHENTICATE -> parseAuthenticate();
            default -> error = NtlmsspAnomaly.MALFORMED_MESSAGE;
        }
        if (error == null && !c.ok()) {
            error = NtlmsspAnomaly.MALFORMED_MESSAGE;
        }
        return error == null ? ParseStatus.OK : ParseStatus.ERROR;
    }

    private void parseNegotiate() {
        flags = c.i32le();
        if (!c.ok()) {
            return;
        }
        // Old clients stop after the flags (MS-NLMP 2.2.1.1: the fields are optional in practice).
        if (c.remaining() >= 16) {
            long d = field();
            long w = field();
            if (error != null) {
                return;
            }
            domainOff = offOf(d);
            domainLen = lenOf(d);
            workstationOff = offOf(w);
            workstationLen = lenOf(w);
            int payloadStart = minOffset(d, w);
            if ((flags & FLAG_VERSION) != 0 && payloadStart >= 40 && c.has(8)) {
                versionOff = c.arrayPosition();
            }
        }
    }

    private void parseChallenge() {
        long target = field();
        flags = c.i32le();
        if (!c.has(16)) {
            error = NtlmsspAnomaly.MALFORMED_MESSAGE;
            return;
        }
        challengeOff = c.arrayPosition();
        c.skip(16);
        if (error != null || !c.ok()) {
            return;
        }
        targetNameOff = offOf(target);
        targetNameLen = lenOf(target);
        if (c.remaining() >= 8) {
            long info = field();
            if (error != null) {
                return;
            }
            targetInfoOff = offOf(info);
            targetInfoLen = lenOf(info);
            int payloadStart = minOffset(target, info);
            if (payloadStart >= 56 && c.has(8)) {
                versionOff = c.arrayPosition();
            }
            if (targetInfoLen > 0) {
                parseAvPairs(c.array(), targetInfoOff, targetInfoLen);
            }
        }
    }

    private void parseAuthenticate() {
        long lm = field();
        long nt = field();
        long dom = field();
        long user = field();
        long ws = field();
        long key = field();
        flags = c.i32le();
        if (error != null || !c.ok()) {
            return;
        }
        lmOff = offOf(lm);
        lmLen = lenOf(lm);
        ntOff = offOf(nt);
        ntLen = lenOf(nt);
        domainOff = offOf(dom);
        domainLen = lenOf(dom);
        userOff = offOf(user);
        userLen = lenOf(user);
        workstationOff = offOf(ws);
        workstationLen = lenOf(ws);
        sessionKeyLen = lenOf(key);
        // The VERSION and MIC exist only when the payload starts after them (MS-NLMP 2.2.1.3:
        // the MIC is present from Windows Vista on; older senders start the payload at 64).
        int payloadStart = Math.min(minOffset(lm, nt), Math.min(minOffset(dom, user), minOffset(ws, key)));
        if (payloadStart >= 72 && c.has(8)) {
            versionOff = c.arrayPosition();
        }
        if (payloadStart >= 88 && c.length() >= 88) {
            micOff = c.arrayStart() + 72;
        }
        ntlmv2AvPairs(c.array());
    }

    /**
     * An NtChallengeResponse carried outside an NTLMSSP message (SMB1 SESSION_SETUP_ANDX without
     * extended security, MS-CIFS 2.2.4.53.1 UnicodePassword): resets this parser, sets
     * {@link #ntOff}/{@link #ntLen}, and for an NTLMv2 response reads the AV pairs of its blob
     * ({@link #avFlags}, {@link #avTargetName}...). ERROR with {@link #error} set when they are malformed.
     */
    public ParseStatus ntResponse(byte[] buf, int off, int len) {
        reset();
        if (off < 0 || len < 0 || off > buf.length - len) {
            return fail(NtlmsspAnomaly.FIELD_OUT_OF_BOUNDS);
        }
        ntOff = off;
        ntLen = len;
        ntlmv2AvPairs(buf);
        return error == null ? ParseStatus.OK : ParseStatus.ERROR;
    }

    /** The AV pairs of an NTLMv2 response (MS-NLMP 2.2.2.7): NTProofStr and the blob's fixed part come first. */
    private void ntlmv2AvPairs(byte[] b) {
        if (ntLen > 24 && ntLen >= NTLMV2_AV_START) {
            parseAvPairs(b, ntOff + NTLMV2_AV_START, ntLen - NTLMV2_AV_START);
        }
    }

    /**
     * Reads one Len/MaxLen/Offset field and checks it against the message (MS-NLMP 2.2.1: the
     * buffer is at BufferOffset from the message start). Returns offset<<32|len, relative offset.
     */
    private long field() {
        int fLen = c.u16le();
        c.u16le(); // MaxLen: informational, senders disagree with Len (Impacket sets both)
        long fOff = c.u32le();
        if (!c.ok()) {
            error = NtlmsspAnomaly.MALFORMED_MESSAGE;
            return 0;
        }
        if (fLen > 0 && !c.inBounds(fOff, fLen)) {
            error = NtlmsspAnomaly.FIELD_OUT_OF_BOUNDS;
            return 0;
        }
        return fLen == 0 ? 0 : fOff << 32 | fLen;
    }

    private int offOf(long field) {
        return field == 0 ? -1 : c.arrayStart() + (int) (field >>> 32);
    }

    private static int lenOf(long field) {
        return (int) (field & 0xFFFF);
    }

    /** Smallest offset of the present fields, or MAX_VALUE when none is present. */
    private static int minOffset(long a, long b) {
        int oa = a == 0 ? Integer.MAX_VALUE : (int) (a >>> 32);
        int ob = b == 0 ? Integer.MAX_VALUE : (int) (b >>> 32);
        return Math.min(oa, ob);
    }

    /** AV_PAIR list (MS-NLMP 2.2.2.1): AvId u16, AvLen u16, Value; ends at MsvAvEOL. */
    private void parseAvPairs(byte[] b, int off, int len) {
        av.wrap(b, off, len);
        for (int n = 0; av.remaining() >= 4; n++) {
            if (n >= limits.maxAvPairs()) {
                error = NtlmsspAnomaly.MALFORMED_AV_PAIRS;
                return;
            }
            int id = av.u16le();
            int l = av.u16le();
            if (id == AV_EOL) {
                return;
            }
            if (!av.has(l)) {
                error = NtlmsspAnomaly.MALFORMED_AV_PAIRS;
                return;
            }
            int at = av.arrayPosition();
            switch (id) {
                case AV_NB_COMPUTER -> { avNbComputerOff = at; avNbComputerLen = l; }
                case AV_NB_DOMAIN -> { avNbDomainOff = at; avNbDomainLen = l; }
                case AV_DNS_COMPUTER -> { avDnsComputerOff = at; avDnsComputerLen = l; }
                case AV_DNS_DOMAIN -> { avDnsDomainOff = at; avDnsDomainLen = l; }
                case AV_TARGET_NAME -> { avTargetNameOff = at; avTargetNameLen = l; }
                case AV_FLAGS -> avFlags = l >= 4 ? Bytes.i32le(b, at) : avFlags;
                case AV_TIMESTAMP -> avTimestamp = l >= 8 ? Bytes.i64le(b, at) : 0;
                case AV_CHANNEL_BINDINGS -> avChannelBindings = l == 16 ? (Bytes.i64le(b, at) == 0
                        && Bytes.i64le(b, at + 8) == 0 ? 0 : 1) : avChannelBindings;
                default -> { }
            }
            av.skip(l);
        }
    }

    private ParseStatus fail(NtlmsspAnomaly a) {
        error = a;
        return ParseStatus.ERROR;
    }

    private void reset() {
        error = null;
        messageType = 0;
        flags = 0;
        domainOff = workstationOff = userOff = lmOff = ntOff = targetNameOff = targetInfoOff = -1;
        domainLen = workstationLen = userLen = lmLen = ntLen = sessionKeyLen = targetNameLen = targetInfoLen = 0;
        challengeOff = versionOff = micOff = -1;
        avNbComputerOff = avNbDomainOff = avDnsComputerOff = avDnsDomainOff = avTargetNameOff = -1;
        avNbComputerLen = avNbDomainLen = avDnsComputerLen = avDnsDomainLen = avTargetNameLen = 0;
        avFlags = -1;
        avTimestamp = 0;
        avChannelBindings = -1;
    }
}
