package io.impacketsensor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.impacketsensor.detection.ImpacketProtection;
import io.impacketsensor.detection.config.ConfigException;
import io.impacketsensor.detection.rules.LocalRules;
import io.impacketsensor.detection.rules.Rule;
import io.impacketsensor.detection.rules.RuleException;
import io.impacketsensor.detection.rules.Tuning;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;

/**
 * The operator's rule files named in the config file's {@code rules:} section ({@code tuning:} and
 * {@code local:}, paths relative to the config file's directory). Read at start and again on SIGHUP; a file that
 * does not parse is rejected whole with {@code file:line: problem}.
 */
record RuleFiles(Path tuning, Path local) {
    static final RuleFiles NONE = new RuleFiles(null, null);

    /** The {@code rules:} section of a config file (NONE without a file or section). */
    static RuleFiles of(Path configFile) throws UsageException {
        if (configFile == null || !Files.isRegularFile(configFile)) {
            return NONE;
        }
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(configFile.toFile());
        } catch (IOException e) {
            return NONE; // SensorConfig.load reports an unreadable file
        }
        JsonNode r = root == null ? null : root.get("rules");
        if (r == null || r.isNull()) {
            return NONE;
        }
        if (!r.isObject()) {
            throw new UsageException("config " + configFile + ": rules: must be a mapping (tuning: FILE)");
        }
        for (Iterator<String> it = r.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!k.equals("tuning") && !k.equals("local")) {
                throw new UsageException("config " + configFile + ": rules." + k + ": unknown key (known: local, tuning)");
            }
        }
        Path dir = configFile.toAbsolutePath().getParent();
        return new RuleFiles(path(configFile, dir, r, "tuning"), path(configFile, dir, r, "local"));
    }

    private static Path path(Path configFile, Path dir, JsonNode r, String key) throws UsageException {
        JsonNode t = r.get(key);
        if (t == null || t.isNull()) {
            return null;
        }
        if (!t.isTextual() || t.asText().isBlank()) {
            throw new UsageException("config " + configFile + ": rules." + key + ": must be a file path");
        }
        return dir.resolve(t.asText()).normalize();
    }

    /** True when the config names no operator rule file. */
    boolean isEmpty() {
        return tuning == null && local == null;
    }

    /** Parses local.rules.yaml against the built-in rules and custom signatures; numbered after them. */
    List<LocalRules.LocalRule> readLocal(List<Rule> base) {
        if (local == null) {
            return List.of();
        }
        return LocalRules.parse(read(local), local.toString(), base, base.size());
    }

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new RuleException(p + ": cannot read: " + e.getMessage());
        }
    }

    /** Parses the tuning file against the rules in force; a missing or bad file is a {@link RuleException}. */
    Tuning readTuning(List<Rule> known) {
        if (tuning == null) {
            return Tuning.NONE;
        }
        return Tuning.parse(read(tuning), tuning.toString(), known);
    }

    /**
     * Reads both files and puts them in force on this engine together; when either does not parse,
     * nothing changes (the rules and tuning in force stay).
     */
    Tuning apply(ImpacketProtection engine) {
        List<Rule> base = engine.baseRules();
        List<LocalRules.LocalRule> l = readLocal(base);
        List<Rule> known = new java.util.ArrayList<>(base);
        l.forEach(x -> known.add(x.rule()));
        Tuning t = readTuning(known);
        engine.install(l, t);
        return t;
    }

    /** As {@link #apply} for a command starting up: a bad file is a usage error (exit 2). */
    Tuning applyAtStart(ImpacketProtection engine) throws UsageException {
        try {
            return apply(engine);
        } catch (RuleException | ConfigException e) {
            throw new UsageException(e.getMessage());
        }
    }
}
