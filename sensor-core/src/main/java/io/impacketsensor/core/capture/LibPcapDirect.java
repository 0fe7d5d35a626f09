package io.impacketsensor.core.capture;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;

/**
 * A JNA direct mapping of the one libpcap call on the hot path. pcap4j's own read methods
 * allocate two JNA {@code Memory} objects per packet and cost 4-9 µs each; this call with
 * preallocated out-parameters costs ~0.45 µs and allocates nothing (JAVA-STACK.md §2, §5.5).
 * Pointers are passed as raw {@code long} addresses so no {@code Pointer} object is made per call.
 */
final class LibPcapDirect {
    static {
        // The same library pcap4j loaded (and the same property to pin it).
        Native.register(LibPcapDirect.class,
                NativeLibrary.getInstance(System.getProperty("org.pcap4j.core.pcapLibName", "pcap")));
    }

    private LibPcapDirect() {
    }

    /**
     * {@code int pcap_next_ex(pcap_t *p, struct pcap_pkthdr **pkt_header, const u_char **pkt_data)}:
     * 1 = a packet, 0 = timeout, -1 = error, -2 = pcap_breakloop was called (pcap_next_ex(3PCAP)).
     */
    static native int pcap_next_ex(long pcap, long pktHeaderOut, long pktDataOut);

    /**
     * {@code int pcap_get_selectable_fd(pcap_t *p)}: the packet socket, which {@code poll(2)} reports
     * readable once the kernel has handed a block (TPACKET_V3) or a frame (V2) to user space.
     */
    static native int pcap_get_selectable_fd(long pcap);
}
