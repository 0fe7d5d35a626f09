package io.impacketsensor.detection.engine;

import io.impacketsensor.core.collections.LongLruMap;
import io.impacketsensor.core.collections.LruMap;
import io.impacketsensor.core.wire.Bytes;
import io.impacketsensor.core.event.EventHeader;
import io.impacketsensor.core.event.NtlmEvent;
import io.impacketsensor.detection.config.EngineConfig;

import java.net.InetAddress;

/**
 * Layer 5: NTLM relay correlation (INDICATORS.md §1, ntlmrelayx): the same ServerChallenge or the
 * same NTLMv2 proof on two connections within seconds, one account authenticating from several
 * addresses, and a workstation name that does not match the one the address used before. (MIC
 * removal is a single-message check in the anomaly layer.) All maps are bounded LRU maps.
 */
final class RelayLayer {
    /**
     * The last connection that carried a challenge or a proof. Updated in place when the value comes
     * again (a fixed challenge comes on every connection), so a repeat allocates nothing.
     */
    private static final class Seen {
        long flowId;
        InetAddress client;
        InetAddress server;
        long time;

        Seen(EventHeader h, long time) {
            set(h, time);
        }

        void set(EventHeader h, long time) {
            this.flowId = h.flowId();
            this.client = h.clientIp();
            this.server = h.serverIp();
            this.time = time;
        }
    }

    /** An NTLMv2 proof's 16 bytes; {@link #proofProbe} is reused for lookups, stored keys never change. */
    private static final class ProofKey {
        long hi;
        long lo;

        ProofKey(long hi, long lo) {
            this.hi = hi;
            this.lo = lo;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ProofKey k && k.hi == hi && k.lo == lo;
        }

        @Override
        public int hashCode() {
            return Long.hashCode(hi * 31 + lo);
        }
    }

    private static final class AccountIps {
        /** The account as its indicator quotes it: lower-case {@code domain\\user}. */
        final String account;
        final InetAddress[] ips;
        final long[] times;

        AccountIps(String account, int n) {
            this.account = account;
            ips = new InetAddress[n];
            times = new long[n];
        }
    }

    private final EngineConfig.Relay cfg;
    private final LongLruMap<Seen> challenges;
    private final LruMap<ProofKey, Seen> proofs;
    private final ProofKey proofProbe = new ProofKey(0, 0);
    private final LruMap<AccountKey, AccountIps> accounts;
    /** The lookup key of {@link #accounts}, reused for every AUTHENTICATE; stored keys are its copies. */
    private final AccountKey accountProbe = new AccountKey();
    private final LruMap<InetAddress, String> workstations;
    private final AddressTexts addresses = new AddressTexts(256);
    /** Scratch for building an indicator, and the same-challenge and multiple-address texts made lately. */
    private final StringBuilder text = new StringBuilder(160);
    private final KeptTexts challengeTexts = new KeptTexts(8);
    private final KeptTexts accountTexts = new KeptTexts(8);

    RelayLayer(EngineConfig.Relay cfg) {
        this.cfg = cfg;
        this.challenges = new LongLruMap<>(cfg.maxTracked());
        this.proofs = new LruMap<>(cfg.maxTracked());
        this.accounts = new LruMap<>(cfg.maxTracked());
        this.workstations = new LruMap<>(cfg.maxTracked());
    }

    void analyse(NtlmEvent ev, Evidence e) {
        EventHeader h = ev.header();
        long now = h.timestampNanos();
        long window = cfg.windowSeconds() * BehaviourLayer.SEC;
        if (ev instanceof NtlmEvent.NtlmChallenge c && c.serverChallenge() != null && c.serverChallenge().length == 8) {
            long key = toLong(c.serverChallenge(), 0);
            Seen prev = challenges.get(key);
            if (prev != null && now - prev.time <= window && differentConnection(prev, h)) {
                // Built in a reused builder: a fixed challenge repeats the finding with the same text
                // on every connection, and only a new text is made a String.
                StringBuilder t = text;
                t.setLength(0);
                if (prev.server.equals(h.serverIp())) {
                    // One server handing out the same challenge twice: not a forwarded challenge (a relay's
                    // two legs have different servers) but a fixed one, which MS-NLMP 3.2.5.1.1 forbids
                    // (a new random nonce per CHALLENGE) and capture servers use so that the responses
                    // they collect can be cracked against precomputed tables (Responder's 1122334455667788).
                    // The server is the attacker.
                    e.attackerIsServer = true;
                    t.append("Same NTLM server challenge sent by ").append(addresses.of(h.serverIp()))
                            .append(" on two connections (a fixed challenge) within ");
                } else {
                    // Relay host: the address that is server on one exchange and client on the other.
                    e.attackerIsServer = prev.client.equals(h.serverIp());
                    t.append("Same NTLM server challenge on two connections within ");
                }
                t.append((now - prev.time) / 1_000_000).append(" ms: ").append(addresses.of(prev.client)).append("->")
                        .append(addresses.of(prev.server)).append(" and ").append(addresses.of(h.clientIp())).append("->")
                        .append(addresses.of(h.serverIp()));
                e.add(Rules.NTLM_RELAY_SAME_CHALLENGE, challengeTexts.of(t));
            }
            if (prev != null) {
                prev.set(h, now); // the lookup made it the most recent entry already
            } else {
                challenges.put(key, new Seen(h, now));
            }
            return;
        }
        if (!(ev instanceof NtlmEvent.NtlmAuthenticate a) || a.anonymous()) {
            return;
        }
        byte[] p = a.ntProofStr();
        if (p != null && p.length == 16) {
            proofProbe.hi = toLong(p, 0);
            proofProbe.lo = toLong(p, 8);
            Seen prev = proofs.get(proofProbe);
            if (prev != null && now - prev.time <= window && differentConnection(prev, h)) {
                // The relay host is server of the victim's exchange and client of the target's. The
                // SMB decoder reports an AUTHENTICATE when its answer arrives, and the relay answers
                // the victim only after the target answered it, so the victim's exchange is often
                // the second one reported: attribute by that topology, not by order.
                boolean relayIsServer = prev.client.equals(h.serverIp());
                e.attackerIsServer |= relayIsServer;
                InetAddress relay = relayIsServer ? h.serverIp() : h.clientIp();
                InetAddress victim = relayIsServer ? h.clientIp() : prev.client;
                InetAddress target = relayIsServer ? prev.server : h.serverIp();
                e.add(Rules.NTLM_RELAY_SAME_PROOF, "Same NTLMv2 response on two connections: " + victim.getHostAddress()
                        + " authenticated to " + relay.getHostAddress() + ", which replayed it to "
                        + target.getHostAddress());
            }
            if (prev != null) {
                prev.set(h, now);
            } else {
                proofs.put(new ProofKey(proofProbe.hi, proofProbe.lo), new Seen(h, now));
            }
        }
        String user = a.user();
        if (user != null && !user.isEmpty()) {
            // What a relay needs from the relayed authentication: no MIC to break and no signing to
            // refuse (MS-NLMP 3.2.5.1.2, 3.3.1); an SMB1 LM/NTLM response has no NTLMSSP flags to judge.
            boolean relayable = !a.micPresent() && (a.flags() & Signals.NTLM_SIGN) == 0 && !Signals.legacySmb1(a);
            multiIp(accountProbe.set(a.domain(), user), h.clientIp(), now, relayable, e);
        }
        String ws = a.workstation();
        if (ws != null && !ws.isEmpty()) {
            String before = workstations.put(h.clientIp(), ws);
            if (before != null && !before.equalsIgnoreCase(ws)) {
                e.add(Rules.NTLM_WORKSTATION_MISMATCH, "Workstation " + ws + " does not match " + before
                        + " previously seen from " + h.clientIp().getHostAddress());
            }
        }
    }

    private void multiIp(AccountKey account, InetAddress ip, long now, boolean relayable, Evidence e) {
        long w = cfg.multiIpWindowSeconds() * BehaviourLayer.SEC;
        AccountIps s = accounts.get(account);
        if (s == null) {
            AccountKey stored = account.stored();
            s = new AccountIps(stored.text(), 8);
            accounts.put(stored, s);
        }
        int free = -1;
        int oldest = 0;
        int distinct = 1;
        boolean stored = false;
        for (int i = 0; i < s.ips.length; i++) {
            if (s.ips[i] == null || now - s.times[i] > w) {
                if (free < 0) {
                    free = i;
                }
                continue;
            }
            if (s.ips[i].equals(ip)) {
                s.times[i] = now;
                stored = true;
            } else {
                distinct++;
            }
            if (s.times[i] < s.times[oldest]) {
                oldest = i;
            }
        }
        if (!stored) {
            int slot = free >= 0 ? free : oldest;
            s.ips[slot] = ip;
            s.times[slot] = now;
        }
        if (distinct >= cfg.multiIpThreshold()) {
            // The specification's relay rule: signing off, no MIC and the account from several sources
            // is 0.8+. Several sources alone (roaming users, NAT) stay an alert-level hint.
            // Once an account is seen from several addresses, each of its AUTHENTICATEs repeats the finding:
            // built in the reused builder, made a String only when new.
            StringBuilder t = text;
            t.setLength(0);
            t.append("Account ").append(s.account).append(" authenticated from ").append(distinct)
                    .append(" addresses within ").append(cfg.multiIpWindowSeconds()).append(" s");
            if (relayable) {
                t.append(" without MIC or signing (relayable)");
            }
            e.add(relayable ? Rules.NTLM_USER_MULTIPLE_IPS_RELAYABLE : Rules.NTLM_USER_MULTIPLE_IPS, accountTexts.of(t));
        }
    }

    private static boolean differentConnection(Seen prev, EventHeader h) {
        return prev.flowId != h.flowId() || !prev.client.equals(h.clientIp()) || !prev.server.equals(h.serverIp());
    }

    private static long toLong(byte[] b, int off) {
        return Bytes.i64be(b, off);
    }
}
