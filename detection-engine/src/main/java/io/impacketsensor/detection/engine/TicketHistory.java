package io.impacketsensor.detection.engine;

import io.impacketsensor.core.event.KerberosEvent;
import io.impacketsensor.detection.AttackType;

import java.net.InetAddress;

/**
 * Kerberos exchanges seen per client address, for forged-ticket detection (INDICATORS.md §2):
 * a krbtgt ticket presented in a TGS-REQ by a client that was issued no TGT in the window (golden
 * ticket), a service ticket presented in an AP-REQ by a client that obtained no service ticket in
 * the window (silver ticket). A sensor started after the client's real AS/TGS exchange cannot tell
 * those apart from forgeries, so the missing exchange alone is monitor-level; with the Impacket
 * TGS-REQ fingerprint or the ticketer.py NT-PRINCIPAL service name it becomes an alert.
 * State: two timestamps per client in a bounded LRU map.
 */
final class TicketHistory {
    /** Impacket's TGS-REQ kdc-options: forwardable | renewable | canonicalize | renewable-ok (0x40810010). */
    static final int IMPACKET_TGS_OPTIONS = 0x40810010;

    private static final class Seen {
        long asRep = Long.MIN_VALUE;
        long tgsRep = Long.MIN_VALUE;
        /** The client principal last named for this address (AS-REQ, AS-REP, TGS-REP cname). */
        String principal;
    }

    private final LruMap<InetAddress, Seen> clients;
    private final long windowNanos;

    /**
     * @param maxClients    clients tracked (LRU beyond)
     * @param windowSeconds how long an observed AS/TGS exchange vouches for later ticket use
     *                      (a TGT lives 10 h by default)
     */
    TicketHistory(int maxClients, long windowSeconds) {
        this.clients = new LruMap<>(maxClients);
        this.windowNanos = windowSeconds * 1_000_000_000L;
    }

    void analyse(KerberosEvent ev, long now, Evidence e) {
        if (ev instanceof KerberosEvent.KerberosReply r) {
            Seen s = seen(r.header().clientIp(), true);
            if (r.cname() != null && !r.cname().components().isEmpty()) {
                s.principal = r.cname().components().get(0);
            }
            if (r.msgType() == 11) {
                s.asRep = now;
            } else if (r.msgType() == 13) {
                s.tgsRep = now;
            }
        } else if (ev instanceof KerberosEvent.KerberosRequest q && q.msgType() == 12 && q.tgsTicket() != null
                && AnomalyLayer.isKrbtgt(q.tgsTicket().sname()) && q.forUserName() == null
                && q.additionalTickets().isEmpty()) {
            Seen s = seen(q.header().clientIp(), false);
            if (s != null && now - s.asRep <= windowNanos) {
                return;
            }
            e.add(AttackType.GOLDEN_TICKET, 0.3, "TGS-REQ for " + q.sname() + " presents a krbtgt ticket (kvno "
                    + q.tgsTicket().kvno() + ", " + Signals.etypeName(q.tgsTicket().etype())
                    + ") but no TGT was issued to this client in the window", "tgt_without_as_exchange");
            if (q.kdcOptions() == IMPACKET_TGS_OPTIONS) {
                e.add(AttackType.GOLDEN_TICKET, 0.45, "TGS-REQ kdc-options 0x40810010 (Impacket) with a TGT of unknown"
                        + " origin (ticketer.py golden ticket)", "impacket_tgs_req");
            }
        } else if (ev instanceof KerberosEvent.KerberosApRequest ap && ap.ticket() != null
                && !AnomalyLayer.isKrbtgt(ap.ticket().sname())) {
            Seen s = seen(ap.header().clientIp(), false);
            if (s != null && now - s.tgsRep <= windowNanos) {
                return;
            }
            e.add(AttackType.SILVER_TICKET, 0.25, "AP-REQ presents a ticket for " + ap.ticket().sname() + " (kvno "
                    + ap.ticket().kvno() + ", " + Signals.etypeName(ap.ticket().etype())
                    + ") but no service ticket was issued to this client in the window", "ticket_without_tgs_exchange");
        }
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

    int size() {
        return clients.size();
    }
}
