package io.impacketsensor.detection.config;

import java.util.List;

/**
 * The engine's configuration ({@code engine:} section of {@code config/impacket-sensor.yaml}): one
 * immutable, validated object. Defaults are the specification's. {@link EngineConfigLoader} builds it
 * from YAML and names the key of any error.
 */
public record EngineConfig(Layers layers, Thresholds thresholds, Blocking blocking,
                           // The YAML key is "allowlist": the effective configuration config check
                           // prints must read back as the same configuration.
                           @com.fasterxml.jackson.annotation.JsonProperty("allowlist") AllowList allowList,
                           Behaviour behaviour, Chains chains, Relay relay, Kerberos kerberos,
                           List<String> domainControllers, boolean learnDomainControllers, Alerts alerts,
                           List<CustomSignatureSpec> customSignatures, DcPromotion dcPromotion) {

    public EngineConfig {
        domainControllers = List.copyOf(domainControllers);
        customSignatures = List.copyOf(customSignatures);
    }

    /** As the canonical constructor, with the default {@link DcPromotion} bounds. */
    public EngineConfig(Layers layers, Thresholds thresholds, Blocking blocking, AllowList allowList,
                        Behaviour behaviour, Chains chains, Relay relay, Kerberos kerberos,
                        List<String> domainControllers, boolean learnDomainControllers, Alerts alerts,
                        List<CustomSignatureSpec> customSignatures) {
        this(layers, thresholds, blocking, allowList, behaviour, chains, relay, kerberos, domainControllers,
                learnDomainControllers, alerts, customSignatures, DcPromotion.DEFAULTS);
    }

    /**
     * Bounds of learning a DC from promotion evidence alone (a known DC answering the host's
     * IDL_DRSAddEntry): at most {@code maxPerDay} hosts in any 24 hours, each a DC for
     * {@code provisionalHours} unless it then serves as one.
     */
    public record DcPromotion(int maxPerDay, int provisionalHours) {
        /** engine.dc_promotion.max_per_day: range (0: never learn a DC from promotion evidence alone). */
        public static final int MAX_PER_DAY_LIMIT = 1000;
        /** engine.dc_promotion.provisional_hours: range. */
        public static final int MIN_PROVISIONAL_HOURS = 1;
        public static final int MAX_PROVISIONAL_HOURS = 168;
        public static final DcPromotion DEFAULTS = new DcPromotion(2, 8);
    }

    /** Which of the five layers run. */
    public record Layers(boolean signatures, boolean anomalies, boolean chains, boolean behaviour,
                         boolean ntlmRelay) {
    }

    /** Confidence thresholds: below monitor → log; monitor..alert → monitor; alert..block → alert; ≥ block → block. */
    public record Thresholds(double monitor, double alert, double block) {
    }

    /**
     * Blocklist behaviour: whether block-level analyses put the source on the blocklist, for how
     * long (0 = no expiry), and how many addresses it holds at most (a new block on a full list
     * evicts the lowest-confidence, then oldest, entry).
     */
    public record Blocking(boolean enabled, long ttlSeconds, int maxEntries) {
        /** engine.blocking.max_entries: range. */
        public static final int MIN_MAX_ENTRIES = 1;
        public static final int MAX_MAX_ENTRIES = 500_000;

        public Blocking(boolean enabled, long ttlSeconds) {
            this(enabled, ttlSeconds, io.impacketsensor.detection.response.Blocklist.DEFAULT_MAX_ENTRIES);
        }
    }

    /**
     * Allow-list: admin networks (CIDR or single addresses) and authorised service names. Mode
     * {@code lower} multiplies confidence by {@code confidenceFactor}; {@code suppress} drops the
     * analysis. Allow-listed sources are never blocked.
     */
    public record AllowList(List<String> adminNetworks, List<String> serviceNames, Mode mode,
                            double confidenceFactor) {
        public AllowList {
            adminNetworks = List.copyOf(adminNetworks);
            serviceNames = List.copyOf(serviceNames);
        }

        /** Allow-list modes. */
        public enum Mode { LOWER, SUPPRESS }
    }

    /** Behaviour windows and memory bounds. */
    public record Behaviour(int authAttemptsPerMinute, int failedAuthThreshold, long failedAuthWindowSeconds,
                            int protocolsThreshold, long protocolsWindowSeconds, int smbSessionsPerMinute,
                            int tgsRequestsThreshold, long tgsWindowSeconds, int ldapSearchesPerMinute,
                            int unknownPrincipalThreshold, int historySize, int maxTrackedIps,
                            int maxTrackedAccounts, int sprayAccounts) {
    }

    /** Attack chain window and bound on tracked (source, target) pairs. */
    public record Chains(long windowSeconds, int maxTrackedPairs) {
    }

    /** NTLM relay correlation windows and bounds. */
    public record Relay(long windowSeconds, long multiIpWindowSeconds, int multiIpThreshold, int maxTracked) {
    }

    /** Kerberos limits: the longest normal ticket lifetime (10 days by default). */
    public record Kerberos(long maxTicketLifetimeSeconds) {
    }

    /**
     * Alert instances: deduplication window, bounds, which actions reach the alert sinks, and the
     * sampling of monitor-level records (1 in {@code monitorSampleEvery} is passed on when
     * {@code minAction} is monitor).
     */
    public record Alerts(long dedupeWindowSeconds, int maxInstances, int maxIndicators, String minAction,
                         int monitorSampleEvery) {
    }

    /** The defaults (what {@code config/impacket-sensor.yaml} documents). */
    public static EngineConfig defaults() {
        return new EngineConfig(
                new Layers(true, true, true, true, true),
                new Thresholds(0.3, 0.5, 0.7),
                new Blocking(true, 3600),
                new AllowList(List.of(), List.of(), AllowList.Mode.LOWER, 0.5),
                new Behaviour(10, 5, 300, 3, 60, 20, 5, 300, 100, 5, 1000, 100_000, 100_000, 10),
                new Chains(600, 50_000),
                new Relay(30, 10, 2, 65_536),
                new Kerberos(864_000),
                List.of(), true,
                new Alerts(3600, 10_000, 32, "alert", 10),
                List.of(), DcPromotion.DEFAULTS);
    }
}
