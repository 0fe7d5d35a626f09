package io.impacketsensor.core.capture;

/**
 * How to open a live interface.
 *
 * @param iface           interface name ({@code eth0}, {@code any})
 * @param bpf             BPF filter expression (tcpdump syntax), or null for every frame
 * @param snaplen         bytes kept per frame; at least 65535 because GRO/TSO deliver frames up to 64 KB
 * @param promiscuous     capture frames not addressed to this host (a SPAN port needs it)
 * @param immediate       deliver each frame at once (libpcap then uses TPACKET_V2 instead of the
 *                        batched V3 blocks: lower latency, more CPU per frame)
 * @param bufferSizeBytes kernel ring size; 32-64 MB absorbs bursts
 * @param timeoutMillis   read timeout (10-100 ms): how long the kernel holds a partly filled block.
 *                        Never 0 without immediate mode (frames would sit in the block for ever)
 */
public record LiveOptions(String iface, String bpf, int snaplen, boolean promiscuous, boolean immediate,
                          int bufferSizeBytes, int timeoutMillis) {
    public static final int DEFAULT_SNAPLEN = 65535;
    public static final int DEFAULT_BUFFER_MB = 32;
    public static final int DEFAULT_TIMEOUT_MS = 100;

    public LiveOptions {
        if (iface == null || iface.isBlank()) {
            throw new IllegalArgumentException("an interface name is required");
        }
        if (snaplen < 64 || snaplen > PcapFileReader.MAX_CAPLEN) {
            throw new IllegalArgumentException("snaplen must be 64.." + PcapFileReader.MAX_CAPLEN + ", got " + snaplen);
        }
        if (bufferSizeBytes < (1 << 20)) {
            throw new IllegalArgumentException("buffer size must be at least 1 MB");
        }
        if (timeoutMillis < 1 || timeoutMillis > 1000) {
            throw new IllegalArgumentException("timeout must be 1..1000 ms, got " + timeoutMillis);
        }
    }

    /** Defaults for an interface: snaplen 65535, promiscuous, batched, 32 MB, 100 ms. */
    public static LiveOptions defaults(String iface) {
        return new LiveOptions(iface, null, DEFAULT_SNAPLEN, true, false, DEFAULT_BUFFER_MB << 20, DEFAULT_TIMEOUT_MS);
    }
}
