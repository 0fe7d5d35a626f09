package io.impacketsensor.detection.rules;

/** A rule, tuning or catalog file that cannot be used; the message is one line naming {@code file:line}. */
public final class RuleException extends RuntimeException {
    public RuleException(String message) {
        super(message, null, false, false);
    }
}
