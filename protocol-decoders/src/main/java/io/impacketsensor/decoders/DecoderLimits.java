package io.impacketsensor.decoders;

import io.impacketsensor.decoders.dcerpc.DcerpcLimits;
import io.impacketsensor.decoders.gssapi.GssapiLimits;
import io.impacketsensor.decoders.dns.DnsLimits;
import io.impacketsensor.decoders.rdp.RdpLimits;
import io.impacketsensor.decoders.ssrp.SsrpLimits;
import io.impacketsensor.decoders.kerberos.KerberosLimits;
import io.impacketsensor.decoders.limit.Limit;
import io.impacketsensor.decoders.http.HttpLimits;
import io.impacketsensor.decoders.ldap.LdapLimits;
import io.impacketsensor.decoders.mssql.MssqlLimits;
import io.impacketsensor.decoders.ntlmssp.NtlmsspLimits;
import io.impacketsensor.decoders.smb.SmbLimits;
import io.impacketsensor.decoders.smb1.Smb1Limits;
import io.impacketsensor.decoders.smb2.Smb2Limits;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one table of decoder limits: every component of every {@code XxxLimits} record, under the
 * YAML key {@code decoders.<section>.<snake_case name>}, with the range and text of its
 * {@link Limit} annotation and the default of the record's {@code DEFAULTS}. The configuration
 * reader validates against it, {@link #config} builds the records from it and {@link #markdown}
 * prints the table the user documentation carries.
 */
public final class DecoderLimits {
    private DecoderLimits() {
    }

    /** One {@code decoders.<section>} block: a limits record type and its defaults. */
    public record Section(String name, Class<? extends Record> type, Record defaults) {
    }

    /**
     * One settable limit.
     *
     * @param section  the protocol section ({@code smb})
     * @param key      the YAML key inside it ({@code max_pdu_size})
     * @param min      smallest accepted value
     * @param max      largest accepted value
     * @param defaults the default value
     * @param doc      what it bounds
     */
    public record Row(String section, String key, long min, long max, long defaults, String doc) {
        /** The full YAML path, {@code decoders.smb.max_pdu_size}. */
        public String path() {
            return "decoders." + section + "." + key;
        }
    }

    /** An alias: {@code decoders.<section>.<key>} sets {@code decoders.<target>.<key>}. */
    public record Alias(String section, String key, String target) {
        public String path() {
            return "decoders." + section + "." + key;
        }

        public String targetPath() {
            return "decoders." + target + "." + key;
        }
    }

    /**
     * The NBSS PDU size limit bounds the framing of both SMB versions ({@code decoders.smb}); SMB2's
     * section, where configurations of earlier releases set it, accepts it too.
     */
    public static final List<Alias> ALIASES = List.of(new Alias("smb2", "max_pdu_size", "smb"));

    /** The sections in the order of the YAML file and of the documentation. */
    public static final List<Section> SECTIONS = List.of(
            new Section("smb", SmbLimits.class, SmbLimits.DEFAULTS),
            new Section("smb1", Smb1Limits.class, Smb1Limits.DEFAULTS),
            new Section("smb2", Smb2Limits.class, Smb2Limits.DEFAULTS),
            new Section("dcerpc", DcerpcLimits.class, DcerpcLimits.DEFAULTS),
            new Section("gssapi", GssapiLimits.class, GssapiLimits.DEFAULTS),
            new Section("ntlmssp", NtlmsspLimits.class, NtlmsspLimits.DEFAULTS),
            new Section("kerberos", KerberosLimits.class, KerberosLimits.DEFAULTS),
            new Section("ldap", LdapLimits.class, LdapLimits.DEFAULTS),
            new Section("http", HttpLimits.class, HttpLimits.DEFAULTS),
            new Section("mssql", MssqlLimits.class, MssqlLimits.DEFAULTS),
            new Section("dns", DnsLimits.class, DnsLimits.DEFAULTS),
            new Section("rdp", RdpLimits.class, RdpLimits.DEFAULTS),
            new Section("ssrp", SsrpLimits.class, SsrpLimits.DEFAULTS));

    /** Every settable limit, section by section, in record component order. */
    public static List<Row> rows() {
        List<Row> out = new ArrayList<>();
        for (Section s : SECTIONS) {
            for (RecordComponent c : s.type().getRecordComponents()) {
                Limit l = c.getAnnotation(Limit.class);
                if (l == null) {
                    throw new IllegalStateException(s.type().getSimpleName() + "." + c.getName() + " has no @Limit");
                }
                out.add(new Row(s.name(), snake(c.getName()), l.min(), l.max(), value(s.defaults(), c), l.doc()));
            }
        }
        return out;
    }

    /** The rows of one section. */
    public static List<Row> rows(String section) {
        List<Row> out = new ArrayList<>();
        for (Row r : rows()) {
            if (r.section().equals(section)) {
                out.add(r);
            }
        }
        return out;
    }

    /**
     * The decoder configuration with the given values; a missing key keeps its default.
     *
     * @param values section name to (key to value); every value already within its row's range
     * @throws IllegalArgumentException naming the section when a record rejects a combination
     */
    public static DecoderConfig config(Map<String, Map<String, Long>> values) {
        Map<String, Record> built = new LinkedHashMap<>();
        for (Section s : SECTIONS) {
            Map<String, Long> v = values.getOrDefault(s.name(), Map.of());
            built.put(s.name(), build(s, v));
        }
        return DecoderConfig.defaults()
                .withLimits((SmbLimits) built.get("smb"), (Smb1Limits) built.get("smb1"), (Smb2Limits) built.get("smb2"),
                        (DcerpcLimits) built.get("dcerpc"), (GssapiLimits) built.get("gssapi"),
                        (NtlmsspLimits) built.get("ntlmssp"), (KerberosLimits) built.get("kerberos"),
                        (LdapLimits) built.get("ldap"))
                .withCarriers((HttpLimits) built.get("http"), (MssqlLimits) built.get("mssql"))
                .withDns((DnsLimits) built.get("dns"))
                .withRdp((RdpLimits) built.get("rdp"))
                .withSsrp((SsrpLimits) built.get("ssrp"));
    }

    /** The current value of every limit of {@code config}, section by section (for printing the effective YAML). */
    public static Map<String, Map<String, Long>> values(DecoderConfig config) {
        Map<String, Map<String, Long>> out = new LinkedHashMap<>();
        for (Section s : SECTIONS) {
            Record r = config.limits(s.name());
            Map<String, Long> m = new LinkedHashMap<>();
            for (RecordComponent c : s.type().getRecordComponents()) {
                m.put(snake(c.getName()), value(r, c));
            }
            out.put(s.name(), m);
        }
        return out;
    }

    /** The aliases read in one section. */
    public static List<Alias> aliases(String section) {
        List<Alias> out = new ArrayList<>();
        for (Alias a : ALIASES) {
            if (a.section().equals(section)) {
                out.add(a);
            }
        }
        return out;
    }

    /** The documented table (GitHub markdown), one row per limit, then the aliases. */
    public static String markdown() {
        StringBuilder b = new StringBuilder();
        b.append("| key | default | range | bounds |\n");
        b.append("|---|---|---|---|\n");
        for (Row r : rows()) {
            b.append("| `").append(r.path()).append("` | ").append(r.defaults()).append(" | ")
                    .append(r.min()).append("..").append(r.max()).append(" | ").append(r.doc()).append(" |\n");
        }
        for (Alias a : ALIASES) {
            b.append("\n`").append(a.path()).append("` is accepted as an alias of `")
                    .append(a.targetPath()).append("`; setting both is an error.\n");
        }
        return b.toString();
    }

    private static Record build(Section s, Map<String, Long> v) {
        RecordComponent[] comps = s.type().getRecordComponents();
        Object[] args = new Object[comps.length];
        Class<?>[] types = new Class<?>[comps.length];
        for (int i = 0; i < comps.length; i++) {
            String key = snake(comps[i].getName());
            long x = v.containsKey(key) ? v.get(key) : value(s.defaults(), comps[i]);
            types[i] = comps[i].getType();
            args[i] = types[i] == long.class ? (Object) x : (Object) Math.toIntExact(x);
        }
        try {
            Constructor<? extends Record> k = s.type().getDeclaredConstructor(types);
            return k.newInstance(args);
        } catch (InvocationTargetException e) {
            Throwable c = e.getCause();
            throw new IllegalArgumentException("decoders." + s.name() + ": "
                    + (c == null ? e.toString() : c.getMessage()), c);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(s.type().getSimpleName() + " has no canonical constructor", e);
        }
    }

    private static long value(Record r, RecordComponent c) {
        try {
            return ((Number) c.getAccessor().invoke(r)).longValue();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(c.getName(), e);
        }
    }

    /** {@code maxPduSize} to {@code max_pdu_size}. */
    static String snake(String camel) {
        StringBuilder b = new StringBuilder(camel.length() + 4);
        for (int i = 0; i < camel.length(); i++) {
            char ch = camel.charAt(i);
            if (Character.isUpperCase(ch)) {
                b.append('_').append(Character.toLowerCase(ch));
            } else {
                b.append(ch);
            }
        }
        return b.toString();
    }
}
