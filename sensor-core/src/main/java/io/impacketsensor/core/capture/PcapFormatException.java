package io.impacketsensor.core.capture;

/**
 * A capture file cannot be read at all: missing, unreadable, empty, or not a pcap/pcapng file.
 * The message is one line naming the file and the problem. Damage found <em>after</em> the file
 * opened (a truncated last record, a corrupt block) is not an exception: the reader stops there
 * with a warning and a count, keeping every packet before it.
 */
public final class PcapFormatException extends CaptureException {
    private static final long serialVersionUID = 1L;

    public PcapFormatException(String message) {
        super(message);
    }

    public PcapFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
