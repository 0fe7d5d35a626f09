package io.impacketsensor.core.testkit;

import io.impacketsensor.core.flow.Direction;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The malformed-input harness over any {@code FlowAnalyzer}: a conversation (a list of
 * {@link Step}s) is turned into variants — each step truncated at every byte, each step split at
 * every byte, a reply cut at every byte with the peer's next message started inside it, every
 * limit shrunk by one — and each variant is fed to a fresh analyzer. Whatever the bytes, the
 * analyzer must not throw (an escaped exception would make the registry drop the flow, an
 * evasion); where the bytes are still legal TCP the events must be the same as the whole
 * conversation's; where a limit is hit, the named anomaly is emitted and its counter rises.
 */
public final class Malformed {
    private Malformed() {
    }

    /** One variant of a conversation and where it differs, for the failure message. */
    public record Variant(String where, List<Step> steps) {
    }

    /** Steps 0..i-1 whole, then the first k bytes of step i, for every i and every k in [0, length). */
    public static List<Variant> truncations(List<Step> conv) {
        List<Variant> out = new ArrayList<>();
        for (int i = 0; i < conv.size(); i++) {
            byte[] b = conv.get(i).bytes();
            for (int k = 0; k < b.length; k++) {
                List<Step> l = new ArrayList<>(conv.subList(0, i));
                l.add(new Step(conv.get(i).dir(), Arrays.copyOf(b, k)));
                out.add(new Variant("step " + i + " truncated to " + k, l));
            }
        }
        return out;
    }

    /** The whole conversation with step i delivered as two segments cut at byte k, for every i and k. */
    public static List<Variant> splits(List<Step> conv) {
        return splits(conv, 1);
    }

    /** The same, cutting at every {@code stride}-th byte (1, 1 + stride, ...). */
    public static List<Variant> splits(List<Step> conv, int stride) {
        List<Variant> out = new ArrayList<>();
        for (int i = 0; i < conv.size(); i++) {
            byte[] b = conv.get(i).bytes();
            for (int k = 1; k < b.length; k += stride) {
                List<Step> l = new ArrayList<>(conv.subList(0, i));
                l.add(new Step(conv.get(i).dir(), Arrays.copyOfRange(b, 0, k)));
                l.add(new Step(conv.get(i).dir(), Arrays.copyOfRange(b, k, b.length)));
                l.addAll(conv.subList(i + 1, conv.size()));
                out.add(new Variant("step " + i + " split at " + k, l));
            }
        }
        return out;
    }

    /**
     * Legal TCP interleaving: wherever a step going {@code cut} is followed by one going the other
     * way, the first is cut at every {@code stride}-th byte k and the first {@code head} bytes of
     * the next are delivered between its two parts (a client may send its next request before the
     * reply has fully arrived; a mirror port may deliver the directions out of step). A negative
     * head counts from the end of the next step (-1: all but its last byte); heads outside
     * (0, length) are left out.
     */
    public static List<Variant> interleavings(List<Step> conv, Direction cut, int stride, int... heads) {
        List<Variant> out = new ArrayList<>();
        for (int i = 0; i + 1 < conv.size(); i++) {
            Step cur = conv.get(i);
            Step next = conv.get(i + 1);
            if (cur.dir() != cut || next.dir() == cut) {
                continue;
            }
            byte[] a = cur.bytes();
            byte[] b = next.bytes();
            for (int k = 1; k < a.length; k += stride) {
                for (int h : heads) {
                    int head = h < 0 ? b.length + h : h;
                    if (head <= 0 || head >= b.length) {
                        continue;
                    }
                    List<Step> l = new ArrayList<>(conv.subList(0, i));
                    l.add(new Step(cur.dir(), Arrays.copyOfRange(a, 0, k)));
                    l.add(new Step(next.dir(), Arrays.copyOfRange(b, 0, head)));
                    l.add(new Step(cur.dir(), Arrays.copyOfRange(a, k, a.length)));
                    l.add(new Step(next.dir(), Arrays.copyOfRange(b, head, b.length)));
                    l.addAll(conv.subList(i + 2, conv.size()));
                    out.add(new Variant("step " + i + " cut at " + k + ", next step's head " + head, l));
                }
            }
        }
        return out;
    }

    /** The conversation packed into one segment per change of direction. */
    public static List<Step> packed(List<Step> conv) {
        List<Step> out = new ArrayList<>();
        for (Step st : conv) {
            Step last = out.isEmpty() ? null : out.get(out.size() - 1);
            if (last != null && last.dir() == st.dir()) {
                byte[] b = Arrays.copyOf(last.bytes(), last.bytes().length + st.bytes().length);
                System.arraycopy(st.bytes(), 0, b, last.bytes().length, st.bytes().length);
                out.set(out.size() - 1, new Step(st.dir(), b));
            } else {
                out.add(st);
            }
        }
        return out;
    }

    /**
     * Feeds each variant to a fresh analyzer, then a gap and the close: nothing may throw. Returns
     * the runs, in variant order, for further checks.
     */
    public static <R extends AnalyzerRun<?>> List<R> survives(Supplier<R> fresh, List<Variant> variants) {
        List<R> runs = new ArrayList<>();
        for (Variant v : variants) {
            R r = fresh.get();
            try {
                r.feed(v.steps());
                r.analyzer.onGap(Direction.TO_CLIENT, 17);
                r.close();
            } catch (RuntimeException | AssertionError e) {
                fail(v.where() + ": " + e, e);
            }
            runs.add(r);
        }
        return runs;
    }

    /**
     * Each variant gives what {@code describe} says of the whole conversation, and stays alive:
     * for splits, packing and interleavings, which are the same bytes in legal TCP order.
     */
    public static <R extends AnalyzerRun<?>> void sameAsWhole(Supplier<R> fresh, List<Step> conv,
                                                              List<Variant> variants, Function<R, ?> describe) {
        Object expected = describe.apply(feed(fresh.get(), conv));
        for (Variant v : variants) {
            R r;
            try {
                r = feed(fresh.get(), v.steps());
            } catch (RuntimeException e) {
                fail(v.where() + ": " + e, e);
                return;
            }
            assertTrue(r.alive, v.where());
            assertEquals(expected, describe.apply(r), v.where());
        }
    }

    private static <R extends AnalyzerRun<?>> R feed(R r, List<Step> steps) {
        r.feed(steps);
        return r;
    }

    /**
     * One limit shrunk: with the limit at {@code enough} the conversation raises no anomaly; one
     * less gives exactly the anomaly {@code anomaly}, raises {@code counter} (when not null), keeps
     * the flow alive and throws nothing. Returns the shrunk run for further checks.
     */
    public static <R extends AnalyzerRun<?>> R limitShrunk(IntFunction<R> withLimit, int enough, List<Step> conv,
                                                           String anomaly, String counter) {
        R ok = withLimit.apply(enough);
        ok.feed(conv);
        assertTrue(ok.alive, "limit " + enough);
        assertEquals(List.of(), ok.ctx.anomalies(), "limit " + enough);
        R r = withLimit.apply(enough - 1);
        r.feed(conv);
        assertEquals(List.of(anomaly), r.ctx.anomalies(), "limit " + (enough - 1));
        assertTrue(r.alive, anomaly + ": the flow goes on");
        if (counter != null) {
            assertTrue(r.counter(counter) > ok.counter(counter),
                    counter + " " + ok.counter(counter) + " -> " + r.counter(counter));
        }
        return r;
    }
}
