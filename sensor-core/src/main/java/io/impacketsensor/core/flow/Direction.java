package io.impacketsensor.core.flow;

/** Direction of bytes within a flow. */
public enum Direction {
    /** From the initiator (client) to the responder (server). */
    TO_SERVER,
    /** From the responder (server) back to the initiator (client). */
    TO_CLIENT;

    public Direction opposite() {
        return this == TO_SERVER ? TO_CLIENT : TO_SERVER;
    }
}
