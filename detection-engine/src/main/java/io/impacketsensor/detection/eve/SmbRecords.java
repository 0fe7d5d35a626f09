package io.impacketsensor.detection.eve;

import com.fasterxml.jackson.core.JsonGenerator;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.core.event.SmbEvent;
import io.impacketsensor.core.wire.Guids;
import io.impacketsensor.core.wire.Hex;
import io.impacketsensor.detection.rules.Text;

import java.io.IOException;
import java.util.List;

/**
 * EVE {@code smb} protocol records, in Suricata's smb layout where the fields coincide:
 * {@code {"event_type":"smb", ..., "smb":{"command":"SMB2_COMMAND_CREATE","status":"STATUS_SUCCESS",
 * "status_code":"0x0","session_id":..,"tree_id":..,"share":"\\\\server\\SHARE","filename":..,...}}}.
 * A request whose response was not seen has no status fields.
 */
public final class SmbRecords {
    private SmbRecords() {
    }

    /** Writes one whole record (start and end of the object included). */
    public static void write(JsonGenerator g, SmbEvent e) throws IOException {
        g.writeStartObject();
        EveCommon.writeHeader(g, e.header(), "smb", "smb");
        g.writeObjectFieldStart("smb");
        if (e instanceof SmbEvent.Smb1Negotiate n) {
            g.writeStringField("version", "smb1");
            g.writeStringField("command", SmbNames.smb1Command(0x72));
            strings(g, "client_dialects", n.dialects());
        } else if (e instanceof SmbEvent.Smb1Usage u) {
            g.writeStringField("version", "smb1");
            g.writeStringField("command", SmbNames.smb1Command(u.command()));
        } else if (e instanceof SmbEvent.Smb2Negotiate n) {
            negotiate(g, n);
        } else if (e instanceof SmbEvent.SmbSessionSetup s) {
            common(g, 1, s.smb1Command(), s.sessionId(), -1, null, s.status());
            g.writeStringField("mechanism", s.mechanism());
            g.writeNumberField("security_mode", s.securityMode());
            g.writeNumberField("token_length", s.tokenLength());
            if (s.sessionFlags() >= 0) {
                g.writeNumberField("session_flags", s.sessionFlags());
                g.writeBooleanField("guest", (s.sessionFlags() & 1) != 0);
                g.writeBooleanField("anonymous", (s.sessionFlags() & 2) != 0);
            }
        } else if (e instanceof SmbEvent.SmbTreeConnect t) {
            common(g, 3, t.smb1Command(), t.sessionId(), t.treeId(), t.path(), t.status());
            if (t.shareType() >= 0) {
                g.writeStringField("share_type", nameOr(SmbNames.shareType(t.shareType()), t.shareType()));
            }
        } else if (e instanceof SmbEvent.SmbCreate c) {
            common(g, 5, c.smb1Command(), c.sessionId(), c.treeId(), c.share(), c.status());
            file(g, c.fileName(), c.namedPipe());
            g.writeStringField("access", String.format("0x%08x", c.desiredAccess()));
            g.writeStringField("disposition", nameOr(SmbNames.disposition(c.disposition()), c.disposition()));
            g.writeStringField("create_options", String.format("0x%08x", c.createOptions()));
            g.writeBooleanField("delete_on_close", (c.createOptions() & 0x1000) != 0);
            if (c.createAction() >= 0) {
                g.writeNumberField("create_action", c.createAction());
            }
            if (c.endOfFile() >= 0) {
                g.writeNumberField("size", c.endOfFile());
            }
            if (c.fileIdVolatile() != 0) {
                g.writeStringField("fuid", Long.toHexString(c.fileIdVolatile()));
            }
        } else if (e instanceof SmbEvent.SmbClose c) {
            common(g, 6, c.smb1Command(), c.sessionId(), c.treeId(), c.share(), c.status());
            file(g, c.fileName(), c.namedPipe());
        } else if (e instanceof SmbEvent.SmbRead r) {
            common(g, 8, r.smb1Command(), r.sessionId(), r.treeId(), r.share(), r.status());
            file(g, r.fileName(), r.namedPipe());
            g.writeNumberField("offset", r.offset());
            g.writeNumberField("size", r.length());
            if (r.dataLength() >= 0) {
                g.writeNumberField("data_length", r.dataLength());
            }
        } else if (e instanceof SmbEvent.SmbWrite w) {
            common(g, 9, w.smb1Command(), w.sessionId(), w.treeId(), w.share(), w.status());
            file(g, w.fileName(), w.namedPipe());
            g.writeNumberField("offset", w.offset());
            g.writeNumberField("size", w.length());
        } else if (e instanceof SmbEvent.Smb2SetInfo s) {
            common(g, 17, SmbEvent.NOT_SMB1, s.sessionId(), s.treeId(), s.share(), s.status());
            file(g, s.fileName(), false);
            g.writeNumberField("info_type", s.infoType());
            g.writeNumberField("info_class", s.infoClass());
            if (s.renameTarget() != null) {
                g.writeObjectFieldStart("rename");
                g.writeStringField("from", Text.quote(s.fileName()));
                g.writeStringField("to", Text.quote(s.renameTarget()));
                g.writeEndObject();
            }
            if (s.infoClass() == 13 || s.infoClass() == 64) {
                g.writeBooleanField("delete_pending", s.deletePending());
            }
        } else if (e instanceof SmbEvent.SmbIoctl i) {
            common(g, 11, i.smb1Command(), i.sessionId(), i.treeId(), i.share(), i.status());
            file(g, i.fileName(), i.fileName().length() > 0 && isIpc(i.share()));
            g.writeStringField("function", nameOr(SmbNames.fsctl(i.ctlCode()), i.ctlCode()));
            g.writeStringField("ctl_code", String.format("0x%08x", i.ctlCode()));
            g.writeNumberField("size", i.inputLength());
        } else if (e instanceof SmbEvent.Smb2QueryDirectory q) {
            common(g, 14, SmbEvent.NOT_SMB1, q.sessionId(), q.treeId(), q.share(), q.status());
            file(g, q.directory(), false);
            g.writeStringField("pattern", Text.quote(q.pattern()));
            g.writeNumberField("info_class", q.fileInformationClass());
        } else if (e instanceof SmbEvent.SmbCommand c) {
            common(g, c.command(), c.smb1Command(), c.sessionId(), c.treeId(), c.share(), c.status());
        } else if (e instanceof SmbEvent.Smb2Encrypted x) {
            g.writeStringField("version", "smb3");
            g.writeStringField("command", x.compressed() ? "SMB2_COMPRESSION_TRANSFORM" : "SMB2_TRANSFORM");
            g.writeNumberField("session_id", x.sessionId());
            g.writeBooleanField("encrypted", !x.compressed());
            g.writeBooleanField("compressed", x.compressed());
        }
        g.writeEndObject();
        g.writeEndObject();
    }

    private static void negotiate(JsonGenerator g, SmbEvent.Smb2Negotiate n) throws IOException {
        common(g, 0, SmbEvent.NOT_SMB1, -1, -1, null, n.status());
        if (n.dialect() >= 0) {
            g.writeStringField("dialect", SmbNames.dialect(n.dialect()));
        }
        g.writeArrayFieldStart("client_dialects");
        for (int d : n.clientDialects()) {
            g.writeString(SmbNames.dialect(d));
        }
        g.writeEndArray();
        if (n.clientGuid() != null && n.clientGuid().length == 16) {
            g.writeStringField("client_guid", Guids.fromLittleEndian(n.clientGuid(), 0).toString());
        }
        if (n.serverGuid() != null && n.serverGuid().length == 16) {
            g.writeStringField("server_guid", Guids.fromLittleEndian(n.serverGuid(), 0).toString());
        }
        if (n.clientSecurityMode() >= 0) {
            g.writeNumberField("client_security_mode", n.clientSecurityMode());
            g.writeStringField("client_capabilities", String.format("0x%08x", n.clientCapabilities()));
        }
        if (n.serverSecurityMode() >= 0) {
            g.writeNumberField("server_security_mode", n.serverSecurityMode());
            g.writeStringField("server_capabilities", String.format("0x%08x", n.serverCapabilities()));
        }
        if (n.contextCount() > 0) {
            g.writeNumberField("negotiate_contexts", n.contextCount());
            ints(g, "hash_algorithms", n.hashAlgorithms());
            ints(g, "ciphers", n.ciphers());
            if (n.saltLength() >= 0) {
                g.writeNumberField("salt_length", n.saltLength());
            }
            if (n.salt() != null) {
                g.writeStringField("salt", Hex.encode(n.salt()));
            }
        }
    }

    /** Version, command and the common fields; an SMB1-carried event is named by its SMB1 command. */
    private static void common(JsonGenerator g, int command, int smb1Command, long sessionId, int treeId, String share,
                               long status) throws IOException {
        g.writeStringField("version", smb1Command >= 0 ? "smb1" : "smb2");
        g.writeStringField("command", smb1Command >= 0 ? SmbNames.smb1Command(smb1Command) : SmbNames.command(command));
        if (status != SensorEvent.NO_STATUS) {
            String name = SmbNames.status(status);
            g.writeStringField("status", name != null ? name : "0x" + Long.toHexString(status));
            g.writeStringField("status_code", "0x" + Long.toHexString(status));
        }
        if (sessionId != -1) {
            g.writeNumberField("session_id", sessionId);
        }
        if (treeId != -1) {
            g.writeNumberField("tree_id", treeId & 0xFFFF_FFFFL);
        }
        if (share != null) {
            g.writeStringField("share", Text.quote(share));
        }
    }

    private static void file(JsonGenerator g, String name, boolean pipe) throws IOException {
        g.writeStringField("filename", Text.quote(name));
        g.writeBooleanField("named_pipe", pipe);
    }

    private static boolean isIpc(String share) {
        return share.regionMatches(true, Math.max(0, share.length() - 5), "\\IPC$", 0, 5);
    }

    private static String nameOr(String name, int code) {
        return name != null ? name : String.valueOf(code);
    }

    private static void strings(JsonGenerator g, String field, List<String> values) throws IOException {
        g.writeArrayFieldStart(field);
        for (String v : values) {
            g.writeString(v);
        }
        g.writeEndArray();
    }

    private static void ints(JsonGenerator g, String field, List<Integer> values) throws IOException {
        g.writeArrayFieldStart(field);
        for (int v : values) {
            g.writeNumber(v);
        }
        g.writeEndArray();
    }
}
