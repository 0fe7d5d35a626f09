package io.impacketsensor.detection.engine;

import io.impacketsensor.detection.config.CustomSignatureSpec;

import java.util.Locale;
import java.util.regex.Pattern;

/** An operator signature compiled once at load: the regex is compiled here, never per event. */
final class CustomSignature {
    final CustomSignatureSpec spec;
    private final String needle;
    private final Pattern regex;

    CustomSignature(CustomSignatureSpec spec) {
        this.spec = spec;
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
