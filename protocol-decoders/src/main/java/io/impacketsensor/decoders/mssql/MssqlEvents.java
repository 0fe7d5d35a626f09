package io.impacketsensor.decoders.mssql;

import io.impacketsensor.core.event.MssqlEvent.MssqlBatch;
import io.impacketsensor.core.event.MssqlEvent.MssqlLogin;
import io.impacketsensor.core.event.MssqlEvent.MssqlPrelogin;
import io.impacketsensor.core.event.ProtocolAnomaly;
import io.impacketsensor.core.flow.FlowContext;
import io.impacketsensor.core.wire.Utf16;

import java.nio.charset.StandardCharsets;

/**
 * Builds the TDS events from the fields {@link MssqlParser} read, and the anomaly records; the only
 * place in this package where events are created. The LOGIN7 password is never read.
 */
final class MssqlEvents {
    private MssqlEvents() {
    }

    /** The version of a PRELOGIN, as {@code major.minor.build.subbuild}; "" when the message had none. */
    static String version(MssqlParser p) {
        return p.hasVersion ? p.versionMajor + "." + p.versionMinor + "." + p.versionBuild + "." + p.versionSubbuild : "";
    }

    /** The instance name of a PRELOGIN request (MBCS; read as ISO-8859-1). */
    static String instance(MssqlParser p, byte[] b) {
        return p.instanceLen == 0 ? "" : new String(b, p.instanceOff, p.instanceLen, StandardCharsets.ISO_8859_1);
    }

    static MssqlPrelogin prelogin(FlowContext ctx, String clientVersion, int clientEncryption, String serverVersion,
                                  int serverEncryption, String instance, int encryption) {
        return new MssqlPrelogin(ctx.header(), clientVersion, clientEncryption, serverVersion, serverEncryption,
                instance, encryption);
    }

    /** The LOGIN7 just parsed, its outcome not yet known. */
    static MssqlLogin login(FlowContext ctx, MssqlParser p, byte[] b) {
        return new MssqlLogin(ctx.header(), p.tdsVersion, text(b, p.hostOff, p.hostLen), text(b, p.userOff, p.userLen),
                text(b, p.appOff, p.appLen), text(b, p.serverOff, p.serverLen), text(b, p.libraryOff, p.libraryLen),
                text(b, p.databaseOff, p.databaseLen), (p.optionFlags2 & 0x80) != 0, false, false, 0, "", "", false);
    }

    /** A login whose LOGIN7 was TLS-protected: only its outcome will be known. */
    static MssqlLogin encryptedLogin(FlowContext ctx) {
        return new MssqlLogin(ctx.header(), 0, "", "", "", "", "", "", false, true, false, 0, "", "", false);
    }

    /** {@code l} with the outcome the login response just parsed gives it. */
    static MssqlLogin outcome(FlowContext ctx, MssqlLogin l, MssqlParser p, byte[] b) {
        return new MssqlLogin(ctx.header(), l.tdsVersion(), l.hostname(), l.username(), l.appName(), l.serverName(),
                l.library(), l.database(), l.integrated(), l.encryptedLogin(), p.loginAck, p.errorNumber,
                text(b, p.errorOff, p.errorLen), text(b, p.progOff, p.progLen), true);
    }

    /** The SQL batch whose first packet was just parsed: at most {@code maxChars} characters of its text. */
    static MssqlBatch batch(FlowContext ctx, MssqlParser p, byte[] b, int maxChars, boolean more) {
        int n = Math.min(p.textLen, 2 * maxChars);
        return new MssqlBatch(ctx.header(), text(b, p.textOff, n), more || n < p.textLen);
    }

    /** An anomaly record: the anomaly's event name and a detail naming what was seen. */
    static void anomaly(FlowContext ctx, MssqlAnomaly a, String detail) {
        ctx.emit(new ProtocolAnomaly(ctx.header(), a.eventName(), detail));
    }

    private static String text(byte[] b, int off, int len) {
        return len <= 0 ? "" : Utf16.decode(b, off, len);
    }
}
