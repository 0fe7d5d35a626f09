package io.impacketsensor.detection.eve;

import com.fasterxml.jackson.core.JsonGenerator;
import io.impacketsensor.core.event.DcerpcEvent;
import io.impacketsensor.core.event.DcerpcEvent.Context;
import io.impacketsensor.core.event.DcerpcEvent.DcerpcBind;
import io.impacketsensor.core.event.DcerpcEvent.DcerpcFault;
import io.impacketsensor.core.event.DcerpcEvent.DcerpcRequest;
import io.impacketsensor.core.event.DcerpcEvent.DcerpcResponse;
import io.impacketsensor.core.event.RpcArgs;
import io.impacketsensor.core.event.RpcInterfaces;

import java.io.IOException;
import java.util.List;
import java.util.UUID;

/**
 * The {@code dcerpc} EVE protocol record of a DCE/RPC event: common header, then a {@code dcerpc}
 * object with {@code pdu}, the interface (UUID and name), opnum and operation name, named pipe,
 * call id, auth type/level (codes with names beside them), {@code sealed}, {@code status} and an
 * {@code args} object per decoded operation. Unknown interfaces and opnums keep their raw values and
 * have no name field.
 */
public final class DcerpcRecords {
    private DcerpcRecords() {
    }

    /** Writes one whole record (start and end object included). */
    public static void write(JsonGenerator g, DcerpcEvent e) throws IOException {
        g.writeStartObject();
        EveCommon.writeHeader(g, header(e), "dcerpc", "dcerpc");
        g.writeObjectFieldStart("dcerpc");
        if (e instanceof DcerpcBind b) {
            bind(g, b);
        } else if (e instanceof DcerpcRequest r) {
            request(g, r);
        } else if (e instanceof DcerpcResponse r) {
            response(g, r);
        } else if (e instanceof DcerpcFault f) {
            fault(g, f);
        }
        g.writeEndObject();
        g.writeEndObject();
    }

    private static io.impacketsensor.core.event.EventHeader header(DcerpcEvent e) {
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

    private static void common(JsonGenerator g, String pdu, String pipe, int callId) throws IOException {
        g.writeStringField("pdu", pdu);
        if (pipe != null) {
            g.writeStringField("named_pipe", pipe);
        }
        g.writeNumberField("call_id", callId & 0xFFFF_FFFFL);
    }

    private static void iface(JsonGenerator g, UUID uuid, int opnum) throws IOException {
        if (uuid != null) {
            g.writeStringField("interface_uuid", uuid.toString());
            String name = RpcInterfaces.name(uuid);
            if (name != null) {
                g.writeStringField("interface", name);
            }
        }
        if (opnum >= 0) {
            g.writeNumberField("opnum", opnum);
            String op = RpcInterfaces.operation(uuid, opnum);
            if (op != null) {
                g.writeStringField("operation", op);
            }
        }
    }

    private static void auth(JsonGenerator g, int type, int level) throws IOException {
        g.writeNumberField("auth_type", type);
        String t = authTypeName(type);
        if (t != null) {
            g.writeStringField("auth_type_name", t);
        }
        g.writeNumberField("auth_level", level);
        String l = authLevelName(level);
        if (l != null) {
            g.writeStringField("auth_level_name", l);
        }
    }

    private static void bind(JsonGenerator g, DcerpcBind b) throws IOException {
        common(g, b.alterContext() ? "alter_context" : "bind", b.namedPipe(), b.callId());
        List<Context> cs = b.contexts();
        if (!cs.isEmpty()) {
            iface(g, cs.get(0).interfaceUuid(), -1);
        }
        auth(g, b.authType(), b.authLevel());
        g.writeBooleanField("sealed", b.authLevel() == 6);
        if (b.authContextId() >= 0) {
            g.writeNumberField("auth_context_id", b.authContextId());
        }
        g.writeNumberField("max_xmit_frag", b.maxXmitFrag());
        g.writeNumberField("max_recv_frag", b.maxRecvFrag());
        g.writeBooleanField("nak", b.nak());
        g.writeArrayFieldStart("contexts");
        for (Context c : cs) {
            g.writeStartObject();
            g.writeNumberField("context_id", c.contextId());
            g.writeStringField("interface_uuid", c.interfaceUuid().toString());
            String name = RpcInterfaces.name(c.interfaceUuid());
            if (name != null) {
                g.writeStringField("interface", name);
            }
            g.writeStringField("version", c.versionMajor() + "." + c.versionMinor());
            g.writeArrayFieldStart("transfer_syntaxes");
            for (UUID t : c.transferSyntaxes()) {
                g.writeString(t.toString());
            }
            g.writeEndArray();
            if (c.result() >= 0) {
                g.writeNumberField("result", c.result());
                String r = resultName(c.result());
                if (r != null) {
                    g.writeStringField("result_name", r);
                }
            }
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    private static void request(JsonGenerator g, DcerpcRequest r) throws IOException {
        common(g, "request", r.namedPipe(), r.callId());
        iface(g, r.interfaceUuid(), r.opnum());
        g.writeNumberField("context_id", r.contextId());
        if (r.objectUuid() != null) {
            g.writeStringField("object_uuid", r.objectUuid().toString());
        }
        auth(g, r.authType(), r.authLevel());
        g.writeBooleanField("sealed", r.sealed());
        g.writeNumberField("stub_length", r.stubLength());
        g.writeNumberField("fragments", r.fragments());
        if (r.args() != null) {
            DcerpcArgs.write(g, r.args());
        }
    }

    private static void response(JsonGenerator g, DcerpcResponse r) throws IOException {
        common(g, "response", r.namedPipe(), r.callId());
        iface(g, r.interfaceUuid(), r.opnum());
        g.writeBooleanField("sealed", r.sealed());
        g.writeNumberField("stub_length", r.stubLength());
        if (r.result() instanceof RpcArgs.ReturnStatus s) {
            g.writeNumberField("status", s.status());
        } else if (r.result() != null) {
            DcerpcArgs.write(g, r.result());
        }
    }

    private static void fault(JsonGenerator g, DcerpcFault f) throws IOException {
        common(g, "fault", f.namedPipe(), f.callId());
        iface(g, f.interfaceUuid(), f.opnum());
        g.writeNumberField("status", f.status());
    }
}
