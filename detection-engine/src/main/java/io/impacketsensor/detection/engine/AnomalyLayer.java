package io.impacketsensor.detection.engine;

import io.impacketsensor.detection.rules.Text;
import io.impacketsensor.core.event.DcerpcEvent;
import io.impacketsensor.core.event.HttpEvent;
import io.impacketsensor.core.event.KerberosEvent;
import io.impacketsensor.core.event.NtlmEvent;
import io.impacketsensor.core.event.RpcArgs;
import io.impacketsensor.core.event.RpcInterfaces;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.core.event.SmbEvent;
import io.impacketsensor.detection.rules.DataRuleIndex;
import io.impacketsensor.detection.rules.EventField;
import io.impacketsensor.detection.rules.EventKind;
import io.impacketsensor.detection.rules.RuleCatalog;

import java.util.UUID;

/**
 * Layer 2: protocol anomalies — admin shares, service control, suspicious RPC interfaces (DCOM
 * activation, WMI, Task Scheduler, DRSUAPI, remote registry, SAMR/LSA sweeps), weak Kerberos
 * encryption and ticket lifetimes, missing pre-authentication, S4U, NTLM without MIC or signing,
 * NTLMv1, Impacket client fingerprints, LDAP injection and reconnaissance filters, directory
 * changes (RBCD, shadow credentials, machine accounts).
 */
final class AnomalyLayer {
    private final DomainControllers dcs;
    private final TicketHistory tickets;
    private final long maxLifetimeSeconds;
    /**
     * Scratch for a DRSUAPI or SAMR call's text, the texts made lately and the servers' addresses as
     * text: a DCSync tool or an enumeration makes the same few calls on one server again and again,
     * each a finding quoting the same text.
     */
    private final StringBuilder text = new StringBuilder(128);
    private final KeptTexts rpcTexts = new KeptTexts(8);
    private final AddressTexts addresses = new AddressTexts(64);
    /** The catalog's anomaly rules written as data (interface + operation ...), by event kind and interface. */
    private final DataRuleIndex dataRules = RuleCatalog.builtin().dataRuleIndex("anomaly");

    AnomalyLayer(DomainControllers dcs, TicketHistory tickets, long maxLifetimeSeconds) {
        this.dcs = dcs;
        this.tickets = tickets;
        this.maxLifetimeSeconds = maxLifetimeSeconds;
    }

    void analyse(SensorEvent ev, Classification c, Evidence e) {
        int first = e.size;
        e.addMatching(dataRules, ev, c);
        java(ev, c, e);
        e.sortByRule(first);
    }

    private void java(SensorEvent ev, Classification c, Evidence e) {
        // By the kind's family, not the family interfaces (EventKind.of says why); the checks below
        // test record classes.
        EventKind kind = c.kind;
        if (kind.smb()) {
            smb(ev, e);
        } else if (kind.dcerpc()) {
            rpc(ev, c, e);
        } else if (kind.ntlm()) {
            ntlm(ev, e);
        } else if (ev instanceof KerberosEvent.KerberosTicketLifetime t) {
            ticketLifetime(t, e);
        } else if (kind.kerberos()) {
            kerberos(ev, e);
        } else if (ev instanceof HttpEvent.HttpResponse r) {
            http(r, e);
        }
    }

    /**
     * ntlmrelayx's HTTP server (impacket/examples/ntlmrelayx/servers/httprelayserver.py) is Python's
     * http.server SimpleHTTPRequestHandler: every answer carries its {@code Server: SimpleHTTP/0.6
     * Python/3.x} (BaseHTTP/0.6 for the base handler), and it asks for NTLM (WWW-Authenticate or, as a
     * proxy, Proxy-Authenticate). Windows (IIS, HTTP.sys), Apache and nginx name themselves; no
     * production NTLM service runs on Python's development server. The server is the attacker.
     */
    private static void http(HttpEvent.HttpResponse r, Evidence e) {
        String s = r.server();
        String scheme = r.authScheme();
        if (s == null || scheme == null || !(Text.eq(scheme, "NTLM") || Text.eq(scheme, "Negotiate"))
                || !(Text.startsWith(s, "SimpleHTTP/") || Text.startsWith(s, "BaseHTTP/")) || !Text.contains(s, " Python/")) {
            return;
        }
        e.attackerIsServer = true;
        e.add(Rules.IMPACKET_NTLMRELAYX_HTTPSERVER, "HTTP " + r.status() + " asking for " + scheme + " authentication from "
                + Text.quote(s) + " (ntlmrelayx HTTP server)");
    }

    private static void smb(SensorEvent ev, Evidence e) {
        // Admin shares, the Impacket ClientGuid and SMB1 dialect offer are catalog data rules; the
        // server's GUID names the server side as the attacker, which a data rule cannot say.
        if (ev instanceof SmbEvent.Smb2Negotiate n) {
            byte[] sg = n.serverGuid();
            if (sg != null && sg.length == 16 && allBytes(sg, 'A')) {
                e.attackerIsServer = true;
                e.add(Rules.IMPACKET_SMBSERVER, "SMB2 ServerGuid AAAAAAAAAAAAAAAA (Impacket smbserver)");
            } else if (EventField.asciiLetters(sg) && n.serverCapabilities() == 0
                    && n.dialect() == 0x0202) {
                // ntlmrelayx smbrelayserver.py: ServerGuid = 16 random ascii_letters, Capabilities 0,
                // SMB2_DIALECT_002 whatever the client offered. A binary GUID is all letters with
                // probability (52/256)^16.
                e.attackerIsServer = true;
                e.add(Rules.IMPACKET_NTLMRELAYX_SMBSERVER, "SMB2 ServerGuid " + new String(sg, java.nio.charset.StandardCharsets.US_ASCII)
                        + " of ASCII letters, capabilities 0, dialect 2.0.2 (ntlmrelayx SMB server)");
            }
        }
    }

    private static boolean allBytes(byte[] b, int v) {
        for (byte x : b) {
            if (x != v) {
                return false;
            }
        }
        return true;
    }

    /**
     * The DCE/RPC anomalies that need the domain controllers learnt (DRSUAPI, SAMR account lists). The
     * rules over the call itself (interface and operation, bind fields, decoded arguments: service
     * names and control codes, RIDs, SID counts, accounts created) are catalog data, run by
     * {@link #analyse} before this.
     */
    private void rpc(SensorEvent ev, Classification c, Evidence e) {
        if (dcs.promotionRefused(ev)) {
            e.add(Rules.DC_PROMOTION_REFUSED, "IDL_DRSAddEntry answered by DC " + ev.header().serverIp().getHostAddress()
                    + "; not learned as a new DC: more than " + dcs.maxPromotions() + " promotions in 24 h");
            return;
        }
        if (ev instanceof DcerpcEvent.DcerpcBind b) {
            java.util.List<DcerpcEvent.Context> contexts = b.contexts();
            for (int i = 0; i < contexts.size(); i++) { // by index: no iterator per bind
                DcerpcEvent.Context x = contexts.get(i);
                // Whether the client is a DC is asked only where it decides (DRSUAPI, the endpoint
                // mapper asked for it), not for every DCE/RPC event.
                if (RpcCatalog.DRSUAPI.equals(x.interfaceUuid()) && !dcs.isDc(ev.header().clientIp())) {
                    // Windows members bind DRSUAPI for DsCrackNames (domain join, name translation):
                    // only DRSGetNCChanges is replication.
                    e.add(Rules.DRSUAPI_BIND_NON_DC, "DRSUAPI bound by a host that is not a known domain controller");
                }
            }
            return;
        }
        if (ev instanceof DcerpcEvent.DcerpcResponse a) {
            if (a.opnum() < 0 && a.stubLength() >= REPLICATION_ANSWER_BYTES
                    && RpcCatalog.DRSUAPI.equals(a.interfaceUuid()) && !dcs.isDc(ev.header().clientIp())) {
                e.add(Rules.DCSYNC_REPLY_ONLY, "DRSUAPI answer of " + a.stubLength() + " stub bytes (replication size; "
                        + "request not captured) from " + a.header().serverIp().getHostAddress()
                        + " to a host that is not a known domain controller");
            }
            return;
        }
        if (c.kind != EventKind.DCERPC_REQUEST) {
            return;
        }
        DcerpcEvent.DcerpcRequest r = (DcerpcEvent.DcerpcRequest) ev;
        UUID u = r.interfaceUuid();
        if (u == null) {
            return;
        }
        int op = r.opnum();
        RpcArgs a = r.args();
        switch (c.iface) {
            case RpcInterfaces.DRSUAPI -> {
                if (!dcs.isDc(ev.header().clientIp())) {
                    if (c.call == RpcCall.DRS_GET_NC_CHANGES) {
                        String note = relayNote(r.header().clientIp());
                        e.add(Rules.DCSYNC, note.isEmpty() ? DCSYNC_TEXT : DCSYNC_TEXT + note);
                    } else {
                        text.setLength(0);
                        RpcCatalog.describe(text.append("DRSUAPI "), u, op).append(" from a non-DC");
                        e.add(Rules.DRSUAPI_CALL_NON_DC, rpcTexts.of(text));
                    }
                } else if (c.call == RpcCall.DRS_GET_NC_CHANGES && dcs.promotedHostLookedUp(r.header().clientIp())) {
                    e.add(Rules.DCSYNC_AFTER_PROMOTION, "DRSGetNCChanges after a DRSUAPI name lookup from a host known as "
                            + "a DC only by its IDL_DRSAddEntry");
                }
            }
            case RpcInterfaces.EPMAPPER -> {
                if (a instanceof RpcArgs.EpmMapRequest m && RpcCatalog.DRSUAPI.equals(m.interfaceUuid())
                        && !dcs.isDc(ev.header().clientIp())) {
                    e.add(Rules.EPM_DRSUAPI, "Endpoint mapper asked for DRSUAPI by a non-DC");
                }
            }
            case RpcInterfaces.SAMR -> samr(r, c.call, e);
            default -> {
            }
        }
    }

    /**
     * Stub bytes from which a DRSUAPI answer whose call the copy does not hold is taken for a
     * DRSGetNCChanges reply carrying objects (MS-DRSR 4.1.10.2: DRS_MSG_GETCHGREPLY with the replicated
     * attributes, secrets included). A single account's reply to a DCSync (EXOP_REPL_OBJ) is about
     * 4.7 KB on Windows; the other calls a DCSync tool makes (IDL_DRSBind, IDL_DRSDomainControllerInfo,
     * IDL_DRSCrackNames, IDL_DRSUnbind) answer in about 1 KB or less.
     */
    static final int REPLICATION_ANSWER_BYTES = 4096;

    /** The DCSync indicator; a host known to relay Kerberos gets a note after it. */
    private static final String DCSYNC_TEXT = "DRSGetNCChanges from a host that is not a known domain controller";

    /** Why a host that answered Kerberos is not a DC: it relayed its clients' requests ({@link KdcRelays}). */
    private String relayNote(java.net.InetAddress host) {
        java.net.InetAddress kdc = dcs.relays().relayedTo(host);
        return kdc == null ? "" : " (its Kerberos answers were relayed from the KDC " + kdc.getHostAddress() + ")";
    }

    private void samr(DcerpcEvent.DcerpcRequest r, RpcCall call, Evidence e) {
        switch (call) {
            case SAMR_ENUMERATE_USERS, SAMR_QUERY_DISPLAY -> {
                // MS-SAMR 3.1.5.2.5 SamrEnumerateUsersInDomain, 3.1.5.3.3/.2/.1 SamrQueryDisplayInformation(1,2,3):
                // the account list. Asked of a DC it is the domain's (T1087.002): what `net user /domain`,
                // samrdump and SharpHound do; Windows' own logon and management traffic does not list
                // accounts over SAMR. Of another host it is that host's local accounts: weaker.
                StringBuilder t = text;
                t.setLength(0);
                if (dcs.holdsDomainAccounts(r.header().serverIp())) {
                    t.append("Domain accounts listed over SAMR from domain controller ")
                            .append(addresses.of(r.header().serverIp())).append(": ");
                    e.add(Rules.SAMR_DOMAIN_ENUM, rpcTexts.of(RpcCatalog.describe(t, r.interfaceUuid(), r.opnum())));
                } else {
                    t.append("SAMR account enumeration: ");
                    e.add(Rules.SAMR_ENUM, rpcTexts.of(RpcCatalog.describe(t, r.interfaceUuid(), r.opnum())));
                }
            }
            case SAMR_GROUPS_FOR_USER -> {
                // MS-SAMR 3.1.5.9.1 SamrGetGroupsForUser: the memberships of an opened domain account
                // (net user NAME /domain); the chain layer raises it when the SamrOpenUser was seen.
                if (dcs.holdsDomainAccounts(r.header().serverIp())) {
                    e.add(Rules.SAMR_USER_GROUPS, "Group memberships of a domain account read over SAMR on domain "
                            + "controller " + r.header().serverIp().getHostAddress() + ": samr SamrGetGroupsForUser");
                }
            }
            default -> {
            }
        }
    }

    private static void ntlm(SensorEvent ev, Evidence e) {
        // AUTHENTICATE and NEGOTIATE fingerprints (NTLMv1, MIC, signing, Impacket's flags) are catalog
        // data rules; a constant server challenge names the server side as the attacker.
        if (ev instanceof NtlmEvent.NtlmChallenge c) {
            byte[] ch = c.serverChallenge();
            if (ch != null && ch.length == 8 && (allBytes(ch, 0xAA - 256) || allBytes(ch, 'A'))) {
                e.attackerIsServer = true;
                e.add(Rules.IMPACKET_SMBSERVER_CHALLENGE, "NTLM server challenge of constant bytes (Impacket smbserver)");
            }
            byte[] v = c.versionBytes();
            if (v != null && v.length == 8 && allBytes(v, -1)) {
                // smbserver.py: challengeMessage['Version'] = b'\xff' * 8 (MS-NLMP 2.2.2.10 has product
                // versions and NTLMRevisionCurrent 15 there).
                e.attackerIsServer = true;
                e.add(Rules.IMPACKET_SMBSERVER_NTLM_VERSION, "NTLM CHALLENGE VERSION ff x 8, NetBIOS name "
                        + Text.quote(c.nbComputer()) + ", DNS name " + Text.quote(c.dnsComputer()) + " (Impacket smbserver)");
            }
        }
    }

    private void kerberos(SensorEvent ev, Evidence e) {
        // AS-REP roasting, weak tickets, NT-PRINCIPAL service tickets and the request fingerprints
        // (RC4 pre-authentication, weak etypes, krbtgt, S4U) are catalog data rules over krb5.*.
        if (ev instanceof KerberosEvent.KerberosRequest r) {
            request(r, e);
        }
    }

    /** An AP-REQ whose service ticket names its service as NT-PRINCIPAL (ticketer.py; a KDC issues NT-SRV-INST). */
    static boolean ntPrincipalServiceTicket(KerberosEvent.KerberosApRequest ap) {
        KerberosEvent.PrincipalName s = ap.ticket() == null ? null : ap.ticket().sname();
        return s != null && s.nameType() == 1 && s.components().size() == 2 && (EventField.snameClass(s) & KRBTGT) == 0;
    }

    /**
     * A TGS-REP whose ticket is RC4/DES for a service that is not krbtgt, not a computer service class
     * ({@code host/}, {@code cifs/} ...) and not a {@code name$} account: the ticket is encrypted with a
     * user account's password, which is what Kerberoasting cracks offline. The service is judged by
     * {@link EventField#snameClass}, the {@code krb5.sname_class} the Kerberos data rules test.
     */
    static boolean roastableTicket(KerberosEvent.KerberosReply p) {
        KerberosEvent.TicketInfo t = p.ticket();
        return p.msgType() == 13 && t != null && t.sname() != null && Signals.weakEtype(t.etype())
                && (EventField.snameClass(t.sname()) & (KRBTGT | MACHINE_SERVICE | COMPUTER_ACCOUNT)) == 0;
    }

    /** {@link EventField#snameClass} bits: krbtgt, a service class run by a computer account, a {@code name$} account. */
    private static final int KRBTGT = 1;
    private static final int MACHINE_SERVICE = 2;
    private static final int COMPUTER_ACCOUNT = 4;

    static boolean isKrbtgt(KerberosEvent.PrincipalName n) {
        return (EventField.snameClass(n) & KRBTGT) != 0;
    }

    /**
     * Kerberoasting: a TGS-REQ naming its service by account (NT-ENTERPRISE, NT-MS-PRINCIPAL), except a
     * ticket to the client's own account, which the ticket history knows (Windows DCOM/RPC callbacks
     * name the user as the server, and the KDC answers KDC_ERR_S_PRINCIPAL_UNKNOWN): nothing to crack.
     */
    private void request(KerberosEvent.KerberosRequest r, Evidence e) {
        if (r.msgType() != 12) {
            return;
        }
        KerberosEvent.PrincipalName s = r.sname();
        if (s != null && (s.nameType() == -128 || s.nameType() == 10) && (EventField.snameClass(s) & (KRBTGT | COMPUTER_ACCOUNT)) == 0
                && !tickets.isClientItself(r.header().clientIp(), s)) {
            e.add(Rules.KERBEROASTING, "TGS-REQ names the service by account (" + (s.nameType() == 10
                    ? "NT-ENTERPRISE" : "NT-MS-PRINCIPAL") + "): " + s + " (GetUserSPNs)");
        }
    }

    /**
     * A reported ticket lifetime over {@code kerberos.max_ticket_lifetime_seconds}: a forged ticket
     * (Mimikatz and Impacket ticketer default to 10 years); a TGT (krbtgt service, or named TGT) is a
     * golden ticket, any other a silver one.
     */
    private void ticketLifetime(KerberosEvent.KerberosTicketLifetime t, Evidence e) {
        long secs = t.lifetimeSeconds();
        if (secs > maxLifetimeSeconds) {
            String what = t.sname() != null ? t.sname().toString() : t.ticketType() == null ? "" : t.ticketType();
            boolean tgt = Text.startsWith(what, "krbtgt") || Text.eq(what, "TGT");
            e.add(tgt ? Rules.GOLDEN_TICKET_LIFETIME : Rules.SILVER_TICKET_LIFETIME, "Ticket lifetime " + (secs / 86_400)
                    + " days exceeds " + (maxLifetimeSeconds / 86_400) + " days" + (what.isEmpty() ? "" : ": " + what));
        }
    }
}
