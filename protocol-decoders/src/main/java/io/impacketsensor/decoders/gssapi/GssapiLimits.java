package io.impacketsensor.decoders.gssapi;

import io.impacketsensor.decoders.limit.Limit;

/**
 * Limits on what a GSS-API/SPNEGO peer controls.
 *
 * @param maxTokenSize largest token decoded (SMB2 and DCE/RPC carry at most 64 KiB; LDAP may carry more)
 * @param maxDepth     nesting depth of GSS framing followed (a mech token wrapping another GSS token)
 * @param maxMechTypes entries of a NegTokenInit mechTypes list read
 */
public record GssapiLimits(
        @Limit(min = 16, max = 16777215, doc = "largest GSS-API/SPNEGO token decoded") int maxTokenSize,
        @Limit(min = 1, max = 16, doc = "nesting depth of GSS framing followed") int maxDepth,
        @Limit(min = 1, max = 256, doc = "entries of a NegTokenInit mechTypes list read") int maxMechTypes) {

    public static final GssapiLimits DEFAULTS = new GssapiLimits(1 << 20, 4, 16);

    public GssapiLimits {
        if (maxTokenSize < 16 || maxDepth < 1 || maxMechTypes < 1) {
            throw new IllegalArgumentException("gssapi limits too small");
        }
    }
}
