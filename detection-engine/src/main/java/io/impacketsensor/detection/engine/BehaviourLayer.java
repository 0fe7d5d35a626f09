package io.impacketsensor.detection.engine;

import io.impacketsensor.core.collections.LruMap;
import io.impacketsensor.core.event.EventHeader;
import io.impacketsensor.detection.config.EngineConfig;
import io.impacketsensor.detection.rules.Rule;

import java.net.InetAddress;

/**
 * Layer 4: sliding windows per source address and per account with the specification's thresholds:
 * more than 10 authentication attempts per minute, more than 5 failed authentications, more than 3
 * protocols, more than 20 SMB sessions per minute, more than 5 TGS requests in 5 minutes (plus LDAP
 * search and unknown-principal bursts). State is counters and rings of timestamps, allocated when
 * first needed; sources and accounts are each capped with LRU eviction.
 */
final class BehaviourLayer {
    static final int PROTOCOLS = 5;
    static final long MINUTE = 60_000_000_000L;
    static final long SEC = 1_000_000_000L;
    /**
     * Distinct failed accounts remembered per source for spraying: at least this many, more when
     * {@code behaviour.spray_accounts} (default 10) asks for more. A spray goes wide: fewer accounts is
     * what a shared host (a jump server, a terminal server) or an application with stale credentials
     * for a handful of accounts produces every day; SIEM spray rules start at 10 or more accounts.
     */
    static final int SPRAY_SLOTS = 16;
    /** Distinct user-account SPNs remembered per source for the RC4 service-ticket burst. */
    static final int ROAST_SLOTS = 8;
    /** RC4 service tickets for this many different non-computer SPNs within the TGS window: Kerberoasting. */
    static final int ROAST_SPNS = 3;
    /** Netlogon pass-through logons (NetrLogonSamLogon*) from one host: more than this within the window... */
    static final int NETLOGON_LOGONS = 5;
    static final long NETLOGON_WINDOW = 10 * SEC;
    /** ...while the host itself served no NTLM authentication within this window (nothing to pass through). */
    static final long NTLM_SERVED_WINDOW = 60 * SEC;
    /**
     * Servers one source asks who is logged on there (NetrSessionEnum, NetrWkstaUserEnum): at least
     * this many different ones within the window is a sweep. An administrator asks the one or two
     * servers a problem is on; netview.py and BloodHound's session collection ask every host they
     * find, to locate where privileged users are logged on.
     */
    static final int SESSION_SWEEP_HOSTS = 4;
    static final long SESSION_SWEEP_WINDOW = 10 * MINUTE;
    /**
     * Presentation contexts rejected as an unsupported interface (provider rejection, reason abstract
     * syntax not supported: C706 12.6.3.1, MS-RPCE 2.2.2.4) for one client within the window: at least
     * this many is an interface brute force (rpcmap.py -brute-uuids binds one UUID after another, a
     * dozen within its first two seconds). A client binds the interfaces it knows the server has; the
     * rejections Windows and Samba clients get are of transfer syntaxes (NDR64, bind-time feature
     * negotiation), which do not count.
     */
    static final int REJECTED_INTERFACES = 10;
    static final long REJECTED_INTERFACES_WINDOW = MINUTE;
    /**
     * Accounts one source opens by RID over SAMR (SamrOpenUser, MS-SAMR 3.1.5.1.9): at least this many
     * different ones within the window is a per-account dump (samrdump.py opens, queries and closes every
     * account of the domain in turn; RID cycling walks a range). Windows opens one account at a time, for
     * the user an administrator asks about or whose password is changed.
     */
    static final int SAMR_ACCOUNTS = 6;
    static final long SAMR_ACCOUNTS_WINDOW = MINUTE;
    /**
     * Accounts one source sends AS-REQs for without pre-authentication, offering rc4-hmac alone: at
     * least this many different ones within the window is AS-REP roasting tried over a list of names.
     */
    static final int ASREP_ROAST_ACCOUNTS = 4;
    static final long ASREP_ROAST_WINDOW = MINUTE;

    /**
     * One source's windows. The protocol times, read on every event, are fields of the entry itself
     * (no array behind it): the lookup's second cache miss is the last one for most events.
     */
    private static final class Source extends Ipv4NodeLru.Node {
        /** When each protocol (BehaviourRouting's numbering, 0 to PROTOCOLS - 1) was last seen; 0: never. */
        long seen0;
        long seen1;
        long seen2;
        long seen3;
        long seen4;
        RateWindow auth;
        RateWindow failed;
        /** SMB sessions, TGS requests, LDAP searches ({@link Rate#slot()} 0, 1, 2): allocated when first needed. */
        RateWindow rate0;
        RateWindow rate1;
        RateWindow rate2;
        DistinctWindow failedAccounts;
        DistinctWindow unknownPrincipals;
        DistinctWindow rc4Spns;
        RateWindow netlogon;
        DistinctWindow sessionEnumServers;
        RateWindow rejectedInterfaces;
        DistinctWindow samrAccounts;
        DistinctWindow asRepRoastAccounts;
        /** When this host last answered an NTLM AUTHENTICATE as the server (0: never). */
        long ntlmServed;
    }

    private static final class Account {
        RateWindow failed;
        /** This account's brute-force indicator, made when first raised. */
        String failedText;
    }

    private final EngineConfig.Behaviour cfg;
    /** IPv4 sources in a primitive-keyed LRU table; IPv6 sources in an ordinary LRU map. */
    private final Ipv4NodeLru<Source> sources4;
    private final LruMap<InetAddress, Source> sources6;
    // Indicator texts depend only on the configuration: built once, not per event.
    private final String msgProtocols;
    private final String msgAuthRate;
    private final String msgFailed;
    private final Rate rateSmb;
    private final Rate rateTgs;
    private final Rate rateLdap;
    private final String msgUnknown;
    private final String msgSessionSweep;
    private final String msgRejectedInterfaces;
    private final String msgSamrAccounts;
    private final String msgAsRepRoast;
    private final LruMap<String, Account> accounts;
    /** {@link #failedText} by account count, filled on first use. */
    private String[] failedTexts;
    private String[] sprayTexts;
    private InetAddress lastIp;
    private Source lastSource;
    /** The address {@link #from} named last, and its number. */
    private InetAddress keyedIp;
    private long keyedIpv4;

    BehaviourLayer(EngineConfig.Behaviour cfg) {
        this.cfg = cfg;
        this.sources4 = new Ipv4NodeLru<>(cfg.maxTrackedIps());
        this.sources6 = new LruMap<>(cfg.maxTrackedIps());
        this.accounts = new LruMap<>(cfg.maxTrackedAccounts());
        this.msgProtocols = "More than " + cfg.protocolsThreshold() + " protocols (SMB, RPC, Kerberos, NTLM, LDAP) "
                + "from one source within " + cfg.protocolsWindowSeconds() + " s";
        this.msgAuthRate = "More than " + cfg.authAttemptsPerMinute() + " authentication attempts per minute from one source";
        this.msgFailed = "More than " + cfg.failedAuthThreshold() + " failed authentications from one source within "
                + cfg.failedAuthWindowSeconds() + " s";
        this.rateSmb = new Rate(0, cfg.smbSessionsPerMinute(), MINUTE, Rules.BEHAVIOUR_SMB_SESSIONS,
                "More than " + cfg.smbSessionsPerMinute() + " SMB sessions per minute from one source");
        // A Windows logon alone asks for several service tickets: a TGS burst is monitor-level on its
        // own and becomes an alert with RC4 or account-named SPNs (the Kerberoasting shape).
        this.rateTgs = new Rate(1, cfg.tgsRequestsThreshold(), cfg.tgsWindowSeconds() * SEC, Rules.BEHAVIOUR_TGS_BURST,
                "More than " + cfg.tgsRequestsThreshold() + " service ticket (TGS) requests within "
                        + cfg.tgsWindowSeconds() + " s");
        this.rateLdap = new Rate(2, cfg.ldapSearchesPerMinute(), MINUTE, Rules.BEHAVIOUR_LDAP_RATE,
                "Rapid LDAP enumeration: more than " + cfg.ldapSearchesPerMinute() + " searches per minute");
        this.msgSessionSweep = "Sessions or logged-on users asked of " + SESSION_SWEEP_HOSTS + " or more different servers "
                + "within " + SESSION_SWEEP_WINDOW / MINUTE + " minutes (NetrSessionEnum, NetrWkstaUserEnum)";
        this.msgRejectedInterfaces = REJECTED_INTERFACES + " or more DCE/RPC interfaces rejected as not supported "
                + "(abstract syntax) within " + REJECTED_INTERFACES_WINDOW / SEC + " s from one source (interface UUID brute force)";
        this.msgSamrAccounts = SAMR_ACCOUNTS + " or more different accounts opened by RID over SAMR (SamrOpenUser) within "
                + SAMR_ACCOUNTS_WINDOW / SEC + " s from one source (per-account dump)";
        this.msgAsRepRoast = "AS-REQs without pre-authentication offering only rc4-hmac for " + ASREP_ROAST_ACCOUNTS
                + " or more different accounts within " + ASREP_ROAST_WINDOW / SEC + " s from one source";
        this.msgUnknown = "More than " + cfg.unknownPrincipalThreshold()
                + " different principals answered KDC_ERR_C_PRINCIPAL_UNKNOWN within a minute (user enumeration)";
    }

    private Source source(InetAddress ip) {
        // Several windows are updated for one event: the last lookup is remembered (same engine thread).
        if (ip == lastIp && lastSource != null) {
            return lastSource;
        }
        return lookUp(ip, ip == keyedIp ? keyedIpv4 : EventHeader.Ends.ipv4(ip));
    }

    /**
     * Gives the number of the address this event's windows are for, from the event's header: its
     * entry is then found without reading the {@code InetAddress} ({@link EventHeader.Ends} says why).
     * Nothing is looked up or tracked until a window needs the entry.
     *
     * @param ipv4 {@code ip} as a number ({@link EventHeader.Ends#ipv4}), -1 when it is IPv6
     */
    void from(InetAddress ip, long ipv4) {
        keyedIp = ip;
        keyedIpv4 = ipv4;
    }

    private Source lookUp(InetAddress ip, long ipv4) {
        Source s;
        if (ipv4 >= 0) {
            int key = (int) ipv4;
            s = sources4.get(key);
            if (s == null) {
                s = new Source();
                sources4.putAbsent(key, s);
            }
        } else {
            s = sources6.get(ip);
            if (s == null) {
                s = new Source();
                sources6.put(ip, s);
            }
        }
        lastIp = ip;
        lastSource = s;
        return s;
    }

    /** Every event: the protocol diversity window. */
    void protocol(InetAddress ip, int protocol, long now, Evidence e) {
        Source s = source(ip);
        long w = cfg.protocolsWindowSeconds() * SEC;
        long before;
        switch (protocol) {
            case 0 -> {
                before = s.seen0;
                s.seen0 = now;
            }
            case 1 -> {
                before = s.seen1;
                s.seen1 = now;
            }
            case 2 -> {
                before = s.seen2;
                s.seen2 = now;
            }
            case 3 -> {
                before = s.seen3;
                s.seen3 = now;
            }
            case 4 -> {
                before = s.seen4;
                s.seen4 = now;
            }
            default -> throw new IllegalArgumentException("protocol " + protocol);
        }
        if (before != 0 && now - before <= w) {
            return; // not a new protocol in the window: the count did not change, nothing new to say
        }
        int n = within(s.seen0, now, w) + within(s.seen1, now, w) + within(s.seen2, now, w)
                + within(s.seen3, now, w) + within(s.seen4, now, w);
        if (n > cfg.protocolsThreshold()) {
            e.add(Rules.BEHAVIOUR_PROTOCOLS, msgProtocols);
        }
    }

    private static int within(long seen, long now, long w) {
        return seen != 0 && now - seen <= w ? 1 : 0;
    }

    /**
     * An authentication attempt (seen or reported). {@code account} is read only for a failure (the
     * spraying and per-account windows); a success counts in the source's rate alone, and callers
     * may pass null for it.
     */
    void auth(InetAddress ip, String account, boolean success, long now, Evidence e) {
        Source s = source(ip);
        if (s.auth == null) {
            s.auth = new RateWindow(cfg.authAttemptsPerMinute());
        }
        boolean rateHit = s.auth.hit(now, MINUTE);
        if (success) {
            if (rateHit) {
                // Many successful logons are normal for a busy client (a proxy, a file copy): the rate alone
                // is monitor-level; failures (below) make it brute force.
                e.add(Rules.BEHAVIOUR_AUTH_RATE, msgAuthRate);
            }
            return;
        }
        int findings = e.size();
        long w = cfg.failedAuthWindowSeconds() * SEC;
        if (s.failed == null) {
            s.failed = new RateWindow(cfg.failedAuthThreshold());
            s.failedAccounts = new DistinctWindow(Math.max(SPRAY_SLOTS, cfg.sprayAccounts()));
        }
        int distinct = s.failedAccounts.add(account == null ? 0 : account.hashCode(), now, w);
        if (s.failed.hit(now, w)) {
            if (distinct >= cfg.sprayAccounts()) {
                e.add(Rules.BEHAVIOUR_PASSWORD_SPRAY, failedText(true, distinct));
            } else {
                // Failures spread over a few accounts: a stale credential, users mistyping on a shared
                // host. Monitor-level; many failures for one account (below) is the brute force.
                e.add(Rules.BEHAVIOUR_FAILED_AUTH, failedText(false, distinct));
            }
        }
        if (account != null && !account.isEmpty()) {
            Account a = accounts.get(account);
            if (a == null) {
                a = new Account();
                a.failed = new RateWindow(cfg.failedAuthThreshold());
                accounts.put(account, a);
            }
            if (a.failed.hit(now, w)) {
                if (a.failedText == null) {
                    // A brute force fails for one account again and again: its text is made once.
                    a.failedText = "Account " + account + ": more than " + cfg.failedAuthThreshold()
                            + " failed authentications within " + cfg.failedAuthWindowSeconds() + " s";
                }
                e.add(Rules.BEHAVIOUR_ACCOUNT_FAILED, a.failedText);
            }
        }
        if (rateHit && e.size() == findings) {
            // The failure findings already say what the attempts are; the rate is added only alone, so that
            // one burst is not counted twice as independent evidence.
            e.add(Rules.BEHAVIOUR_AUTH_RATE, msgAuthRate);
        }
    }

    /**
     * The failed-authentication indicator for failures across {@code distinct} accounts (a spray when
     * {@code spray}), made once per count: a source that keeps failing raises it at every failure
     * past the threshold. The count is at most the accounts window's size.
     */
    private String failedText(boolean spray, int distinct) {
        String[] texts = spray ? sprayTexts : failedTexts;
        if (texts == null) {
            texts = new String[Math.max(SPRAY_SLOTS, cfg.sprayAccounts()) + 1];
            if (spray) {
                sprayTexts = texts;
            } else {
                failedTexts = texts;
            }
        }
        String t = texts[distinct];
        if (t == null) {
            t = spray
                    ? "More than " + cfg.failedAuthThreshold() + " failed authentications across " + distinct
                            + " accounts within " + cfg.failedAuthWindowSeconds() + " s"
                    : msgFailed + " (" + distinct + (distinct == 1 ? " account)" : " accounts)");
            texts[distinct] = t;
        }
        return t;
    }

    /** A per-source event-rate window: threshold, window, and the finding it raises when exceeded. */
    private record Rate(int slot, int threshold, long windowNanos, Rule rule, String indicator) {
    }

    void smbSession(InetAddress ip, long now, Evidence e) {
        rate(ip, rateSmb, now, e);
    }

    void tgsRequest(InetAddress ip, long now, Evidence e) {
        rate(ip, rateTgs, now, e);
    }

    void ldapSearch(InetAddress ip, long now, Evidence e) {
        rate(ip, rateLdap, now, e);
    }

    /**
     * A KDC_ERR_C_PRINCIPAL_UNKNOWN answer for {@code principal}. Enumeration is many different names:
     * a client retrying one misspelt or foreign principal (an enterprise name the realm does not know)
     * counts once.
     */
    void unknownPrincipal(InetAddress ip, String principal, long now, Evidence e) {
        Source s = source(ip);
        int threshold = cfg.unknownPrincipalThreshold();
        if (s.unknownPrincipals == null) {
            s.unknownPrincipals = new DistinctWindow(threshold + 1);
        }
        int before = s.unknownPrincipals.count(now, MINUTE);
        int n = s.unknownPrincipals.add(principal.hashCode(), now, MINUTE);
        if (n > threshold && n > before) {
            e.add(Rules.BEHAVIOUR_USER_ENUM, msgUnknown);
        }
    }

    /**
     * An RC4 service ticket issued for a non-computer SPN ({@code spn}): user accounts behind SPNs are
     * what Kerberoasting cracks offline. One such ticket is ordinary (a service account without AES
     * keys); tickets for several different ones within the TGS window from one client is the roast.
     */
    void rc4UserTicket(InetAddress ip, String spn, long now, Evidence e) {
        Source s = source(ip);
        if (s.rc4Spns == null) {
            // One slot more than the TGS threshold, so "more than threshold" can be counted.
            s.rc4Spns = new DistinctWindow(Math.max(ROAST_SLOTS, cfg.tgsRequestsThreshold() + 1));
        }
        long w = cfg.tgsWindowSeconds() * SEC;
        int before = s.rc4Spns.count(now, w);
        int n = s.rc4Spns.add(spn.hashCode(), now, w);
        if (n >= ROAST_SPNS && n > before) {
            // The specification's Kerberoasting rule: more than tgs_requests_threshold (5) SPN requests
            // answered with RC4 is 0.7+ (block). From three different user SPNs it is already an alert.
            boolean overThreshold = n > cfg.tgsRequestsThreshold();
            e.add(overThreshold ? Rules.BEHAVIOUR_RC4_TICKETS_MANY : Rules.BEHAVIOUR_RC4_TICKETS,
                    "RC4 service tickets for " + n
                    + " different user-account SPNs within " + cfg.tgsWindowSeconds() + " s (latest: " + spn + ")");
        }
    }

    /** The host answered an NTLM AUTHENTICATE as the server: it has logons to pass through to a DC. */
    void ntlmServed(InetAddress server, long now) {
        source(server).ntlmServed = now;
    }

    /**
     * A Netlogon pass-through logon (NetrLogonSamLogon, -Ex, -WithFlags; MS-NRPC 3.5.4.5) sent by
     * {@code ip} to a DC. A member passes through the NTLM logons of its own clients; a burst from a
     * host that served no NTLM authentication itself means logons attempted on that host with domain
     * credentials (LogonUser-style password guessing). The results travel sealed.
     */
    void netlogonLogon(InetAddress ip, long now, Evidence e) {
        Source s = source(ip);
        if (s.netlogon == null) {
            s.netlogon = new RateWindow(NETLOGON_LOGONS);
        }
        if (!s.netlogon.hit(now, NETLOGON_WINDOW)) {
            return;
        }
        boolean served = s.ntlmServed != 0 && now - s.ntlmServed <= NTLM_SERVED_WINDOW;
        e.add(served ? Rules.BEHAVIOUR_NETLOGON_BURST_SERVED : Rules.BEHAVIOUR_NETLOGON_BURST, "More than " + NETLOGON_LOGONS
                + " Netlogon pass-through logons (NetrLogonSamLogon*) within 10 s from a host that "
                + (served ? "also served NTLM logons" : "served no NTLM logon itself (credentials tried on that host)"));
    }

    /** {@code ip} asked {@code server} which sessions or logged-on users it has. */
    void sessionEnum(InetAddress ip, InetAddress server, long now, Evidence e) {
        if (server == null) {
            return;
        }
        Source s = source(ip);
        if (s.sessionEnumServers == null) {
            s.sessionEnumServers = new DistinctWindow(SESSION_SWEEP_HOSTS);
        }
        int before = s.sessionEnumServers.count(now, SESSION_SWEEP_WINDOW);
        // Inet4Address.hashCode() is the address itself: distinct IPv4 servers never collide
        int n = s.sessionEnumServers.add(server.hashCode(), now, SESSION_SWEEP_WINDOW);
        if (n >= SESSION_SWEEP_HOSTS && n > before) {
            e.add(Rules.BEHAVIOUR_SESSION_ENUM_SWEEP, msgSessionSweep);
        }
    }

    /** The server answered {@code ip}'s BIND or ALTER_CONTEXT: {@code rejected} interfaces not supported. */
    void rejectedInterfaces(InetAddress ip, int rejected, long now, Evidence e) {
        Source s = source(ip);
        if (s.rejectedInterfaces == null) {
            // "more than threshold" in RateWindow terms: REJECTED_INTERFACES - 1 fires on the Nth
            s.rejectedInterfaces = new RateWindow(REJECTED_INTERFACES - 1);
        }
        boolean hit = false;
        for (int i = 0; i < rejected; i++) {
            hit |= s.rejectedInterfaces.hit(now, REJECTED_INTERFACES_WINDOW);
        }
        if (hit) {
            e.add(Rules.BEHAVIOUR_RPC_INTERFACE_BRUTE_FORCE, msgRejectedInterfaces);
        }
    }

    /**
     * {@code ip} opened the account of {@code rid} over SAMR. Counted per source by RID (the same RID
     * on two servers counts once, which can only lower the count): a client retrying one account is one.
     */
    void samrAccountOpened(InetAddress ip, long rid, long now, Evidence e) {
        Source s = source(ip);
        if (s.samrAccounts == null) {
            s.samrAccounts = new DistinctWindow(SAMR_ACCOUNTS);
        }
        int before = s.samrAccounts.count(now, SAMR_ACCOUNTS_WINDOW);
        int n = s.samrAccounts.add(Long.hashCode(rid), now, SAMR_ACCOUNTS_WINDOW);
        if (n >= SAMR_ACCOUNTS && n > before) {
            e.add(Rules.BEHAVIOUR_SAMR_ACCOUNT_LOOP, msgSamrAccounts);
        }
    }

    /** {@code ip} sent an AS-REQ without pre-authentication, offering rc4-hmac alone, for {@code account}. */
    void asRepRoastRequest(InetAddress ip, String account, long now, Evidence e) {
        Source s = source(ip);
        if (s.asRepRoastAccounts == null) {
            s.asRepRoastAccounts = new DistinctWindow(ASREP_ROAST_ACCOUNTS);
        }
        int before = s.asRepRoastAccounts.count(now, ASREP_ROAST_WINDOW);
        int n = s.asRepRoastAccounts.add(account.hashCode(), now, ASREP_ROAST_WINDOW);
        if (n >= ASREP_ROAST_ACCOUNTS && n > before) {
            e.add(Rules.BEHAVIOUR_ASREP_ROAST_REQUESTS, msgAsRepRoast);
        }
    }

    private void rate(InetAddress ip, Rate r, long now, Evidence e) {
        Source s = source(ip);
        RateWindow w = switch (r.slot()) {
            case 0 -> s.rate0;
            case 1 -> s.rate1;
            default -> s.rate2;
        };
        if (w == null) {
            w = new RateWindow(r.threshold());
            switch (r.slot()) {
                case 0 -> s.rate0 = w;
                case 1 -> s.rate1 = w;
                default -> s.rate2 = w;
            }
        }
        if (w.hit(now, r.windowNanos())) {
            e.add(r.rule(), r.indicator());
        }
    }

    int trackedSources() {
        return sources4.size() + sources6.size();
    }

    long evictedSources() {
        return sources4.evictions() + sources6.evictions();
    }
}
