package io.impacketsensor.detection.engine;

import io.impacketsensor.core.collections.LruMap;
import io.impacketsensor.detection.response.AllowListMatcher;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which hosts are domain controllers: the configured list, plus (when learning is on) hosts seen
 * answering Kerberos, LDAP, LDAP pings, rootDSE searches or DRSUAPI — what only a DC does in an AD
 * domain — or named as a DC by a DNS DC locator answer ({@link DcLearning}), and hosts being
 * promoted, provisionally and at most {@link #maxPromotions()} a day
 * ({@link DcPromotionLearning}). A DC replicating with another DC (DRSGetNCChanges) is then not
 * DCSync. The learned set is bounded.
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

    /** What showed a host to be a DC, for the counters: the first evidence that made it one. */
    enum Source {
        /** It answered Kerberos (a KDC reply or error) that it did not relay from another KDC ({@link KdcRelays}). */
        KERBEROS("kerberos"),
        /** It answered an LDAP bind. */
        LDAP_BIND("ldap_bind"),
        /** It accepted a DRSUAPI context in a bind. */
        DRSUAPI_BIND("drsuapi_bind"),
        /** Its LDAP rootDSE answer named its nTDSDSA object (dsServiceName, serverName). */
        ROOTDSE("rootdse"),
        /** It answered a CLDAP or LDAP ping as a DC (NETLOGON_SAM_LOGON_RESPONSE_EX flags). */
        CLDAP("cldap"),
        /** A DNS answer gave its address for a domain's _ldap._tcp.dc._msdcs SRV record. */
        DNS_SRV("dns_srv"),
        /** A known DC answered its IDL_DRSAddEntry (provisional, see {@link DcPromotionLearning}). */
        PROMOTION("promotion"),
        /** Another sensor of the fleet saw it answer Kerberos (kafka.shared_dc_learning). */
        FLEET("fleet");

        final String id;

        Source(String id) {
            this.id = id;
        }
    }

    private final Set<InetAddress> configured = new HashSet<>();
    private final Set<InetAddress> learned = new HashSet<>();
    private final boolean learn;
    /** Hosts learned from promotion evidence alone in any {@link DcPromotionLearning#CAP_WINDOW_NANOS}. */
    private final int maxPromotions;
    /** How long promotion evidence alone makes a host a DC. */
    private final long provisionalNanos;
    /** Hosts learned from promotion evidence alone, by the time of their IDL_DRSAddEntry answer. */
    private final HashMap<InetAddress, Promotion> promoted = new HashMap<>();
    /** Hosts learned, per {@link Source} ordinal. */
    private final long[] learnedBy = new long[Source.values().length];
    private long promotionsRefused;
    /** The IDL_DRSAddEntry answer whose host was refused (past the cap), while it is looked at; else null. */
    private Object refusedEvent;
    /** Event time of the latest event (nanoseconds). */
    private long now;
    /** Hosts answering Kerberos as relays of another KDC: not learned from those answers. */
    private final KdcRelays relays = new KdcRelays();

    /** A host learned from promotion evidence alone. */
    private static final class Promotion {
        final long since;
        /** It asked DRSUAPI for names or DCs (DsCrackNames, DsGetDomainControllerInfo). */
        boolean lookedUp;

        Promotion(long since) {
            this.since = since;
        }
    }
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
        this(configured, learn, DcPromotionLearning.DEFAULT_MAX_PROMOTIONS, DcPromotionLearning.DEFAULT_PROVISIONAL_NANOS);
    }

    /**
     * @param maxPromotions    hosts learned from promotion evidence alone in any 24 hours (0: none)
     * @param provisionalNanos how long such a host is a DC unless it serves as one
     */
    DomainControllers(List<String> configured, boolean learn, int maxPromotions, long provisionalNanos) {
        this.maxPromotions = maxPromotions;
        this.provisionalNanos = provisionalNanos;
        for (String s : configured) {
            InetAddress a = AllowListMatcher.parseAddress(s);
            if (a != null) {
                this.configured.add(a);
            }
        }
        this.learn = learn;
    }

    boolean isDc(InetAddress ip) {
        return ip != null && (configured.contains(ip) || learned.contains(ip) || provisional(ip) != null);
    }

    /** The time of the event being looked at: what provisional learning expires against. */
    void tick(long nanos) {
        refusedEvent = null;
        if (nanos > now) {
            now = nanos;
        }
    }

    /** A host answered as a DC would ({@code how}: what it did, for the counters). */
    void observedServing(InetAddress server, Source how) {
        if (learn && server != null && learned.size() < MAX_LEARNED && !configured.contains(server)
                && learned.add(server) && provisional(server) == null) {
            learnedBy[how.ordinal()]++;
        }
    }

    /**
     * A host being promoted to DC: a known DC answered its IDL_DRSAddEntry (see
     * {@link DcPromotionLearning} for why this counts, its limit and its bounds). Returns false when
     * the host was refused because {@link #maxPromotions()} hosts were already
     * learned so in the last {@link DcPromotionLearning#CAP_WINDOW_NANOS} ({@link #promotionRefused}
     * then names {@code ev}); true otherwise (also when learning is off: then nothing is learned and
     * nothing refused).
     */
    boolean observedPromotion(Object ev, InetAddress host, long at) {
        if (!learn || host == null || configured.contains(host) || learned.contains(host)) {
            return true;
        }
        int recent = 0;
        for (Iterator<Promotion> it = promoted.values().iterator(); it.hasNext(); ) {
            Promotion p = it.next();
            if (at - p.since >= Math.max(DcPromotionLearning.CAP_WINDOW_NANOS, provisionalNanos)) {
                it.remove(); // neither provisional nor counted against the cap any more
            } else if (at - p.since < DcPromotionLearning.CAP_WINDOW_NANOS) {
                recent++;
            }
        }
        if (recent >= maxPromotions) {
            promotionsRefused++;
            refusedEvent = ev;
            return false;
        }
        promoted.put(host, new Promotion(at));
        learnedBy[Source.PROMOTION.ordinal()]++;
        return true;
    }

    /** True when {@code ev} is the IDL_DRSAddEntry answer being looked at whose host the cap refused. */
    boolean promotionRefused(Object ev) {
        return ev != null && ev == refusedEvent;
    }

    /** A DRSUAPI DsCrackNames or DsGetDomainControllerInfo request from {@code host}. */
    void observedPromotedLookup(InetAddress host) {
        Promotion p = provisionalOnly(host);
        if (p != null) {
            p.lookedUp = true;
        }
    }

    /**
     * True when {@code host} is a DC only by promotion evidence, still provisional, and has asked
     * DRSUAPI for names or DCs: its replication is then pulled the way DCSync tools pull it.
     */
    boolean promotedHostLookedUp(InetAddress host) {
        Promotion p = provisionalOnly(host);
        return p != null && p.lookedUp;
    }

    /** True when {@code host} is a DC by promotion evidence alone, still provisional. */
    boolean provisionallyPromoted(InetAddress host) {
        return provisionalOnly(host) != null;
    }

    private Promotion provisionalOnly(InetAddress host) {
        if (host == null || configured.contains(host) || learned.contains(host)) {
            return null;
        }
        return provisional(host);
    }

    private Promotion provisional(InetAddress host) {
        if (promoted.isEmpty()) {
            return null;
        }
        Promotion p = promoted.get(host);
        return p != null && now - p.since < provisionalNanos ? p : null;
    }

    /** Hosts learned from promotion evidence alone in any 24 hours ({@code engine.dc_promotion.max_per_day}). */
    int maxPromotions() {
        return maxPromotions;
    }

    /** Hosts learned as DCs per {@link Source}, by its id; a host counts once, under what first showed it. */
    java.util.Map<String, Long> learnedBySource() {
        java.util.Map<String, Long> m = new java.util.LinkedHashMap<>();
        for (Source s : Source.values()) {
            m.put(s.id, learnedBy[s.ordinal()]);
        }
        return java.util.Collections.unmodifiableMap(m);
    }

    /** IDL_DRSAddEntry answers whose host was not learned because the promotion cap was reached. */
    long promotionsRefused() {
        return promotionsRefused;
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
        long range = labelRange(uncOrName);
        if (server != null && range >= 0) {
            SamServer s = samServer(server);
            // A client names its server the same way on every tree connect: the label is made once.
            if (!asciiUpperEquals(s.dnsDomainLabel, uncOrName, (int) (range >>> 32), (int) range)) {
                s.dnsDomainLabel = label(uncOrName, range);
            }
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
        long range = labelRange(uncOrName);
        return range < 0 ? null : label(uncOrName, range);
    }

    /** The label of {@link #labelRange}, in upper case. */
    private static String label(String uncOrName, long range) {
        return uncOrName.substring((int) (range >>> 32), (int) range).toUpperCase(Locale.ROOT);
    }

    /**
     * Where {@link #dnsDomainLabel}'s label lies in {@code uncOrName} (start in the high 32 bits, end in
     * the low ones), or -1 when there is none; read in place, as every tree connect asks.
     */
    private static long labelRange(String uncOrName) {
        if (uncOrName == null) {
            return -1;
        }
        int start = 0;
        while (start < uncOrName.length() && (uncOrName.charAt(start) == '\\' || uncOrName.charAt(start) == '/')) {
            start++;
        }
        int end = start;
        while (end < uncOrName.length() && uncOrName.charAt(end) != '\\' && uncOrName.charAt(end) != '/') {
            end++;
        }
        int colon = uncOrName.indexOf(':', start);
        if (colon >= 0 && colon < end || ipv4Literal(uncOrName, start, end)) {
            return -1;
        }
        int dot = uncOrName.indexOf('.', start);
        if (dot < 0 || dot >= end || dot == start || dot == end - 1) {
            return -1;
        }
        int next = uncOrName.indexOf('.', dot + 1);
        int to = next < 0 || next > end ? end : next;
        return to == dot + 1 ? -1 : (long) (dot + 1) << 32 | to;
    }

    /**
     * True when {@code s} from {@code start} to {@code end} is an address {@link AllowListMatcher#parseAddress}
     * reads without a colon: four dot-separated decimal numbers up to 255 (and at most 45 characters).
     */
    private static boolean ipv4Literal(String s, int start, int end) {
        if (end == start || end - start > 45) {
            return false;
        }
        int part = 0;
        int value = -1;
        for (int i = start; i <= end; i++) {
            char c = i == end ? '.' : s.charAt(i);
            if (c == '.') {
                if (value < 0 || part > 3) {
                    return false;
                }
                part++;
                value = -1;
            } else if (c >= '0' && c <= '9') {
                value = value < 0 ? c - '0' : value * 10 + (c - '0');
                if (value > 255) {
                    return false;
                }
            } else {
                return false;
            }
        }
        return part == 4;
    }

    /** True when the ASCII characters of {@code s} from {@code start} to {@code end} read as {@code upper} in upper case. */
    private static boolean asciiUpperEquals(String upper, String s, int start, int end) {
        if (upper == null || upper.length() != end - start) {
            return false;
        }
        for (int i = start; i < end; i++) {
            char c = s.charAt(i);
            if (c >= 0x80 || (c >= 'a' && c <= 'z' ? (char) (c - ('a' - 'A')) : c) != upper.charAt(i - start)) {
                return false;
            }
        }
        return true;
    }

    KdcRelays relays() {
        return relays;
    }

    int learnedCount() {
        return learned.size();
    }
}
