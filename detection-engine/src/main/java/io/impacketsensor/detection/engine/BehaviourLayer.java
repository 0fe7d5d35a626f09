package io.impacketsensor.detection.engine;

import io.impacketsensor.detection.AttackType;
import io.impacketsensor.detection.config.EngineConfig;

import java.net.Inet4Address;
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
    /** Distinct failed accounts remembered per source for spraying. */
    static final int SPRAY_SLOTS = 8;
    static final int SPRAY_ACCOUNTS = 3;

    private static final class Source {
        final long[] protocolSeen = new long[PROTOCOLS];
        RateWindow auth;
        RateWindow failed;
        /** SMB sessions, TGS requests, LDAP searches, unknown principals: allocated when first needed. */
        final RateWindow[] rates = new RateWindow[4];
        int[] failedAccountHash;
        long[] failedAccountTime;
        int sprayNext;
    }

    private static final class Account {
        RateWindow failed;
    }

    private final EngineConfig.Behaviour cfg;
    /** IPv4 sources in a primitive-keyed LRU table; IPv6 sources in an ordinary LRU map. */
    private final Ipv4Lru<Source> sources4;
    private final LruMap<InetAddress, Source> sources6;
    // Indicator texts depend only on the configuration: built once, not per event.
    private final String msgProtocols;
    private final String msgAuthRate;
    private final String msgFailed;
    private final Rate rateSmb;
    private final Rate rateTgs;
    private final Rate rateLdap;
    private final Rate rateUnknown;
    private final LruMap<String, Account> accounts;
    private InetAddress lastIp;
    private Source lastSource;

    BehaviourLayer(EngineConfig.Behaviour cfg) {
        this.cfg = cfg;
        this.sources4 = new Ipv4Lru<>(cfg.maxTrackedIps());
        this.sources6 = new LruMap<>(cfg.maxTrackedIps());
        this.accounts = new LruMap<>(cfg.maxTrackedAccounts());
        this.msgProtocols = "More than " + cfg.protocolsThreshold() + " protocols (SMB, RPC, Kerberos, NTLM, LDAP) "
                + "from one source within " + cfg.protocolsWindowSeconds() + " s";
        this.msgAuthRate = "More than " + cfg.authAttemptsPerMinute() + " authentication attempts per minute from one source";
        this.msgFailed = "More than " + cfg.failedAuthThreshold() + " failed authentications from one source within "
                + cfg.failedAuthWindowSeconds() + " s";
        this.rateSmb = new Rate(0, cfg.smbSessionsPerMinute(), MINUTE, AttackType.RECONNAISSANCE, 0.45,
                "More than " + cfg.smbSessionsPerMinute() + " SMB sessions per minute from one source",
                "behaviour_smb_sessions");
        // A Windows logon alone asks for several service tickets: a TGS burst is monitor-level on its
        // own and becomes an alert with RC4 or account-named SPNs (the Kerberoasting shape).
        this.rateTgs = new Rate(1, cfg.tgsRequestsThreshold(), cfg.tgsWindowSeconds() * SEC, AttackType.KERBEROASTING, 0.45,
                "More than " + cfg.tgsRequestsThreshold() + " service ticket (TGS) requests within "
                        + cfg.tgsWindowSeconds() + " s", "behaviour_tgs_burst");
        this.rateLdap = new Rate(2, cfg.ldapSearchesPerMinute(), MINUTE, AttackType.LDAP_RECON, 0.5,
                "Rapid LDAP enumeration: more than " + cfg.ldapSearchesPerMinute() + " searches per minute",
                "behaviour_ldap_rate");
        this.rateUnknown = new Rate(3, cfg.unknownPrincipalThreshold(), MINUTE, AttackType.USER_ENUMERATION, 0.65,
                "More than " + cfg.unknownPrincipalThreshold()
                        + " KDC_ERR_C_PRINCIPAL_UNKNOWN answers per minute (user enumeration)", "behaviour_user_enum");
    }

    private Source source(InetAddress ip) {
        // Several windows are updated for one event: the last lookup is remembered (same engine thread).
        if (ip == lastIp && lastSource != null) {
            return lastSource;
        }
        Source s;
        if (ip instanceof Inet4Address) {
            int key = ip.hashCode(); // Inet4Address.hashCode() is the address itself, without allocating
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
        long before = s.protocolSeen[protocol];
        s.protocolSeen[protocol] = now;
        if (before != 0 && now - before <= w) {
            return; // not a new protocol in the window: the count did not change, nothing new to say
        }
        int n = 0;
        for (long t : s.protocolSeen) {
            if (t != 0 && now - t <= w) {
                n++;
            }
        }
        if (n > cfg.protocolsThreshold()) {
            e.add(AttackType.RECONNAISSANCE, 0.25, msgProtocols, "behaviour_protocols");
        }
    }

    /** An authentication attempt (seen or reported). */
    void auth(InetAddress ip, String account, boolean success, long now, Evidence e) {
        Source s = source(ip);
        if (s.auth == null) {
            s.auth = new RateWindow(cfg.authAttemptsPerMinute());
        }
        if (s.auth.hit(now, MINUTE)) {
            // Many successful logons are normal for a busy client (a proxy, a file copy): the rate alone is
            // monitor-level; failures (below) make it brute force.
            e.add(AttackType.BRUTE_FORCE, 0.4, msgAuthRate, "behaviour_auth_rate");
        }
        if (success) {
            return;
        }
        long w = cfg.failedAuthWindowSeconds() * SEC;
        if (s.failed == null) {
            s.failed = new RateWindow(cfg.failedAuthThreshold());
            s.failedAccountHash = new int[SPRAY_SLOTS];
            s.failedAccountTime = new long[SPRAY_SLOTS];
        }
        int h = account == null ? 0 : account.hashCode();
        s.failedAccountHash[s.sprayNext] = h;
        s.failedAccountTime[s.sprayNext] = now;
        s.sprayNext = (s.sprayNext + 1) % SPRAY_SLOTS;
        if (s.failed.hit(now, w)) {
            int distinct = distinctAccounts(s, now, w);
            if (distinct >= SPRAY_ACCOUNTS) {
                e.add(AttackType.PASSWORD_SPRAY, 0.75, "More than " + cfg.failedAuthThreshold()
                        + " failed authentications across " + distinct + " accounts within "
                        + cfg.failedAuthWindowSeconds() + " s", "behaviour_password_spray");
            } else {
                e.add(AttackType.BRUTE_FORCE, 0.7, msgFailed, "behaviour_failed_auth");
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
                e.add(AttackType.BRUTE_FORCE, 0.65, "Account " + account + ": more than " + cfg.failedAuthThreshold()
                        + " failed authentications within " + cfg.failedAuthWindowSeconds() + " s", "behaviour_account_failed");
            }
        }
    }

    private static int distinctAccounts(Source s, long now, long w) {
        int n = 0;
        for (int i = 0; i < SPRAY_SLOTS; i++) {
            if (s.failedAccountTime[i] == 0 || now - s.failedAccountTime[i] > w) {
                continue;
            }
            boolean dup = false;
            for (int j = 0; j < i; j++) {
                if (s.failedAccountTime[j] != 0 && now - s.failedAccountTime[j] <= w
                        && s.failedAccountHash[j] == s.failedAccountHash[i]) {
                    dup = true;
                    break;
                }
            }
            if (!dup) {
                n++;
            }
        }
        return n;
    }

    /** A per-source event-rate window: threshold, window, and the finding it raises when exceeded. */
    private record Rate(int slot, int threshold, long windowNanos, AttackType type, double confidence, String indicator,
                        String signature) {
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

    void unknownPrincipal(InetAddress ip, long now, Evidence e) {
        rate(ip, rateUnknown, now, e);
    }

    private void rate(InetAddress ip, Rate r, long now, Evidence e) {
        Source s = source(ip);
        RateWindow w = s.rates[r.slot()];
        if (w == null) {
            w = new RateWindow(r.threshold());
            s.rates[r.slot()] = w;
        }
        if (w.hit(now, r.windowNanos())) {
            e.add(r.type(), r.confidence(), r.indicator(), r.signature());
        }
    }

    int trackedSources() {
        return sources4.size() + sources6.size();
    }

    long evictedSources() {
        return sources4.evictions + sources6.evictions;
    }
}
