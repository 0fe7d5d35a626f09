package io.impacketsensor.decoders.smb2;

import io.impacketsensor.core.event.ProtocolAnomaly;
import io.impacketsensor.core.event.SmbEvent;
import io.impacketsensor.core.flow.Direction;
import io.impacketsensor.core.flow.FlowContext;
import io.impacketsensor.decoders.gssapi.TokenSession;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The SMB1 that an SMB2 sensor must still see (MS-CIFS 2.2.3.1 header): the NEGOTIATE dialect list
 * (Impacket's first packet), the extended-security SESSION_SETUP_ANDX security blob (MS-SMB
 * 2.2.4.6: NTLMSSP of SMB1-only clients such as Metasploit's psexec goes to the token decoder),
 * and one {@code Smb1Usage} per flow for every other command. Nothing else of SMB1 is decoded.
 *
 * <pre>
 *   0 FF 'SMB'  4 Command  5 Status(4)  9 Flags (0x80 reply)  10 Flags2  ...  32 WordCount, Words, ByteCount, Bytes
 *   SESSION_SETUP_ANDX request, WordCount 12: SecurityBlobLength at 47, blob at 59
 *   SESSION_SETUP_ANDX response, WordCount 4:  SecurityBlobLength at 39, blob at 43
 * </pre>
 */
final class Smb1Sniffer {
    static final int NEGOTIATE = 0x72;
    static final int SESSION_SETUP_ANDX = 0x73;

    private final FlowContext ctx;
    private final Smb2Parser p;
    private final Supplier<TokenSession> tokens;
    private boolean usageReported;

    Smb1Sniffer(FlowContext ctx, Smb2Parser p, Supplier<TokenSession> tokens) {
        this.ctx = ctx;
        this.p = p;
        this.tokens = tokens;
    }

    /** One SMB1 message; false when a limit was exceeded (the caller reports it and stops). */
    boolean onPdu(Direction dir, byte[] b, int off, int len) {
        if (len < 33) {
            malformed(len);
            return true;
        }
        int command = b[off + 4] & 0xFF;
        boolean reply = (b[off + 9] & 0x80) != 0;
        if (command == NEGOTIATE && !reply) {
            return negotiate(b, off, len);
        }
        if (!usageReported && command != NEGOTIATE) {
            usageReported = true;
            ctx.emit(new SmbEvent.Smb1Usage(ctx.header(), command));
        }
        if (command == SESSION_SETUP_ANDX) {
            sessionSetup(dir, b, off, len, reply);
        }
        return true;
    }

    private boolean negotiate(byte[] b, int off, int len) {
        if (!p.smb1Negotiate(b, off, len)) {
            if (p.overLimit) {
                return false;
            }
            malformed(len);
            return true;
        }
        List<String> dialects = new ArrayList<>(p.dialectCount);
        for (int i = 0; i < p.dialectCount; i++) {
            dialects.add(new String(b, p.dialects[i], p.dialectLens[i], StandardCharsets.ISO_8859_1));
        }
        ctx.emit(new SmbEvent.Smb1Negotiate(ctx.header(), List.copyOf(dialects)));
        return true;
    }

    private void sessionSetup(Direction dir, byte[] b, int off, int len, boolean reply) {
        int words = b[off + 32] & 0xFF;
        int blobLenAt = reply ? 39 : 47;
        int blobAt = reply ? 43 : 59;
        // Only the extended-security forms carry a GSS blob (WordCount 12 request, 4 response).
        if ((reply ? 4 : 12) != words || len < blobAt) {
            return;
        }
        int blobLen = (b[off + blobLenAt] & 0xFF) | (b[off + blobLenAt + 1] & 0xFF) << 8;
        if (blobLen > len - blobAt) {
            malformed(len);
            return;
        }
        if (blobLen > 0) {
            tokens.get().onToken(dir, b, off + blobAt, blobLen);
        }
        if (reply) {
            long status = (b[off + 5] & 0xFFL) | (b[off + 6] & 0xFFL) << 8 | (b[off + 7] & 0xFFL) << 16
                    | (b[off + 8] & 0xFFL) << 24;
            if (status != Smb2Analyzer.STATUS_MORE_PROCESSING) {
                tokens.get().onResult(status);
            }
        }
    }

    private void malformed(int len) {
        ctx.emit(new ProtocolAnomaly(ctx.header(), Smb2Anomaly.MALFORMED_COMMAND.eventName(), "smb1 " + len + " bytes"));
    }
}
