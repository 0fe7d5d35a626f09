package io.impacketsensor.detection.model;

import java.util.Objects;

/**
 * An authentication attempt reported by an integration (a log shipper, a PAM hook) rather than
 * seen on the wire; it feeds the behaviour layer like the authentications the decoders report.
 *
 * @param username account name (any case; compared case-insensitively)
 * @param protocol protocol the attempt used, e.g. {@code SMB}, {@code KERBEROS}, {@code NTLM}, {@code LDAP}
 * @param authType authentication type, e.g. {@code ntlmv2}, {@code kerberos}, {@code password}; may be empty
 * @param success  whether the attempt succeeded
 */
public record AuthAttempt(String username, String protocol, String authType, boolean success) {
    public AuthAttempt {
        Objects.requireNonNull(username, "username");
        protocol = protocol == null ? "" : protocol;
        authType = authType == null ? "" : authType;
    }
}
