package io.impacketsensor.detection.engine;

import io.impacketsensor.detection.response.AllowListMatcher;

import java.net.InetAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Which hosts are domain controllers: the configured list, plus (when learning is on) hosts seen
 * answering Kerberos, LDAP or DRSUAPI — what only a DC does in an AD domain. A DC replicating with
 * another DC (DRSGetNCChanges) is then not DCSync. The learned set is bounded.
 */
final class DomainControllers {
    static final int MAX_LEARNED = 4096;

    private final Set<InetAddress> configured = new HashSet<>();
    private final Set<InetAddress> learned = new HashSet<>();
    private final boolean learn;

    DomainControllers(List<String> configured, boolean learn) {
        for (String s : configured) {
            InetAddress a = AllowListMatcher.parseAddress(s);
            if (a != null) {
                this.configured.add(a);
            }
        }
        this.learn = learn;
    }

    boolean isDc(InetAddress ip) {
        return ip != null && (configured.contains(ip) || learned.contains(ip));
    }

    /** A host answered as a DC would. */
    void observedServing(InetAddress server) {
        if (learn && server != null && learned.size() < MAX_LEARNED && !configured.contains(server)) {
            learned.add(server);
        }
    }

    int learnedCount() {
        return learned.size();
    }
}
