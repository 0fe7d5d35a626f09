package io.impacketsensor.detection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.impacketsensor.core.event.DcerpcEvent;
import io.impacketsensor.core.event.DcomClasses;
import io.impacketsensor.detection.engine.RpcCatalog;
import io.impacketsensor.detection.response.AllowListMatcher;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The specification's flat event: the external input of the library and of {@code impacket-sensor
 * analyze}. {@link NetworkEventMapper} turns it into the typed events the decoders produce, so one
 * engine serves both. Build it with {@link #builder(String, Protocol)} or parse it with
 * {@link #fromJson(String)}; both validate and name the offending key.
 *
 * @param sourceIp         source address (required)
 * @param destIp           destination address, or null
 * @param protocol         SMB, KERBEROS, NTLM, RPC or LDAP (required)
 * @param eventType        free-form kind, e.g. {@code tree_connect}, {@code service_creation}, {@code tgs_request}
 * @param share            SMB share, e.g. {@code ADMIN$}
 * @param path             file or pipe path, e.g. {@code \PIPE\PSEXESVC}, or a registry key on RPC
 * @param command          command line run (service binary, WMI/DCOM/task command), or the DCE/RPC interface an
 *                         SMB session spoke when it names one ({@code SVCCTL}, {@code winreg} ...: the
 *                         specification's psexec example)
 * @param servicePrincipal Kerberos service principal, e.g. {@code MSSQLSvc/db1:1433} or {@code krbtgt/LAB.TEST}
 * @param ticketType       Kerberos ticket kind: TGT, TGS (service) or AS-REP
 * @param ticketLifetime   ticket lifetime in seconds, or null
 * @param encryptionType   Kerberos etype number (23 = rc4-hmac), or null
 * @param authType         e.g. ntlmv1, ntlmv2, kerberos, hash, no_preauth; {@code LM:NTLM} (the specification's
 *                         spelling, Impacket's {@code -hashes LMHASH:NTHASH}) is hash authentication
 * @param ntlmFlags        NTLM NegotiateFlags, or null
 * @param micPresent       whether the NTLM AUTHENTICATE had a MIC, or null
 * @param username         account name
 * @param interfaceUuid    DCE/RPC interface UUID, or null
 * @param operation        DCE/RPC operation name (e.g. CreateServiceW) or opnum as text
 * @param ldapFilter       LDAP search filter
 * @param timestamp        event time, or null for "now"
 * @param serviceName      service name of a service creation
 * @param binaryPath       service binary path
 * @param success          outcome of an authentication, or null
 * @param dcomClass        CLSID of a DCOM class activated remotely (JSON {@code dcom_class}: a CLSID or a known
 *                         class name such as {@code MMC20.Application}), or null
 * @param interfaceSource  how the sender found {@code interfaceUuid} (JSON {@code interface_source}: {@code bind},
 *                         {@code endpoint}, {@code dcom_ipid} or {@code inferred}, as the sensor's EVE records
 *                         say); null when not given, taken as bound. {@code inferred} lowers the confidence
 */
public record NetworkEvent(String sourceIp, String destIp, Protocol protocol, String eventType, String share,
                           String path, String command, String servicePrincipal, String ticketType,
                           Long ticketLifetime, Integer encryptionType, String authType, Integer ntlmFlags,
                           Boolean micPresent, String username, UUID interfaceUuid, String operation,
                           String ldapFilter, Instant timestamp, String serviceName, String binaryPath,
                           Boolean success, UUID dcomClass, DcerpcEvent.InterfaceSource interfaceSource) {

    /** The flat event's protocols. */
    public enum Protocol { SMB, KERBEROS, NTLM, RPC, LDAP }

    /** The keys accepted in JSON. */
    public static final Set<String> KEYS = Set.of("source_ip", "protocol", "event_type", "share", "path", "command",
            "service_principal", "ticket_type", "ticket_lifetime", "encryption_type", "auth_type", "ntlm_flags",
            "mic_present", "username", "interface_uuid", "operation", "ldap_filter", "dest_ip", "timestamp",
            "service_name", "binary_path", "success", "dcom_class", "interface_source");

    private static final ObjectMapper JSON = new ObjectMapper();

    /** NTLM flag names accepted in an {@code ntlm_flags} object (MS-NLMP 2.2.2.5), with the prefix optional. */
    static final Map<String, Integer> FLAG_NAMES = Map.ofEntries(
            Map.entry("unicode", 0x1), Map.entry("oem", 0x2), Map.entry("request_target", 0x4),
            Map.entry("sign", 0x10), Map.entry("signing", 0x10), Map.entry("seal", 0x20), Map.entry("sealing", 0x20),
            Map.entry("datagram", 0x40), Map.entry("lm_key", 0x80), Map.entry("ntlm", 0x200),
            Map.entry("anonymous", 0x800), Map.entry("oem_domain_supplied", 0x1000),
            Map.entry("oem_workstation_supplied", 0x2000), Map.entry("always_sign", 0x8000),
            Map.entry("target_type_domain", 0x10000), Map.entry("target_type_server", 0x20000),
            Map.entry("extended_session_security", 0x80000), Map.entry("ess", 0x80000), Map.entry("ntlm2", 0x80000),
            Map.entry("identify", 0x100000), Map.entry("target_info", 0x800000), Map.entry("version", 0x2000000),
            Map.entry("128", 0x20000000), Map.entry("key_exch", 0x40000000), Map.entry("56", 0x80000000));

    public NetworkEvent {
        if (sourceIp == null || AllowListMatcher.parseAddress(sourceIp) == null) {
            throw new NetworkEventException("source_ip", sourceIp == null ? "required"
                    : "not an IP address: '" + sourceIp + "'");
        }
        if (destIp != null && AllowListMatcher.parseAddress(destIp) == null) {
            throw new NetworkEventException("dest_ip", "not an IP address: '" + destIp + "'");
        }
        if (protocol == null) {
            throw new NetworkEventException("protocol", "required (SMB, KERBEROS, NTLM, RPC or LDAP)");
        }
        if (ticketLifetime != null && ticketLifetime < 0) {
            throw new NetworkEventException("ticket_lifetime", "must be >= 0 seconds");
        }
        if (timestamp != null && (timestamp.isBefore(Instant.EPOCH) || timestamp.isAfter(LATEST))) {
            throw new NetworkEventException("timestamp", TIMESTAMP_RANGE + ", not " + timestamp);
        }
    }

    /**
     * The latest event time: the engine keeps time as nanoseconds since the epoch in a long, which
     * ends in 2262; a later instant would wrap around to a time before 1970.
     */
    private static final Instant LATEST = Instant.ofEpochSecond(0, Long.MAX_VALUE);
    private static final String TIMESTAMP_RANGE = "must be within 1970-01-01T00:00:00Z.." + LATEST
            + " (epoch seconds 0..9223372036.854775807)";

    /** A builder with the two required keys. */
    public static Builder builder(String sourceIp, Protocol protocol) {
        return new Builder(sourceIp, protocol);
    }

    /** Parses one JSON object; throws {@link NetworkEventException} naming the key on any problem. */
    public static NetworkEvent fromJson(String json) {
        JsonNode n;
        try {
            n = JSON.readTree(json);
        } catch (Exception ex) {
            String m = ex.getMessage() == null ? "" : ex.getMessage();
            int nl = m.indexOf('\n');
            throw new NetworkEventException("json", "not valid JSON: " + (nl < 0 ? m : m.substring(0, nl)));
        }
        if (n == null || !n.isObject()) {
            throw new NetworkEventException("json", "expected one JSON object");
        }
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!KEYS.contains(k)) {
                throw new NetworkEventException(k, "unknown key");
            }
        }
        Builder b = new Builder(text(n, "source_ip"), protocol(n));
        b.destIp = text(n, "dest_ip");
        b.eventType = text(n, "event_type");
        b.share = text(n, "share");
        b.path = text(n, "path");
        b.command = text(n, "command");
        b.servicePrincipal = text(n, "service_principal");
        b.ticketType = text(n, "ticket_type");
        JsonNode lt = n.get("ticket_lifetime");
        if (lt != null && !lt.isNull()) {
            if (!lt.isIntegralNumber()) {
                throw new NetworkEventException("ticket_lifetime", "must be an integer number of seconds");
            }
            b.ticketLifetime = lt.longValue();
        }
        JsonNode et = n.get("encryption_type");
        if (et != null && !et.isNull()) {
            if (et.isIntegralNumber()) {
                b.encryptionType = et.intValue();
            } else if (et.isTextual()) {
                b.encryptionType(et.textValue());
            } else {
                throw new NetworkEventException("encryption_type", "must be an etype number or name");
            }
        }
        b.authType = text(n, "auth_type");
        b.ntlmFlags = flags(n.get("ntlm_flags"));
        b.micPresent = bool(n, "mic_present");
        b.username = text(n, "username");
        String iface = text(n, "interface_uuid");
        if (iface != null) {
            b.interfaceUuid(iface);
        }
        JsonNode op = n.get("operation");
        if (op != null && !op.isNull()) {
            if (!op.isTextual() && !op.isIntegralNumber()) {
                throw new NetworkEventException("operation", "must be an operation name or an opnum");
            }
            b.operation = op.asText();
        }
        b.ldapFilter = text(n, "ldap_filter");
        JsonNode ts = n.get("timestamp");
        if (ts != null && !ts.isNull()) {
            if (ts.isNumber()) {
                double d = ts.doubleValue();
                // 1e300 or an overflowing literal: Instant.ofEpochSecond would throw a DateTimeException.
                if (!(d >= 0 && d <= LATEST.getEpochSecond() + 1)) {
                    throw new NetworkEventException("timestamp", TIMESTAMP_RANGE + ", not " + ts.asText());
                }
                long sec = (long) Math.floor(d);
                b.timestamp = Instant.ofEpochSecond(sec, (long) ((d - sec) * 1e9));
            } else if (ts.isTextual()) {
                try {
                    b.timestamp = Instant.parse(ts.textValue());
                } catch (DateTimeParseException ex) {
                    throw new NetworkEventException("timestamp", "not an ISO-8601 instant: '" + ts.textValue() + "'");
                }
            } else {
                throw new NetworkEventException("timestamp", "must be an ISO-8601 string or epoch seconds");
            }
        }
        b.serviceName = text(n, "service_name");
        b.binaryPath = text(n, "binary_path");
        b.success = bool(n, "success");
        String dcom = text(n, "dcom_class");
        if (dcom != null) {
            b.dcomClass(dcom);
        }
        String source = text(n, "interface_source");
        if (source != null) {
            b.interfaceSource(source);
        }
        return b.build();
    }

    private static String text(JsonNode n, String key) {
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new NetworkEventException(key, "must be a string");
        }
        return v.textValue();
    }

    private static Boolean bool(JsonNode n, String key) {
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isBoolean()) {
            throw new NetworkEventException(key, "must be true or false");
        }
        return v.booleanValue();
    }

    private static Protocol protocol(JsonNode n) {
        String p = text(n, "protocol");
        if (p == null) {
            throw new NetworkEventException("protocol", "required (SMB, KERBEROS, NTLM, RPC or LDAP)");
        }
        return parseProtocol(p);
    }

    static Protocol parseProtocol(String p) {
        try {
            return Protocol.valueOf(p.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException ex) {
            throw new NetworkEventException("protocol", "must be SMB, KERBEROS, NTLM, RPC or LDAP, not '" + p + "'");
        }
    }

    private static Integer flags(JsonNode v) {
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isIntegralNumber()) {
            long x = v.longValue();
            if (x < 0 || x > 0xFFFFFFFFL) {
                throw new NetworkEventException("ntlm_flags", "must fit in 32 bits");
            }
            return (int) x;
        }
        if (!v.isObject()) {
            throw new NetworkEventException("ntlm_flags", "must be a number or an object of flag name -> true/false");
        }
        int f = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> en = it.next();
            Integer bit = flagBit(en.getKey());
            if (bit == null) {
                throw new NetworkEventException("ntlm_flags." + en.getKey(), "unknown NTLM flag");
            }
            if (!en.getValue().isBoolean()) {
                throw new NetworkEventException("ntlm_flags." + en.getKey(), "must be true or false");
            }
            if (en.getValue().booleanValue()) {
                f |= bit;
            }
        }
        return f;
    }

    static Integer flagBit(String name) {
        String k = name.toLowerCase(Locale.ROOT);
        if (k.startsWith("ntlmssp_")) {
            k = k.substring(8);
        }
        if (k.startsWith("negotiate_")) {
            k = k.substring(10);
        }
        return FLAG_NAMES.get(k);
    }

    /** Builds a {@link NetworkEvent}; setters are named after the JSON keys. */
    public static final class Builder {
        private final String sourceIp;
        private final Protocol protocol;
        private String destIp;
        private String eventType;
        private String share;
        private String path;
        private String command;
        private String servicePrincipal;
        private String ticketType;
        private Long ticketLifetime;
        private Integer encryptionType;
        private String authType;
        private Integer ntlmFlags;
        private Boolean micPresent;
        private String username;
        private UUID interfaceUuid;
        private String operation;
        private String ldapFilter;
        private Instant timestamp;
        private String serviceName;
        private String binaryPath;
        private Boolean success;
        private UUID dcomClass;
        private DcerpcEvent.InterfaceSource interfaceSource;

        private Builder(String sourceIp, Protocol protocol) {
            this.sourceIp = sourceIp;
            this.protocol = protocol;
        }

        public Builder destIp(String v) { destIp = v; return this; }
        public Builder eventType(String v) { eventType = v; return this; }
        public Builder share(String v) { share = v; return this; }
        public Builder path(String v) { path = v; return this; }
        public Builder command(String v) { command = v; return this; }
        public Builder servicePrincipal(String v) { servicePrincipal = v; return this; }
        public Builder ticketType(String v) { ticketType = v; return this; }
        public Builder ticketLifetime(long seconds) { ticketLifetime = seconds; return this; }
        public Builder encryptionType(int etype) { encryptionType = etype; return this; }
        public Builder authType(String v) { authType = v; return this; }
        public Builder ntlmFlags(int v) { ntlmFlags = v; return this; }
        public Builder micPresent(boolean v) { micPresent = v; return this; }
        public Builder username(String v) { username = v; return this; }
        public Builder operation(String v) { operation = v; return this; }
        public Builder ldapFilter(String v) { ldapFilter = v; return this; }
        public Builder timestamp(Instant v) { timestamp = v; return this; }
        public Builder serviceName(String v) { serviceName = v; return this; }
        public Builder binaryPath(String v) { binaryPath = v; return this; }
        public Builder success(boolean v) { success = v; return this; }

        /** A flag set by names, e.g. {@code ntlmFlag("signing", false)}. */
        public Builder ntlmFlag(String name, boolean on) {
            Integer bit = flagBit(name);
            if (bit == null) {
                throw new NetworkEventException("ntlm_flags." + name, "unknown NTLM flag");
            }
            int f = ntlmFlags == null ? 0 : ntlmFlags;
            ntlmFlags = on ? f | bit : f & ~bit;
            return this;
        }

        /** Etype by name: rc4 / rc4-hmac / arcfour-hmac (23), des (3), aes128 (17), aes256 (18), or a number. */
        public Builder encryptionType(String name) {
            String k = name.trim().toLowerCase(Locale.ROOT);
            Integer v = switch (k) {
                case "rc4", "rc4-hmac", "rc4_hmac", "arcfour-hmac", "arcfour-hmac-md5", "rc4_hmac_md5" -> 23;
                case "rc4-hmac-exp" -> 24;
                case "des", "des-cbc-md5", "des_cbc_md5" -> 3;
                case "des-cbc-crc", "des_cbc_crc" -> 1;
                case "aes128", "aes128-cts-hmac-sha1-96", "aes128_cts_hmac_sha1_96" -> 17;
                case "aes256", "aes256-cts-hmac-sha1-96", "aes256_cts_hmac_sha1_96", "aes" -> 18;
                default -> null;
            };
            if (v == null) {
                try {
                    v = Integer.parseInt(k);
                } catch (NumberFormatException ex) {
                    throw new NetworkEventException("encryption_type", "unknown encryption type '" + name + "'");
                }
            }
            encryptionType = v;
            return this;
        }

        /** Interface by UUID text or by name (svcctl, winreg, drsuapi, IWbemServices ...). */
        public Builder interfaceUuid(String v) {
            RpcCatalog.Iface f = RpcCatalog.byName(v);
            if (f != null) {
                interfaceUuid = f.uuid();
                return this;
            }
            try {
                if (v.length() != 36) {
                    throw new IllegalArgumentException();
                }
                interfaceUuid = UUID.fromString(v);
            } catch (IllegalArgumentException ex) {
                throw new NetworkEventException("interface_uuid", "not a UUID or known interface name: '" + v + "'");
            }
            return this;
        }

        /** DCOM class activated remotely, by CLSID or known name (MMC20.Application, ShellWindows ...). */
        public Builder dcomClass(String v) {
            DcomClasses.Known k = DcomClasses.byName(v.trim());
            if (k != null) {
                dcomClass = k.clsid();
                return this;
            }
            String t = v.trim();
            if (t.length() == 38 && t.charAt(0) == '{' && t.charAt(37) == '}') {
                t = t.substring(1, 37); // the registry's {CLSID} form
            }
            try {
                if (t.length() != 36) {
                    throw new IllegalArgumentException();
                }
                dcomClass = UUID.fromString(t);
            } catch (IllegalArgumentException ex) {
                throw new NetworkEventException("dcom_class", "not a CLSID or known DCOM class name: '" + v + "'");
            }
            return this;
        }

        /** How the interface was found: {@code bind}, {@code endpoint}, {@code dcom_ipid} or {@code inferred}. */
        public Builder interfaceSource(String v) {
            for (DcerpcEvent.InterfaceSource s : DcerpcEvent.InterfaceSource.values()) {
                if (s.wireName().equalsIgnoreCase(v.trim())) {
                    interfaceSource = s;
                    return this;
                }
            }
            throw new NetworkEventException("interface_source", "not bind, endpoint, dcom_ipid or inferred: '" + v + "'");
        }

        public NetworkEvent build() {
            return new NetworkEvent(sourceIp, destIp, protocol, eventType, share, path, command, servicePrincipal,
                    ticketType, ticketLifetime, encryptionType, authType, ntlmFlags, micPresent, username,
                    interfaceUuid, operation, ldapFilter, timestamp, serviceName, binaryPath, success, dcomClass,
                    interfaceSource);
        }
    }
}
