package io.impacketsensor.detection.eve;

import com.fasterxml.jackson.core.JsonGenerator;
import io.impacketsensor.core.event.DcerpcEvent;
import io.impacketsensor.core.event.DcerpcEvent.Context;
import io.impacketsensor.core.event.DcerpcEvent.DcerpcBind;
import io.impacketsensor.core.event.DcerpcEvent.DcerpcFault;
import io.impacketsensor.core.event.DcerpcEvent.DcerpcRequest;
import io.impacketsensor.core.event.DcerpcEvent.DcerpcResponse;
import io.impacketsensor.core.event.RpcArgs;
import io.impacketsensor.core.event.DcomClasses;
import io.impacketsensor.core.event.RpcInterfaces;

import java.io.IOException;
import java.util.UUID;

/**
 * DCE/RPC records in Suricata's layout, one per call: a request with its response
 * ({@code request} REQUEST, {@code response} RESPONSE or FAULT, {@code req}, {@code res},
 * {@code interfaces} with {@code service} and {@code procedure}, {@code call_id}), or a bind with
 * its ack ({@code request} BIND or ALTER_CONTEXT, {@code response} BINDACK, BINDNAK or
 * ALTER_CONTEXT_RESP, {@code interfaces} with {@code ack_result}). A request never answered has
 * {@code response} UNREPLIED; an answer whose request was not seen has {@code request}
 * REQUEST_LOST. Over TCP the record is {@code event_type} dcerpc; over an SMB named pipe it is an
 * {@code smb} record with the call in {@code smb.dcerpc}, as Suricata nests it. Our fields (PDU
 * kind, pipe, auth type and level, context id, decoded arguments and results) are under
 * {@code impacket_sensor}. The pairing is done by {@link ProtocolRecordWriter}.
 */
public final class DcerpcRecords {
    private DcerpcRecords() {
    }

    /** Writes the record of one event on its own: a request as UNREPLIED, an answer as REQUEST_LOST. */
    public static void write(JsonGenerator g, DcerpcEvent e) throws IOException {
        if (e instanceof DcerpcBind b) {
            writeBind(g, b, 1, "unknown");
        } else if (e instanceof DcerpcRequest r) {
            writeCall(g, r, null, null, 1, "unknown");
        } else {
            writeCall(g, null, e, null, 1, "unknown");
        }
    }

    /** A bind or alter context with its ack (the event carries the results once the ack was seen). */
    static void writeBind(JsonGenerator g, DcerpcBind b, long smbId, String smbDialect) throws IOException {
        boolean smb = b.namedPipe() != null;
        start(g, b.header(), smb, smbId, smbDialect);
        if (b.requestLost()) {
            // Suricata's transaction of an ack whose request it did not parse: no interfaces.
            EveJson.kept(g, "request", "REQUEST_LOST");
            EveJson.kept(g, "response", b.alterContext() ? "ALTER_CONTEXT_RESP" : "BINDACK");
            g.writeNumberField("call_id", b.callId() & 0xFFFF_FFFFL);
            rpcVersion(g, smb, b.rpcVersionMinor());
            endSuricata(g, smb);
            EveCommon.startExtension(g);
            common(g, b.alterContext() ? "alter_context_resp" : "bind_ack", b.namedPipe());
            g.writeNumberField("max_xmit_frag", b.maxXmitFrag());
            g.writeNumberField("max_recv_frag", b.maxRecvFrag());
            g.writeEndObject();
            g.writeEndObject();
            return;
        }
        EveJson.kept(g, "request", b.alterContext() ? "ALTER_CONTEXT" : "BIND");
        boolean acked = b.nak();
        // The bind's lists are walked by index: no iterator per bind, context or syntax list.
        java.util.List<Context> contexts = b.contexts();
        for (int i = 0; i < contexts.size(); i++) {
            acked |= contexts.get(i).result() >= 0;
        }
        EveJson.kept(g, "response", !acked ? "UNREPLIED" : b.nak() ? "BINDNAK"
                : b.alterContext() ? "ALTER_CONTEXT_RESP" : "BINDACK");
        if (!b.contexts().isEmpty()) {
            g.writeArrayFieldStart("interfaces");
            for (int i = 0; i < contexts.size(); i++) {
                Context c = contexts.get(i);
                g.writeStartObject();
                EveJson.uuid(g, "uuid", c.interfaceUuid());
                EveJson.kept(g, "version", version(c));
                if (c.result() >= 0) {
                    g.writeNumberField("ack_result", c.result());
                }
                String name = RpcInterfaces.name(c.interfaceUuid());
                if (name != null) {
                    EveJson.kept(g, "service", name);
                }
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        g.writeNumberField("call_id", b.callId() & 0xFFFF_FFFFL);
        rpcVersion(g, smb, b.rpcVersionMinor());
        endSuricata(g, smb);
        EveCommon.startExtension(g);
        common(g, b.alterContext() ? "alter_context" : "bind", b.namedPipe());
        auth(g, b.authType(), b.authLevel());
        g.writeBooleanField("sealed", b.authLevel() == 6);
        if (b.authContextId() >= 0) {
            g.writeNumberField("auth_context_id", b.authContextId());
        }
        g.writeNumberField("max_xmit_frag", b.maxXmitFrag());
        g.writeNumberField("max_recv_frag", b.maxRecvFrag());
        g.writeBooleanField("nak", b.nak());
        g.writeArrayFieldStart("contexts");
        for (int i = 0; i < contexts.size(); i++) {
            Context c = contexts.get(i);
            g.writeStartObject();
            g.writeNumberField("context_id", c.contextId());
            g.writeArrayFieldStart("transfer_syntaxes");
            java.util.List<UUID> syntaxes = c.transferSyntaxes();
            for (int j = 0; j < syntaxes.size(); j++) {
                EveJson.uuid(g, syntaxes.get(j));
            }
            g.writeEndArray();
            if (c.result() >= 0) {
                String r = resultName(c.result());
                if (r != null) {
                    EveJson.kept(g, "result_name", r);
                }
            }
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
        g.writeEndObject();
    }

    /**
     * One call: {@code req} the request or null (lost), {@code answer} a DcerpcResponse, a
     * DcerpcFault or null (unreplied); {@code context} the bound context of the request, or null.
     */
    static void writeCall(JsonGenerator g, DcerpcRequest req, DcerpcEvent answer, Context context, long smbId,
                          String smbDialect) throws IOException {
        DcerpcEvent first = req != null ? req : answer;
        String pipe = req != null ? req.namedPipe() : answer instanceof DcerpcResponse r ? r.namedPipe()
                : ((DcerpcFault) answer).namedPipe();
        boolean smb = pipe != null;
        int callId = req != null ? req.callId() : answer instanceof DcerpcResponse r ? r.callId()
                : ((DcerpcFault) answer).callId();
        UUID iface = req != null ? req.interfaceUuid() : answer instanceof DcerpcResponse r ? r.interfaceUuid()
                : ((DcerpcFault) answer).interfaceUuid();
        int opnum = req != null ? req.opnum() : answer instanceof DcerpcResponse r ? r.opnum()
                : ((DcerpcFault) answer).opnum();
        start(g, header(answer != null ? answer : first), smb, smbId, smbDialect);
        if (req != null) {
            EveJson.kept(g, "request", "REQUEST");
        } else {
            EveJson.kept(g, "request", "REQUEST_LOST");
        }
        EveJson.kept(g, "response", answer instanceof DcerpcResponse ? "RESPONSE"
                : answer instanceof DcerpcFault ? "FAULT" : "UNREPLIED");
        if (req != null) {
            if (smb) {
                g.writeNumberField("opnum", req.opnum());
            }
            g.writeObjectFieldStart("req");
            if (!smb) {
                g.writeNumberField("opnum", req.opnum());
            }
            g.writeNumberField("frag_cnt", req.fragments());
            g.writeNumberField("stub_data_size", suricataStubSize(req.bodyLength()));
            g.writeEndObject();
            if (iface != null) {
                g.writeArrayFieldStart("interfaces");
                g.writeStartObject();
                EveJson.uuid(g, "uuid", iface);
                if (context != null && context.interfaceUuid().equals(iface)) {
                    EveJson.kept(g, "version", version(context));
                    if (context.result() >= 0) {
                        g.writeNumberField("ack_result", context.result());
                    }
                }
                String name = RpcInterfaces.name(iface);
                if (name != null) {
                    EveJson.kept(g, "service", name);
                    String op = RpcInterfaces.operation(iface, opnum);
                    if (op != null) {
                        EveJson.kept(g, "procedure", op);
                    }
                }
                g.writeEndObject();
                g.writeEndArray();
            }
        }
        if (answer instanceof DcerpcResponse r) {
            g.writeObjectFieldStart("res");
            g.writeNumberField("frag_cnt", r.fragments());
            g.writeNumberField("stub_data_size", suricataStubSize(r.bodyLength()));
            g.writeEndObject();
        }
        g.writeNumberField("call_id", callId & 0xFFFF_FFFFL);
        // The version of the exchange's last PDU, as Suricata reports the header it parsed last.
        rpcVersion(g, smb, answer instanceof DcerpcResponse r ? r.rpcVersionMinor()
                : answer instanceof DcerpcFault f ? f.rpcVersionMinor() : req.rpcVersionMinor());
        endSuricata(g, smb);
        EveCommon.startExtension(g);
        common(g, req != null ? "request" : answer instanceof DcerpcFault ? "fault" : "response", pipe);
        if (iface != null) {
            EveJson.uuid(g, "interface_uuid", iface);
            if (req != null && req.interfaceSource() != null) {
                EveJson.kept(g, "interface_source", req.interfaceSource().wireName());
            }
        }
        if (opnum >= 0) {
            g.writeNumberField("opnum", opnum);
        }
        if (req != null) {
            g.writeNumberField("req_stub_data_size", req.stubLength());
        }
        if (answer instanceof DcerpcResponse r) {
            g.writeNumberField("res_stub_data_size", r.stubLength());
        }
        if (req != null) {
            g.writeNumberField("context_id", req.contextId());
            if (req.objectUuid() != null) {
                g.writeStringField("object_uuid", req.objectUuid().toString());
            }
            if (req.interfaceSource() == DcerpcEvent.InterfaceSource.DCOM_IPID || req.clsid() != null) {
                // The object UUID is an IPID an earlier DCOM answer handed out (MS-DCOM 2.2.13).
                g.writeStringField("ipid", req.objectUuid().toString());
            }
            if (req.clsid() != null) {
                g.writeStringField("clsid", req.clsid().toString());
                String cls = DcomClasses.name(req.clsid());
                if (cls != null) {
                    EveJson.kept(g, "clsid_name", cls);
                }
            }
            auth(g, req.authType(), req.authLevel());
            g.writeBooleanField("sealed", req.sealed());
            if (req.args() != null) {
                DcerpcArgs.write(g, req.args());
            }
        }
        if (answer instanceof DcerpcResponse r) {
            if (req == null) {
                g.writeBooleanField("sealed", r.sealed());
            }
            if (r.result() instanceof RpcArgs.ReturnStatus st) {
                g.writeNumberField("status", st.status());
            } else if (r.result() != null) {
                g.writeObjectFieldStart("result");
                DcerpcArgs.write(g, r.result());
                g.writeEndObject();
            }
        } else if (answer instanceof DcerpcFault f) {
            g.writeNumberField("fault_status", f.status());
        }
        g.writeEndObject();
        g.writeEndObject();
    }

    /** Suricata's default {@code app-layer.protocols.dcerpc.max-stub-size} (1 MiB): the stub it keeps per call. */
    static final int SURICATA_MAX_STUB = 1 << 20;

    /**
     * Suricata's {@code stub_data_size}: every byte of the fragments after the request's opnum or
     * the response's common header, object UUID, alloc_hint, p_cont_id, cancel_count, auth padding
     * and verifier included, up to its 1 MiB stub limit. The stub of C706 12.6.4.9/10 alone is
     * {@code impacket_sensor.req_stub_data_size} / {@code res_stub_data_size}.
     */
    static int suricataStubSize(int bodyLength) {
        return Math.min(bodyLength, SURICATA_MAX_STUB);
    }

    /** The record's header and the object that holds the call: dcerpc, or smb.dcerpc over a pipe. */
    private static void start(JsonGenerator g, io.impacketsensor.core.event.EventHeader h, boolean smb, long smbId,
                              String smbDialect) throws IOException {
        g.writeStartObject();
        if (smb) {
            EveCommon.writeHeader(g, h, "smb", "smb");
            g.writeObjectFieldStart("smb");
            g.writeNumberField("id", smbId);
            EveJson.kept(g, "dialect", smbDialect);
            g.writeObjectFieldStart("dcerpc");
        } else {
            EveCommon.writeHeader(g, h, "dcerpc", "dcerpc");
            g.writeObjectFieldStart("dcerpc");
        }
    }

    /**
     * {@code rpc_version}: the common header's rpc_vers "." rpc_vers_minor (C706 12.6.3.1: always 5,
     * minor 0 or 1), on dcerpc records over TCP; Suricata's smb.dcerpc object has no such key.
     */
    private static void rpcVersion(JsonGenerator g, boolean smb, int minor) throws IOException {
        if (!smb) {
            EveJson.kept(g, "rpc_version", minor == 0 ? "5.0" : "5.1");
        }
    }

    private static void endSuricata(JsonGenerator g, boolean smb) throws IOException {
        g.writeEndObject();
        if (smb) {
            g.writeEndObject();
        }
    }

    static io.impacketsensor.core.event.EventHeader header(DcerpcEvent e) {
        if (e instanceof DcerpcBind b) {
            return b.header();
        } else if (e instanceof DcerpcRequest r) {
            return r.header();
        } else if (e instanceof DcerpcResponse r) {
            return r.header();
        }
        return ((DcerpcFault) e).header();
    }

    /** auth_type names (MS-RPCE 2.2.1.1.7). */
    static String authTypeName(int t) {
        switch (t) {
            case 0: return "none";
            case 9: return "spnego";
            case 10: return "ntlmssp";
            case 14: return "schannel";
            case 16: return "kerberos";
            case 68: return "netlogon";
            case 255: return "default";
            default: return null;
        }
    }

    /** auth_level names (MS-RPCE 2.2.1.1.8). */
    static String authLevelName(int l) {
        switch (l) {
            case 1: return "none";
            case 2: return "connect";
            case 3: return "call";
            case 4: return "pkt";
            case 5: return "integrity";
            case 6: return "privacy";
            default: return null;
        }
    }

    /** p_cont_def_result_t (C706 12.6.3.1). */
    static String resultName(int r) {
        switch (r) {
            case 0: return "acceptance";
            case 1: return "user_rejection";
            case 2: return "provider_rejection";
            case 3: return "negotiate_ack";
            default: return null;
        }
    }

    private static void common(JsonGenerator g, String pdu, String pipe) throws IOException {
        EveJson.kept(g, "pdu", pdu);
        if (pipe != null && pipe.isEmpty()) {
            // DcerpcEvent.UNKNOWN_PIPE: a pipe recognised by its DCE/RPC PDUs, opened before the capture.
            g.writeBooleanField("named_pipe_unknown", true);
        } else if (pipe != null) {
            g.writeStringField("named_pipe", pipe);
        }
    }

    private static void auth(JsonGenerator g, int type, int level) throws IOException {
        g.writeNumberField("auth_type", type);
        String t = authTypeName(type);
        if (t != null) {
            EveJson.kept(g, "auth_type_name", t);
        }
        g.writeNumberField("auth_level", level);
        String l = authLevelName(level);
        if (l != null) {
            EveJson.kept(g, "auth_level_name", l);
        }
    }

    /** "major.minor" of the interface versions calls commonly bind (below 16 each), made once. */
    private static final String[] VERSIONS = new String[256];

    static {
        for (int i = 0; i < VERSIONS.length; i++) {
            VERSIONS[i] = (i >> 4) + "." + (i & 15);
        }
    }

    /** A context's interface version as "major.minor" (C706 12.6.3.1 p_syntax_id_t if_version). */
    static String version(Context c) {
        int major = c.versionMajor();
        int minor = c.versionMinor();
        return major >= 0 && major < 16 && minor >= 0 && minor < 16 ? VERSIONS[major << 4 | minor] : major + "." + minor;
    }
}
