package io.impacketsensor.core.event;

/** Transport protocol of a flow. */
public enum Transport {
    TCP,
    UDP
}
