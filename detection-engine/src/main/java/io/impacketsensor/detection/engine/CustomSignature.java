package io.impacketsensor.detection.engine;

import io.impacketsensor.detection.rules.Text;
import io.impacketsensor.detection.config.CustomSignatureSpec;
import io.impacketsensor.detection.rules.Rule;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * An operator signature compiled once at load: the regex is compiled here, never per event. Each is a
 * rule of the engine's rule set (layer {@code local}); its sid is {@link #FIRST_SID} plus its position
 * in {@code custom_signatures}.
 */
final class CustomSignature {
    static final int FIRST_SID = 9_100_001;
    final CustomSignatureSpec spec;
    final Rule rule;
    private final String needle;
    private final Pattern regex;

    CustomSignature(CustomSignatureSpec spec, int index, int sid) {
        this.spec = spec;
        this.rule = new Rule(sid, 1, spec.name(), spec.name(), spec.attackType(), spec.confidence(),
                spec.severity() != null ? spec.severity() : spec.attackType().severity(), spec.attackType().mitreTechniques(),
                "local", null, "Custom signature " + spec.name(), "Operator signature: "
                + spec.field().name().toLowerCase(Locale.ROOT) + " " + spec.match().name().toLowerCase(Locale.ROOT) + " "
                + spec.pattern(), "", index);
        this.needle = spec.pattern().toLowerCase(Locale.ROOT);
        this.regex = spec.match() == CustomSignatureSpec.Match.REGEX ? Pattern.compile(spec.pattern()) : null;
    }

    boolean matches(String value) {
        if (value == null) {
            return false;
        }
        return switch (spec.match()) {
            case EXACT -> value.equalsIgnoreCase(needle);
            case PREFIX -> Text.startsWith(value, needle);
            case SUFFIX -> Text.endsWith(value, needle);
            case CONTAINS -> Text.contains(value, needle);
            case REGEX -> regex.matcher(value).find();
        };
    }
}
