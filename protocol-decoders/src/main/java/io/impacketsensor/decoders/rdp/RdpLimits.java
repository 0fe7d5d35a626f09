package io.impacketsensor.decoders.rdp;

import io.impacketsensor.decoders.limit.Limit;

/**
 * Limits on what an RDP peer controls. A TPKT or TLS handshake record over {@link #maxPduLength()}:
 * an {@link RdpAnomaly}, that PDU passed over by its length (the next one is still read).
 *
 * @param maxPduLength    largest TPKT or TLS handshake record gathered, in bytes (TPKT lengths are 16-bit;
 *                        a TLS record holds at most 2^14 bytes of plaintext, RFC 5246 6.2.1)
 * @param maxCertificates serial numbers of the server's certificate chain kept per connection
 */
public record RdpLimits(
        @Limit(min = 512, max = 65535, doc = "largest TPKT or TLS handshake record gathered from its segments") int maxPduLength,
        @Limit(min = 0, max = 32, doc = "serial numbers of the server's TLS certificate chain kept per connection") int maxCertificates) {

    /** Defaults: any TPKT, and a whole 16 KiB TLS record with its header; the 8 first certificates. */
    public static final RdpLimits DEFAULTS = new RdpLimits(65535, 8);

    public RdpLimits {
        if (maxPduLength < 512 || maxCertificates < 0) {
            throw new IllegalArgumentException("rdp limits too small");
        }
    }
}
