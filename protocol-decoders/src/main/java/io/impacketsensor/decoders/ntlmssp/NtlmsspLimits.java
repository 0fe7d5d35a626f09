package io.impacketsensor.decoders.ntlmssp;

/**
 * Limits on what an NTLMSSP peer controls.
 *
 * @param maxMessageSize largest NTLMSSP message decoded (SMB2 carries at most 64 KiB of token)
 * @param maxAvPairs     AV pairs read from a target-info or NTLMv2 blob before giving up
 */
public record NtlmsspLimits(int maxMessageSize, int maxAvPairs) {

    public static final NtlmsspLimits DEFAULTS = new NtlmsspLimits(65_535, 64);

    public NtlmsspLimits {
        if (maxMessageSize < 32 || maxAvPairs < 1) {
            throw new IllegalArgumentException("ntlmssp limits too small: " + maxMessageSize + ", " + maxAvPairs);
        }
    }
}
