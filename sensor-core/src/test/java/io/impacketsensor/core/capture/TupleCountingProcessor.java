package io.impacketsensor.core.capture;

import io.impacketsensor.core.spi.CounterVisitor;
import io.impacketsensor.core.spi.FrameProcessor;

import java.util.HashSet;
import java.util.Set;

/**
 * A test processor that counts frames and distinct TCP/UDP conversations of Ethernet/IPv4 frames
 * (both directions = one conversation, as tshark's {@code -z conv}). Test code: it allocates freely.
 */
final class TupleCountingProcessor implements FrameProcessor {
    volatile long frames;
    final Set<String> tcp = new HashSet<>();
    final Set<String> udp = new HashSet<>();
    boolean finished;

    @Override
    public void process(int linkType, long tsNanos, byte[] buf, int at, int caplen, int wirelen) {
        byte[] f = java.util.Arrays.copyOfRange(buf, at, at + caplen);
        frames++;
        if (linkType != 1 || caplen < 14 + 20) {
            return;
        }
        int off = 12;
        int type = (f[off] & 0xFF) << 8 | (f[off + 1] & 0xFF);
        while (type == 0x8100 || type == 0x88A8) {
            off += 4;
            type = (f[off] & 0xFF) << 8 | (f[off + 1] & 0xFF);
        }
        int ip = off + 2;
        if (type != 0x0800) {
            return;
        }
        int ihl = (f[ip] & 0x0F) * 4;
        int proto = f[ip + 9] & 0xFF;
        int l4 = ip + ihl;
        if (caplen < l4 + 4) {
            return;
        }
        String a = (f[ip + 12] & 0xFF) + "." + (f[ip + 13] & 0xFF) + "." + (f[ip + 14] & 0xFF) + "." + (f[ip + 15] & 0xFF)
                + ":" + ((f[l4] & 0xFF) << 8 | (f[l4 + 1] & 0xFF));
        String b = (f[ip + 16] & 0xFF) + "." + (f[ip + 17] & 0xFF) + "." + (f[ip + 18] & 0xFF) + "." + (f[ip + 19] & 0xFF)
                + ":" + ((f[l4 + 2] & 0xFF) << 8 | (f[l4 + 3] & 0xFF));
        String key = a.compareTo(b) < 0 ? a + "-" + b : b + "-" + a;
        if (proto == 6) {
            tcp.add(key);
        } else if (proto == 17) {
            udp.add(key);
        }
    }

    @Override
    public void tick(long nowNanos) {
    }

    @Override
    public void finish() {
        finished = true;
    }

    @Override
    public void reportCounters(CounterVisitor v) {
        v.counter("test.frames", frames);
        v.counter("test.tcp_conversations", tcp.size());
        v.counter("test.udp_conversations", udp.size());
    }
}
