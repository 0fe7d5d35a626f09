package io.impacketsensor.decoders.smb;

/**
 * Stable names of NBSS framing anomalies (reported as {@code ProtocolAnomaly.name}); none stops the
 * flow. They keep the {@code smb2.} prefix under which rules and EVE consumers know them: the Direct
 * TCP transport that uses this framing is defined by MS-SMB2 2.1.
 */
public enum SmbAnomaly {
    /** An NBSS header with an unknown type (RFC 1002 4.3.1; MS-SMB2 2.1 Direct TCP). The framer scans for the next SMB message. */
    NBSS_INVALID("smb2.nbss_invalid"),
    /** An NBSS PDU longer than the largest accepted ({@code max_pdu_size}); skipped by its length. */
    PDU_TOO_LARGE("smb2.pdu_too_large"),
    /** Bytes were missing from the stream; the partial PDU was dropped. */
    GAP("smb2.gap");

    private final String eventName;

    SmbAnomaly(String eventName) {
        this.eventName = eventName;
    }

    public String eventName() {
        return eventName;
    }
}
