package io.impacketsensor.decoders.ldap;

import io.impacketsensor.core.collections.ReusePool;
import io.impacketsensor.core.event.Carrier;
import io.impacketsensor.core.event.Transport;
import io.impacketsensor.core.flow.Direction;
import io.impacketsensor.core.flow.FlowAnalyzer;
import io.impacketsensor.core.flow.FlowContext;
import io.impacketsensor.core.flow.PduBuffer;
import io.impacketsensor.core.wire.Bytes;
import io.impacketsensor.core.wire.ParseStatus;
import io.impacketsensor.decoders.token.TokenDecoder;
import io.impacketsensor.decoders.token.TokenSession;

/**
 * LDAP on TCP 389/3268 and CLDAP on UDP 389 (RFC 4511 5.1, 5.2; MS-ADTS 3.1.1.3 for CLDAP).
 *
 * <p>TCP framing: each LDAPMessage is a BER SEQUENCE; its header, message id and protocolOp tag
 * (at most 16 bytes) are read first. SearchResultEntry and SearchResultReference are counted for
 * their request and skipped by length, never buffered; other messages are decoded in place when
 * a segment holds them whole, else copied into a per-direction buffer bounded by
 * {@link LdapLimits#maxMessageLength()}. A response whose request the flow did not carry (a copy of
 * the server's side alone, a flow picked up mid-way) is still reported, as an answer
 * ({@link LdapReplies}); the entries of such a search are gathered like any message and read for
 * their attribute names ({@link EntryShape}), the first {@link LdapReplies#MAX_INSPECTED} of each.
 *
 * <p>Bytes that do not start an LDAPMessage after a SASL bind are the SASL security layer
 * (RFC 4422 3.7: 4-byte length + wrapped token): {@code LdapSealed} once, and the flow is no
 * longer inspected. After a StartTLS request (RFC 4511 4.14) a success response or a TLS record
 * ends inspection the same way. Credentials go to the shared token decoder.
 */
public final class LdapAnalyzer implements FlowAnalyzer {
    private static final int HEADER_MAX = 16;
    /** Anomalies reported per flow; later ones are only counted. */
    static final int MAX_ANOMALY_EVENTS = 16;
    private static final String START_TLS_OID = "1.3.6.1.4.1.1466.20037";

    /** Framing state of one direction. */
    private static final class Side {
        final byte[] hdr = new byte[HEADER_MAX];
        int hdrLen;
        /**
         * The split message (or SASL buffer) being gathered, and the bytes to pass over. When the
         * worker's buffer budget takes it back, its length is known, so the rest of it is passed
         * over and the next one read.
         */
        final PduBuffer pdu;
        boolean resync;

        /**
         * This direction carries SASL buffers (RFC 4422 3.7). Per direction, because each side
         * switches at its own message boundary: the client's first wrapped request may arrive
         * while the server's bind response is still being reassembled, and that response must
         * still be read as an LDAPMessage.
         */
        boolean saslLayer;
        /**
         * This direction switched to TLS after a StartTLS request, or to a sealed SASL layer: its
         * bytes are not inspected. The flow ends once both directions are opaque, so the other
         * direction's last clear message (the ExtendedResponse or BindResponse still arriving) is
         * still decoded.
         */
        boolean opaque;
        /** The message being gathered is a SearchResultEntry whose search request was not seen ({@link LdapReplies}). */
        boolean replyEntry;

        Side(FlowContext ctx) {
            pdu = new PduBuffer(ctx, "ldap", null);
        }

        /** As {@link #Side(FlowContext)} makes it, for a new flow (its buffer released at close). */
        void reuse(FlowContext ctx) {
            pdu.reuse(ctx);
            hdrLen = 0;
            resync = false;
            saslLayer = false;
            opaque = false;
            replyEntry = false;
        }
    }

    private FlowContext ctx;
    private final LdapLimits limits;
    private final LdapParser parser;
    private final LdapCounters counters;
    private final TokenDecoder tokenDecoder;
    private final boolean tcp;
    private final Side toServer;
    private final Side toClient;
    private final Messages messages = new Messages();
    private final SaslBuffers saslBuffers = new SaslBuffers();
    private final LdapPending pending;
    /** Answers without their requests (TCP only: a CLDAP ping and its answer are one datagram each way). */
    private final LdapReplies replies;
    private final boolean allSearchEntries;
    private TokenSession session;
    private String saslMechanism;
    private boolean saslBound;
    /**
     * A SASL BindRequest awaits its response. The client's first wrapped buffer may be read before
     * the server's final BindResponse has been reassembled (the two directions arrive out of step),
     * so a non-LDAP first byte then also starts the SASL layer of that direction.
     */
    private boolean saslBindPending;
    private boolean startTlsRequested;
    /** True once the server side of the connection delivered an LDAP message. */
    private boolean answered;
    /**
     * A TCP connection where the client sent a request after a BindRequest while the server had
     * answered nothing at all: the copy holds only the client's side (an RX-only mirror, asymmetric
     * routing), so its requests become events as they come instead of when the connection closes.
     */
    private boolean clientOnly;
    /** A BindRequest was sent on the connection. */
    private boolean bindSent;
    private boolean startTlsReported;
    private boolean sealedReported;
    private int anomalyEvents;
    /** Where the analyzer goes after its {@link #onClose} (null: nowhere). */
    private final ReusePool<LdapAnalyzer> pool;
    /** Set by {@link #onClose}: a second close must not flush or hand the analyzer to the pool twice. */
    private boolean closed;

    public LdapAnalyzer(FlowContext ctx, LdapLimits limits, LdapCounters counters,
                        TokenDecoder tokenDecoder) {
        this(ctx, limits, counters, tokenDecoder, true);
    }

    /** @param allSearchEntries as {@link LdapAnalyzerFactory#LdapAnalyzerFactory(LdapLimits, TokenDecoder, boolean)} */
    public LdapAnalyzer(FlowContext ctx, LdapLimits limits, LdapCounters counters,
                        TokenDecoder tokenDecoder, boolean allSearchEntries) {
        this(ctx, limits, counters, tokenDecoder, allSearchEntries, null);
    }

    /** @param pool where the analyzer goes after its close, for the worker's next flow of its transport */
    LdapAnalyzer(FlowContext ctx, LdapLimits limits, LdapCounters counters, TokenDecoder tokenDecoder,
                 boolean allSearchEntries, ReusePool<LdapAnalyzer> pool) {
        this.pool = pool;
        this.ctx = ctx;
        this.limits = limits;
        this.parser = new LdapParser(limits);
        this.counters = counters;
        this.tokenDecoder = tokenDecoder;
        this.tcp = ctx.transport() == Transport.TCP;
        this.pending = new LdapPending(limits.maxPending(), !tcp, limits.maxKeptEntryBytes(), allSearchEntries);
        this.allSearchEntries = allSearchEntries;
        this.replies = tcp ? new LdapReplies(limits, allSearchEntries) : null;
        this.toServer = new Side(ctx);
        this.toClient = new Side(ctx);
    }

    /**
     * For a new flow of the same transport on {@code ctx}, after this one's {@link #onClose}: every
     * field as the constructor leaves it. The close emptied the pending requests and the answers
     * without requests, and released the buffers; the parser keeps nothing from one message to the
     * next.
     */
    void reuse(FlowContext ctx) {
        this.ctx = ctx;
        toServer.reuse(ctx);
        toClient.reuse(ctx);
        if (replies != null) {
            replies.reuse();
        }
        session = null;
        saslMechanism = null;
        saslBound = false;
        saslBindPending = false;
        startTlsRequested = false;
        answered = false;
        clientOnly = false;
        bindSent = false;
        startTlsReported = false;
        sealedReported = false;
        anomalyEvents = 0;
        closed = false;
    }

    @Override
    public boolean onData(Direction dir, byte[] buf, int off, int len) {
        if (!tcp) {
            return datagram(dir, buf, off, len);
        }
        Side s = dir == Direction.TO_SERVER ? toServer : toClient;
        if (s.opaque) {
            return true;
        }
        if (s.resync) {
            // After a gap: wait for a segment that starts a well-formed message header (STYLE.md 7),
            // or, on a SASL layer or a flow taken up after its bind, a SASL buffer carrying a wrap
            // token: after a SASL bind every PDU is one (RFC 4422 3.7), so a direction that only
            // waited for a message header would never resynchronise.
            boolean sasl = LdapSaslUnwrap.bufferStart(buf, off, len, limits.maxMessageLength());
            if (!sasl && (s.saslLayer || buf[off] != 0x30 || parser.peek(buf, off, len) != ParseStatus.OK
                    || parser.peekOp > 24)) {
                return true;
            }
            s.resync = false;
            s.saslLayer = sasl;
            counters.resyncs++;
        }
        if (s.saslLayer) {
            return saslData(dir, s, buf, off, len);
        }
        return s.pdu.frame(dir, buf, off, len, messages);
    }

    /** TCP framing of LDAPMessages (RFC 4511 5.1): each a BER SEQUENCE delimited by its length. */
    private final class Messages implements PduBuffer.Framing {
        /**
         * Reads (the rest of) a message header; a message the segment holds whole is decoded in
         * place, search entries and references are counted and passed over unread.
         */
        @Override
        public int header(Direction dir, byte[] buf, int off, int len) {
            Side s = dir == Direction.TO_SERVER ? toServer : toClient;
            PduBuffer pdu = s.pdu;
            if (s.hdrLen == 0) {
                s.replyEntry = false;
                if (buf[off] != 0x30) {
                    if (saslBound || saslBindPending
                            || LdapSaslUnwrap.bufferStart(buf, off, len, limits.maxMessageLength())) {
                        // RFC 4422 3.7: from here on every PDU is a SASL buffer (also on a flow
                        // taken up after its bind, recognised by the buffer's wrap token).
                        s.saslLayer = true;
                        return saslData(dir, s, buf, off, len) ? len : -1;
                    }
                    return notLdap(dir, s, buf[off] & 0xFF) ? len : -1;
                }
                ParseStatus st = parser.peek(buf, off, len);
                if (st == ParseStatus.ERROR) {
                    report(parser.anomaly(), "message header");
                    resynchronise(s);
                    return len;
                }
                if (st == ParseStatus.NEED_MORE) {
                    int n = Math.min(len, HEADER_MAX);
                    System.arraycopy(buf, off, s.hdr, 0, n);
                    s.hdrLen = n;
                    return n;
                }
                int total = parser.peekTotal;
                if (isEntry(parser.peekOp) && !keepsEntry(parser.peekOp, parser.peekMessageId, total)) {
                    if (passedOver(parser.peekOp, parser.peekMessageId, total)) {
                        if (len >= total) {
                            replyEntryMessage(buf, off, total);
                            return total;
                        }
                        s.replyEntry = true;
                        pdu.start(total, null, 0);
                        return 0;
                    }
                    counters.pdus++;
                    pdu.passOver(total);
                    return 0;
                }
                if (total > limits.maxMessageLength()) {
                    // Framed all the same: passed over by its length, the next message is read.
                    report(LdapAnomaly.LENGTH_TOO_LONG, "message of " + total + " bytes > "
                            + limits.maxMessageLength());
                    pdu.passOver(total);
                    return 0;
                }
                if (len >= total) {
                    return message(dir, buf, off, total) ? total : -1;
                }
                // The BER length is the peer's word (up to maxMessageLength): the worker's buffer
                // budget decides whether all those bytes may be held; if not, the message is passed over.
                pdu.start(total, null, 0);
                return 0;
            }
            // The header itself was split: complete it from this segment.
            int n = Math.min(len, HEADER_MAX - s.hdrLen);
            System.arraycopy(buf, off, s.hdr, s.hdrLen, n);
            ParseStatus st = parser.peek(s.hdr, 0, s.hdrLen + n);
            if (st == ParseStatus.ERROR || (st == ParseStatus.NEED_MORE && s.hdrLen + n == HEADER_MAX)) {
                report(st == ParseStatus.ERROR ? parser.anomaly() : LdapAnomaly.MALFORMED_DATA, "message header");
                resynchronise(s);
                return len;
            }
            if (st == ParseStatus.NEED_MORE) {
                s.hdrLen += n;
                return n;
            }
            // The message's first old bytes were consumed from earlier segments; the rest of it,
            // this segment included, is read from here.
            int old = s.hdrLen;
            s.hdrLen = 0;
            int total = parser.peekTotal;
            if (isEntry(parser.peekOp) && !keepsEntry(parser.peekOp, parser.peekMessageId, total)) {
                if (passedOver(parser.peekOp, parser.peekMessageId, total)) {
                    s.replyEntry = true;
                    pdu.start(total, s.hdr, old);
                    return 0;
                }
                counters.pdus++;
                pdu.passOver(total - old);
                return 0;
            }
            if (total > limits.maxMessageLength()) {
                report(LdapAnomaly.LENGTH_TOO_LONG, "message of " + total + " bytes > " + limits.maxMessageLength());
                pdu.passOver(total - old);
                return 0;
            }
            // Refused by the budget: the rest of the message, total - old bytes, is passed over.
            pdu.start(total, s.hdr, old);
            return 0;
        }

        @Override
        public boolean pdu(Direction dir, byte[] buf, int off, int len) {
            Side s = dir == Direction.TO_SERVER ? toServer : toClient;
            if (s.replyEntry) {
                s.replyEntry = false;
                replyEntryMessage(buf, off, len);
                return true;
            }
            return message(dir, buf, off, len);
        }
    }

    /**
     * A SearchResultEntry or reference its search does not keep: counted for its request, or, when
     * the request was not seen, for its answer ({@link LdapReplies}). True for an entry of such an
     * answer whose attributes are still read ({@link LdapReplies#MAX_INSPECTED}): it is then
     * gathered whole and read for its shape ({@link #replyEntryMessage}) instead of passed over.
     */
    private boolean passedOver(int op, int messageId, int total) {
        if (pending.entry(messageId) || replies == null) {
            return false;
        }
        if (op == LdapParser.SEARCH_RESULT_ENTRY && total <= limits.maxMessageLength() && replies.inspects(messageId)) {
            return true;
        }
        replies.counted(ctx, messageId, op == LdapParser.SEARCH_RESULT_REFERENCE);
        return false;
    }

    /**
     * A whole SearchResultEntry whose search request was not seen: read for its shape; decoded in
     * full only when protocol records keep entries.
     */
    private void replyEntryMessage(byte[] buf, int off, int len) {
        counters.pdus++;
        // peeked again: a gathered entry's header was peeked before other messages were
        if (parser.peek(buf, off, len) != ParseStatus.OK) {
            return;
        }
        int id = parser.peekMessageId;
        LdapParser parsed = allSearchEntries && parser.parse(buf, off, len) == ParseStatus.OK ? parser : null;
        replies.entry(ctx, id, buf, off, len, parsed);
    }

    private static boolean isEntry(int op) {
        return op == LdapParser.SEARCH_RESULT_ENTRY || op == LdapParser.SEARCH_RESULT_REFERENCE;
    }

    /**
     * True for a SearchResultEntry that is decoded (buffered like any message) rather than counted
     * and passed over: its search is pending and has not kept {@code max_kept_entry_bytes} of
     * entries yet, and it fits {@code max_message_length}. An enumeration of a whole directory is
     * thus decoded only for its first entries; the rest are skipped by length as before.
     */
    private boolean keepsEntry(int op, int messageId, int total) {
        return op == LdapParser.SEARCH_RESULT_ENTRY && total <= limits.maxMessageLength()
                && pending.keepsEntry(messageId);
    }

    /** CLDAP: a datagram holds one or more whole LDAPMessages (a netlogon answer: entry + done). */
    private boolean datagram(Direction dir, byte[] buf, int off, int len) {
        while (len > 0) {
            ParseStatus st = parser.peek(buf, off, len);
            if (st != ParseStatus.OK || parser.peekTotal > len) {
                // The rest of this datagram is dropped; the next datagram is read.
                report(st == ParseStatus.ERROR ? parser.anomaly() : LdapAnomaly.MALFORMED_DATA,
                        "datagram of " + len + " bytes");
                return true;
            }
            int total = parser.peekTotal;
            if (!message(dir, buf, off, total)) {
                return false;
            }
            off += total;
            len -= total;
        }
        return true;
    }

    private boolean message(Direction dir, byte[] buf, int off, int len) {
        if (parser.parse(buf, off, len) != ParseStatus.OK) {
            // Delimited by its BER length: only this message is dropped.
            report(parser.anomaly(), "message of " + len + " bytes");
            return true;
        }
        counters.pdus++;
        LdapParser p = parser;
        if (dir == Direction.TO_CLIENT) {
            answered = true;
            clientOnly = false;
        }
        switch (p.protocolOp) {
            case LdapParser.BIND_REQUEST:
                if (p.authTag == 3) {
                    saslMechanism = p.saslMechanism;
                    saslBindPending = true;
                }
                token(dir, buf, p);
                return admit(pending.bind(p));
            case LdapParser.BIND_RESPONSE: {
                token(dir, buf, p);
                int authTag = pending.authTagOf(p.messageId);
                if (session != null && p.resultCode != 14 && authTag != 10) {
                    // 14 saslBindInProgress and the Sicily negotiate answer are not the final result.
                    session.onResult(p.resultCode);
                }
                if (authTag == 3 && (p.resultCode == 0 || p.resultCode == 14)) {
                    saslBound = true;
                }
                saslBindPending = false;
                if (!pending.complete(ctx, p) && replies != null) {
                    replies.bind(ctx, p);
                }
                return true;
            }
            case LdapParser.SEARCH_REQUEST:
            case LdapParser.ADD_REQUEST:
            case LdapParser.MODIFY_REQUEST:
            case LdapParser.DEL_REQUEST:
            case LdapParser.MODDN_REQUEST:
                return admit(pending.request(p));
            case LdapParser.EXTENDED_REQUEST:
                if (START_TLS_OID.equals(p.dn)) {
                    startTlsRequested = true;
                }
                return admit(pending.request(p));
            case LdapParser.UNBIND_REQUEST:
                pending.unbind(ctx, p);
                return true;
            case LdapParser.SEARCH_RESULT_ENTRY:
                pending.entry(p);
                return true;
            case LdapParser.SEARCH_RESULT_REFERENCE:
                passedOver(p.protocolOp, p.messageId, len);
                return true;
            case LdapParser.SEARCH_RESULT_DONE:
                if (!pending.complete(ctx, p) && replies != null) {
                    replies.done(ctx, p);
                }
                return true;
            case LdapParser.MODIFY_RESPONSE:
            case LdapParser.ADD_RESPONSE:
            case LdapParser.DEL_RESPONSE:
            case LdapParser.MODDN_RESPONSE:
                if (!pending.complete(ctx, p) && replies != null) {
                    replies.other(ctx, p);
                }
                return true;
            case LdapParser.EXTENDED_RESPONSE: {
                boolean tls = startTlsRequested && pending.isStartTls(p.messageId, START_TLS_OID);
                if (!pending.complete(ctx, p) && replies != null) {
                    replies.other(ctx, p);
                }
                if (tls && p.resultCode == 0) {
                    startTls();
                    return false;
                }
                return true;
            }
            default:
                return true;
        }
    }

    private boolean admit(boolean ok) {
        if (!ok) {
            // That request is not tracked (its result is not paired); the flow goes on.
            report(LdapAnomaly.TOO_MANY_PENDING, limits.maxPending() + " requests without result");
        }
        if (tcp && !answered && (clientOnly || bindSent)) {
            // After a BindRequest a client sends nothing until the BindResponse (RFC 4511 4.2.1), so a
            // request after a bind, with no answer to anything on the connection, is a copy without
            // the server's side: the results will not come, and waiting for them would put every
            // request after what the client did next on other connections.
            clientOnly = true;
            pending.flush(ctx);
        }
        bindSent |= parser.protocolOp == LdapParser.BIND_REQUEST;
        return true;
    }

    /** Hands SASL credentials, Sicily NTLMSSP and server challenges to the shared token decoder. */
    private void token(Direction dir, byte[] buf, LdapParser p) {
        if (tokenDecoder == null || p.tokenOff < 0 || p.tokenLen == 0) {
            return;
        }
        if (session == null) {
            session = tokenDecoder.newSession(ctx, Carrier.LDAP);
        }
        session.onToken(dir, buf, p.tokenOff, p.tokenLen);
    }

    /**
     * SASL security layer framing (RFC 4422 3.7): a 4-byte big-endian length, then the wrapped
     * token. Each whole buffer is unwrapped when it only carries integrity (the LDAP PDUs are then
     * in clear behind a signature) and its messages decoded; the first sealed buffer ends
     * inspection with one {@code LdapSealed}.
     */
    private boolean saslData(Direction dir, Side s, byte[] buf, int off, int len) {
        return s.pdu.frame(dir, buf, off, len, saslBuffers);
    }

    /** SASL buffers (RFC 4422 3.7): a 4-byte big-endian length, then the wrapped token. */
    private final class SaslBuffers implements PduBuffer.Framing {
        @Override
        public int header(Direction dir, byte[] buf, int off, int len) {
            Side s = dir == Direction.TO_SERVER ? toServer : toClient;
            if (s.hdrLen < 4) {
                s.hdr[s.hdrLen++] = buf[off];
                return 1;
            }
            long size = Bytes.u32be(s.hdr, 0);
            s.hdrLen = 0;
            if (size > limits.maxMessageLength() || size == 0) {
                report(LdapAnomaly.LENGTH_TOO_LONG, "SASL buffer of " + size + " bytes > "
                        + limits.maxMessageLength());
                s.pdu.passOver(size);
                return 0;
            }
            int total = (int) size;
            if (len >= total) {
                return saslBuffer(dir, buf, off, total) ? total : -1;
            }
            s.pdu.start(total, null, 0);
            return 0;
        }

        @Override
        public boolean pdu(Direction dir, byte[] buf, int off, int len) {
            return saslBuffer(dir, buf, off, len);
        }
    }

    /** One whole SASL buffer: the LDAP messages behind an integrity-only wrap, or the end (sealed). */
    private boolean saslBuffer(Direction dir, byte[] buf, int off, int len) {
        long window = LdapSaslUnwrap.plaintext(buf, off, len);
        if (window < 0) {
            if (!sealedReported) {
                sealedReported = true;
                LdapEvents.sealed(ctx, saslMechanism);
            }
            // The bind is complete: both directions are sealed from here. While its response is
            // still arriving, only this direction stops being inspected.
            return saslBindPending && opaque(dir == Direction.TO_SERVER ? toServer : toClient);
        }
        int p = (int) (window >>> 32);
        int end = p + (int) window;
        while (end - p >= 2 && buf[p] == 0x30) {
            if (parser.peek(buf, p, end - p) != ParseStatus.OK || parser.peekTotal > end - p) {
                // The rest of this SASL buffer is dropped; the next buffer is read.
                report(LdapAnomaly.MALFORMED_DATA, "message in a SASL buffer of " + len + " bytes");
                return true;
            }
            int total = parser.peekTotal;
            if (isEntry(parser.peekOp) && !keepsEntry(parser.peekOp, parser.peekMessageId, total)) {
                // As outside a SASL layer: an entry its search does not keep is counted, not decoded.
                if (passedOver(parser.peekOp, parser.peekMessageId, total)) {
                    replyEntryMessage(buf, p, total);
                } else {
                    counters.pdus++;
                }
            } else if (!message(dir, buf, p, total)) {
                return false;
            }
            p += total;
        }
        return true;
    }

    /** A message start that is not a SEQUENCE without a SASL layer: TLS after StartTLS, or garbage. */
    private boolean notLdap(Direction dir, Side s, int firstByte) {
        if (startTlsRequested && firstByte == 0x16) {
            // A TLS record (RFC 8446 5.1: content type 22, handshake) on this direction; the other
            // may still be finishing the ExtendedResponse, which is still decoded.
            startTls();
            return opaque(s);
        }
        report(LdapAnomaly.NOT_LDAP, "first byte 0x" + Integer.toHexString(firstByte) + " " + dir);
        resynchronise(s);
        return true;
    }

    /** Direction {@code s} is no longer inspected; false (end the flow) once both are opaque. */
    private boolean opaque(Side s) {
        s.opaque = true;
        return !(toServer.opaque && toClient.opaque);
    }

    private void startTls() {
        if (!startTlsReported) {
            startTlsReported = true;
            LdapEvents.startTls(ctx);
        }
    }

    /** Framing of one direction is lost: wait for a segment that starts a well-formed message. */
    private static void resynchronise(Side s) {
        s.hdrLen = 0;
        s.pdu.clear();
        s.resync = true;
    }

    /**
     * Counts an anomaly and emits it, at most {@link #MAX_ANOMALY_EVENTS} per flow (a peer must
     * not turn malformed messages into an event flood). The flow is never given up for malformed
     * input: one crafted message sent first must not hide the searches after it.
     */
    private void report(LdapAnomaly a, String detail) {
        counters.parserError++;
        if (anomalyEvents < MAX_ANOMALY_EVENTS) {
            anomalyEvents++;
            LdapEvents.anomaly(ctx, a, detail);
        }
    }

    @Override
    public boolean onGap(Direction dir, long len) {
        counters.gap++;
        Side s = dir == Direction.TO_SERVER ? toServer : toClient;
        // The direction's mode (LDAP or SASL buffers) survives the gap; only its framing resets.
        resynchronise(s);
        LdapEvents.anomaly(ctx, LdapAnomaly.GAP, len + " bytes missing");
        return true;
    }

    @Override
    public void onClose() {
        if (closed) {
            return;
        }
        closed = true;
        toServer.pdu.release();
        toClient.pdu.release();
        pending.flush(ctx);
        if (replies != null) {
            replies.flush(ctx);
        }
        if (session != null) {
            session.close();
        }
        if (pool != null) {
            // Nothing calls an analyzer after its close (the flow is detached): it serves the
            // worker's next LDAP flow.
            pool.give(this);
        }
    }
}
