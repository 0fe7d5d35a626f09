package io.impacketsensor.detection.eve;

import com.fasterxml.jackson.core.JsonGenerator;
import io.impacketsensor.core.event.Carrier;
import io.impacketsensor.core.event.HttpEvent;
import io.impacketsensor.core.event.NtlmEvent;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.core.wire.Hex;

import java.io.IOException;

/**
 * EVE {@code ntlm} protocol records, ours (Suricata has none; it nests the AUTHENTICATE's domain,
 * user, host and version in {@code smb.ntlmssp}, which {@link ProtocolRecordWriter} does too):
 * {@code {"event_type":"ntlm", ..., "impacket_sensor":{"eve_version":2,"ntlm":{"message":"authenticate",
 * "carrier":"smb2|smb1|dcerpc|ldap|http|mssql","flags":..,"flag_names":[..],"domain":..,"user":..,"host":..,"server_challenge":"hex",
 * "version":..,"mic_present":..,"msv_av_flags":..,"ntlm_version":"v2","ntproofstr":"hex"}}}}.
 */
public final class NtlmRecords {
    private NtlmRecords() {
    }

    public static void write(JsonGenerator g, NtlmEvent e) throws IOException {
        write(g, e, null, -1);
    }

    /**
     * The record of an NTLM message carried by HTTP, with the request that carried it (or whose
     * response carried it) as {@code ntlm.http}: hostname, url, method, user agent, status once known.
     *
     * @param request the request, or null when not known
     * @param status  its response's status, or -1
     */
    public static void write(JsonGenerator g, NtlmEvent e, HttpEvent.HttpRequest request, int status)
            throws IOException {
        g.writeStartObject();
        EveCommon.writeHeader(g, e.header(), "ntlm", appProto(e));
        // Suricata has no ntlm record: ours keeps its whole object under the extension key.
        EveCommon.startExtension(g);
        g.writeObjectFieldStart("ntlm");
        g.writeStringField("carrier", e.carrier().name().toLowerCase(java.util.Locale.ROOT));
        if (e instanceof NtlmEvent.NtlmNegotiate n) {
            g.writeStringField("message", "negotiate");
            flags(g, n.flags());
            g.writeStringField("domain", n.domain());
            g.writeStringField("host", n.workstation());
            version(g, n.version());
        } else if (e instanceof NtlmEvent.NtlmChallenge c) {
            g.writeStringField("message", "challenge");
            flags(g, c.flags());
            g.writeStringField("server_challenge", Hex.encode(c.serverChallenge()));
            g.writeStringField("target_name", c.targetName());
            g.writeStringField("nb_domain", c.nbDomain());
            g.writeStringField("nb_computer", c.nbComputer());
            g.writeStringField("dns_domain", c.dnsDomain());
            g.writeStringField("dns_computer", c.dnsComputer());
            if (c.timestampNanos() != 0) {
                EveCommon.writeTimestamp(g, "timestamp", c.timestampNanos());
            }
            version(g, c.version());
            if (c.version() == null && c.versionBytes() != null) {
                g.writeStringField("version_bytes", Hex.encode(c.versionBytes()));
            }
        } else if (e instanceof NtlmEvent.NtlmAuthenticate a) {
            g.writeStringField("message", "authenticate");
            flags(g, a.flags());
            g.writeStringField("domain", a.domain());
            g.writeStringField("user", a.user());
            g.writeStringField("host", a.workstation());
            if (a.serverChallenge() != null) {
                g.writeStringField("server_challenge", Hex.encode(a.serverChallenge()));
            }
            version(g, a.version());
            // Version 0 is no challenge response: anonymous, or an empty or clear-text password.
            g.writeStringField("ntlm_version", a.ntlmVersion() != 0 ? "v" + a.ntlmVersion() : a.anonymous() ? "anonymous" : "none");
            g.writeNumberField("lm_response_length", a.lmResponseLength());
            g.writeNumberField("nt_response_length", a.ntResponseLength());
            g.writeBooleanField("mic_present", a.micPresent());
            if (a.channelBindings() >= 0) {
                // MsvAvChannelBindings: "zero" binds nothing (relayable to a TLS service without EPA).
                g.writeStringField("channel_bindings", a.channelBindings() == 0 ? "zero" : "present");
            }
            if (a.msvAvFlags() >= 0) {
                g.writeNumberField("msv_av_flags", a.msvAvFlags());
            }
            if (!a.avTargetName().isEmpty()) {
                g.writeStringField("target_name", a.avTargetName());
            }
            if (a.ntProofStr() != null) {
                g.writeStringField("ntproofstr", Hex.encode(a.ntProofStr()));
            }
            g.writeBooleanField("session_key", a.encryptedSessionKey());
            g.writeBooleanField("anonymous", a.anonymous());
            if (a.status() != SensorEvent.NO_STATUS && (a.carrier() == Carrier.HTTP || a.carrier() == Carrier.MSSQL)) {
                // HTTP: 0 when the server accepted, else 401/407; TDS: 0 for LOGINACK, else the ERROR number.
                g.writeStringField("status", a.status() == 0 ? "success" : "failure");
                g.writeStringField("status_code", Long.toString(a.status()));
            } else if (a.status() != SensorEvent.NO_STATUS) {
                String name = SmbNames.status(a.status());
                g.writeStringField("status", name != null ? name : "0x" + Long.toHexString(a.status()));
                g.writeStringField("status_code", "0x" + Long.toHexString(a.status()));
            }
        }
        if (request != null) {
            HttpRecords.context(g, request, status);
        }
        g.writeEndObject();
        g.writeEndObject();
        g.writeEndObject();
    }

    private static String appProto(NtlmEvent e) {
        return switch (e.carrier()) {
            case SMB2, SMB1 -> "smb";
            case DCERPC -> "dcerpc";
            case LDAP -> "ldap";
            case HTTP -> "http";
            case MSSQL -> "mssql";
            case RAW -> null;
        };
    }

    private static void flags(JsonGenerator g, int flags) throws IOException {
        g.writeNumberField("flags", flags & 0xFFFF_FFFFL);
        g.writeArrayFieldStart("flag_names");
        for (int bit = 0; bit < 32; bit++) {
            if ((flags & (1 << bit)) != 0) {
                String n = SmbNames.ntlmFlag(bit);
                g.writeString(n != null ? n : "bit" + bit);
            }
        }
        g.writeEndArray();
    }

    private static void version(JsonGenerator g, NtlmEvent.Version v) throws IOException {
        if (v != null) {
            VersionText kept = lastVersion;
            String text;
            if (kept != null && kept.version().equals(v)) {
                text = kept.text();
            } else {
                text = v.major() + "." + v.minor() + "." + v.build();
                lastVersion = new VersionText(v, text);
            }
            g.writeStringField("version", text);
            g.writeNumberField("ntlm_revision", v.revision());
        }
    }

    /**
     * The last VERSION written and its text: a capture carries a few Windows builds, each on many
     * records. Immutable, so a thread that reads another's (any writer may run on any thread) sees
     * both halves.
     */
    private record VersionText(NtlmEvent.Version version, String text) {
    }

    private static VersionText lastVersion;
}
