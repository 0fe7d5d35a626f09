package io.impacketsensor.detection.engine;

import io.impacketsensor.core.collections.LongLruMap;
import io.impacketsensor.core.collections.LruMap;
import io.impacketsensor.core.event.KerberosEvent;
import io.impacketsensor.core.event.SensorEvent;

import java.net.InetAddress;
import java.util.Locale;

/**
 * Kerberos tickets issued and presented, for forged-ticket detection (INDICATORS.md §2).
 *
 * <p>Every ticket a KDC reply carries is remembered by the digest of its cipher (the decoder's
 * {@code cipherDigest}); a ticket is copied byte for byte into every request that presents it, so
 * a presented ticket whose digest no observed reply issued was made elsewhere: forged with a
 * stolen key (ticketer.py), or issued before the sensor started or by a KDC it does not see. The
 * second case is why "never issued" alone is monitor-level; with the Impacket TGS-REQ kdc-options,
 * a krbtgt kvno or etype that differs from the TGTs the realm's KDC hands out, it becomes an
 * alert. This is stricter than "no AS exchange from this host": an attacker host that also ran a
 * real kinit still presents a forged TGT that matches nothing issued.
 *
 * <p>Events without digests (JSON events from other systems) fall back to the per-client rule: a
 * krbtgt ticket from a client that was issued no TGT in the window, a service ticket from a client
 * that obtained none. State: bounded LRU maps (digests, clients, realms).
 */
final class TicketHistory {
    /** Impacket's TGS-REQ kdc-options: forwardable | renewable | canonicalize | renewable-ok (0x40810010). */
    static final int IMPACKET_TGS_OPTIONS = 0x40810010;
    /** Realms whose TGT kvno/etype profile is kept. */
    private static final int MAX_REALMS = 256;

    private static final class Seen {
        long asRep = Long.MIN_VALUE;
        long tgsRep = Long.MIN_VALUE;
        /** The client principal last named for this address (AS-REP or TGS-REP cname). */
        String principal;
    }

    /**
     * What a KDC puts on the krbtgt tickets it issues for one krbtgt principal (keyed by issuing
     * realm and sname, so a cross-realm referral ticket, encrypted with the trust key, has its own
     * profile): the key's kvno and the etypes.
     */
    private static final class RealmTgts {
        int kvno = -1;
        boolean kvnoVaries;
        /** Bit e set when a TGT of etype e (0..63) was issued. */
        long etypes;
    }

    private final LruMap<InetAddress, Seen> clients;
    /** When each ticket digest was last issued. */
    private final LongLruMap<Stamp> issued;
    private final LruMap<String, RealmTgts> realms = new LruMap<>(MAX_REALMS);
    /** The last {@link #key} made, and the realm and krbtgt name it was made from. */
    private String lastKey;
    private String lastKeyRealm;
    private KerberosEvent.PrincipalName lastKeyName;
    private final long windowNanos;
    /**
     * Scratch for a never-issued text, and the texts made lately: a forged ticket is presented again
     * and again, mostly for the same few services, and its instance's decision reads the text each
     * time; a text that reads as one kept is given as that String.
     */
    private final StringBuilder text = new StringBuilder(160);
    private final KeptTexts neverIssuedTexts = new KeptTexts(8);
    private final Evidence.EventText tgtNeverIssuedText = this::tgtNeverIssued;
    private final Evidence.EventText ticketNeverIssuedText = this::ticketNeverIssued;

    /**
     * @param maxClients    clients tracked, and tickets remembered (LRU beyond)
     * @param windowSeconds how long an observed AS/TGS exchange vouches for later ticket use
     *                      (a TGT lives 10 h by default)
     */
    TicketHistory(int maxClients, long windowSeconds) {
        this.clients = new LruMap<>(maxClients);
        this.issued = new LongLruMap<>(maxClients);
        this.windowNanos = windowSeconds * 1_000_000_000L;
    }

    void analyse(KerberosEvent ev, long now, Evidence e) {
        if (ev instanceof KerberosEvent.KerberosReply r) {
            replied(r, now);
        } else if (ev instanceof KerberosEvent.KerberosRequest q && q.msgType() == 12 && q.tgsTicket() != null
                && AnomalyLayer.isKrbtgt(q.tgsTicket().sname()) && q.forUserName() == null
                && q.additionalTickets().isEmpty()) {
            presentedTgt(q, now, e);
        } else if (ev instanceof KerberosEvent.KerberosApRequest ap && ap.ticket() != null
                && !AnomalyLayer.isKrbtgt(ap.ticket().sname())) {
            presentedServiceTicket(ap, now, e);
        }
    }

    private void replied(KerberosEvent.KerberosReply r, long now) {
        Seen s = seen(r.header().clientIp(), true);
        if (r.cname() != null && !r.cname().components().isEmpty()) {
            s.principal = r.cname().components().get(0);
        }
        if (r.msgType() == 11) {
            s.asRep = now;
        } else if (r.msgType() == 13) {
            s.tgsRep = now;
        }
        KerberosEvent.TicketInfo t = r.ticket();
        if (t == null) {
            return;
        }
        if (t.cipherDigest() != KerberosEvent.NO_DIGEST) {
            Stamp i = issued.get(t.cipherDigest()); // made the most recent, as a put would
            if (i == null) {
                issued.put(t.cipherDigest(), new Stamp(now));
            } else {
                i.at = now;
            }
        }
        if (AnomalyLayer.isKrbtgt(t.sname()) && t.realm() != null) {
            // AS-REPs and TGS-REPs renewing a TGT both show the krbtgt key the KDC uses now.
            String k = key(t);
            RealmTgts p = realms.get(k);
            if (p == null) {
                p = new RealmTgts();
                realms.put(k, p);
            }
            if (p.kvno != -1 && t.kvno() != p.kvno) {
                p.kvnoVaries = true;
            }
            p.kvno = t.kvno();
            if (t.etype() >= 0 && t.etype() < 64) {
                p.etypes |= 1L << t.etype();
            }
        }
    }

    private boolean issuedInWindow(long digest, long now) {
        Stamp i = digest == KerberosEvent.NO_DIGEST ? null : issued.get(digest);
        return i != null && within(i.at, now);
    }

    /** True when {@code at} (never set: Long.MIN_VALUE, which must not wrap around) lies in the window. */
    private boolean within(long at, long now) {
        return at != Long.MIN_VALUE && now - at <= windowNanos;
    }

    private void presentedTgt(KerberosEvent.KerberosRequest q, long now, Evidence e) {
        KerberosEvent.TicketInfo t = q.tgsTicket();
        if (t.cipherDigest() == KerberosEvent.NO_DIGEST) {
            Seen s = seen(q.header().clientIp(), false);
            if (s != null && within(s.asRep, now)) {
                return;
            }
            e.add(Rules.TGT_WITHOUT_AS_EXCHANGE, TicketHistory::tgtWithoutAsExchange, q);
            if (t.etype() == 23) {
                e.add(Rules.RC4_TGT, "TGT encrypted with rc4-hmac presented");
            }
        } else if (issuedInWindow(t.cipherDigest(), now)) {
            return;
        } else {
            e.add(Rules.TGT_NEVER_ISSUED, tgtNeverIssuedText, q);
            RealmTgts p = t.realm() == null ? null : realms.get(key(t));
            // An RODC's krbtgt_NNNN key puts its number in the kvno's high 16 bits (MS-KILE 3.1.5.8):
            // a ticket from another KDC identity is not compared.
            if (p != null && !p.kvnoVaries && p.kvno != -1 && t.kvno() != p.kvno && (t.kvno() >>> 16) == (p.kvno >>> 16)) {
                e.add(Rules.TGT_KVNO_MISMATCH, "krbtgt ticket kvno " + t.kvno() + " differs from kvno " + p.kvno
                        + " of the TGTs the KDC of " + t.realm() + " issues (forged with another key)");
            }
            if (p != null && t.etype() >= 0 && t.etype() < 64 && p.etypes != 0 && (p.etypes & (1L << t.etype())) == 0) {
                e.add(Rules.TGT_ETYPE_MISMATCH, "krbtgt ticket encrypted with " + Signals.etypeName(t.etype())
                        + " while the KDC of " + t.realm() + " issues TGTs with " + etypes(p.etypes));
            }
        }
        if (q.kdcOptions() == IMPACKET_TGS_OPTIONS) {
            e.add(Rules.IMPACKET_TGS_REQ, "TGS-REQ kdc-options 0x40810010 (Impacket) with a TGT of unknown"
                    + " origin (ticketer.py golden ticket)");
        }
    }

    private void presentedServiceTicket(KerberosEvent.KerberosApRequest ap, long now, Evidence e) {
        KerberosEvent.TicketInfo t = ap.ticket();
        if (t.cipherDigest() == KerberosEvent.NO_DIGEST) {
            Seen s = seen(ap.header().clientIp(), false);
            if (s != null && within(s.tgsRep, now)) {
                return;
            }
            e.add(Rules.TICKET_WITHOUT_TGS_EXCHANGE, TicketHistory::ticketWithoutTgsExchange, ap);
        } else if (!issuedInWindow(t.cipherDigest(), now)) {
            e.add(Rules.TICKET_NEVER_ISSUED, ticketNeverIssuedText, ap);
        }
    }

    // The indicator texts are made from the event when the decision reads them (Evidence.EventText):
    // most tickets presented were issued in view, and most findings of the others stay below the
    // monitor threshold, where the packet pipeline reads no text.
    private static String tgtWithoutAsExchange(SensorEvent ev) {
        KerberosEvent.KerberosRequest q = (KerberosEvent.KerberosRequest) ev;
        return presented(new StringBuilder(160), q, q.tgsTicket())
                .append(" but no TGT was issued to this client in the window").toString();
    }

    private String tgtNeverIssued(SensorEvent ev) {
        KerberosEvent.KerberosRequest q = (KerberosEvent.KerberosRequest) ev;
        KerberosEvent.TicketInfo t = q.tgsTicket();
        text.setLength(0);
        return neverIssued(presented(text, q, t), t);
    }

    private static String ticketWithoutTgsExchange(SensorEvent ev) {
        return presented(new StringBuilder(160), ((KerberosEvent.KerberosApRequest) ev).ticket())
                .append(" but no service ticket was issued to this client in the window").toString();
    }

    private String ticketNeverIssued(SensorEvent ev) {
        KerberosEvent.TicketInfo t = ((KerberosEvent.KerberosApRequest) ev).ticket();
        text.setLength(0);
        return neverIssued(presented(text, t), t);
    }

    /** {@code b} followed by the never-issued clause with the ticket's digest in hex, as a kept text. */
    private String neverIssued(StringBuilder b, KerberosEvent.TicketInfo t) {
        b.append(" that no observed KDC reply issued (ticket digest ");
        long d = t.cipherDigest();
        // Long.toHexString's digits, appended: lowercase, no leading zeros.
        for (int shift = Math.max(0, (63 - Long.numberOfLeadingZeros(d)) & ~3); shift >= 0; shift -= 4) {
            b.append(Character.forDigit((int) (d >>> shift) & 0xF, 16));
        }
        return neverIssuedTexts.of(b.append(')'));
    }

    private static StringBuilder presented(StringBuilder b, KerberosEvent.KerberosRequest q, KerberosEvent.TicketInfo t) {
        return b.append("TGS-REQ for ").append(q.sname()).append(" presents a krbtgt ticket (kvno ").append(t.kvno())
                .append(", ").append(Signals.etypeName(t.etype())).append(')');
    }

    private static StringBuilder presented(StringBuilder b, KerberosEvent.TicketInfo t) {
        return b.append("AP-REQ presents a ticket for ").append(t.sname()).append(" (kvno ").append(t.kvno())
                .append(", ").append(Signals.etypeName(t.etype())).append(')');
    }

    private static String etypes(long mask) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 64; i++) {
            if ((mask & (1L << i)) != 0) {
                b.append(b.length() == 0 ? "" : ", ").append(Signals.etypeName(i));
            }
        }
        return b.toString();
    }

    /**
     * The realms key of a krbtgt ticket ({@code t.realm()} not null). A realm's KDC names the same
     * krbtgt principal on every TGT it issues: the key made last is given again while the realm and
     * the name's components read the same.
     */
    private String key(KerberosEvent.TicketInfo t) {
        if (lastKey == null || !t.realm().equals(lastKeyRealm) || !sameComponents(t.sname(), lastKeyName)) {
            lastKey = (t.realm() + " " + t.sname()).toUpperCase(Locale.ROOT);
            lastKeyRealm = t.realm();
            lastKeyName = t.sname();
        }
        return lastKey;
    }

    private static boolean sameComponents(KerberosEvent.PrincipalName a, KerberosEvent.PrincipalName b) {
        if (a == b) {
            return true;
        }
        if (a == null || b == null || a.components().size() != b.components().size()) {
            return false;
        }
        for (int i = 0; i < a.components().size(); i++) { // by index: no iterator per ticket
            if (!java.util.Objects.equals(a.components().get(i), b.components().get(i))) {
                return false;
            }
        }
        return true;
    }

    /**
     * True when {@code sname} (an account-named service: {@code user}, {@code DOMAIN\\user},
     * {@code user@realm}) is the account this client was last seen logging on as.
     */
    boolean isClientItself(InetAddress client, KerberosEvent.PrincipalName sname) {
        Seen s = clients.get(client);
        if (s == null || s.principal == null || sname.components().isEmpty()) {
            return false;
        }
        return sameAccount(s.principal, sname.components().get(0));
    }

    /** Compares the account parts of two names, ignoring a {@code DOMAIN\\} prefix, an {@code @realm} suffix and case. */
    static boolean sameAccount(String a, String b) {
        int as = a.indexOf('\\') + 1;
        int bs = b.indexOf('\\') + 1;
        int ae = a.indexOf('@', as);
        int be = b.indexOf('@', bs);
        ae = ae < 0 ? a.length() : ae;
        be = be < 0 ? b.length() : be;
        return ae - as == be - bs && a.regionMatches(true, as, b, bs, ae - as);
    }

    private Seen seen(InetAddress client, boolean create) {
        Seen s = clients.get(client);
        if (s == null && create) {
            s = new Seen();
            clients.put(client, s);
        }
        return s;
    }
}
