package io.impacketsensor.detection.config;

import io.impacketsensor.detection.model.AttackType;
import io.impacketsensor.detection.model.Severity;

/**
 * An operator signature as configured ({@code engine.custom_signatures[]}).
 *
 * @param name       signature name reported in {@code matched_signatures}
 * @param field      the event field it looks at (see {@link Field})
 * @param match      how the pattern is compared
 * @param pattern    the text (case-insensitive for exact/prefix/suffix/contains; a Java regex otherwise)
 * @param attackType attack type reported
 * @param confidence confidence contributed, 0..1
 * @param severity   severity override, or null to keep the attack type's
 */
public record CustomSignatureSpec(String name, Field field, Match match, String pattern, AttackType attackType,
                                  double confidence, Severity severity) {

    /** Event fields a custom signature can look at. */
    public enum Field {
        SHARE, PATH, PIPE, SERVICE_NAME, BINARY_PATH, COMMAND, SERVICE_PRINCIPAL, USERNAME, WORKSTATION,
        LDAP_FILTER, REGISTRY_KEY, INTERFACE_UUID, OPERATION
    }

    /** Comparison kinds. */
    public enum Match { EXACT, PREFIX, SUFFIX, CONTAINS, REGEX }
}
