package io.impacketsensor.detection.eve;

import com.fasterxml.jackson.core.JsonGenerator;
import io.impacketsensor.core.event.KerberosEvent;
import io.impacketsensor.core.event.NtlmEvent;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.core.event.SmbEvent;
import io.impacketsensor.core.wire.Guids;
import io.impacketsensor.core.wire.Hex;

import java.io.IOException;
import java.util.List;

/**
 * EVE {@code smb} protocol records in Suricata's smb layout: {@code id} (the flow's record
 * number, from 1), {@code dialect}, {@code command} (Suricata's spelling, e.g.
 * {@code SMB2_COMMAND_NEGOTIATE_PROTOCOL}), {@code status}, {@code status_code}, {@code session_id},
 * {@code tree_id}, then the command's own fields ({@code client_dialects}, {@code share} or
 * {@code named_pipe} and {@code share_type}, {@code filename}, {@code disposition}, {@code access},
 * {@code rename}, {@code function}, and {@code ntlmssp}/{@code kerberos} on a SESSION_SETUP).
 * Our other decoded fields are under {@code impacket_sensor}. A request whose response was not
 * seen has no status fields.
 */
public final class SmbRecords {
    private SmbRecords() {
    }

    /** Writes one record without flow context (id 1, dialect from the event alone). */
    public static void write(JsonGenerator g, SmbEvent e) throws IOException {
        write(g, e, 1, dialectOf(e, "unknown"), null, null);
    }

    /** The dialect a record states: the one this event negotiates, else {@code known}. */
    static String dialectOf(SmbEvent e, String known) {
        if (e instanceof SmbEvent.Smb2Negotiate n && n.dialect() >= 0) {
            return SmbNames.dialect(n.dialect());
        }
        if (known.equals("unknown") && (e instanceof SmbEvent.AnyVersion v && v.version() == 1
                || e instanceof SmbEvent.Smb1Usage)) {
            // MS-SMB 1.7: an SMB1 exchange past NEGOTIATE runs the NT LM 0.12 dialect.
            return "NT LM 0.12";
        }
        return known;
    }

    /**
     * Writes one whole record (start and end of the object included) with what the record writer
     * knows of the flow beyond the event.
     *
     * @param id       this record's number on the flow (Suricata's transaction id), from 1
     * @param dialect  the flow's dialect, Suricata's spelling ({@code 3.11}, {@code NT LM 0.12}), or {@code unknown}
     * @param ntlmssp  the AUTHENTICATE of this session setup, or null
     * @param kerberos the AP-REQ of this session setup, or null
     */
    static void write(JsonGenerator g, SmbEvent e, long id, String dialect, NtlmEvent.NtlmAuthenticate ntlmssp,
                      KerberosEvent.KerberosApRequest kerberos) throws IOException {
        write(g, e, id, dialect, ntlmssp, kerberos, null);
    }

    /**
     * As {@link #write(JsonGenerator, SmbEvent, long, String, NtlmEvent.NtlmAuthenticate,
     * KerberosEvent.KerberosApRequest)}, with {@code fuid} the {@code fuid} of the CREATE that opened
     * the file of a READ, WRITE or SET_INFO record (null: not known, not written).
     */
    static void write(JsonGenerator g, SmbEvent e, long id, String dialect, NtlmEvent.NtlmAuthenticate ntlmssp,
                      KerberosEvent.KerberosApRequest kerberos, String fuid) throws IOException {
        write(g, e, id, dialect, ntlmssp, kerberos, fuid, null);
    }

    /**
     * As above, with {@code guess} what the flow's messages show of a dialect its NEGOTIATE did not
     * give (null: none), written as {@code impacket_sensor.dialect_inferred} and
     * {@code dialect_inferred_from}.
     */
    static void write(JsonGenerator g, SmbEvent e, long id, String dialect, NtlmEvent.NtlmAuthenticate ntlmssp,
                      KerberosEvent.KerberosApRequest kerberos, String fuid, SmbDialectInference.Guess guess)
            throws IOException {
        g.writeStartObject();
        EveCommon.writeHeader(g, e.header(), "smb", "smb");
        g.writeObjectFieldStart("smb");
        g.writeNumberField("id", id);
        EveJson.kept(g, "dialect", dialect);
        suricata(g, e, ntlmssp, kerberos);
        if (fuid != null && (e instanceof SmbEvent.SmbRead || e instanceof SmbEvent.SmbWrite
                || e instanceof SmbEvent.Smb2SetInfo)) {
            // Suricata's file, rename and disposition transactions carry the fuid of their open.
            g.writeStringField("fuid", fuid);
        }
        g.writeEndObject();
        EveCommon.startExtension(g);
        ours(g, e);
        if (guess != null) {
            g.writeStringField("dialect_inferred", guess.dialect());
            g.writeStringField("dialect_inferred_from", guess.from());
        }
        g.writeEndObject();
        g.writeEndObject();
    }

    /**
     * SMB1 NEGOTIATE: the request's offered dialects ({@code q}, null when not seen) with the
     * response's status and ServerGUID; {@code dialect} is the chosen one.
     */
    static void writeSmb1Negotiate(JsonGenerator g, SmbEvent.Smb1Negotiate q, SmbEvent.Smb1NegotiateResponse r,
                                   long id, String dialect) throws IOException {
        g.writeStartObject();
        EveCommon.writeHeader(g, r.header(), "smb", "smb");
        g.writeObjectFieldStart("smb");
        g.writeNumberField("id", id);
        EveJson.kept(g, "dialect", dialect);
        header(g, SmbNames.smb1Command(0x72), r.status(), 0, 0);
        if (q != null && !q.dialects().isEmpty()) {
            EveJson.strings(g, "client_dialects", q.dialects());
        }
        if (r.serverGuid() != null) {
            g.writeStringField("server_guid", Guids.fromLittleEndian(r.serverGuid(), 0).toString());
        }
        g.writeEndObject();
        EveCommon.startExtension(g);
        EveJson.kept(g, "version", "smb1");
        if (r.dialectIndex() >= 0) {
            g.writeNumberField("dialect_index", r.dialectIndex());
        }
        g.writeEndObject();
        g.writeEndObject();
    }

    private static void suricata(JsonGenerator g, SmbEvent e, NtlmEvent.NtlmAuthenticate ntlmssp,
                                 KerberosEvent.KerberosApRequest kerberos) throws IOException {
        if (e instanceof SmbEvent.Smb1Negotiate n) {
            header(g, SmbNames.smb1Command(0x72), SensorEvent.NO_STATUS, 0, 0);
            if (!n.dialects().isEmpty()) {
                EveJson.strings(g, "client_dialects", n.dialects());
            }
        } else if (e instanceof SmbEvent.Smb1NegotiateResponse r) {
            header(g, SmbNames.smb1Command(0x72), r.status(), 0, 0);
            if (r.serverGuid() != null) {
                g.writeStringField("server_guid", Guids.fromLittleEndian(r.serverGuid(), 0).toString());
            }
        } else if (e instanceof SmbEvent.Smb1Usage u) {
            header(g, SmbNames.smb1Command(u.command()), SensorEvent.NO_STATUS, 0, 0);
        } else if (e instanceof SmbEvent.Smb2Negotiate n) {
            header(g, SmbNames.command(0), n.status(), 0, 0);
            if (!n.clientDialects().isEmpty()) {
                g.writeArrayFieldStart("client_dialects");
                for (int d : n.clientDialects()) {
                    g.writeString(SmbNames.dialect(d));
                }
                g.writeEndArray();
            }
            if (n.clientGuid() != null && n.clientGuid().length == 16) {
                g.writeStringField("client_guid", Guids.fromLittleEndian(n.clientGuid(), 0).toString());
            }
            if (n.serverGuid() != null && n.serverGuid().length == 16) {
                g.writeStringField("server_guid", Guids.fromLittleEndian(n.serverGuid(), 0).toString());
            }
        } else if (e instanceof SmbEvent.SmbSessionSetup s) {
            common(g, 1, s.smb1Command(), s.sessionId(), s.treeId(), s.status());
            // SMB1: the client's and the server's NativeOS and NativeLanMan (MS-CIFS 2.2.4.53).
            nativeStrings(g, "request", s.requestNativeOs(), s.requestNativeLm());
            nativeStrings(g, "response", s.responseNativeOs(), s.responseNativeLm());
            if (ntlmssp != null) {
                NtlmEvent.NtlmAuthenticate a = ntlmssp;
                g.writeObjectFieldStart("ntlmssp");
                g.writeStringField("domain", a.domain());
                g.writeStringField("user", a.user());
                g.writeStringField("host", a.workstation());
                if (a.version() != null) {
                    NtlmEvent.Version v = a.version();
                    g.writeStringField("version", v.major() + "." + v.minor() + " build " + v.build()
                            + " rev " + v.revision());
                }
                g.writeEndObject();
            }
            if (kerberos != null && kerberos.ticket() != null) {
                KerberosEvent.TicketInfo t = kerberos.ticket();
                g.writeObjectFieldStart("kerberos");
                g.writeStringField("realm", t.realm() != null ? t.realm() : "");
                if (t.sname() != null && !t.sname().components().isEmpty()) {
                    EveJson.strings(g, "snames", t.sname().components());
                }
                g.writeEndObject();
            }
        } else if (e instanceof SmbEvent.SmbTreeConnect t) {
            common(g, 3, t.smb1Command(), t.sessionId(), t.treeId(), t.status());
            boolean pipe = t.shareType() == 2 || t.shareType() < 0 && isIpc(t.path());
            g.writeStringField(pipe ? "named_pipe" : "share", t.path());
            if (t.smb1Command() == SmbEvent.NOT_SMB1) {
                EveJson.kept(g, "share_type", SmbNames.shareType(t.shareType()));
            }
        } else if (e instanceof SmbEvent.SmbCreate c) {
            common(g, 5, c.smb1Command(), c.sessionId(), c.treeId(), c.status());
            // FILE_DIRECTORY_FILE (MS-SMB2 2.2.13 CreateOptions 0x1): Suricata names it a directory.
            String name = c.fileName().isEmpty() ? "<share_root>" : c.fileName();
            g.writeStringField((c.createOptions() & 1) != 0 ? "directory" : "filename", name);
            String d = SmbNames.disposition(c.disposition());
            EveJson.kept(g, "disposition", d != null ? d : "UNKNOWN");
            EveJson.kept(g, "access", (c.createOptions() & 0x1000) != 0 ? "delete on close" : "normal");
            if (c.endOfFile() >= 0) {
                g.writeNumberField("size", c.endOfFile());
            }
            String fuid = fuid(c);
            if (fuid != null) {
                g.writeStringField("fuid", fuid);
            }
        } else if (e instanceof SmbEvent.SmbClose c) {
            common(g, 6, c.smb1Command(), c.sessionId(), c.treeId(), c.status());
            file(g, c.share(), c.fileName());
        } else if (e instanceof SmbEvent.SmbRead r) {
            common(g, 8, r.smb1Command(), r.sessionId(), r.treeId(), r.status());
            file(g, r.share(), r.fileName());
        } else if (e instanceof SmbEvent.SmbWrite w) {
            common(g, 9, w.smb1Command(), w.sessionId(), w.treeId(), w.status());
            file(g, w.share(), w.fileName());
        } else if (e instanceof SmbEvent.Smb2SetInfo s) {
            common(g, 17, SmbEvent.NOT_SMB1, s.sessionId(), s.treeId(), s.status());
            if (s.renameTarget() != null) {
                g.writeObjectFieldStart("set_info");
                EveJson.kept(g, "class", "FILE_INFO");
                EveJson.kept(g, "info_level", "SMB2_FILE_RENAME_INFO");
                g.writeEndObject();
                g.writeObjectFieldStart("rename");
                g.writeStringField("from", s.fileName());
                g.writeStringField("to", s.renameTarget());
                g.writeEndObject();
            } else if (s.infoClass() == 13 || s.infoClass() == 64) {
                // FileDispositionInformation(Ex), MS-FSCC 2.4.11: Suricata logs the file and whether it is deleted.
                g.writeStringField("filename", s.fileName().isEmpty() ? "<share_root>" : s.fileName());
                EveJson.kept(g, "access", s.deletePending() ? "delete on close" : "normal");
            }
        } else if (e instanceof SmbEvent.SmbIoctl i) {
            common(g, 11, i.smb1Command(), i.sessionId(), i.treeId(), i.status());
            String f = SmbNames.fsctl(i.ctlCode());
            EveJson.kept(g, "function", f != null ? f : Integer.toString(i.ctlCode()));
        } else if (e instanceof SmbEvent.Smb2QueryDirectory q) {
            common(g, 14, SmbEvent.NOT_SMB1, q.sessionId(), q.treeId(), q.status());
        } else if (e instanceof SmbEvent.SmbCommand c) {
            common(g, c.command(), c.smb1Command(), c.sessionId(), c.treeId(), c.status());
        } else if (e instanceof SmbEvent.SmbGppCpassword p) {
            // A finding in a READ answer's data: Suricata's READ record fields, no status (it is the READ record's).
            common(g, 8, SmbEvent.NOT_SMB1, p.sessionId(), p.treeId(), SensorEvent.NO_STATUS);
            file(g, p.share(), p.fileName());
        } else if (e instanceof SmbEvent.Smb2Encrypted x) {
            // The transform header hides the command: no command, the session from the header.
            g.writeNumberField("session_id", x.sessionId());
            g.writeNumberField("tree_id", 0);
        }
    }

    /** Our decoded fields beyond Suricata's. */
    private static void ours(JsonGenerator g, SmbEvent e) throws IOException {
        if (e instanceof SmbEvent.Smb1Negotiate || e instanceof SmbEvent.Smb1NegotiateResponse) {
            EveJson.kept(g, "version", "smb1");
        } else if (e instanceof SmbEvent.Smb1Usage) {
            EveJson.kept(g, "version", "smb1");
        } else if (e instanceof SmbEvent.Smb2Negotiate n) {
            EveJson.kept(g, "version", "smb2");
            negotiate(g, n);
        } else if (e instanceof SmbEvent.SmbSessionSetup s) {
            version(g, s.smb1Command());
            EveJson.kept(g, "mechanism", s.mechanism());
            g.writeNumberField("security_mode", s.securityMode());
            g.writeNumberField("token_length", s.tokenLength());
            if (s.sessionFlags() >= 0) {
                g.writeNumberField("session_flags", s.sessionFlags());
                g.writeBooleanField("guest", (s.sessionFlags() & 1) != 0);
                g.writeBooleanField("anonymous", (s.sessionFlags() & 2) != 0);
            }
        } else if (e instanceof SmbEvent.SmbTreeConnect t) {
            version(g, t.smb1Command());
            if (t.shareType() >= 0) {
                g.writeNumberField("share_type_code", t.shareType());
            }
        } else if (e instanceof SmbEvent.SmbCreate c) {
            version(g, c.smb1Command());
            share(g, c.share());
            g.writeBooleanField("named_pipe", c.namedPipe());
            g.writeStringField("desired_access", EveCommon.hex32(c.desiredAccess()));
            g.writeStringField("create_options", EveCommon.hex32(c.createOptions()));
            if (c.createAction() >= 0) {
                g.writeNumberField("create_action", c.createAction());
            }
            if (c.fileIdVolatile() != 0) {
                g.writeStringField("fuid_volatile", Long.toHexString(c.fileIdVolatile()));
            }
        } else if (e instanceof SmbEvent.SmbClose c) {
            version(g, c.smb1Command());
            g.writeBooleanField("named_pipe", c.namedPipe());
        } else if (e instanceof SmbEvent.SmbRead r) {
            version(g, r.smb1Command());
            g.writeBooleanField("named_pipe", r.namedPipe());
            g.writeNumberField("offset", r.offset());
            g.writeNumberField("length", r.length());
            if (r.dataLength() >= 0) {
                g.writeNumberField("data_length", r.dataLength());
            }
        } else if (e instanceof SmbEvent.SmbWrite w) {
            version(g, w.smb1Command());
            g.writeBooleanField("named_pipe", w.namedPipe());
            g.writeNumberField("offset", w.offset());
            g.writeNumberField("length", w.length());
        } else if (e instanceof SmbEvent.Smb2SetInfo s) {
            EveJson.kept(g, "version", "smb2");
            share(g, s.share());
            g.writeStringField("filename", s.fileName());
            g.writeNumberField("info_type", s.infoType());
            g.writeNumberField("info_class", s.infoClass());
            if (s.infoClass() == 13 || s.infoClass() == 64) {
                g.writeBooleanField("delete_pending", s.deletePending());
            }
        } else if (e instanceof SmbEvent.SmbIoctl i) {
            version(g, i.smb1Command());
            share(g, i.share());
            g.writeStringField("filename", i.fileName());
            g.writeStringField("ctl_code", EveCommon.hex32(i.ctlCode()));
            g.writeNumberField("input_length", i.inputLength());
        } else if (e instanceof SmbEvent.Smb2QueryDirectory q) {
            EveJson.kept(g, "version", "smb2");
            share(g, q.share());
            g.writeStringField("directory", q.directory());
            g.writeStringField("pattern", q.pattern());
            g.writeNumberField("info_class", q.fileInformationClass());
        } else if (e instanceof SmbEvent.SmbCommand c) {
            version(g, c.smb1Command());
            share(g, c.share());
        } else if (e instanceof SmbEvent.SmbGppCpassword p) {
            EveJson.kept(g, "version", "smb2");
            g.writeObjectFieldStart("gpp_cpassword");
            if (!p.rootElement().isEmpty()) {
                g.writeStringField("root_element", p.rootElement());
            }
            g.writeNumberField("cpassword_chars", p.cpasswordChars());
            if (p.offset() >= 0) {
                g.writeNumberField("offset", p.offset());
            }
            g.writeEndObject();
        } else if (e instanceof SmbEvent.Smb2Encrypted x) {
            EveJson.kept(g, "version", "smb3");
            EveJson.kept(g, "transform", x.compressed() ? "SMB2_COMPRESSION_TRANSFORM" : "SMB2_TRANSFORM");
            g.writeBooleanField("encrypted", !x.compressed());
            g.writeBooleanField("compressed", x.compressed());
        }
    }

    private static void version(JsonGenerator g, int smb1Command) throws IOException {
        EveJson.kept(g, "version", smb1Command >= 0 ? "smb1" : "smb2");
    }

    private static void share(JsonGenerator g, String share) throws IOException {
        if (!share.isEmpty()) {
            g.writeStringField("share", share);
        }
    }

    /** A file operation's name and share, as Suricata's FILE records have them. */
    private static void file(JsonGenerator g, String share, String name) throws IOException {
        g.writeStringField("filename", name);
        if (!share.isEmpty()) {
            g.writeStringField("share", share);
        }
    }

    private static void negotiate(JsonGenerator g, SmbEvent.Smb2Negotiate n) throws IOException {
        if (n.clientSecurityMode() >= 0) {
            g.writeNumberField("client_security_mode", n.clientSecurityMode());
            g.writeStringField("client_capabilities", EveCommon.hex32(n.clientCapabilities()));
        }
        if (n.serverSecurityMode() >= 0) {
            g.writeNumberField("server_security_mode", n.serverSecurityMode());
            g.writeStringField("server_capabilities", EveCommon.hex32(n.serverCapabilities()));
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

    private static void nativeStrings(JsonGenerator g, String field, String os, String lm) throws IOException {
        if (os == null && lm == null) {
            return;
        }
        g.writeObjectFieldStart(field);
        if (os != null) {
            g.writeStringField("native_os", os);
        }
        if (lm != null) {
            g.writeStringField("native_lm", lm);
        }
        g.writeEndObject();
    }

    /** Command, status, session and tree: Suricata writes session_id and tree_id on every record (0 when none). */
    private static void header(JsonGenerator g, String command, long status, long sessionId, long treeId)
            throws IOException {
        EveJson.kept(g, "command", command);
        if (status != SensorEvent.NO_STATUS && (status & SmbEvent.DOS_ERROR) != 0) {
            // An SMB1 DOS-class error: the class's name and the 16-bit ErrorCode, as Suricata writes it.
            int code = (int) (status >>> 16) & 0xFFFF;
            String name = SmbNames.dosError((int) status & 0xFF, code);
            EveJson.kept(g, "status", name != null ? name : Long.toString(status & 0xFFFF_FFFFL));
            char[] hex = {'0', 'x', 0, 0, 0, 0};
            EveCommon.hex(hex, 2, code, 4);
            g.writeStringField("status_code", new String(hex));
        } else if (status != SensorEvent.NO_STATUS) {
            String name = SmbNames.status(status);
            EveJson.kept(g, "status", name != null ? name : Long.toString(status & 0xFFFF_FFFFL));
            EveJson.kept(g, "status_code", statusCode(status));
        }
        g.writeNumberField("session_id", sessionId);
        g.writeNumberField("tree_id", treeId);
    }

    /** An SMB1-carried event is named by its SMB1 command. */
    private static void common(JsonGenerator g, int command, int smb1Command, long sessionId, int treeId, long status)
            throws IOException {
        header(g, smb1Command >= 0 ? SmbNames.smb1Command(smb1Command) : SmbNames.command(command), status,
                sessionId == -1 ? 0 : sessionId, treeId == -1 ? 0 : treeId & 0xFFFF_FFFFL);
    }

    private static boolean isIpc(String share) {
        return share.regionMatches(true, Math.max(0, share.length() - 5), "\\IPC$", 0, 5);
    }

    private static void ints(JsonGenerator g, String field, List<Integer> values) throws IOException {
        g.writeArrayFieldStart(field);
        for (int v : values) {
            g.writeNumber(v);
        }
        g.writeEndArray();
    }

    /** Suricata's {@code fuid} of a CREATE's open (null when its response carried no FileId). */
    static String fuid(SmbEvent.SmbCreate c) {
        if (c.smb1Command() == SmbEvent.NOT_SMB1 && (c.fileIdPersistent() != 0 || c.fileIdVolatile() != 0)) {
            return fuid(c.fileIdPersistent(), c.fileIdVolatile());
        } else if (c.smb1Command() != SmbEvent.NOT_SMB1 && c.fileIdVolatile() != 0) {
            // SMB1: the 16-bit FID (MS-CIFS 2.2.4.64.2) as four hex digits, as Suricata writes it.
            char[] out = new char[4];
            EveCommon.hex(out, 0, c.fileIdVolatile(), 4);
            return new String(out);
        }
        return null;
    }

    /**
     * Suricata's {@code fuid} of an SMB2 open: the 16 bytes of the FileId (MS-SMB2 2.2.14.1,
     * Persistent then Volatile, each little-endian on the wire) grouped 4-2-2-2-6 like a GUID, each
     * group's bytes in reverse order except the last, whose two 2-byte and one 4-byte runs are each
     * reversed. In numbers: the persistent part's low 32 bits, its bits 32-47 and 48-63, then the
     * volatile part's bits 0-15, 16-31 and 32-63, in hex.
     */
    static String fuid(long persistent, long volatileId) {
        // An open's fuid is asked for by its CREATE's record and by the file state it starts: the
        // text made last is given again for the same FileId.
        Fuid last = lastFuid;
        if (last != null && last.persistent == persistent && last.volatileId == volatileId) {
            return last.text;
        }
        String text = formatFuid(persistent, volatileId);
        lastFuid = new Fuid(persistent, volatileId, text);
        return text;
    }

    /** A FileId and its fuid text: immutable, so a thread reading another's sees all three. */
    private record Fuid(long persistent, long volatileId, String text) {
    }

    private static Fuid lastFuid;

    private static String formatFuid(long persistent, long volatileId) {
        // As String.format("%08x-%04x-%04x-%04x-%04x%08x", ...) without the formatter.
        char[] out = new char[36];
        EveCommon.hex(out, 0, persistent, 8);
        out[8] = '-';
        EveCommon.hex(out, 9, persistent >>> 32, 4);
        out[13] = '-';
        EveCommon.hex(out, 14, persistent >>> 48, 4);
        out[18] = '-';
        EveCommon.hex(out, 19, volatileId, 4);
        out[23] = '-';
        EveCommon.hex(out, 24, volatileId >>> 16, 4);
        EveCommon.hex(out, 28, volatileId >>> 32, 8);
        return new String(out);
    }

    /** A status and its text, replaced as a whole (writers on several threads may share the table). */
    private record StatusCode(long status, String text) {
    }

    /** The last NT status codes written as text ("0x" and the hex digits), by status: most records repeat a few. */
    private static final StatusCode[] CODES = new StatusCode[64];

    /** {@code "0x" + Long.toHexString(status & 0xFFFF_FFFFL)}, the text of a recent status reused. */
    static String statusCode(long status) {
        long s = status & 0xFFFF_FFFFL;
        int i = (int) (s ^ s >>> 16 ^ s >>> 28) & 63;
        StatusCode c = CODES[i];
        if (c == null || c.status() != s) {
            c = new StatusCode(s, "0x" + Long.toHexString(s));
            CODES[i] = c;
        }
        return c.text();
    }
}
