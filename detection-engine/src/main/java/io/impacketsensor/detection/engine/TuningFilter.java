package io.impacketsensor.detection.engine;

import io.impacketsensor.core.collections.LruMap;
import io.impacketsensor.core.event.DcerpcEvent;
import io.impacketsensor.core.event.KerberosEvent;
import io.impacketsensor.core.event.LdapEvent;
import io.impacketsensor.core.event.NtlmEvent;
import io.impacketsensor.core.event.RpcArgs;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.detection.response.AllowListMatcher;
import io.impacketsensor.detection.rules.Rule;
import io.impacketsensor.detection.rules.Tuning;

import java.net.InetAddress;
import java.util.List;

/**
 * The suppressions and thresholds of a {@link Tuning}, compiled for the engine thread: after the
 * layers ran, findings an entry matches are removed from the event's {@link Evidence} before the
 * decision, so a suppressed or thresholded finding neither raises nor raises the confidence of an
 * alert. Threshold counters live in a bounded LRU map per (entry, tracked address).
 */
final class TuningFilter {
    private final Sup[] sups;
    private final Th[] ths;
    private final LruMap<ThKey, long[]> counters;

    private record Sup(Tuning.Selector sel, AllowListMatcher src, AllowListMatcher dst, List<String> accounts,
                       List<String> services) {
    }

    private record Th(Tuning.Selector sel, Tuning.Threshold t) {
    }

    private record ThKey(int entry, InetAddress address) {
    }

    TuningFilter(Tuning t, int maxTracked) {
        sups = new Sup[t.suppressions().size()];
        for (int i = 0; i < sups.length; i++) {
            Tuning.Suppression s = t.suppressions().get(i);
            sups[i] = new Sup(s.selector(), s.src().isEmpty() ? null : new AllowListMatcher(s.src(), List.of()),
                    s.dst().isEmpty() ? null : new AllowListMatcher(s.dst(), List.of()), s.accounts(), s.services());
        }
        ths = new Th[t.thresholds().size()];
        for (int i = 0; i < ths.length; i++) {
            ths[i] = new Th(t.thresholds().get(i).selector(), t.thresholds().get(i));
        }
        counters = new LruMap<>(Math.max(16, maxTracked));
    }

    boolean isEmpty() {
        return sups.length == 0 && ths.length == 0;
    }

    /** Removes the findings of this event that a suppression or threshold drops; counts them per rule. */
    void filter(SensorEvent ev, InetAddress src, InetAddress dst, long now, Evidence e) {
        int kept = 0;
        for (int i = 0; i < e.size; i++) {
            Rule r = e.rules[i];
            if (suppressed(r, ev, src, dst) || thresholded(r, src, dst, now)) {
                e.active.suppressed[r.index()]++;
                continue;
            }
            e.move(i, kept++);
        }
        e.truncate(kept);
    }

    private boolean suppressed(Rule r, SensorEvent ev, InetAddress src, InetAddress dst) {
        for (Sup s : sups) {
            if (!s.sel().matches(r)) {
                continue;
            }
            // Every condition given must hold (a source range AND an account narrows, not widens).
            if (s.src() != null && (src == null || !s.src().isAdmin(src))) {
                continue;
            }
            if (s.dst() != null && (dst == null || !s.dst().isAdmin(dst))) {
                continue;
            }
            if (!s.accounts().isEmpty() && !anyEquals(s.accounts(), account(ev))) {
                continue;
            }
            if (!s.services().isEmpty() && !anyEquals(s.services(), serviceName(ev))) {
                continue;
            }
            return true;
        }
        return false;
    }

    private boolean thresholded(Rule r, InetAddress src, InetAddress dst, long now) {
        boolean drop = false;
        for (int i = 0; i < ths.length; i++) {
            Th th = ths[i];
            if (!th.sel().matches(r)) {
                continue;
            }
            InetAddress a = th.t().track() == Tuning.Track.BY_SRC ? src : dst;
            if (a == null) {
                continue;
            }
            ThKey k = new ThKey(i, a);
            long[] c = counters.get(k);
            long window = th.t().seconds() * BehaviourLayer.SEC;
            if (c == null) {
                c = new long[]{now, 0, 0};
                counters.put(k, c);
            } else if (now - c[0] > window) {
                c[0] = now;
                c[1] = 0;
                c[2] = 0;
            }
            c[1]++;
            int n = th.t().count();
            boolean pass = switch (th.t().type()) {
                // Suricata threshold.config: limit passes the first n per window; threshold every n-th;
                // both once per window after n.
                case LIMIT -> c[1] <= n;
                case THRESHOLD -> c[1] % n == 0;
                case BOTH -> {
                    if (c[1] >= n && c[2] == 0) {
                        c[2] = 1;
                        yield true;
                    }
                    yield false;
                }
            };
            drop |= !pass;
        }
        return drop;
    }

    private static boolean anyEquals(List<String> l, String v) {
        if (v == null) {
            return false;
        }
        for (String s : l) {
            if (s.equalsIgnoreCase(v)) {
                return true;
            }
        }
        return false;
    }

    /** The account an event names (NTLM user or DOMAIN\\user, Kerberos client, LDAP simple bind), or null. */
    static String account(SensorEvent ev) {
        if (ev instanceof NtlmEvent.NtlmAuthenticate a) {
            return a.user();
        }
        if (ev instanceof KerberosEvent.KerberosRequest k && k.cname() != null && !k.cname().components().isEmpty()) {
            return k.cname().components().get(0);
        }
        if (ev instanceof KerberosEvent.KerberosReply k && k.cname() != null && !k.cname().components().isEmpty()) {
            return k.cname().components().get(0);
        }
        if (ev instanceof LdapEvent.LdapBind b) {
            return b.name();
        }
        return null;
    }

    /** The service an SVCCTL request names (created, opened, or behind the handle it acts on), or null. */
    static String serviceName(SensorEvent ev) {
        if (ev instanceof DcerpcEvent.DcerpcRequest r) {
            RpcArgs a = r.args();
            if (a instanceof RpcArgs.ScmCreateService cs) {
                return cs.serviceName();
            }
            if (a instanceof RpcArgs.ScmOpenService os) {
                return os.serviceName();
            }
            if (a instanceof RpcArgs.ScmServiceAction sa) {
                return sa.serviceName();
            }
        }
        return null;
    }
}
