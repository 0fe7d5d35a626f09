package io.impacketsensor.detection.eve;

import com.fasterxml.jackson.core.JsonGenerator;
import io.impacketsensor.core.event.DcomClasses;
import io.impacketsensor.core.event.RpcArgs;
import io.impacketsensor.detection.rules.Text;

import java.io.IOException;
import java.util.List;
import java.util.UUID;

/** The {@code args} object of a {@code dcerpc} record: one shape per {@link RpcArgs} record, null fields left out. */
final class DcerpcArgs {
    private DcerpcArgs() {
    }

    static void write(JsonGenerator g, RpcArgs a) throws IOException {
        g.writeObjectFieldStart("args");
        if (a instanceof RpcArgs.ScmOpenManager m) {
            str(g, "machine_name", m.machineName());
            str(g, "database_name", m.databaseName());
            g.writeNumberField("desired_access", m.desiredAccess() & 0xFFFF_FFFFL);
        } else if (a instanceof RpcArgs.ScmCreateService c) {
            str(g, "service_name", c.serviceName());
            str(g, "display_name", c.displayName());
            str(g, "binary_path", c.binaryPath());
            g.writeNumberField("service_type", c.serviceType() & 0xFFFF_FFFFL);
            g.writeNumberField("start_type", c.startType() & 0xFFFF_FFFFL);
            g.writeNumberField("desired_access", c.desiredAccess() & 0xFFFF_FFFFL);
        } else if (a instanceof RpcArgs.ScmOpenService o) {
            str(g, "service_name", o.serviceName());
            g.writeNumberField("desired_access", o.desiredAccess() & 0xFFFF_FFFFL);
        } else if (a instanceof RpcArgs.ScmChangeServiceConfig c) {
            // SERVICE_NO_CHANGE (0xFFFFFFFF) travels as -1: left out.
            if (c.serviceType() != -1) {
                g.writeNumberField("service_type", c.serviceType() & 0xFFFF_FFFFL);
            }
            if (c.startType() != -1) {
                g.writeNumberField("start_type", c.startType() & 0xFFFF_FFFFL);
            }
            str(g, "binary_path", c.binaryPath());
        } else if (a instanceof RpcArgs.ScmServiceAction s) {
            str(g, "service_name", s.serviceName());
            if (s.control() >= 0) {
                g.writeNumberField("control", s.control());
            }
        } else if (a instanceof RpcArgs.RegOpenKey k) {
            str(g, "key_path", k.keyPath());
            g.writeBooleanField("create", k.create());
        } else if (a instanceof RpcArgs.RegSaveKey k) {
            str(g, "file_name", k.fileName());
            str(g, "key_path", k.keyPath());
        } else if (a instanceof RpcArgs.RegQueryValue v) {
            str(g, "value_name", v.valueName());
            str(g, "key_path", v.keyPath());
        } else if (a instanceof RpcArgs.LsaLookupSids l) {
            g.writeNumberField("sid_count", l.count());
            str(g, "domain_sid", l.domainSid());
            if (l.minRid() >= 0) {
                g.writeNumberField("min_rid", l.minRid());
                g.writeNumberField("max_rid", l.maxRid());
            }
        } else if (a instanceof RpcArgs.LookupNames n) {
            strings(g, "names", n.names());
        } else if (a instanceof RpcArgs.SamrCall s) {
            str(g, "name", s.name());
        } else if (a instanceof RpcArgs.SamrCreateUser u) {
            str(g, "account_name", u.accountName());
            g.writeNumberField("account_type", u.accountType() & 0xFFFF_FFFFL);
            g.writeNumberField("desired_access", u.desiredAccess() & 0xFFFF_FFFFL);
        } else if (a instanceof RpcArgs.SamrSetUserInfo s) {
            g.writeNumberField("info_class", s.infoClass());
        } else if (a instanceof RpcArgs.SrvsvcEnum s) {
            g.writeNumberField("level", s.level());
        } else if (a instanceof RpcArgs.EpmMapRequest m) {
            map(g, m.interfaceUuid());
            if (m.versionMajor() >= 0) {
                g.writeNumberField("map_version", m.versionMajor());
            }
        } else if (a instanceof RpcArgs.EpmLookupRequest l) {
            g.writeNumberField("inquiry_type", l.inquiryType());
            if (l.interfaceUuid() != null) {
                map(g, l.interfaceUuid());
            }
            g.writeNumberField("max_entries", l.maxEntries());
            g.writeBooleanField("resumed", l.resumed());
        } else if (a instanceof RpcArgs.EpmMapResult m) {
            map(g, m.interfaceUuid());
            g.writeNumberField("tcp_port", m.tcpPort());
            str(g, "ip", m.ip());
            str(g, "pipe", m.pipe());
        } else if (a instanceof RpcArgs.TaskRegister t) {
            str(g, "task_path", t.path());
            str(g, "task_xml", t.xml());
        } else if (a instanceof RpcArgs.AtJobAdd j) {
            str(g, "command", j.command());
        } else if (a instanceof RpcArgs.DcomStrings d) {
            strings(g, "strings", d.strings());
            RpcArgs.DcomCall c = d.call();
            if (c != null) {
                str(g, "wmi_namespace", c.namespace());
                str(g, "wmi_class", c.className());
                str(g, "wmi_method", c.method());
                str(g, "wmi_query", c.query());
                if (!c.names().isEmpty()) {
                    strings(g, "dispatch_names", c.names());
                }
                if (c.dispid() != -1) {
                    g.writeNumberField("dispid", c.dispid());
                }
            }
        } else if (a instanceof RpcArgs.DcomQueryInterface q) {
            g.writeStringField("ipid", q.ipid().toString());
            uuids(g, "iids", q.iids());
        } else if (a instanceof RpcArgs.DcomReferences r) {
            uuids(g, "ipids", r.ipids());
        } else if (a instanceof RpcArgs.DcomObjectRefs o) {
            if (o.clsid() != null) {
                g.writeStringField("clsid", o.clsid().toString());
                str(g, "clsid_name", DcomClasses.name(o.clsid()));
            }
            g.writeArrayFieldStart("interfaces");
            for (RpcArgs.DcomRef r : o.refs()) {
                g.writeStartObject();
                g.writeStringField("iid", r.iid().toString());
                str(g, "name", io.impacketsensor.core.event.RpcInterfaces.name(r.iid()));
                g.writeStringField("ipid", r.ipid().toString());
                g.writeStringField("oxid", Long.toHexString(r.oxid()));
                g.writeEndObject();
            }
            g.writeEndArray();
            if (!o.bindings().isEmpty()) {
                strings(g, "bindings", o.bindings());
            }
        } else if (a instanceof RpcArgs.DcomActivation d) {
            if (d.clsid() != null) {
                g.writeStringField("clsid", d.clsid().toString());
                str(g, "clsid_name", DcomClasses.name(d.clsid()));
            }
            g.writeArrayFieldStart("iids");
            for (UUID u : d.iids()) {
                g.writeString(u.toString());
            }
            g.writeEndArray();
        } else if (a instanceof RpcArgs.UncPath u) {
            str(g, "argument", u.argument());
            str(g, "path", u.path());
            str(g, "host", u.host());
            g.writeBooleanField("coercion", u.listener() && u.host() != null);
        } else if (a instanceof RpcArgs.DrsGetNcChanges) {
            g.writeBooleanField("replication", true);
        } else if (a instanceof RpcArgs.ScmCreateServiceAnswer) {
            g.writeBooleanField("service_created", true);
        } else if (a instanceof RpcArgs.ReturnStatus s) {
            g.writeNumberField("status", s.status());
        }
        g.writeEndObject();
    }

    private static void map(JsonGenerator g, java.util.UUID u) throws IOException {
        if (u != null) {
            g.writeStringField("map_interface_uuid", u.toString());
            String n = io.impacketsensor.core.event.RpcInterfaces.name(u);
            if (n != null) {
                g.writeStringField("map_interface", n);
            }
        }
    }

    private static void uuids(JsonGenerator g, String field, List<UUID> v) throws IOException {
        g.writeArrayFieldStart(field);
        for (UUID u : v) {
            g.writeString(u.toString());
        }
        g.writeEndArray();
    }

    private static void str(JsonGenerator g, String field, String v) throws IOException {
        if (v != null) {
            g.writeStringField(field, Text.quote(v));
        }
    }

    private static void strings(JsonGenerator g, String field, List<String> v) throws IOException {
        g.writeArrayFieldStart(field);
        for (String s : v) {
            g.writeString(Text.quote(s));
        }
        g.writeEndArray();
    }
}
