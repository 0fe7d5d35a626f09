package io.impacketsensor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.impacketsensor.detection.ImpacketProtection;
import io.impacketsensor.detection.config.ConfigException;
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
 * The operator's rule files named in the config file's {@code rules:} section ({@code tuning:}, a
 * path relative to the config file's directory). Read at start and again on SIGHUP; a file that
 * does not parse is rejected whole with {@code file:line: problem}.
 */
record RuleFiles(Path tuning) {
    static final RuleFiles NONE = new RuleFiles(null);

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
            if (!k.equals("tuning")) {
                throw new UsageException("config " + configFile + ": rules." + k + ": unknown key (known: tuning)");
            }
        }
        JsonNode t = r.get("tuning");
        if (t == null || t.isNull()) {
            return NONE;
        }
        if (!t.isTextual() || t.asText().isBlank()) {
            throw new UsageException("config " + configFile + ": rules.tuning: must be a file path");
        }
        Path dir = configFile.toAbsolutePath().getParent();
        return new RuleFiles(dir.resolve(t.asText()).normalize());
    }

    /** Parses the tuning file against the rules in force; a missing or bad file is a {@link RuleException}. */
    Tuning readTuning(List<Rule> known) {
        if (tuning == null) {
            return Tuning.NONE;
        }
        String text;
        try {
            text = Files.readString(tuning, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new RuleException(tuning + ": cannot read: " + e.getMessage());
        }
        return Tuning.parse(text, tuning.toString(), known);
    }

    /** Reads the tuning and puts it in force on this engine. */
    Tuning apply(ImpacketProtection engine) {
        Tuning t = readTuning(engine.rules());
        engine.tune(t);
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
