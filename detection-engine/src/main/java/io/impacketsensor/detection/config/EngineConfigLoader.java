package io.impacketsensor.detection.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.impacketsensor.detection.model.Action;
import io.impacketsensor.detection.model.AttackType;
import io.impacketsensor.detection.model.Severity;
import io.impacketsensor.detection.response.AllowListMatcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads the {@code engine:} section of the sensor's YAML file into an {@link EngineConfig}. Every key
 * is optional (the default applies); an unknown key, a wrong type or an out-of-range value throws a
 * {@link ConfigException} naming the key. Other top-level sections belong to other components and are
 * not looked at.
 */
public final class EngineConfigLoader {
    /**
     * Duplicate keys are errors: YAML 1.2 (§3.2.1.1) requires mapping keys to be unique, and a
     * parser that silently keeps the last value lets a second {@code block:} line further down
     * override the one a reviewer read.
     */
    private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build());
    /**
     * Largest size of each tracked table (sources, accounts, pairs, relay material, instances).
     * A table is filled by peers, so its size at the limit is what must fit the heap: a tracked
     * source takes ~1 KB, so 10^6 of them is already 1 GB.
     */
    public static final int MAX_TRACKED = 1_000_000;

    private EngineConfigLoader() {
    }

    /** Loads the engine section of a YAML file. */
    public static EngineConfig load(Path file) {
        return fromRoot(readYaml(file));
    }

    /** Loads the engine section of YAML text. */
    public static EngineConfig parse(String yaml) {
        try (JsonParser p = YAML.createParser(yaml)) {
            return fromRoot(readDocument(p, "config"));
        } catch (IOException e) {
            throw new ConfigException("config: " + firstLine(e.getMessage()));
        }
    }

    /**
     * Reads a YAML configuration file strictly: exactly one document, no duplicate key. A problem
     * is one {@link ConfigException} line starting {@code FILE:LINE:} (the sensor's whole file is
     * read here, then split into sections).
     */
    public static JsonNode readYaml(Path file) {
        if (Files.isDirectory(file)) {
            throw new ConfigException(file + ": is a directory, not a YAML file");
        }
        if (!Files.exists(file)) {
            throw new ConfigException(file + ": no such file");
        }
        if (!Files.isRegularFile(file)) {
            throw new ConfigException(file + ": not a regular file");
        }
        try (JsonParser p = YAML.createParser(file.toFile())) {
            return readDocument(p, file.toString());
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + firstLine(e.getMessage()));
        }
    }

    private static JsonNode readDocument(JsonParser p, String name) throws IOException {
        try {
            JsonNode root = YAML.readTree(p);
            if (root == null) {
                return MissingNode.getInstance();
            }
            // Several documents ("---") in one file: only the first would be read, the rest
            // silently ignored, so the file does not say what the sensor runs with.
            if (p.nextToken() != null) {
                throw new ConfigException(name + ":" + p.currentLocation().getLineNr()
                        + ": a second YAML document; the configuration is one document (remove the '---' line)");
            }
            return root;
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            // Jackson quotes the underlying exception ("java.io.CharConversionException: Invalid
            // UTF-8 start byte"); the user needs the reason, not the class.
            String m = firstLine(e.getOriginalMessage()).replaceFirst("^(?:[a-z]+\\.)+[A-Za-z]*Exception: ", "");
            if (m.startsWith("Duplicate field ")) {
                m = "duplicate key " + m.substring("Duplicate field ".length());
            } else {
                m = "not valid YAML (" + m + ")";
            }
            throw new ConfigException(name + (at != null && at.getLineNr() > 0 ? ":" + at.getLineNr() : "") + ": " + m);
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unreadable";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** The engine section of an already parsed YAML document (the sensor's single config loader uses it). */
    public static EngineConfig fromRoot(JsonNode root) {
        if (root == null || root.isMissingNode() || root.isNull()) {
            return EngineConfig.defaults();
        }
        if (!root.isObject()) {
            throw new ConfigException("config: the document must be a mapping");
        }
        JsonNode engine = root.get("engine");
        if (engine == null || engine.isNull()) {
            return EngineConfig.defaults();
        }
        return read(new Section(engine, "engine"));
    }

    private static EngineConfig read(Section e) {
        EngineConfig d = EngineConfig.defaults();

        Section l = e.section("layers");
        EngineConfig.Layers layers = new EngineConfig.Layers(l.bool("signatures", true), l.bool("anomalies", true),
                l.bool("chains", true), l.bool("behaviour", true), l.bool("ntlm_relay", true));
        l.finish();

        Section t = e.section("thresholds");
        double mon = t.fraction("monitor", d.thresholds().monitor());
        double alert = t.fraction("alert", d.thresholds().alert());
        double block = t.fraction("block", d.thresholds().block());
        t.finish();
        if (!(mon <= alert)) {
            throw new ConfigException("engine.thresholds.alert: must be >= engine.thresholds.monitor (" + mon + ")");
        }
        if (!(alert <= block)) {
            throw new ConfigException("engine.thresholds.block: must be >= engine.thresholds.alert (" + alert + ")");
        }

        Section b = e.section("blocking");
        EngineConfig.Blocking blocking = new EngineConfig.Blocking(b.bool("enabled", true),
                b.longIn("ttl_seconds", d.blocking().ttlSeconds(), 0, 10L * 365 * 86400),
                b.intIn("max_entries", d.blocking().maxEntries(), EngineConfig.Blocking.MIN_MAX_ENTRIES,
                        EngineConfig.Blocking.MAX_MAX_ENTRIES));
        b.finish();

        Section a = e.section("allowlist");
        List<String> nets = a.strings("admin_networks");
        for (int i = 0; i < nets.size(); i++) {
            String err = AllowListMatcher.checkNetwork(nets.get(i));
            if (err != null) {
                throw new ConfigException(a.path + ".admin_networks[" + i + "]: " + err);
            }
        }
        String modeText = a.string("mode", "lower");
        EngineConfig.AllowList.Mode mode = switch (modeText.toLowerCase(Locale.ROOT)) {
            case "lower" -> EngineConfig.AllowList.Mode.LOWER;
            case "suppress" -> EngineConfig.AllowList.Mode.SUPPRESS;
            default -> throw new ConfigException(a.path + ".mode: must be lower or suppress, not '" + modeText + "'");
        };
        EngineConfig.AllowList allow = new EngineConfig.AllowList(nets, a.strings("service_names"), mode,
                a.fraction("confidence_factor", 0.5));
        a.finish();

        Section h = e.section("behaviour");
        EngineConfig.Behaviour db = d.behaviour();
        int history = h.intIn("history_size", db.historySize(), 16, 100_000);
        EngineConfig.Behaviour beh = new EngineConfig.Behaviour(
                h.threshold("auth_attempts_per_minute", db.authAttemptsPerMinute(), history),
                h.threshold("failed_auth_threshold", db.failedAuthThreshold(), history),
                h.longIn("failed_auth_window_seconds", db.failedAuthWindowSeconds(), 1, 86_400),
                h.intIn("protocols_threshold", db.protocolsThreshold(), 1, 4),
                h.longIn("protocols_window_seconds", db.protocolsWindowSeconds(), 1, 86_400),
                h.threshold("smb_sessions_per_minute", db.smbSessionsPerMinute(), history),
                h.threshold("tgs_requests_threshold", db.tgsRequestsThreshold(), history),
                h.longIn("tgs_window_seconds", db.tgsWindowSeconds(), 1, 86_400),
                h.threshold("ldap_searches_per_minute", db.ldapSearchesPerMinute(), history),
                h.threshold("unknown_principal_threshold", db.unknownPrincipalThreshold(), history),
                history,
                h.intIn("max_tracked_ips", db.maxTrackedIps(), 16, MAX_TRACKED),
                h.intIn("max_tracked_accounts", db.maxTrackedAccounts(), 16, MAX_TRACKED),
                h.intIn("spray_accounts", db.sprayAccounts(), 2, 64));
        h.finish();

        Section c = e.section("chains");
        EngineConfig.Chains chains = new EngineConfig.Chains(c.longIn("window_seconds", 600, 1, 7 * 86_400),
                c.intIn("max_tracked_pairs", 50_000, 16, MAX_TRACKED));
        c.finish();

        Section r = e.section("relay");
        EngineConfig.Relay relay = new EngineConfig.Relay(r.longIn("window_seconds", 30, 1, 3600),
                r.longIn("multi_ip_window_seconds", 10, 1, 3600), r.intIn("multi_ip_threshold", 2, 2, 8),
                r.intIn("max_tracked", 65_536, 16, MAX_TRACKED));
        r.finish();

        Section k = e.section("kerberos");
        EngineConfig.Kerberos krb = new EngineConfig.Kerberos(
                k.longIn("max_ticket_lifetime_seconds", 864_000, 3600, 10L * 365 * 86_400));
        k.finish();

        List<String> dcs = e.strings("domain_controllers");
        for (int i = 0; i < dcs.size(); i++) {
            if (AllowListMatcher.parseAddress(dcs.get(i)) == null) {
                throw new ConfigException("engine.domain_controllers[" + i + "]: not an IP address: '" + dcs.get(i) + "'");
            }
        }
        boolean learn = e.bool("learn_domain_controllers", true);
        Section pr = e.section("dc_promotion");
        EngineConfig.DcPromotion promotion = new EngineConfig.DcPromotion(
                pr.intIn("max_per_day", EngineConfig.DcPromotion.DEFAULTS.maxPerDay(), 0,
                        EngineConfig.DcPromotion.MAX_PER_DAY_LIMIT),
                pr.intIn("provisional_hours", EngineConfig.DcPromotion.DEFAULTS.provisionalHours(),
                        EngineConfig.DcPromotion.MIN_PROVISIONAL_HOURS, EngineConfig.DcPromotion.MAX_PROVISIONAL_HOURS));
        pr.finish();

        Section al = e.section("alerts");
        String minAction = al.string("min_action", "alert").toLowerCase(Locale.ROOT);
        boolean known = false;
        for (Action act : Action.values()) {
            known |= act.id().equals(minAction);
        }
        if (!known) {
            throw new ConfigException("engine.alerts.min_action: must be log, monitor, alert or block, not '" + minAction + "'");
        }
        EngineConfig.Alerts alerts = new EngineConfig.Alerts(al.longIn("dedupe_window_seconds", 3600, 1, 30L * 86_400),
                al.intIn("max_instances", 10_000, 16, MAX_TRACKED), al.intIn("max_indicators", 32, 4, 1024),
                minAction, al.intIn("monitor_sample_every", 10, 1, 1_000_000));
        al.finish();

        List<CustomSignatureSpec> custom = customSignatures(e);
        e.finish();
        return new EngineConfig(layers, new EngineConfig.Thresholds(mon, alert, block), blocking, allow, beh, chains,
                relay, krb, dcs, learn, alerts, custom, promotion);
    }

    private static List<CustomSignatureSpec> customSignatures(Section e) {
        JsonNode list = e.raw("custom_signatures");
        List<CustomSignatureSpec> out = new ArrayList<>();
        if (list == null || list.isNull()) {
            return out;
        }
        if (!list.isArray()) {
            throw new ConfigException("engine.custom_signatures: must be a list");
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            Section s = new Section(list.get(i), "engine.custom_signatures[" + i + "]");
            String name = s.requiredString("name");
            if (!names.add(name.toLowerCase(Locale.ROOT))) {
                throw new ConfigException(s.path + ".name: duplicate signature name '" + name + "'");
            }
            CustomSignatureSpec.Field field = s.enumValue("field", CustomSignatureSpec.Field.class);
            CustomSignatureSpec.Match match = s.enumValue("match", CustomSignatureSpec.Match.class);
            String pattern = s.requiredString("pattern");
            if (match == CustomSignatureSpec.Match.REGEX) {
                try {
                    Pattern.compile(pattern);
                } catch (PatternSyntaxException ex) {
                    throw new ConfigException(s.path + ".pattern: invalid regex: " + firstLine(ex.getMessage()));
                }
            }
            String typeText = s.requiredString("attack_type");
            AttackType type = AttackType.byId(typeText);
            if (type == null) {
                throw new ConfigException(s.path + ".attack_type: unknown attack type '" + typeText + "'");
            }
            double conf = s.fraction("confidence", 0.8);
            String sev = s.string("severity", null);
            Severity severity = null;
            if (sev != null) {
                try {
                    severity = Severity.valueOf(sev.toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException ex) {
                    throw new ConfigException(s.path + ".severity: must be low, medium, high or critical, not '" + sev + "'");
                }
            }
            s.finish();
            out.add(new CustomSignatureSpec(name, field, match, pattern, type, conf, severity));
        }
        return out;
    }

    /** A mapping being read: remembers the keys read so that unknown keys can be reported. */
    private static final class Section {
        final JsonNode node;
        final String path;
        final Set<String> seen = new HashSet<>();

        Section(JsonNode node, String path) {
            if (node == null || node.isNull()) {
                node = MissingNode.getInstance();
            } else if (!node.isObject()) {
                throw new ConfigException(path + ": must be a mapping");
            }
            this.node = node;
            this.path = path;
        }

        JsonNode raw(String key) {
            seen.add(key);
            return node.get(key);
        }

        Section section(String key) {
            return new Section(raw(key), path + "." + key);
        }

        void finish() {
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (!seen.contains(k)) {
                    throw new ConfigException(path + "." + k + ": unknown key");
                }
            }
        }

        boolean bool(String key, boolean def) {
            JsonNode v = raw(key);
            if (v == null || v.isNull()) {
                return def;
            }
            if (!v.isBoolean()) {
                throw new ConfigException(path + "." + key + ": must be true or false");
            }
            return v.booleanValue();
        }

        double fraction(String key, double def) {
            JsonNode v = raw(key);
            if (v == null || v.isNull()) {
                return def;
            }
            if (!v.isNumber()) {
                throw new ConfigException(path + "." + key + ": must be a number");
            }
            double d = v.doubleValue();
            if (!(d >= 0.0 && d <= 1.0)) {
                throw new ConfigException(path + "." + key + ": must be within 0..1, not " + v.asText());
            }
            return d;
        }

        long longIn(String key, long def, long min, long max) {
            JsonNode v = raw(key);
            if (v == null || v.isNull()) {
                return def;
            }
            if (!v.isIntegralNumber() || !v.canConvertToLong()) {
                throw new ConfigException(path + "." + key + ": must be an integer within " + min + ".." + max
                        + ", not '" + v.asText() + "'");
            }
            long x = v.longValue();
            if (x < min || x > max) {
                throw new ConfigException(path + "." + key + ": must be within " + min + ".." + max + ", not " + x);
            }
            return x;
        }

        int intIn(String key, int def, int min, int max) {
            return (int) longIn(key, def, min, max);
        }

        /** A count threshold: the sliding window keeps threshold+1 timestamps, so it must fit the history size. */
        int threshold(String key, int def, int history) {
            return intIn(key, def, 1, history - 1);
        }

        String string(String key, String def) {
            JsonNode v = raw(key);
            if (v == null || v.isNull()) {
                return def;
            }
            if (!v.isTextual()) {
                throw new ConfigException(path + "." + key + ": must be a string");
            }
            return v.textValue();
        }

        String requiredString(String key) {
            String s = string(key, null);
            if (s == null || s.isEmpty()) {
                throw new ConfigException(path + "." + key + ": required");
            }
            return s;
        }

        <E extends Enum<E>> E enumValue(String key, Class<E> type) {
            String s = requiredString(key);
            try {
                return Enum.valueOf(type, s.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException ex) {
                StringBuilder allowed = new StringBuilder();
                for (E c : type.getEnumConstants()) {
                    allowed.append(allowed.length() == 0 ? "" : ", ").append(c.name().toLowerCase(Locale.ROOT));
                }
                throw new ConfigException(path + "." + key + ": must be one of " + allowed + ", not '" + s + "'");
            }
        }

        List<String> strings(String key) {
            JsonNode v = raw(key);
            List<String> out = new ArrayList<>();
            if (v == null || v.isNull()) {
                return out;
            }
            if (!v.isArray()) {
                throw new ConfigException(path + "." + key + ": must be a list of strings");
            }
            for (int i = 0; i < v.size(); i++) {
                if (!v.get(i).isTextual()) {
                    throw new ConfigException(path + "." + key + "[" + i + "]: must be a string");
                }
                out.add(v.get(i).textValue());
            }
            return out;
        }
    }
}
