package io.impacketsensor.detection.engine;

import io.impacketsensor.core.collections.LruMap;
import io.impacketsensor.detection.response.AllowListMatcher;

import java.net.InetAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which hosts are domain controllers: the configured list, plus (when learning is on) hosts seen
 * answering Kerberos, LDAP or DRSUAPI — what only a DC does in an AD domain. A DC replicating with
 * another DC (DRSGetNCChanges) is then not DCSync. The learned set is bounded.
 *
 * <p>Separately, {@link #holdsDomainAccounts} tells which SAMR servers hold a domain's account
 * database, which is where "domain account discovery" happens. Besides the DCs above, a server is
 * learned from SAMR itself: a member server's or a standalone host's SAM knows only its own account
 * domain (named after the computer) and Builtin, a DC's knows the domain (MS-SAMR 3.1.1.7, 3.1.5.11.1).
 * So a successful SamrLookupDomainInSamServer of the domain the server itself announced (its NTLM
 * CHALLENGE's MsvAvNbDomainName when that differs from MsvAvNbComputerName), or of the first label of
 * the DNS domain in the name the client used for it (\\dc1.contoso.local\IPC$, SamrConnect5's
 * ServerName), shows a DC. This second set is never used to excuse DRSUAPI: the names in it come
 * partly from the client, and a host must not be able to declare itself a DC.
 */
final class DomainControllers {
    static final int MAX_LEARNED = 4096;

    private final Set<InetAddress> configured = new HashSet<>();
    private final Set<InetAddress> learned = new HashSet<>();
    private final boolean learn;
    private final LruMap<InetAddress, SamServer> sam = new LruMap<>(MAX_LEARNED);

    /** What a SAMR server said about itself, and what was asked of it. */
    private static final class SamServer {
        /** NTLM MsvAvNbDomainName when the server announced a domain other than its own name; else null. */
        String ntlmDomain;
        /** True when the server's NTLM CHALLENGE named itself as its domain: a standalone (workgroup) host. */
        boolean standalone;
        /** First label of the DNS domain of the name the client used for the server, upper case; else null. */
        String dnsDomainLabel;
        /** Domain name of the last SamrLookupDomainInSamServer request, awaiting its answer. */
        String pendingLookup;
        boolean holdsDomain;
    }

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

    /**
     * A host being promoted to DC: a known DC answered its IDL_DRSAddEntry (see
     * {@link DcPromotionLearning} for why this counts and its limit).
     */
    void observedPromotion(InetAddress host) {
        observedServing(host);
    }

    /**
     * True when {@code server} holds a domain's account database: a configured or learned DC, or a
     * SAMR server that answered a lookup of its own domain (see the class comment) — unless its NTLM
     * CHALLENGE showed a standalone host.
     */
    boolean holdsDomainAccounts(InetAddress server) {
        if (server == null) {
            return false;
        }
        SamServer s = sam.get(server);
        if (s != null && s.standalone) {
            return configured.contains(server);
        }
        return isDc(server) || (s != null && s.holdsDomain);
    }

    /** A server's NTLM CHALLENGE: MsvAvNbDomainName and MsvAvNbComputerName (MS-NLMP 2.2.2.1). */
    void observedNtlmServer(InetAddress server, String nbDomain, String nbComputer) {
        if (server == null || nbDomain == null || nbDomain.isEmpty() || nbComputer == null || nbComputer.isEmpty()) {
            return;
        }
        SamServer s = samServer(server);
        if (nbDomain.equalsIgnoreCase(nbComputer)) {
            s.standalone = true;
            s.ntlmDomain = null;
        } else {
            s.standalone = false;
            s.ntlmDomain = nbDomain;
        }
    }

    /**
     * The name a client used for the server: a tree connect path (\\host\share) or SamrConnect's
     * ServerName (\\host). Only a DNS name gives a domain label; NetBIOS names and IP literals do not.
     */
    void observedServerName(InetAddress server, String uncOrName) {
        String label = dnsDomainLabel(uncOrName);
        if (server != null && label != null) {
            samServer(server).dnsDomainLabel = label;
        }
    }

    /** A SamrLookupDomainInSamServer request naming {@code domain}. */
    void observedSamrLookup(InetAddress server, String domain) {
        if (server != null && domain != null && !domain.isEmpty()) {
            samServer(server).pendingLookup = domain;
        }
    }

    /** The answer to the last SamrLookupDomainInSamServer: {@code status} 0 is STATUS_SUCCESS. */
    void observedSamrLookupResult(InetAddress server, long status) {
        SamServer s = server == null ? null : sam.get(server);
        if (s == null || s.pendingLookup == null) {
            return;
        }
        String d = s.pendingLookup;
        s.pendingLookup = null;
        if (status != 0 || s.standalone || d.equalsIgnoreCase("Builtin")) {
            return;
        }
        if (d.equalsIgnoreCase(s.ntlmDomain) || d.equalsIgnoreCase(s.dnsDomainLabel)) {
            s.holdsDomain = true;
        }
    }

    private SamServer samServer(InetAddress server) {
        SamServer s = sam.get(server);
        if (!learn) {
            return s != null ? s : new SamServer(); // not kept: learning is off
        }
        if (s == null) {
            s = new SamServer();
            sam.put(server, s);
        }
        return s;
    }

    /**
     * {@code \\dc1.contoso.local\IPC$} or {@code \\dc1.contoso.local} → {@code CONTOSO}; null for a
     * single-label name, an IPv4/IPv6 literal or anything else.
     */
    static String dnsDomainLabel(String uncOrName) {
        if (uncOrName == null) {
            return null;
        }
        int start = 0;
        while (start < uncOrName.length() && (uncOrName.charAt(start) == '\\' || uncOrName.charAt(start) == '/')) {
            start++;
        }
        int end = start;
        while (end < uncOrName.length() && uncOrName.charAt(end) != '\\' && uncOrName.charAt(end) != '/') {
            end++;
        }
        String host = uncOrName.substring(start, end);
        if (host.indexOf(':') >= 0 || AllowListMatcher.parseAddress(host) != null) {
            return null;
        }
        int dot = host.indexOf('.');
        if (dot <= 0 || dot == host.length() - 1) {
            return null;
        }
        int next = host.indexOf('.', dot + 1);
        String label = host.substring(dot + 1, next < 0 ? host.length() : next);
        return label.isEmpty() ? null : label.toUpperCase(Locale.ROOT);
    }

    int learnedCount() {
        return learned.size();
    }
}
