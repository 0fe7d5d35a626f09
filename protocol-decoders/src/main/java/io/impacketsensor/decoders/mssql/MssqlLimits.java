package io.impacketsensor.decoders.mssql;

import io.impacketsensor.decoders.limit.Limit;

/**
 * Limits on what a TDS peer controls. A message of the login over {@link #maxMessageLength()}: an
 * {@link MssqlAnomaly}, that message passed over (the packets around it are still framed).
 *
 * @param maxMessageLength largest PRELOGIN, LOGIN7, SSPI message or login response gathered from its
 *                         packets, in bytes; also bounds the reassembly buffer of a direction
 * @param maxBatchPrefix   characters of a SQL batch's text kept for detections
 */
public record MssqlLimits(
        @Limit(min = 512, max = 16777215, doc = "largest PRELOGIN, LOGIN7, SSPI message or login response gathered from its packets; also bounds the reassembly buffer of a direction") int maxMessageLength,
        @Limit(min = 16, max = 65536, doc = "characters of a SQL batch's text kept for detections") int maxBatchPrefix) {

    /** Defaults: 64 KiB login messages (a Kerberos SSPI token with a large PAC is tens of KB), 512 characters of batch text. */
    public static final MssqlLimits DEFAULTS = new MssqlLimits(1 << 16, 512);

    public MssqlLimits {
        if (maxMessageLength < 512 || maxBatchPrefix < 16) {
            throw new IllegalArgumentException("mssql limits too small");
        }
    }
}
