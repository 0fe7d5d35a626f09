package io.impacketsensor.decoders.smb;

import io.impacketsensor.decoders.limit.Limit;

/**
 * Limits of the NBSS framing ({@code decoders.smb}). A PDU over the limit is reported as
 * {@link SmbAnomaly#PDU_TOO_LARGE} and skipped by its length; the connection goes on.
 *
 * @param maxPduSize largest NBSS PDU decoded (RFC 1002 4.3.1 and MS-SMB2 2.1 allow a 24-bit length;
 *                   servers advertise at most 8 MiB MaxRead/MaxWrite, plus headers)
 */
public record SmbLimits(
        @Limit(min = 64, max = 16777215, doc = "largest NBSS PDU accepted (MS-SMB2 2.1: a 24-bit length)") int maxPduSize) {

    public static final SmbLimits DEFAULTS = new SmbLimits((8 << 20) + 65_536);

    public SmbLimits {
        if (maxPduSize < 64) {
            throw new IllegalArgumentException("smb limits too small");
        }
    }
}
