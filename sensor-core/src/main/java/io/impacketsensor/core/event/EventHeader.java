package io.impacketsensor.core.event;

import java.net.InetAddress;

/**
 * What every event carries. Client and server are the flow's initiator and responder (for a
 * mid-stream pickup, the side that talks to the well-known port is the server).
 *
 * @param timestampNanos capture time of the packet that completed the event, ns since the epoch
 * @param flowId         the flow's id, stable for the flow's life and unique within a run
 * @param clientIp       the initiator's address
 * @param clientPort     the initiator's port (0 when the transport has none)
 * @param serverIp       the responder's address
 * @param serverPort     the responder's port
 * @param transport      TCP or UDP
 */
public record EventHeader(long timestampNanos, long flowId, InetAddress clientIp, int clientPort,
                          InetAddress serverIp, int serverPort, Transport transport) {
}
