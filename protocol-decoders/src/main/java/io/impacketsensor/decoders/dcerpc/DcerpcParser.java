package io.impacketsensor.decoders.dcerpc;

import io.impacketsensor.core.event.DcerpcEvent.Context;
import io.impacketsensor.core.wire.ByteCursor;
import io.impacketsensor.core.wire.Bytes;
import io.impacketsensor.core.wire.Guids;
import io.impacketsensor.core.wire.ParseStatus;
import io.impacketsensor.core.wire.ProbeResult;
import io.impacketsensor.decoders.dcerpc.ndr.KnownGuids;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Connection-oriented PDU grammar (C706 12.6). A flyweight: {@link #parseHeader} fills the common
 * header fields and {@link #parseTrailer} the sec_trailer of the PDU it was given; the body readers
 * fill the fields of their PDU type. Pure: never emits events, never throws for malformed input.
 *
 * <pre>
 *  0        1        2       3         4..7      8..9        10..11       12..15
 * [vers=5][minor][PTYPE][pfc_flags][drep x4][frag_length][auth_length][call_id]   (16 bytes)
 * ... body ...  [auth_pad]  [auth_type][auth_level][pad_len][rsvd][auth_ctx_id x4] [auth_value]
 *                            ^ frag_length - auth_length - 8                        ^ frag_length - auth_length
 * </pre>
 */
public final class DcerpcParser {
    public static final int HEADER_LENGTH = 16;

    public static final int REQUEST = 0;
    public static final int RESPONSE = 2;
    public static final int FAULT = 3;
    public static final int BIND = 11;
    public static final int BIND_ACK = 12;
    public static final int BIND_NAK = 13;
    public static final int ALTER_CONTEXT = 14;
    public static final int ALTER_CONTEXT_RESP = 15;
    public static final int AUTH3 = 16;
    public static final int SHUTDOWN = 17;
    public static final int CO_CANCEL = 18;
    public static final int ORPHANED = 19;

    /** pfc_flags (C706 12.6.3.1). */
    public static final int PFC_FIRST_FRAG = 0x01;
    public static final int PFC_LAST_FRAG = 0x02;
    public static final int PFC_OBJECT_UUID = 0x80;

    /** auth_level RPC_C_AUTHN_LEVEL_PKT_PRIVACY (MS-RPCE 2.2.1.1.8): the stub is encrypted. */
    public static final int AUTH_LEVEL_PKT_PRIVACY = 6;

    /** Trailer status: no auth, a valid trailer, or one that does not fit. */
    public static final int TRAILER_NONE = 0;
    public static final int TRAILER_OK = 1;
    public static final int TRAILER_BAD = 2;

    // Common header of the current PDU.
    int ptype;
    /** rpc_vers_minor of the PDU (0 or 1: the header check refuses others). */
    int versionMinor;
    int flags;
    boolean littleEndian;
    int fragLength;
    int authLength;
    int callId;

    // sec_trailer of the current PDU (valid when parseTrailer returned TRAILER_OK).
    int authType;
    int authLevel;
    long authContextId;
    /** Offset (in the PDU) where the body ends: the start of the auth padding, or frag_length. */
    int bodyEnd;

    // REQUEST / RESPONSE / FAULT header fields.
    int contextId;
    int opnum;
    UUID objectUuid;
    /** Offset (in the PDU) of the stub. */
    int stubOffset;
    long faultStatus;

    // BIND / ALTER_CONTEXT / ACK fields.
    int maxXmitFrag;
    int maxRecvFrag;

    /** Every connection-oriented PTYPE we accept (C706 12.6.4; 1 and 4..10 are connectionless). */
    static boolean isConnectionOriented(int ptype) {
        return ptype == REQUEST || ptype == RESPONSE || ptype == FAULT || (ptype >= BIND && ptype <= ORPHANED);
    }

    /**
     * The header probe: rpc_vers 5, rpc_vers_minor 0 or 1, a connection-oriented PTYPE, an integer
     * representation of big or little endian with ASCII/EBCDIC characters and a known float format
     * (C706 14.1 drep), and a frag_length at least the header length.
     */
    public static ProbeResult probe(byte[] b, int off, int len) {
        int n = Math.min(len, HEADER_LENGTH);
        if (n >= 1 && (b[off] & 0xFF) != 5) {
            return ProbeResult.NO_MATCH;
        }
        if (n >= 2 && (b[off + 1] & 0xFF) > 1) {
            return ProbeResult.NO_MATCH;
        }
        if (n >= 3 && !isConnectionOriented(b[off + 2] & 0xFF)) {
            return ProbeResult.NO_MATCH;
        }
        if (n >= 5) {
            int d0 = b[off + 4] & 0xFF;
            if ((d0 & 0xEE) != 0) {
                return ProbeResult.NO_MATCH;
            }
        }
        if (n >= 6 && (b[off + 5] & 0xFF) > 3) {
            return ProbeResult.NO_MATCH;
        }
        if (n < 10) {
            return ProbeResult.NEED_MORE;
        }
        boolean le = (b[off + 4] & 0x10) != 0;
        int fl = Bytes.u16(b, off + 8, le);
        return fl >= HEADER_LENGTH ? ProbeResult.MATCH : ProbeResult.NO_MATCH;
    }

    /**
     * Reads the common header of the PDU starting at {@code off}. NEED_MORE below 16 bytes; ERROR
     * for a wrong version or a non connection-oriented type (frag_length is checked by the caller
     * against its limit).
     */
    public ParseStatus parseHeader(byte[] b, int off, int len) {
        if (len < HEADER_LENGTH) {
            return ParseStatus.NEED_MORE;
        }
        if ((b[off] & 0xFF) != 5 || (b[off + 1] & 0xFF) > 1) {
            return ParseStatus.ERROR;
        }
        versionMinor = b[off + 1] & 0xFF;
        ptype = b[off + 2] & 0xFF;
        flags = b[off + 3] & 0xFF;
        littleEndian = (b[off + 4] & 0x10) != 0;
        if (!isConnectionOriented(ptype)) {
            return ParseStatus.ERROR;
        }
        fragLength = Bytes.u16(b, off + 8, littleEndian);
        authLength = Bytes.u16(b, off + 10, littleEndian);
        callId = Bytes.i32(b, off + 12, littleEndian);
        return ParseStatus.OK;
    }

    private int u16(ByteCursor c) {
        return littleEndian ? c.u16le() : c.u16be();
    }

    private long u32(ByteCursor c) {
        return littleEndian ? c.u32le() : c.u32be();
    }

    /** The last UUID read: a DCOM connection's requests name the same object (IPID) one after another. */
    private UUID lastUuid;

    private UUID uuid(ByteCursor c) {
        if (littleEndian) {
            UUID u = KnownGuids.read(c, lastUuid);
            lastUuid = u;
            return u;
        }
        // Big-endian drep: the uuid_t fields travel in big-endian order (C706 appendix A), i.e. RFC 4122 bytes.
        long msb = c.i64be();
        long lsb = c.i64be();
        return new UUID(msb, lsb);
    }

    /** Minimal body length after the common header for each PDU type (C706 12.6.4). */
    static int minBody(int ptype) {
        switch (ptype) {
            case REQUEST: return 8;
            case RESPONSE: return 8;
            case FAULT: return 16;
            case BIND:
            case ALTER_CONTEXT: return 12;
            case BIND_ACK:
            case ALTER_CONTEXT_RESP: return 10;
            case BIND_NAK: return 2;
            default: return 0;
        }
    }

    /**
     * Locates the sec_trailer of the PDU at {@code pdu[off, off+fragLength)} (C706 13.2.6.1): it sits
     * 8 bytes before the auth value, after auth_pad_length bytes of padding that end the body.
     */
    public int parseTrailer(byte[] b, int off) {
        bodyEnd = fragLength;
        authType = 0;
        authLevel = 0;
        authContextId = -1;
        if (authLength == 0) {
            return TRAILER_NONE;
        }
        int trailer = fragLength - authLength - 8;
        if (trailer < HEADER_LENGTH + minBody(ptype)) {
            return TRAILER_BAD;
        }
        int i = off + trailer;
        authType = b[i] & 0xFF;
        authLevel = b[i + 1] & 0xFF;
        int pad = b[i + 2] & 0xFF;
        authContextId = Bytes.u32(b, i + 4, littleEndian);
        if (trailer - pad < HEADER_LENGTH + minBody(ptype)) {
            return TRAILER_BAD;
        }
        bodyEnd = trailer - pad;
        return TRAILER_OK;
    }

    /** Offset of the auth value within the PDU. */
    int authValueOffset() {
        return fragLength - authLength;
    }

    /**
     * REQUEST (C706 12.6.4.9): alloc_hint, p_cont_id, opnum, optional object UUID, stub.
     * RESPONSE (12.6.4.10): alloc_hint, p_cont_id, cancel_count, reserved, stub.
     * FAULT (12.6.4.7): alloc_hint, p_cont_id, cancel_count, reserved, status, reserved.
     * {@code c} covers the whole PDU. ERROR when the body does not fit before the trailer.
     */
    public ParseStatus parseCallHeader(ByteCursor c) {
        c.seek(HEADER_LENGTH);
        u32(c);
        contextId = u16(c);
        objectUuid = null;
        faultStatus = 0;
        if (ptype == REQUEST) {
            opnum = u16(c);
            if ((flags & PFC_OBJECT_UUID) != 0) {
                objectUuid = uuid(c);
            }
        } else {
            c.u8();
            c.u8();
            if (ptype == FAULT) {
                faultStatus = u32(c);
            }
        }
        stubOffset = c.position();
        if (!c.ok() || stubOffset > bodyEnd) {
            return ParseStatus.ERROR;
        }
        return ParseStatus.OK;
    }

    /** Result of {@link #parseBind}: OK, malformed, or over a limit. */
    public static final int BIND_OK = 0;
    public static final int BIND_MALFORMED = 1;
    public static final int BIND_TOO_MANY = 2;

    /**
     * BIND / ALTER_CONTEXT body (C706 12.6.4.3): max_xmit_frag, max_recv_frag, assoc_group_id,
     * p_context_elem (n_context_elem, 3 reserved, then per item p_cont_id, n_transfer_syn, reserved,
     * abstract_syntax, transfer_syntaxes). Appends one {@link Context} per item (result -1), from
     * {@code binds} when a recent BIND named the same.
     */
    int parseBind(ByteCursor c, DcerpcLimits limits, BindContexts binds, List<Context> out) {
        c.seek(HEADER_LENGTH);
        maxXmitFrag = u16(c);
        maxRecvFrag = u16(c);
        u32(c);
        int n = c.u8();
        c.skip(3);
        if (!c.ok() || c.position() > bodyEnd) {
            return BIND_MALFORMED;
        }
        if (n > limits.maxContextItems()) {
            return BIND_TOO_MANY;
        }
        for (int i = 0; i < n; i++) {
            int ctxId = u16(c);
            int nts = c.u8();
            c.u8();
            UUID iface = uuid(c);
            int verMajor = u16(c);
            int verMinor = u16(c);
            if (nts > limits.maxTransferSyntaxes()) {
                return BIND_TOO_MANY;
            }
            // Nearly every context offers one or two transfer syntaxes (NDR, NDR64, bind-time
            // feature negotiation): their list is made directly, without a list to copy it from.
            UUID ts0 = null;
            UUID ts1 = null;
            List<UUID> more = null;
            for (int t = 0; t < nts; t++) {
                UUID u = transferSyntax(c);
                u32(c);
                if (t == 0) {
                    ts0 = u;
                } else if (t == 1) {
                    ts1 = u;
                } else {
                    if (more == null) {
                        more = new ArrayList<>(nts);
                        more.add(ts0);
                        more.add(ts1);
                    }
                    more.add(u);
                }
            }
            if (!c.ok() || c.position() > bodyEnd) {
                return BIND_MALFORMED;
            }
            List<UUID> ts = nts == 0 ? List.of() : nts == 1 ? syntaxes(ts0) : nts == 2 ? syntaxes(ts0, ts1)
                    : List.copyOf(more);
            out.add(binds.context(ctxId, iface, verMajor, verMinor, ts, -1, -1));
        }
        return BIND_OK;
    }

    /**
     * Where {@link #parseBindAck} found the secondary address (C706 12.6.4.4 port_any_t: the server's
     * port, or over SMB the pipe name, NUL-terminated): array offset and length, 0 when absent.
     */
    int secAddrOffset;
    int secAddrLength;

    /** Number of results read by {@link #parseBindAck}. */
    int resultCount;

    /** NDR64 transfer syntax (MS-RPCE 2.2.4.12): stubs use 8-byte pointers and counts. */
    public static final UUID NDR64 = UUID.fromString("71710533-beba-4937-8319-b5dbef9ccc36");
    /** NDR 2.0 transfer syntax (C706 appendix I). */
    public static final UUID NDR = UUID.fromString("8a885d04-1ceb-11c9-9fe8-08002b104860");

    /** The transfer-syntax lists nearly every context offers, shared (immutable) by all binds. */
    private static final List<UUID> ONLY_NDR = List.of(NDR);
    private static final List<UUID> ONLY_NDR64 = List.of(NDR64);
    private static final List<UUID> NDR_AND_NDR64 = List.of(NDR, NDR64);

    private static List<UUID> syntaxes(UUID ts0) {
        return ts0 == NDR ? ONLY_NDR : ts0 == NDR64 ? ONLY_NDR64 : List.of(ts0);
    }

    private static List<UUID> syntaxes(UUID ts0, UUID ts1) {
        return ts0 == NDR && ts1 == NDR64 ? NDR_AND_NDR64 : List.of(ts0, ts1);
    }

    /**
     * A transfer syntax: NDR 2.0 and NDR64, offered in nearly every bind, are these shared values
     * (a UUID is immutable) rather than a new object per context.
     */
    private UUID transferSyntax(ByteCursor c) {
        if (littleEndian && c.has(16)) {
            if (Guids.equalsLittleEndian(c.array(), c.arrayPosition(), NDR)) {
                c.skip(16);
                return NDR;
            }
            if (Guids.equalsLittleEndian(c.array(), c.arrayPosition(), NDR64)) {
                c.skip(16);
                return NDR64;
            }
        }
        return uuid(c);
    }

    /**
     * BIND_ACK / ALTER_CONTEXT_RESP body (C706 12.6.4.4): max frags, assoc_group_id, secondary
     * address (length-prefixed, then padding to 4 from the PDU start), p_result_list. Writes each
     * result (0 acceptance, 1 user rejection, 2 provider rejection, 3 negotiate ack) into {@code results}
     * and whether the accepted transfer syntax is NDR64 into {@code ndr64}, and each rejection's
     * p_provider_reason_t (0 not specified, 1 abstract syntax not supported, 2 proposed transfer
     * syntaxes not supported, 3 local limit exceeded; C706 12.6.3.1, MS-RPCE 2.2.2.4) into {@code reasons}.
     */
    public int parseBindAck(ByteCursor c, int[] results, int[] reasons, boolean[] ndr64) {
        c.seek(HEADER_LENGTH);
        maxXmitFrag = u16(c);
        maxRecvFrag = u16(c);
        u32(c);
        int secAddrLen = u16(c);
        secAddrOffset = c.arrayPosition();
        secAddrLength = c.has(secAddrLen) ? secAddrLen : 0;
        c.skip(secAddrLen);
        int pos = c.position();
        c.seek((pos + 3) & ~3);
        int n = c.u8();
        c.skip(3);
        resultCount = 0;
        for (int i = 0; i < n; i++) {
            int result = u16(c);
            int reason = u16(c);
            boolean is64 = littleEndian && c.has(16) && Guids.equalsLittleEndian(c.array(), c.arrayPosition(), NDR64);
            c.skip(20);
            if (!c.ok() || c.position() > bodyEnd) {
                return BIND_MALFORMED;
            }
            if (i < results.length) {
                results[i] = result;
                reasons[i] = reason;
                ndr64[i] = is64;
                resultCount = i + 1;
            }
        }
        return c.ok() && c.position() <= bodyEnd ? BIND_OK : BIND_MALFORMED;
    }
}
