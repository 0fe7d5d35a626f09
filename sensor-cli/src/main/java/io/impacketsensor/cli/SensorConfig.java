package io.impacketsensor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.impacketsensor.core.flow.FlowLimits;
import io.impacketsensor.core.pipeline.PipelineOptions;
import io.impacketsensor.decoders.DecoderConfig;
import io.impacketsensor.decoders.DecoderLimits;
import io.impacketsensor.detection.config.ConfigException;
import io.impacketsensor.detection.config.ConfigKeys;
import io.impacketsensor.detection.config.EngineConfig;
import io.impacketsensor.detection.config.EngineConfigLoader;
import io.impacketsensor.fleet.KafkaSettings;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The whole sensor configuration, read and validated once from {@code config/impacket-sensor.yaml}:
 * every section, unknown keys anywhere, bad values (the message names the key). The {@code engine:}
 * section is read by {@link EngineConfigLoader}; the others here. Command-line flags override the
 * values afterwards ({@link #withOverrides}).
 *
 * @param iface        capture.interface: live capture interface (null: -i required)
 * @param bpf          capture.bpf: BPF filter (null: none)
 * @param snaplen      capture.snaplen
 * @param bufferMb     capture.buffer_mb: kernel capture buffer
 * @param promisc      capture.promisc
 * @param capture      pipeline.*, flow.* and decoders.* settings
 * @param eve          outputs.eve: EVE file for live ("" = none)
 * @param protocolRecords outputs.protocol_records
 * @param statsInterval outputs.stats_interval_seconds
 * @param stateDir     state.dir
 * @param saveInterval state.save_interval_seconds: counters are saved this often (blocklist: on change)
 * @param http         http.listen HOST:PORT ("" = off)
 * @param maxBodyBytes http.max_body_bytes
 * @param nftables     enforcement.nftables: put blocked addresses in an nftables set
 * @param nftCommand   enforcement.nft_command
 * @param engine       the engine section
 * @param guard        the API's authentication and the blocklist's limits (http.token_file,
 *                     http.read_auth, http.allowed_hosts, http.max_clock_skew_seconds, response.*)
 * @param kafka        kafka.*: the fleet output ({@link KafkaSettings}; off without bootstrap servers)
 */
record SensorConfig(String iface, String bpf, int snaplen, int bufferMb, boolean promisc, CaptureConfig capture,
                    String eve, boolean protocolRecords, int statsInterval, String stateDir, int saveInterval,
                    String http, int maxBodyBytes, boolean nftables, String nftCommand, EngineConfig engine,
                    Guard guard, KafkaSettings kafka) {

    static final String DEFAULT_EVE = "/var/log/impacket-sensor/eve.json";
    static final String DEFAULT_STATE_DIR = "/var/lib/impacket-sensor";
    static final String DEFAULT_HTTP = "127.0.0.1:9470";

    static SensorConfig defaults() {
        return new SensorConfig(null, null, 65535, 32, true, CaptureConfig.DEFAULTS, DEFAULT_EVE, false, 60,
                DEFAULT_STATE_DIR, 10, DEFAULT_HTTP, 1 << 20, false, "nft", EngineConfig.defaults(), Guard.DEFAULTS,
                KafkaSettings.DEFAULTS);
    }

    /** Loads and validates a file; null file = the defaults. Throws {@link ConfigException} naming the key. */
    static SensorConfig load(Path file) {
        if (file == null) {
            return defaults();
        }
        JsonNode root;
        try {
            root = EngineConfigLoader.readYaml(file);
        } catch (ConfigException e) {
            throw new ConfigException("config " + e.getMessage());
        }
        try {
            return fromRoot(root);
        } catch (ConfigException e) {
            throw new ConfigException("config " + file + ": " + e.getMessage());
        }
    }

    static SensorConfig fromRoot(JsonNode root) {
        SensorConfig d = defaults();
        if (root == null || root.isMissingNode() || root.isNull()) {
            return d;
        }
        if (!root.isObject()) {
            throw new ConfigException("the document must be a mapping");
        }
        Set<String> sections = Set.of("capture", "pipeline", "flow", "decoders", "outputs", "state", "http", "enforcement",
                "response", "engine", "rules", "kafka");
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!sections.contains(k)) {
                throw new ConfigException(k + ": unknown key (known: " + String.join(", ", new java.util.TreeSet<>(sections)) + ")");
            }
        }
        ConfigKeys c = new ConfigKeys(root.get("capture"), "capture");
        String iface = c.string("interface", null);
        String bpf = c.string("bpf", null);
        int snaplen = c.integer("snaplen", d.snaplen, 64, 262144);
        int bufferMb = c.integer("buffer_mb", d.bufferMb, 1, 2047);
        boolean promisc = c.bool("promisc", d.promisc);
        c.finish();

        ConfigKeys p = new ConfigKeys(root.get("pipeline"), "pipeline");
        CaptureConfig cd = CaptureConfig.DEFAULTS;
        int workers = p.integer("workers", cd.workers(), 1, PipelineOptions.MAX_WORKERS);
        int ring = p.integer("ring_size", cd.ringSize(), 64, CaptureConfig.MAX_RING_SIZE);
        int events = p.integer("event_ring_size", cd.eventRingSize(), 64, CaptureConfig.MAX_RING_SIZE);
        p.finish();
        ConfigKeys f = new ConfigKeys(root.get("flow"), "flow");
        int flows = f.integer("max_flows", cd.maxFlows(), 1, CaptureConfig.MAX_FLOWS);
        int budgetMb = f.integer("buffer_budget_mb", cd.bufferBudgetMb(), CaptureConfig.MIN_BUFFER_BUDGET_MB,
                CaptureConfig.MAX_BUFFER_BUDGET_MB);
        f.finish();
        // The budget is what peers can make the sensor hold on top of its fixed pools: above half the
        // heap it no longer protects the process.
        long heapMb = Runtime.getRuntime().maxMemory() >> 20;
        if (budgetMb > heapMb / 2) {
            throw new ConfigException("flow.buffer_budget_mb: " + budgetMb + " MiB is more than half the JVM heap ("
                    + heapMb + " MiB); lower it or raise -Xmx");
        }
        CaptureConfig capture = new CaptureConfig(workers, ring, events, flows, budgetMb, decoders(root.get("decoders")));
        // PipelineOptions validates all three at once; one value at a time names the key.
        checkPipeline("pipeline.workers", new CaptureConfig(workers, cd.ringSize(), cd.eventRingSize(), flows, budgetMb));
        checkPipeline("pipeline.ring_size", new CaptureConfig(cd.workers(), ring, cd.eventRingSize(), flows, budgetMb));
        checkPipeline("pipeline.event_ring_size", new CaptureConfig(cd.workers(), cd.ringSize(), events, flows, budgetMb));
        checkPipeline("pipeline", capture);
        try {
            FlowLimits.DEFAULTS.withMaxFlows(flows);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("flow.max_flows: " + e.getMessage());
        }

        ConfigKeys o = new ConfigKeys(root.get("outputs"), "outputs");
        String eve = o.string("eve", d.eve);
        boolean proto = o.bool("protocol_records", d.protocolRecords);
        int stats = o.integer("stats_interval_seconds", d.statsInterval, 0, 86400);
        o.finish();

        ConfigKeys s = new ConfigKeys(root.get("state"), "state");
        String stateDir = s.string("dir", d.stateDir);
        if (stateDir.isEmpty()) {
            throw new ConfigException("state.dir: must not be empty");
        }
        int save = s.integer("save_interval_seconds", d.saveInterval, 1, 86400);
        s.finish();

        ConfigKeys h = new ConfigKeys(root.get("http"), "http");
        String http = h.string("listen", d.http);
        if (!http.isEmpty()) {
            String err = HostPort.check(http);
            if (err != null) {
                throw new ConfigException("http.listen: " + err);
            }
        }
        int maxBody = h.integer("max_body_bytes", d.maxBodyBytes, 1024, 64 << 20);
        Guard gd = Guard.DEFAULTS;
        String tokenFile = h.string("token_file", gd.tokenFile());
        String readAuthText = h.string("read_auth", gd.readAuth().name().toLowerCase(java.util.Locale.ROOT));
        Guard.ReadAuth readAuth;
        try {
            readAuth = Guard.ReadAuth.valueOf(readAuthText.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("http.read_auth: must be auto, token or open, not '" + readAuthText + "'");
        }
        java.util.List<String> allowedHosts = h.strings("allowed_hosts", gd.allowedHosts());
        int skew = h.integer("max_clock_skew_seconds", gd.maxClockSkewSeconds(), 0, 86400);
        h.finish();

        ConfigKeys r = new ConfigKeys(root.get("response"), "response");
        java.util.List<String> prot = r.strings("protected", gd.protectedNetworks());
        for (String net : prot) {
            String err = io.impacketsensor.detection.response.AllowListMatcher.checkNetwork(net);
            if (err != null) {
                throw new ConfigException("response.protected: " + err);
            }
        }
        int perMinute = r.integer("max_blocks_per_minute", gd.maxBlocksPerMinute(), 0, 1_000_000);
        r.finish();
        Guard guard = new Guard(tokenFile, readAuth, allowedHosts, skew, prot, perMinute);

        ConfigKeys n = new ConfigKeys(root.get("enforcement"), "enforcement");
        boolean nft = n.bool("nftables", d.nftables);
        String nftCmd = n.string("nft_command", d.nftCommand);
        if (nftCmd.isEmpty()) {
            throw new ConfigException("enforcement.nft_command: must not be empty");
        }
        n.finish();

        KafkaSettings kafka = KafkaSettings.parse(root.get("kafka"));
        EngineConfig engine = EngineConfigLoader.fromRoot(root);
        return new SensorConfig(iface, bpf, snaplen, bufferMb, promisc, capture, eve, proto, stats, stateDir, save,
                http, maxBody, nft, nftCmd, engine, guard, kafka);
    }

    /**
     * The {@code decoders:} section: one mapping per protocol, each key a limit of
     * {@link DecoderLimits} within its range.
     */
    private static DecoderConfig decoders(JsonNode node) {
        ConfigKeys top = new ConfigKeys(node, "decoders");
        Map<String, Map<String, Long>> values = new LinkedHashMap<>();
        for (DecoderLimits.Section sec : DecoderLimits.SECTIONS) {
            ConfigKeys k = new ConfigKeys(top.node(sec.name()), "decoders." + sec.name());
            Map<String, Long> m = new LinkedHashMap<>();
            for (DecoderLimits.Row row : DecoderLimits.rows(sec.name())) {
                m.put(row.key(), k.number(row.key(), row.defaults(), row.min(), row.max()));
            }
            values.put(sec.name(), m);
            for (DecoderLimits.Alias a : DecoderLimits.aliases(sec.name())) {
                alias(top, k, a, values);
            }
            k.finish();
        }
        top.finish();
        try {
            return DecoderLimits.config(values);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
    }

    /** An alias: it sets its limit, unless the limit's own key is set too. */
    private static void alias(ConfigKeys top, ConfigKeys k, DecoderLimits.Alias a, Map<String, Map<String, Long>> values) {
        DecoderLimits.Row target = DecoderLimits.rows(a.target()).stream()
                .filter(r -> r.key().equals(a.key())).findFirst().orElseThrow();
        long v = k.number(a.key(), Long.MIN_VALUE, target.min(), target.max());
        if (v == Long.MIN_VALUE) {
            return;
        }
        JsonNode newer = top.node(a.target());
        if (newer != null && newer.has(a.key())) {
            throw new ConfigException(a.path() + ": an alias of " + a.targetPath() + ", which is set too; keep one");
        }
        values.computeIfAbsent(a.target(), x -> new LinkedHashMap<>()).put(a.key(), v);
    }

    private static void checkPipeline(String key, CaptureConfig c) {
        try {
            c.pipeline(c.workers());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key + ": " + e.getMessage());
        }
    }

    SensorConfig withInterface(String v) {
        return v == null ? this : new SensorConfig(v, bpf, snaplen, bufferMb, promisc, capture, eve, protocolRecords,
                statsInterval, stateDir, saveInterval, http, maxBodyBytes, nftables, nftCommand, engine, guard, kafka);
    }

    /**
     * Applies command-line flags; a null (or negative) flag keeps the file's value.
     */
    SensorConfig withOverrides(String bpfFlag, Integer snaplenFlag, Integer bufferFlag, Boolean promiscFlag,
                               String eveFlag, Boolean protoFlag, Integer statsFlag, Path stateFlag, String httpFlag,
                               Boolean nftFlag) {
        return new SensorConfig(iface, bpfFlag != null ? bpfFlag : bpf, snaplenFlag != null ? snaplenFlag : snaplen,
                bufferFlag != null ? bufferFlag : bufferMb, promiscFlag != null ? promiscFlag : promisc, capture,
                eveFlag != null ? eveFlag : eve, protoFlag != null ? protoFlag : protocolRecords,
                statsFlag != null ? statsFlag : statsInterval, stateFlag != null ? stateFlag.toString() : stateDir,
                saveInterval, httpFlag != null ? httpFlag : http, maxBodyBytes, nftFlag != null ? nftFlag : nftables,
                nftCommand, engine, guard, kafka);
    }

    /** The effective configuration as YAML (same keys as the file). */
    String toYaml() {
        Map<String, Object> m = new LinkedHashMap<>();
        Map<String, Object> cap = new LinkedHashMap<>();
        cap.put("interface", iface);
        cap.put("bpf", bpf);
        cap.put("snaplen", snaplen);
        cap.put("buffer_mb", bufferMb);
        cap.put("promisc", promisc);
        m.put("capture", cap);
        m.put("pipeline", Map.of("workers", capture.workers(), "ring_size", capture.ringSize(),
                "event_ring_size", capture.eventRingSize()));
        Map<String, Object> flow = new LinkedHashMap<>();
        flow.put("max_flows", capture.maxFlows());
        flow.put("buffer_budget_mb", capture.bufferBudgetMb());
        m.put("flow", flow);
        m.put("decoders", DecoderLimits.values(capture.decoders()));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("eve", eve);
        out.put("protocol_records", protocolRecords);
        out.put("stats_interval_seconds", statsInterval);
        m.put("outputs", out);
        Map<String, Object> st = new LinkedHashMap<>();
        st.put("dir", stateDir);
        st.put("save_interval_seconds", saveInterval);
        m.put("state", st);
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("listen", http);
        h.put("max_body_bytes", maxBodyBytes);
        h.put("token_file", guard.tokenFile());
        h.put("read_auth", guard.readAuth().name().toLowerCase(java.util.Locale.ROOT));
        h.put("allowed_hosts", guard.allowedHosts());
        h.put("max_clock_skew_seconds", guard.maxClockSkewSeconds());
        m.put("http", h);
        Map<String, Object> en = new LinkedHashMap<>();
        en.put("nftables", nftables);
        en.put("nft_command", nftCommand);
        m.put("enforcement", en);
        Map<String, Object> re = new LinkedHashMap<>();
        re.put("protected", guard.protectedNetworks());
        re.put("max_blocks_per_minute", guard.maxBlocksPerMinute());
        m.put("response", re);
        m.put("engine", engine);
        m.put("kafka", kafka.toMap());
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER))
                .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
        try {
            return yaml.writeValueAsString(m);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The API's authentication and the blocklist's limits.
     *
     * @param tokenFile          http.token_file: the bearer token's file; "" = {@code api-token} in
     *                           state.dir, generated (0600) at the first start
     * @param readAuth           http.read_auth: whether GET /stats, /blocklist, /metrics need the token
     * @param allowedHosts       http.allowed_hosts: Host header names accepted besides IP literals and
     *                           localhost (a management DNS name)
     * @param maxClockSkewSeconds http.max_clock_skew_seconds: events stamped further ahead of the
     *                           sensor clock are rejected
     * @param protectedNetworks  response.protected: addresses/CIDR networks never blocked (besides
     *                           loopback, the host's own addresses, gateways, DNS servers and the DCs)
     * @param maxBlocksPerMinute response.max_blocks_per_minute: new blocks allowed per minute (0 = no cap)
     */
    record Guard(String tokenFile, ReadAuth readAuth, java.util.List<String> allowedHosts, int maxClockSkewSeconds,
                 java.util.List<String> protectedNetworks, int maxBlocksPerMinute) {
        static final Guard DEFAULTS = new Guard("", ReadAuth.AUTO, java.util.List.of(), 300, java.util.List.of(), 600);

        /** auto: open when the API listens on loopback only, token otherwise; token: always; open: never. */
        enum ReadAuth { AUTO, TOKEN, OPEN }
    }
}
