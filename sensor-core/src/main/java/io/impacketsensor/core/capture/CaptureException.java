package io.impacketsensor.core.capture;

/**
 * A capture source could not be opened or configured (missing file, unknown interface, bad BPF
 * expression). The message is one line that names the file or interface and the problem, ready
 * to show to the user as it is.
 */
public class CaptureException extends Exception {
    private static final long serialVersionUID = 1L;

    public CaptureException(String message) {
        super(message);
    }

    public CaptureException(String message, Throwable cause) {
        super(message, cause);
    }
}
