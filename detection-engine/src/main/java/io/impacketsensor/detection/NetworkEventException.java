package io.impacketsensor.detection;

/** A flat event failed validation; the message names the key, e.g. {@code source_ip: not an IP address: 'x'}. */
public final class NetworkEventException extends IllegalArgumentException {
    private final String key;

    public NetworkEventException(String key, String message) {
        super(key + ": " + message);
        this.key = key;
    }

    /** The offending key. */
    public String key() {
        return key;
    }
}
