package io.impacketsensor.decoders.ntlmssp;

import io.impacketsensor.core.event.NtlmEvent;

/**
 * The VERSION structures (MS-NLMP 2.2.2.10) a decode thread put in events lately, given back when
 * a message carries the same one: a replay's clients and servers are a few Windows builds and
 * Impacket, and nearly every NEGOTIATE, CHALLENGE and AUTHENTICATE carries one of them. A
 * {@link NtlmEvent.Version} is an immutable record compared by value, so events share it.
 *
 * <p>One per decode thread, like {@code Utf16Memo} (a worker decodes one token at a time); its
 * {@value #WAYS} entries are replaced in turn.
 */
final class RecentVersions {
    static final int WAYS = 4;

    private static final ThreadLocal<RecentVersions> RECENT = ThreadLocal.withInitial(RecentVersions::new);

    private final NtlmEvent.Version[] kept = new NtlmEvent.Version[WAYS];
    private int next;

    private RecentVersions() {
    }

    /** A version equal to {@code new Version(major, minor, build, revision)}, this thread's kept one when there is one. */
    static NtlmEvent.Version of(int major, int minor, int build, int revision) {
        return RECENT.get().find(major, minor, build, revision);
    }

    private NtlmEvent.Version find(int major, int minor, int build, int revision) {
        for (NtlmEvent.Version v : kept) {
            if (v != null && v.build() == build && v.major() == major && v.minor() == minor
                    && v.revision() == revision) {
                return v;
            }
        }
        NtlmEvent.Version v = new NtlmEvent.Version(major, minor, build, revision);
        kept[next] = v;
        next = (next + 1) % WAYS;
        return v;
    }
}
