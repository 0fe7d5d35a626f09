package io.impacketsensor.detection.eve;

import io.impacketsensor.core.event.SmbEvent;

/**
 * The SMB dialect of a flow picked up without its NEGOTIATE exchange, inferred from what later
 * messages show (MS-SMB2). Its records keep Suricata's {@code smb.dialect} {@code unknown} and say
 * the inference in {@code impacket_sensor.dialect_inferred} (Suricata's spelling, {@code +} for
 * "this one or later", {@code |} between alternatives) and {@code impacket_sensor.dialect_inferred_from}.
 * The most specific evidence seen on the flow wins; a NEGOTIATE response ends the inference.
 */
final class SmbDialectInference {
    private SmbDialectInference() {
    }

    /** One inference: how specific it is ({@code rank}), the dialect and the evidence. */
    record Guess(int rank, String dialect, String from) {
    }

    /** MS-SMB2 2.2.1: an SMB2 header (0xFE 'SMB') is the SMB 2 protocol, 2.0.2 or later. */
    static final Guess SMB2_HEADER = new Guess(1, "2.02+", "smb2_header");
    /** MS-SMB2 2.2.41: the TRANSFORM header (encryption) exists from the 3.0 dialect on. */
    static final Guess ENCRYPTION = new Guess(2, "3.00+", "encryption_transform");
    /** MS-SMB2 2.2.6: SMB2_SESSION_FLAG_ENCRYPT_DATA is valid only for the SMB 3.x dialect family. */
    static final Guess ENCRYPT_DATA = new Guess(2, "3.00+", "session_encrypt_data");
    /** MS-SMB2 2.2.5: SMB2_SESSION_FLAG_BINDING (multichannel) is for the SMB 3.x dialect family. */
    static final Guess BINDING = new Guess(2, "3.00+", "session_binding");
    /**
     * MS-SMB2 3.2.5.5: a client sends FSCTL_VALIDATE_NEGOTIATE_INFO when the connection's dialect is
     * 3.0 or 3.0.2 (3.1.1 protects its NEGOTIATE with the preauthentication integrity hash instead).
     */
    static final Guess VALIDATE_NEGOTIATE = new Guess(3, "3.00|3.02", "validate_negotiate_info");
    /** MS-SMB2 2.2.42: the compression transform header (0xFC 'SMB') exists only in the 3.1.1 dialect. */
    static final Guess COMPRESSION = new Guess(3, "3.11", "compression_transform");

    private static final int SESSION_FLAG_BINDING = 0x01;
    private static final int SESSION_FLAG_ENCRYPT_DATA = 0x04;
    private static final int FSCTL_VALIDATE_NEGOTIATE_INFO = 0x00140204;

    /**
     * The inference after {@code e}, an event of a flow whose dialect is not known: {@code current}
     * unless {@code e} shows something more specific; null for SMB1 events and before any SMB2 one.
     */
    static Guess next(Guess current, SmbEvent e) {
        Guess g = evidence(e);
        if (g == null) {
            return current;
        }
        return current == null || g.rank() > current.rank() ? g : current;
    }

    private static Guess evidence(SmbEvent e) {
        if (e instanceof SmbEvent.Smb2Encrypted t) {
            return t.compressed() ? COMPRESSION : ENCRYPTION;
        }
        if (e instanceof SmbEvent.AnyVersion v && v.version() != 2) {
            return null;
        }
        if (e instanceof SmbEvent.SmbSessionSetup s) {
            if (s.sessionFlags() >= 0 && (s.sessionFlags() & SESSION_FLAG_ENCRYPT_DATA) != 0) {
                return ENCRYPT_DATA;
            }
            if ((s.flags() & SESSION_FLAG_BINDING) != 0) {
                return BINDING;
            }
            return SMB2_HEADER;
        }
        if (e instanceof SmbEvent.SmbIoctl i && i.ctlCode() == FSCTL_VALIDATE_NEGOTIATE_INFO) {
            return VALIDATE_NEGOTIATE;
        }
        if (e instanceof SmbEvent.AnyVersion || e instanceof SmbEvent.Smb2SetInfo
                || e instanceof SmbEvent.Smb2QueryDirectory) {
            return SMB2_HEADER;
        }
        return null;
    }
}
