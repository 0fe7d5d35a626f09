package io.impacketsensor.detection.eve;

import com.fasterxml.jackson.core.JsonGenerator;
import io.impacketsensor.core.event.MssqlEvent;
import io.impacketsensor.core.event.MssqlEvent.MssqlBatch;
import io.impacketsensor.core.event.MssqlEvent.MssqlLogin;
import io.impacketsensor.core.event.MssqlEvent.MssqlPrelogin;
import io.impacketsensor.detection.rules.Text;

import java.io.IOException;

/**
 * EVE {@code mssql} protocol records, ours (Suricata has none): the whole object under the extension
 * key, {@code {"event_type":"mssql", ..., "impacket_sensor":{"eve_version":2,"mssql":{"message":
 * "prelogin|login|batch", ...}}}}. A login never carries its password. Peer-sent text is quoted to
 * {@link Text#QUOTE_LIMIT} characters.
 */
public final class MssqlRecords {
    private MssqlRecords() {
    }

    /** Writes one whole record (start and end object included). */
    public static void write(JsonGenerator g, MssqlEvent e) throws IOException {
        g.writeStartObject();
        EveCommon.writeHeader(g, e.header(), "mssql", "mssql");
        EveCommon.startExtension(g);
        g.writeObjectFieldStart("mssql");
        if (e instanceof MssqlPrelogin p) {
            g.writeStringField("message", "prelogin");
            if (!p.clientVersion().isEmpty()) {
                g.writeStringField("client_version", p.clientVersion());
            }
            if (p.clientEncryption() >= 0) {
                g.writeStringField("client_encryption", encryptionOption(p.clientEncryption()));
            }
            if (!p.serverVersion().isEmpty()) {
                g.writeStringField("server_version", p.serverVersion());
            }
            if (p.serverEncryption() >= 0) {
                g.writeStringField("server_encryption", encryptionOption(p.serverEncryption()));
            }
            if (!p.instance().isEmpty()) {
                g.writeStringField("instance", Text.quote(p.instance()));
            }
            g.writeStringField("encryption", switch (p.encryption()) {
                case MssqlEvent.ENCRYPTION_LOGIN_ONLY -> "login_only";
                case MssqlEvent.ENCRYPTION_FULL -> "encrypted, not inspected";
                default -> "none";
            });
        } else if (e instanceof MssqlLogin l) {
            g.writeStringField("message", "login");
            if (l.tdsVersion() != 0) {
                g.writeStringField("tds_version", "0x" + Long.toHexString(l.tdsVersion()));
            }
            g.writeBooleanField("encrypted_login", l.encryptedLogin());
            if (!l.encryptedLogin()) {
                g.writeStringField("auth", l.integrated() ? "sspi" : "sql");
                g.writeStringField("hostname", Text.quote(l.hostname()));
                g.writeStringField("username", Text.quote(l.username()));
                g.writeStringField("app_name", Text.quote(l.appName()));
                g.writeStringField("server_name", Text.quote(l.serverName()));
                g.writeStringField("library", Text.quote(l.library()));
                g.writeStringField("database", Text.quote(l.database()));
            }
            g.writeStringField("result", !l.answered() ? "unanswered" : l.success() ? "success" : "failure");
            if (l.errorNumber() != 0) {
                g.writeNumberField("error_number", l.errorNumber());
                g.writeStringField("error_message", Text.quote(l.errorMessage()));
            }
            if (!l.serverProgram().isEmpty()) {
                g.writeStringField("server_program", Text.quote(l.serverProgram()));
            }
        } else if (e instanceof MssqlBatch b) {
            g.writeStringField("message", "batch");
            g.writeStringField("text", Text.quote(b.textPrefix()));
            g.writeBooleanField("truncated", b.truncated());
        }
        g.writeEndObject();
        g.writeEndObject();
        g.writeEndObject();
    }

    /** PRELOGIN ENCRYPTION option names (MS-TDS 2.2.6.5), ENCRYPT_CLIENT_CERT as a suffix. */
    static String encryptionOption(int v) {
        String base = switch (v & 0x0F) {
            case 0 -> "off";
            case 1 -> "on";
            case 2 -> "not_supported";
            case 3 -> "required";
            default -> "0x" + Integer.toHexString(v);
        };
        return (v & 0x80) != 0 ? base + "+client_cert" : base;
    }
}
