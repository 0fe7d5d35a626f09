package io.impacketsensor.core.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.impacketsensor.core.flow.Direction;
import io.impacketsensor.core.flow.Expectations;
import io.impacketsensor.core.flow.FlowContext;
import io.impacketsensor.core.flow.FlowLimits;
import io.impacketsensor.core.flow.PacketProcessor;
import io.impacketsensor.core.packet.LinkTypes;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Fuzz target: the L2-L4 packet path (every supported link type, VLAN tags, IPv4 with options,
 * IPv6 extension headers, IPv4 and IPv6 fragment reassembly, TCP/UDP, flow table, TCP reassembly)
 * on arbitrary frames. Nothing on this path is inside the analyzer registry's catch, so any
 * exception escapes {@link PacketProcessor#process} and is a finding; the pass-through analyzer
 * never throws, so a non-zero {@code analyzer.exceptions} is a registry bug.
 *
 * <p>Input: records of one byte (low 4 bits: link type index; bit 7: the clock jumps two minutes,
 * expiring fragments and idle flows), a big-endian 16-bit length and that many frame bytes. Seeds:
 * frames of the shared captures, and synthetic IPv4/IPv6 fragment trains (corpus README).
 */
class PacketPathFuzzTest {
    static final int[] LINK_TYPES = {LinkTypes.ETHERNET, LinkTypes.NULL, LinkTypes.RAW, LinkTypes.LOOP,
        LinkTypes.LINUX_SLL, LinkTypes.IPV4, LinkTypes.IPV6, LinkTypes.LINUX_SLL2, LinkTypes.RAW_DLT12,
        LinkTypes.RAW_DLT14};
    /** Small tables so that eviction and limits are reached by short inputs. */
    static final FlowLimits LIMITS = FlowLimits.DEFAULTS.withMaxFlows(16)
            .withFragments(4, 8, 4096, 16_384, 30)
            .withOutOfOrder(8192, 16, 8);

    @FuzzTest(maxDuration = "60s")
    void fuzz(byte[] data) {
        PassThroughFactory.Listener ignore = new PassThroughFactory.Listener() {
            @Override
            public void data(FlowContext ctx, Object analyzer, Direction dir, byte[] buf, int off, int len) {
                if (off < 0 || len < 0 || off + len > buf.length) {
                    throw new AssertionError("delivered range outside its buffer");
                }
            }

            @Override
            public void gap(FlowContext ctx, Object analyzer, Direction dir, long len) {
                if (len <= 0) {
                    throw new AssertionError("gap of " + len + " bytes");
                }
            }
        };
        PacketProcessor p = new PacketProcessor(0, LIMITS, List.of(new PassThroughFactory(ignore)),
                Expectations.of(LIMITS), e -> { });
        long now = 1_700_000_000_000_000_000L;
        int i = 0;
        while (i + 3 <= data.length) {
            int ctl = data[i] & 0xff;
            int len = Math.min(((data[i + 1] & 0xff) << 8) | (data[i + 2] & 0xff), data.length - i - 3);
            i += 3;
            byte[] frame = java.util.Arrays.copyOfRange(data, i, i + len);
            i += len;
            now += (ctl & 0x80) != 0 ? 120_000_000_000L : 1_000_000L;
            p.process(LINK_TYPES[(ctl & 0x0f) % LINK_TYPES.length], now, frame, frame.length, frame.length);
        }
        p.finish();
        long[] exceptions = new long[1];
        p.reportCounters((name, value) -> {
            if (name.equals("analyzer.exceptions")) {
                exceptions[0] = value;
            }
        });
        assertEquals(0, exceptions[0], "analyzer.exceptions");
    }
}
