package io.impacketsensor.fleet.correlate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.impacketsensor.detection.config.EngineConfig;
import io.impacketsensor.detection.rules.Rule;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Record;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Behaviour windows over the failed authentications of the whole fleet, per source and per account,
 * with the engine's own thresholds ({@code engine.behaviour}): a spray spread over the links of
 * several domain controllers leaves each sensor a few failures, below its own thresholds, while
 * the domain saw them all.
 *
 * <ul>
 *   <li>{@code source:IP}: more than {@code failed_auth_threshold} failures within
 *       {@code failed_auth_window_seconds} across at least {@code spray_accounts} accounts is a
 *       password spray ({@code fleet_password_spray});</li>
 *   <li>{@code account:NAME}: more than {@code failed_auth_threshold} failures for one account
 *       within the window, from anywhere, is a brute force on it ({@code fleet_account_failed}).</li>
 * </ul>
 * Each fires once per source or account while its failures continue (the entry is swept a minute
 * after its last failure left the window), only when the failures were seen by two sensors at
 * least and no sensor alone crossed the same threshold (that sensor raised the alert itself). A
 * failure two sensors both saw (overlapping mirrors: the same connection, account and type within
 * a second) counts once.
 */
final class AuthLayer extends Correlator.Layer {
    static final String STORE = "fleet-auth";
    /**
     * Failures remembered per entity: the newest this many, or the thresholds' need if larger. Each
     * failure rewrites the entity's entry (about 200 B per failure) and its changelog record, so the
     * window is kept short; a spray needs a dozen to be seen.
     */
    static final int MAX_FAILURES = 128;
    /** Accounts and sources named in an alert's indicators. */
    private static final int NAMED = 10;
    private static final long DUPLICATE_NANOS = 1_000_000_000L;

    private final int threshold;
    private final long windowNanos;
    private final int sprayAccounts;
    private final long windowSeconds;
    private final Rule spray;
    private final Rule accountFailed;
    private final int maxFailures;

    AuthLayer(EngineConfig.Behaviour cfg, Rule spray, Rule accountFailed) {
        super(STORE, cfg.failedAuthWindowSeconds() * 1000 + Correlator.SLACK_MILLIS);
        this.threshold = cfg.failedAuthThreshold();
        this.windowSeconds = cfg.failedAuthWindowSeconds();
        this.windowNanos = windowSeconds * 1_000_000_000L;
        this.sprayAccounts = cfg.sprayAccounts();
        this.spray = spray;
        this.accountFailed = accountFailed;
        this.maxFailures = Math.max(MAX_FAILURES, Math.max(threshold + 1, sprayAccounts) * 2);
    }

    /**
     * A failed authentication as the sensor's engine counts one (BehaviourRouting): an NTLM
     * AUTHENTICATE the carrier answered with an error, a Kerberos KDC_ERR_PREAUTH_FAILED (24) or
     * KDC_ERR_CLIENT_REVOKED (18), a simple LDAP bind answered invalidCredentials (49); keyed once
     * by its source and once by its account, so that each window's state sits on one partition.
     */
    static List<KeyValue<String, byte[]>> keys(byte[] value) {
        JsonNode e = Correlator.parse(value);
        if (e == null || e.path("v").asInt() != 1 || !failure(e)) {
            return List.of();
        }
        List<KeyValue<String, byte[]>> out = new ArrayList<>(2);
        String src = e.path("src_ip").asText();
        if (!src.isEmpty()) {
            out.add(KeyValue.pair("source:" + src, value));
        }
        String account = e.path("account").asText();
        if (!account.isEmpty()) {
            out.add(KeyValue.pair("account:" + account, value));
        }
        return out;
    }

    static boolean failure(JsonNode e) {
        if (!e.path("outcome").asText().equals("failure")) {
            return false;
        }
        return switch (e.path("type").asText()) {
            case "ntlm_auth" -> !e.path("anonymous").asBoolean();
            case "krb_outcome" -> e.path("error_code").asInt() == 24 || e.path("error_code").asInt() == 18;
            // RFC 4511 4.2.2 / 4.1.9: invalidCredentials. Older events without bind_type count as simple.
            case "ldap_bind" -> e.path("result_code").asInt() == 49
                    && e.path("bind_type").asText("simple").equals("simple");
            default -> false;
        };
    }

    @Override
    public void process(Record<String, byte[]> r) {
        JsonNode e = Correlator.parse(r.value());
        if (e == null) {
            return;
        }
        boolean bySource = r.key().startsWith("source:");
        long ts = e.path("ts_ns").asLong();
        String sensor = e.path("sensor").asText();
        String account = e.path("account").asText();
        String cid = e.path("community_id").asText();
        String type = e.path("type").asText();
        ObjectNode st = state(r.key());
        if (st.path("alerted").asBoolean()) {
            // Raised once: later failures only keep the entry alive (the alert is not repeated while they go on).
            save(r.key(), st, r.timestamp());
            return;
        }
        ArrayNode failures = st.has("failures") ? (ArrayNode) st.get("failures") : st.putArray("failures");
        long newest = Math.max(st.path("newest_ns").asLong(), ts);
        st.put("newest_ns", newest);
        // Out of the window (event time, the newest failure seen): forgotten.
        for (int i = failures.size() - 1; i >= 0; i--) {
            if (failures.get(i).path("ts").asLong() < newest - windowNanos) {
                failures.remove(i);
            }
        }
        ObjectNode same = null;
        for (JsonNode f : failures) {
            if (f.path("cid").asText().equals(cid) && f.path("account").asText().equals(account)
                    && f.path("type").asText().equals(type) && Math.abs(f.path("ts").asLong() - ts) < DUPLICATE_NANOS) {
                same = (ObjectNode) f;
            }
        }
        if (same != null) {
            Correlator.addUnique((ArrayNode) same.get("sensors"), sensor);
        } else if (ts >= newest - windowNanos) {
            ObjectNode f = failures.addObject();
            f.put("ts", ts);
            f.put("account", account);
            f.put("src", e.path("src_ip").asText());
            f.put("dest", e.path("dest_ip").asText());
            f.put("cid", cid);
            f.put("type", type);
            f.putArray("sensors").add(sensor);
            while (failures.size() > maxFailures) {
                failures.remove(0);
            }
        }
        byte[] alert = bySource ? spray(r.key(), failures) : accountFailed(r.key(), failures);
        if (alert != null) {
            // The failures are no longer needed: the entry shrinks to the flag that keeps the alert single.
            st.removeAll();
            st.put("alerted", true);
            alert(r, r.key(), alert);
        }
        save(r.key(), st, r.timestamp());
    }

    /** Failures and the distinct accounts among them, for all sensors and for each one. */
    private static final class Tally {
        int failures;
        final Set<String> accounts = new TreeSet<>();
        final Set<String> sources = new TreeSet<>();
        final Set<String> targets = new TreeSet<>();
        final Set<String> types = new TreeSet<>();

        void add(JsonNode f) {
            failures++;
            accounts.add(f.path("account").asText());
            sources.add(f.path("src").asText());
            targets.add(f.path("dest").asText());
            types.add(f.path("type").asText());
        }
    }

    private static Map<String, Tally> perSensor(ArrayNode failures, Tally all) {
        Map<String, Tally> by = new LinkedHashMap<>();
        for (JsonNode f : failures) {
            all.add(f);
            for (JsonNode s : f.path("sensors")) {
                by.computeIfAbsent(s.asText(), k -> new Tally()).add(f);
            }
        }
        return by;
    }

    private byte[] spray(String key, ArrayNode failures) {
        Tally all = new Tally();
        Map<String, Tally> by = perSensor(failures, all);
        if (all.failures <= threshold || all.accounts.size() < sprayAccounts || by.size() < 2) {
            return null;
        }
        for (Tally t : by.values()) {
            if (t.failures > threshold && t.accounts.size() >= sprayAccounts) {
                return null; // that sensor saw the spray alone and raised behaviour_password_spray itself
            }
        }
        List<String> ind = new ArrayList<>();
        ind.add(all.failures + " failed authentications across " + all.accounts.size() + " accounts within " + windowSeconds
                + " s over " + by.size() + " sensors (" + perSensorText(by) + "); none alone saw more than "
                + (sprayAccounts - 1) + " accounts with more than " + threshold + " failures");
        ind.add("accounts: " + named(all.accounts));
        ind.add("targets: " + named(all.targets) + " (" + String.join(", ", all.types) + ")");
        long ts = failures.get(failures.size() - 1).path("ts").asLong();
        return FleetAlert.of("spray", spray, ts, key.substring("source:".length()),
                all.targets.size() == 1 ? all.targets.iterator().next() : null, by.keySet(), ind, key);
    }

    private byte[] accountFailed(String key, ArrayNode failures) {
        Tally all = new Tally();
        Map<String, Tally> by = perSensor(failures, all);
        if (all.failures <= threshold || by.size() < 2) {
            return null;
        }
        for (Tally t : by.values()) {
            if (t.failures > threshold) {
                return null; // that sensor raised behaviour_account_failed itself
            }
        }
        String account = key.substring("account:".length());
        List<String> ind = new ArrayList<>();
        ind.add("Account " + account + ": " + all.failures + " failed authentications within " + windowSeconds + " s over "
                + by.size() + " sensors (" + perSensorText(by) + "); none alone saw more than " + threshold);
        ind.add("sources: " + named(all.sources));
        ind.add("targets: " + named(all.targets) + " (" + String.join(", ", all.types) + ")");
        long ts = failures.get(failures.size() - 1).path("ts").asLong();
        // Failures from several sources name the latest one as the alert's source; indicators list them all.
        return FleetAlert.of("account", accountFailed, ts, failures.get(failures.size() - 1).path("src").asText(),
                all.targets.size() == 1 ? all.targets.iterator().next() : null, by.keySet(), ind, key);
    }

    private static String perSensorText(Map<String, Tally> by) {
        List<String> out = new ArrayList<>();
        new TreeSet<>(by.keySet()).forEach(s -> out.add(s + ": " + by.get(s).failures));
        return String.join(", ", out);
    }

    private static String named(Set<String> names) {
        List<String> first = new ArrayList<>(new LinkedHashSet<>(names)).subList(0, Math.min(NAMED, names.size()));
        return String.join(", ", first) + (names.size() > NAMED ? " and " + (names.size() - NAMED) + " more" : "");
    }
}
