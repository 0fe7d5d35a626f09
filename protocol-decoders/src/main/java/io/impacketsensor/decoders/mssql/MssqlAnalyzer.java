package io.impacketsensor.decoders.mssql;

import io.impacketsensor.core.event.Carrier;
import io.impacketsensor.core.event.MssqlEvent;
import io.impacketsensor.core.event.MssqlEvent.MssqlLogin;
import io.impacketsensor.core.flow.Direction;
import io.impacketsensor.core.flow.FlowAnalyzer;
import io.impacketsensor.core.flow.FlowContext;
import io.impacketsensor.core.flow.PduBuffer;
import io.impacketsensor.core.wire.Bytes;
import io.impacketsensor.core.wire.ParseStatus;
import io.impacketsensor.decoders.token.TokenDecoder;
import io.impacketsensor.decoders.token.TokenSession;

/**
 * One TDS connection (MS-TDS 2.2.3: packets of at most 64 KiB, each with an 8-byte header, forming
 * messages ended by the EOM status bit). Read: the PRELOGIN exchange and its encryption outcome
 * (2.2.6.5; MS-TDS 3.3.5.1), LOGIN7 (2.2.6.4) with its SSPI data, SSPI messages (2.2.6.8), the
 * server's answer to the login (SSPI, LOGINACK, ERROR tokens, 2.2.7), and the start of each SQL
 * batch's text (2.2.6.7). Every other packet is passed over by its length, unread.
 *
 * <p>A packet a delivery holds whole is read in place; a split one is gathered in a per-direction
 * {@link PduBuffer}, and a login message over several packets in another, bounded by
 * {@link MssqlLimits#maxMessageLength()}. When encryption covers the whole connection the
 * PRELOGIN outcome is reported ("encrypted, not inspected"), counted, and the flow skipped. With
 * login-only encryption the LOGIN7 travels as TLS records (first inside PRELOGIN packets for the
 * handshake, then as raw records, MS-TDS 3.2.5.2), which are passed over; what follows is clear
 * again, so the server's SSPI challenge, the client's SSPI answer and the login outcome are read.
 * SSPI tokens go to the shared token decoder with {@link Carrier#MSSQL}.
 */
public final class MssqlAnalyzer implements FlowAnalyzer {
    /** Anomalies reported per flow; later ones are only counted. */
    static final int MAX_ANOMALY_EVENTS = 16;

    /** Framing state of one direction. */
    private static final class Side {
        /** The header being read: 8 bytes of a TDS packet, or 5 of a raw TLS record. */
        final byte[] hdr = new byte[MssqlParser.HEADER];
        int hdrLen;
        /** The packet split across deliveries being gathered. */
        final PduBuffer pdu;
        /** The login message over several packets being gathered. */
        final PduBuffer msg;
        /** Type and status of the packet being read. */
        int type;
        int status;
        /** A message's packet was read and its last (EOM) one not yet. */
        boolean inMessage;
        /** Type of the message being gathered. */
        int msgType;
        /** The message being gathered is over the limit or was taken back by the budget: passed over to its EOM. */
        boolean msgLost;
        /** Raw TLS records may come (the LOGIN7 of login-only encryption). */
        boolean rawTls;
        /** After a gap: wait for a delivery that starts with a plausible packet header. */
        boolean resync;

        Side(FlowContext ctx) {
            pdu = new PduBuffer(ctx, "mssql", null);
            msg = new PduBuffer(ctx, "mssql", held -> {
                msgLost = true;
                return held;
            });
        }
    }

    private final FlowContext ctx;
    private final MssqlLimits limits;
    private final MssqlParser parser = new MssqlParser();
    private final MssqlCounters counters;
    private final TokenDecoder tokenDecoder;
    private final Side toServer;
    private final Side toClient;
    private final Packets packets = new Packets();
    private TokenSession session;

    private boolean preloginPending;
    private String clientVersion = "";
    private int clientEncryption = -1;
    private String instance = "";
    private int encryption = MssqlEvent.ENCRYPTION_NONE;
    /** The login waiting for its outcome. */
    private MssqlLogin login;
    private boolean tds72;
    private boolean finished;
    private int anomalyEvents;

    public MssqlAnalyzer(FlowContext ctx, MssqlLimits limits, MssqlCounters counters, TokenDecoder tokenDecoder) {
        this.ctx = ctx;
        this.limits = limits;
        this.counters = counters;
        this.tokenDecoder = tokenDecoder;
        this.toServer = new Side(ctx);
        this.toClient = new Side(ctx);
    }

    @Override
    public boolean onData(Direction dir, byte[] buf, int off, int len) {
        if (finished) {
            return false;
        }
        Side s = dir == Direction.TO_SERVER ? toServer : toClient;
        if (s.resync) {
            if (!plausibleHeader(buf, off, len)) {
                return true;
            }
            s.resync = false;
        }
        if (!s.pdu.frame(dir, buf, off, len, packets)) {
            finish();
            return false;
        }
        return true;
    }

    /** A packet header of a known type, a status of defined bits only and a length of at least 8. */
    static boolean plausibleHeader(byte[] b, int off, int len) {
        return len >= MssqlParser.HEADER && MssqlParser.knownType(b[off] & 0xFF) && (b[off + 1] & 0xE0) == 0
                && Bytes.u16be(b, off + 2) >= MssqlParser.HEADER;
    }

    /** Packet framing (MS-TDS 2.2.3.1): the Length of the 8-byte header counts the header too. */
    private final class Packets implements PduBuffer.Framing {
        @Override
        public int header(Direction dir, byte[] b, int off, int len) {
            Side s = dir == Direction.TO_SERVER ? toServer : toClient;
            int first = s.hdrLen > 0 ? s.hdr[0] & 0xFF : b[off] & 0xFF;
            // RFC 8446 5.1: a TLS record header is content type (20..23), version, length.
            boolean tls = s.rawTls && first >= 0x14 && first <= 0x17;
            int need = tls ? 5 : MssqlParser.HEADER;
            int n = Math.min(len, need - s.hdrLen);
            System.arraycopy(b, off, s.hdr, s.hdrLen, n);
            s.hdrLen += n;
            if (s.hdrLen < need) {
                return n;
            }
            s.hdrLen = 0;
            if (tls) {
                tlsRecord(first);
                s.pdu.passOver(Bytes.u16be(s.hdr, 3));
                return n;
            }
            if (parser.header(s.hdr, 0) != ParseStatus.OK) {
                report(parser.anomaly, "packet type 0x" + Integer.toHexString(s.hdr[0] & 0xFF) + ", length "
                        + Bytes.u16be(s.hdr, 2));
                s.resync = true;
                return len;
            }
            s.type = parser.type;
            s.status = parser.status;
            int dataLen = parser.length - MssqlParser.HEADER;
            if (!wanted(dir, s)) {
                s.inMessage = (s.status & MssqlParser.EOM) == 0;
                s.pdu.passOver(dataLen);
                return n;
            }
            if (len - n >= dataLen) {
                return packet(dir, s, b, off + n, dataLen) ? n + dataLen : -1;
            }
            s.pdu.start(dataLen, null, 0);
            return n;
        }

        @Override
        public boolean pdu(Direction dir, byte[] b, int off, int len) {
            return packet(dir, dir == Direction.TO_SERVER ? toServer : toClient, b, off, len);
        }
    }

    /** Whether the packet starting is read: login messages, a batch's first packet, the answers the login waits for. */
    private boolean wanted(Direction dir, Side s) {
        int t = s.type;
        if (dir == Direction.TO_SERVER) {
            return t == MssqlParser.PRELOGIN || t == MssqlParser.LOGIN7 || t == MssqlParser.SSPI
                    || t == MssqlParser.SQL_BATCH && !s.inMessage;
        }
        return t == MssqlParser.TABULAR_RESULT && (preloginPending || login != null);
    }

    private boolean packet(Direction dir, Side s, byte[] b, int off, int len) {
        boolean eom = (s.status & MssqlParser.EOM) != 0;
        boolean first = !s.inMessage;
        s.inMessage = !eom;
        if (s.type == MssqlParser.SQL_BATCH) {
            if (first) {
                counters.pdus++;
                counters.batches++;
                parser.batch(b, off, len);
                ctx.emit(MssqlEvents.batch(ctx, parser, b, limits.maxBatchPrefix(), !eom));
            }
            return true;
        }
        if (first) {
            s.msg.clear();
            s.msgLost = false;
            s.msgType = s.type;
            if (eom) {
                return message(dir, s.msgType, b, off, len);
            }
        }
        if (s.msgLost) {
            return true;
        }
        if ((long) s.msg.length() + len > limits.maxMessageLength()) {
            report(MssqlAnomaly.MESSAGE_TOO_LONG, "message over " + limits.maxMessageLength() + " bytes");
            s.msgLost = true;
            s.msg.clear();
            return true;
        }
        if (!s.msg.append(b, off, len, 1024, limits.maxMessageLength())) {
            return true;
        }
        if (!eom) {
            return true;
        }
        int n = s.msg.take();
        return message(dir, s.msgType, s.msg.array(), 0, n);
    }

    private boolean message(Direction dir, int type, byte[] b, int off, int len) {
        counters.pdus++;
        if (dir == Direction.TO_SERVER) {
            switch (type) {
                case MssqlParser.PRELOGIN -> clientPrelogin(b, off, len);
                case MssqlParser.LOGIN7 -> login7(b, off, len);
                case MssqlParser.SSPI -> token(Direction.TO_SERVER, b, off, len);
                default -> {
                }
            }
            return true;
        }
        if (preloginPending) {
            return serverPrelogin(b, off, len);
        }
        if (login != null) {
            loginResponse(b, off, len);
        }
        return true;
    }

    private void clientPrelogin(byte[] b, int off, int len) {
        if (len > 0 && b[off] == 0x16) {
            // MS-TDS 2.2.6.5: the TLS handshake travels in PRELOGIN packets; nothing to read.
            return;
        }
        if (parser.prelogin(b, off, len) != ParseStatus.OK) {
            report(parser.anomaly, "PRELOGIN of " + len + " bytes");
            return;
        }
        if (parser.optionOutside) {
            report(MssqlAnomaly.MALFORMED_PRELOGIN, "PRELOGIN option outside its " + len + " bytes");
        }
        clientVersion = MssqlEvents.version(parser);
        clientEncryption = parser.encryption;
        instance = MssqlEvents.instance(parser, b);
        preloginPending = true;
    }

    /** The server's PRELOGIN answer: the encryption both sides settle on (MS-TDS 2.2.6.5 table). */
    private boolean serverPrelogin(byte[] b, int off, int len) {
        preloginPending = false;
        if (parser.prelogin(b, off, len) != ParseStatus.OK) {
            report(parser.anomaly, "PRELOGIN response of " + len + " bytes");
            ctx.emit(MssqlEvents.prelogin(ctx, clientVersion, clientEncryption, "", -1, instance, encryption));
            return true;
        }
        if (parser.optionOutside) {
            report(MssqlAnomaly.MALFORMED_PRELOGIN, "PRELOGIN response option outside its " + len + " bytes");
        }
        encryption = outcome(clientEncryption, parser.encryption);
        ctx.emit(MssqlEvents.prelogin(ctx, clientVersion, clientEncryption, MssqlEvents.version(parser),
                parser.encryption, instance, encryption));
        if (encryption == MssqlEvent.ENCRYPTION_FULL) {
            // Encrypted, not inspected: every byte after the handshake is TLS.
            counters.encrypted++;
            return false;
        }
        if (encryption == MssqlEvent.ENCRYPTION_LOGIN_ONLY) {
            toServer.rawTls = true;
        }
        return true;
    }

    /**
     * ENCRYPT_NOT_SUP on either side: none (or the connection ends); ON or REQ on either side: the
     * whole connection; OFF on both: the login only. The ENCRYPT_CLIENT_CERT bit (0x80) is masked.
     */
    static int outcome(int client, int server) {
        if (client < 0 || server < 0) {
            return MssqlEvent.ENCRYPTION_NONE;
        }
        int c = client & 0x0F;
        int s = server & 0x0F;
        if (c == MssqlParser.ENCRYPT_NOT_SUP || s == MssqlParser.ENCRYPT_NOT_SUP) {
            return MssqlEvent.ENCRYPTION_NONE;
        }
        if (c == MssqlParser.ENCRYPT_OFF && s == MssqlParser.ENCRYPT_OFF) {
            return MssqlEvent.ENCRYPTION_LOGIN_ONLY;
        }
        return MssqlEvent.ENCRYPTION_FULL;
    }

    /** A raw TLS record from the client: its first application data is the protected LOGIN7. */
    private void tlsRecord(int contentType) {
        if (contentType == 0x17 && login == null) {
            counters.encryptedLogins++;
            counters.logins++;
            login = MssqlEvents.encryptedLogin(ctx);
            tds72 = true;
        }
    }

    private void login7(byte[] b, int off, int len) {
        if (parser.login7(b, off, len) != ParseStatus.OK) {
            report(parser.anomaly, "LOGIN7 of " + len + " bytes");
            return;
        }
        counters.logins++;
        if (login != null) {
            ctx.emit(login);
        }
        login = MssqlEvents.login(ctx, parser, b);
        tds72 = parser.tdsVersion >= 0x72000000L;
        if (parser.sspiLen > 0) {
            token(Direction.TO_SERVER, b, parser.sspiOff, parser.sspiLen);
        }
    }

    private void loginResponse(byte[] b, int off, int len) {
        if (parser.loginResponse(b, off, len, tds72) != ParseStatus.OK) {
            report(parser.anomaly, "login response of " + len + " bytes");
        }
        if (parser.sspiLen > 0) {
            int so = parser.sspiOff;
            int sl = parser.sspiLen;
            token(Direction.TO_CLIENT, b, so, sl);
        }
        if (parser.loginAck || parser.errorNumber != 0) {
            ctx.emit(MssqlEvents.outcome(ctx, login, parser, b));
            login = null;
            if (session != null) {
                // The outcome of the SSPI authentication: 0 accepted, else the ERROR Number (18456 login failed).
                session.onResult(parser.loginAck ? 0 : parser.errorNumber);
            }
        }
    }

    private void token(Direction dir, byte[] b, int off, int len) {
        if (tokenDecoder == null || len == 0) {
            return;
        }
        if (session == null) {
            session = tokenDecoder.newSession(ctx, Carrier.MSSQL);
        }
        session.onToken(dir, b, off, len);
    }

    /** Reports an anomaly (at most {@link #MAX_ANOMALY_EVENTS} events per flow, every one counted). */
    private void report(MssqlAnomaly a, String detail) {
        counters.parserError++;
        if (anomalyEvents < MAX_ANOMALY_EVENTS) {
            anomalyEvents++;
            MssqlEvents.anomaly(ctx, a, detail);
        }
    }

    @Override
    public boolean onGap(Direction dir, long len) {
        if (finished) {
            return false;
        }
        counters.gap++;
        Side s = dir == Direction.TO_SERVER ? toServer : toClient;
        s.hdrLen = 0;
        s.pdu.clear();
        s.msg.clear();
        s.inMessage = false;
        s.resync = true;
        report(MssqlAnomaly.GAP, len + " bytes missing");
        return true;
    }

    @Override
    public void onClose() {
        finish();
    }

    /** Emits what is pending and lets the buffers go; the flow is not read after this. */
    private void finish() {
        if (finished) {
            return;
        }
        finished = true;
        if (preloginPending) {
            preloginPending = false;
            ctx.emit(MssqlEvents.prelogin(ctx, clientVersion, clientEncryption, "", -1, instance, encryption));
        }
        if (login != null) {
            ctx.emit(login);
            login = null;
        }
        if (session != null) {
            session.close();
        }
        toServer.pdu.release();
        toServer.msg.release();
        toClient.pdu.release();
        toClient.msg.release();
    }
}
