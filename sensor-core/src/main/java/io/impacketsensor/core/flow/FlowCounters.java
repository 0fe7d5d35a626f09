package io.impacketsensor.core.flow;

import io.impacketsensor.core.packet.LinkTypes;
import io.impacketsensor.core.spi.CounterVisitor;

/** The packet path counters of one worker: primitive fields, written by that worker only. */
final class FlowCounters {
    long packets;
    long bytes;
    final long[] perLinkType = new long[LinkTypes.COUNT];
    long l2Malformed;
    long nonIp;
    long ipv4;
    long ipv6;
    long ipMalformed;
    long ipTruncated;
    long ipOtherProto;
    long tcpPackets;
    long udpPackets;
    long tcpMalformed;
    long udpMalformed;
    long tcpFlows;
    long udpFlows;
    long tcpAfterClose;
    long tcpPortReuse;
    long reassembledToServer;
    long reassembledToClient;
    long udpBytesToServer;
    long udpBytesToClient;
    long tcpGaps;
    long tcpGapBytes;
    long tcpRetransmissions;
    long tcpOutOfOrder;
    long tcpOverlapConflicts;
    long tcpOooOverflow;
    long tcpOooPoolExhausted;
    long tcpOutOfWindow;
    long tcpResets;
    long tcpDuplicates;
    long udpDuplicates;
    long tcpLateSyn;
    /** Events emitted by analyzers of this worker (index 0; an array so contexts can share it). */
    final long[] eventsEmitted = new long[1];

    void report(CounterVisitor v) {
        v.counter("packets", packets);
        v.counter("bytes", bytes);
        for (int i = 0; i < LinkTypes.COUNT; i++) {
            v.counter("linktype." + LinkTypes.indexName(i), perLinkType[i]);
        }
        v.counter("l2.malformed", l2Malformed);
        v.counter("l2.non_ip", nonIp);
        v.counter("ipv4", ipv4);
        v.counter("ipv6", ipv6);
        v.counter("ip.malformed", ipMalformed);
        v.counter("ip.truncated", ipTruncated);
        v.counter("ip.other_proto", ipOtherProto);
        v.counter("tcp.packets", tcpPackets);
        v.counter("udp.packets", udpPackets);
        v.counter("tcp.malformed", tcpMalformed);
        v.counter("udp.malformed", udpMalformed);
        v.counter("flow.tcp", tcpFlows);
        v.counter("flow.udp", udpFlows);
        v.counter("flow.tcp_port_reuse", tcpPortReuse);
        v.counter("tcp.after_close", tcpAfterClose);
        v.counter("tcp.reassembled_bytes_to_server", reassembledToServer);
        v.counter("tcp.reassembled_bytes_to_client", reassembledToClient);
        v.counter("udp.delivered_bytes_to_server", udpBytesToServer);
        v.counter("udp.delivered_bytes_to_client", udpBytesToClient);
        v.counter("tcp.gaps", tcpGaps);
        v.counter("tcp.gap_bytes", tcpGapBytes);
        v.counter("tcp.retransmissions", tcpRetransmissions);
        v.counter("tcp.out_of_order", tcpOutOfOrder);
        v.counter("tcp.overlap_conflicts", tcpOverlapConflicts);
        v.counter("tcp.ooo_overflow", tcpOooOverflow);
        v.counter("tcp.ooo_pool_exhausted", tcpOooPoolExhausted);
        v.counter("tcp.out_of_window", tcpOutOfWindow);
        v.counter("tcp.resets", tcpResets);
        v.counter("tcp.duplicates", tcpDuplicates);
        v.counter("udp.duplicates", udpDuplicates);
        v.counter("tcp.late_syn", tcpLateSyn);
        v.counter("events.emitted", eventsEmitted[0]);
    }
}
