package io.impacketsensor.cli;

/** Bad usage or bad input: the message is one line naming the problem; exit code 2. */
final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message);
    }
}
