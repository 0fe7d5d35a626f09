package io.impacketsensor.decoders.ntlmssp;

import io.impacketsensor.decoders.limit.Limit;

/**
 * Limits on what an NTLMSSP peer controls.
 *
 * @param maxMessageSize largest NTLMSSP message decoded (SMB2 carries at most 64 KiB of token)
 * @param maxAvPairs     AV pairs read from a target-info or NTLMv2 blob before giving up
 */
public record NtlmsspLimits(
        @Limit(min = 32, max = 1048576, doc = "largest NTLMSSP message decoded") int maxMessageSize,
        @Limit(min = 1, max = 1024, doc = "AV pairs read from a target-info or NTLMv2 blob") int maxAvPairs) {

    public static final NtlmsspLimits DEFAULTS = new NtlmsspLimits(65_535, 64);

    public NtlmsspLimits {
        if (maxMessageSize < 32 || maxAvPairs < 1) {
            throw new IllegalArgumentException("ntlmssp limits too small: " + maxMessageSize + ", " + maxAvPairs);
        }
    }
}
