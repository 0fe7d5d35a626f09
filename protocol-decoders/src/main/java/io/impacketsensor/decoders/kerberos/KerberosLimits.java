package io.impacketsensor.decoders.kerberos;

import io.impacketsensor.decoders.limit.Limit;

/**
 * Limits on what a Kerberos peer controls. Over any of them: a {@link KerberosAnomaly}, and the
 * flow is skipped.
 *
 * @param maxMessageLength   largest Kerberos message (TCP record, UDP datagram, BER element) in
 *                           bytes; also bounds the per-direction reassembly buffer
 * @param maxDepth           deepest BER nesting accepted (RFC 4120 messages nest about 10 deep)
 * @param maxListItems       most items read from one SEQUENCE OF (PA-DATA, etypes, name
 *                           components, additional tickets)
 * @param maxPendingRequests most requests per flow waiting for their reply
 */
public record KerberosLimits(
        @Limit(min = 64, max = 16777215, doc = "largest Kerberos message (TCP record, UDP datagram, BER element); also bounds the reassembly buffer of a direction") int maxMessageLength,
        @Limit(min = 8, max = 256, doc = "deepest BER nesting accepted") int maxDepth,
        @Limit(min = 1, max = 4096, doc = "items read from one SEQUENCE OF") int maxListItems,
        @Limit(min = 1, max = 1024, doc = "requests per flow waiting for their reply (a table allocated per flow)") int maxPendingRequests) {

    /** Defaults: 1 MiB messages (a TGS-REP with a large PAC is tens of KB), depth 32, 64 items, 16 pending. */
    public static final KerberosLimits DEFAULTS = new KerberosLimits(1 << 20, 32, 64, 16);

    public KerberosLimits {
        if (maxMessageLength < 64 || maxDepth < 8 || maxListItems < 1 || maxPendingRequests < 1) {
            throw new IllegalArgumentException("kerberos limits too small: " + maxMessageLength + "/" + maxDepth
                    + "/" + maxListItems + "/" + maxPendingRequests);
        }
    }
}
