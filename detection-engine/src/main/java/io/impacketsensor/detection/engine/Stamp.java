package io.impacketsensor.detection.engine;

/**
 * A time kept as a map's value (when a ticket was issued, when an address was last seen): updated
 * in place when the key is seen again, where a boxed Long would be a new object each time.
 */
final class Stamp {
    long at;

    Stamp(long at) {
        this.at = at;
    }
}
