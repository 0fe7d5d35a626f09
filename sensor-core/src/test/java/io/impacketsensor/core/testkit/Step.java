package io.impacketsensor.core.testkit;

import io.impacketsensor.core.flow.Direction;

/** One delivery to an analyzer: the direction and the bytes of one reassembled segment. */
public record Step(Direction dir, byte[] bytes) {
    public static Step toServer(byte[] bytes) {
        return new Step(Direction.TO_SERVER, bytes);
    }

    public static Step toClient(byte[] bytes) {
        return new Step(Direction.TO_CLIENT, bytes);
    }
}
