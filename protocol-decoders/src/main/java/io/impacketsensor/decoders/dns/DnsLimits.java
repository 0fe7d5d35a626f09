package io.impacketsensor.decoders.dns;

import io.impacketsensor.decoders.limit.Limit;

/**
 * Limits on what a DNS peer controls. Over either: a {@link DnsAnomaly}, that message passed over.
 *
 * @param maxMessageLength largest DNS message over TCP gathered from its segments, in bytes (RFC 1035
 *                         4.2.2 allows 65535); also bounds the reassembly buffer of a direction
 * @param maxRecords       resource records read from one DC locator answer (answer, authority and
 *                         additional sections together)
 */
public record DnsLimits(
        @Limit(min = 512, max = 65535, doc = "largest DNS message over TCP gathered from its segments; also bounds the reassembly buffer of a direction") int maxMessageLength,
        @Limit(min = 1, max = 4096, doc = "resource records read from one DC locator answer") int maxRecords) {

    /** Defaults: the whole TCP message size, 64 records (a domain with that many DCs is rare; the rest are counted). */
    public static final DnsLimits DEFAULTS = new DnsLimits(65535, 64);

    public DnsLimits {
        if (maxMessageLength < 512 || maxRecords < 1) {
            throw new IllegalArgumentException("dns limits too small");
        }
    }
}
