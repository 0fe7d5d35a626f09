package io.impacketsensor.decoders.dcerpc;

import io.impacketsensor.core.event.DcerpcEvent.Context;
import io.impacketsensor.decoders.text.RecentLists;

import java.util.List;
import java.util.UUID;

/**
 * The presentation contexts (C706 12.6.3.1 p_cont_elem_t with its p_result_t) and context lists of
 * a decode worker's recent BIND events, handed out again when a later BIND or BIND_ACK says the
 * same: nearly every association of a replay binds one of a few interfaces with the same transfer
 * syntax and gets the same answer, and a context and its list per BIND and per BIND_ACK were a
 * twentieth of the worker's allocation. Events are immutable, so they share them; a context or
 * list is reused only when equal in every component. One per worker (or per analyzer without a
 * pool): only its thread reads and writes it.
 */
final class BindContexts {
    /**
     * Distinct contexts and lists remembered (round robin). A tool's associations bind a dozen
     * interfaces or more (endpoint mapper, SAMR, LSARPC, SVCCTL, DRSUAPI, DCOM's ...), each asked and
     * answered, some under several context ids: with 8 the round robin dropped a context before its
     * interface was bound again.
     */
    static final int KEPT = 32;
    private final Context[] contexts = new Context[KEPT];
    private int nextContext;
    @SuppressWarnings("unchecked")
    private final List<Context>[] lists = new List[KEPT];
    private int nextList;

    /** A context equal to {@code new Context(contextId, iface, major, minor, syntaxes, result, reason)}. */
    Context context(int contextId, UUID iface, int major, int minor, List<UUID> syntaxes, int result, int reason) {
        for (Context c : contexts) {
            if (c != null && c.contextId() == contextId && c.versionMajor() == major && c.versionMinor() == minor
                    && c.result() == result && c.reason() == reason && c.interfaceUuid().equals(iface)
                    && RecentLists.equal(c.transferSyntaxes(), syntaxes)) {
                return c;
            }
        }
        Context c = new Context(contextId, iface, major, minor, syntaxes, result, reason);
        contexts[nextContext] = c;
        nextContext = (nextContext + 1) % KEPT;
        return c;
    }

    /**
     * An immutable list equal to {@code l}. A kept list is taken when it holds the very contexts of
     * {@code l} (which come from {@link #context}): a context's own equals compares its transfer
     * syntaxes with {@code List.equals}, an iterator per comparison; a list whose contexts are equal
     * but not the same objects (one dropped from the round robin meanwhile) is only made anew.
     */
    List<Context> list(List<Context> l) {
        for (List<Context> kept : lists) {
            if (kept != null && sameContexts(kept, l)) {
                return kept;
            }
        }
        List<Context> made = immutable(l);
        lists[nextList] = made;
        nextList = (nextList + 1) % KEPT;
        return made;
    }

    private static boolean sameContexts(List<Context> a, List<Context> b) {
        int n = a.size();
        if (b.size() != n) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (a.get(i) != b.get(i)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Nearly every BIND names one or two contexts (Impacket's name one), whose lists hold them in
     * fields instead of an array.
     */
    private static List<Context> immutable(List<Context> l) {
        switch (l.size()) {
            case 0:
                return List.of();
            case 1:
                return List.of(l.get(0));
            case 2:
                return List.of(l.get(0), l.get(1));
            default:
                return List.copyOf(l);
        }
    }
}
