package io.impacketsensor.core.event;

/**
 * A protocol anomaly: a malformed PDU, a limit breached, a gap, encrypted content not inspected.
 *
 * @param header the common header
 * @param name   stable dotted name from the protocol's Anomaly enum, e.g. {@code smb2.malformed_header}
 * @param detail a short human-readable detail (a value, a limit); never payload bytes
 */
public record ProtocolAnomaly(EventHeader header, String name, String detail) implements SensorEvent {
}
