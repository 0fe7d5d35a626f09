package io.impacketsensor.detection.engine;

import io.impacketsensor.core.event.DcerpcEvent;
import io.impacketsensor.core.event.EventHeader;
import io.impacketsensor.core.event.KerberosEvent;
import io.impacketsensor.core.event.LdapEvent;
import io.impacketsensor.core.event.NtlmEvent;
import io.impacketsensor.core.event.ProtocolAnomaly;
import io.impacketsensor.core.event.RpcArgs;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.core.event.SmbEvent;
import io.impacketsensor.detection.rules.EventKind;

import java.net.InetAddress;
import java.util.Locale;
import java.util.Objects;

/**
 * Says which of the {@link BehaviourLayer}'s windows an event counts in (protocols used, SMB
 * sessions, logon outcomes, TGS requests, RC4 user tickets, unknown principals, LDAP searches,
 * Netlogon pass-through logons, servers asked who is logged on, accounts opened over SAMR, AS-REQs
 * without pre-authentication offering rc4-hmac alone) and counts authentication attempts: one per logon, whichever
 * protocol carries it. Allocates nothing per event apart from the lower-cased account names a logon
 * outcome is counted under (an NTLM failure's only when it names another account than the last).
 */
final class BehaviourRouting {
    static final int P_SMB = 0;
    static final int P_RPC = 1;
    static final int P_KRB = 2;
    static final int P_NTLM = 3;
    static final int P_LDAP = 4;

    private final BehaviourLayer behaviour;
    private long authAttempts;
    /**
     * The account key of the last failed NTLM logon and the domain and user it was made from: a brute
     * force fails for one account again and again, and its key is given again.
     */
    private String failedDomain;
    private String failedUser;
    private String failedAccount;

    BehaviourRouting(BehaviourLayer behaviour) {
        this.behaviour = behaviour;
    }

    /** Authentication attempts counted (the specification's auth_attempts). */
    long authAttempts() {
        return authAttempts;
    }

    BehaviourLayer layer() {
        return behaviour;
    }

    /** An authentication attempt an integration reported (no event on the wire). */
    void reportedAuth(InetAddress ip, String username, boolean success, long now, Evidence e) {
        authAttempts++;
        behaviour.auth(ip, username.toLowerCase(Locale.ROOT), success, now, e);
    }

    /** Counts one event from {@code src} in the windows it belongs to. */
    void route(SensorEvent ev, InetAddress src, long now, Evidence e) {
        route(ev, EventKind.of(ev), src, EventHeader.Ends.ipv4(src), now, e);
    }

    /**
     * As {@link #route(SensorEvent, InetAddress, long, Evidence)} with the event's kind computed once
     * by the engine and {@code src} as a number from the event's header ({@link EventHeader#clientIpv4()}).
     */
    void route(SensorEvent ev, EventKind kind, InetAddress src, long srcIpv4, long now, Evidence e) {
        behaviour.from(src, srcIpv4);
        int protocol = protocolIndex(ev, kind);
        if (protocol >= 0) {
            behaviour.protocol(src, protocol, now, e);
        }
        if (ev instanceof SmbEvent.SmbSessionSetup s) {
            if (s.status() == 0) {
                behaviour.smbSession(src, now, e);
            }
        } else if (ev instanceof NtlmEvent.NtlmAuthenticate a) {
            if (!a.anonymous()) {
                behaviour.ntlmServed(ev.header().serverIp(), now);
            }
            if (a.status() != SensorEvent.NO_STATUS && !a.anonymous()) {
                // The carrier's result (SMB2 status, LDAP bind result, DCE/RPC fault) is the NTLM outcome:
                // this is the one count of an NTLM logon, whatever carries it.
                authAttempts++;
                // A success counts for the rate alone: the account is built only for a failure.
                boolean ok = a.status() == 0;
                behaviour.auth(src, ok ? null : failedAccount(a.domain(), a.user()), ok, now, e);
            }
        } else if (ev instanceof KerberosEvent.KerberosRequest r) {
            if (r.msgType() == 12) {
                behaviour.tgsRequest(src, now, e);
            } else if (Signals.asReqWithoutPreauthRc4(r)) {
                behaviour.asRepRoastRequest(src, principal(r.cname()), now, e);
            }
        } else if (ev instanceof KerberosEvent.KerberosReply r) {
            if (r.msgType() == 11) {
                authAttempts++;
                behaviour.auth(src, null, true, now, e);
            } else if (r.msgType() == 13 && AnomalyLayer.roastableTicket(r)) {
                behaviour.rc4UserTicket(src, r.ticket().sname().toString(), now, e);
            }
        } else if (ev instanceof KerberosEvent.KerberosError k) {
            if (k.errorCode() == 24 || k.errorCode() == 18) {
                authAttempts++;
                behaviour.auth(src, principal(k.cname()), false, now, e);
            } else if (k.errorCode() == 6 && (k.request() == null || k.request().msgType() == 10)) {
                // KDC_ERR_C_PRINCIPAL_UNKNOWN to an AS-REQ: the client name does not exist (RFC 4120 7.5.9).
                behaviour.unknownPrincipal(src, principal(k.cname() != null || k.request() == null ? k.cname() : k.request().cname()), now, e);
            }
        } else if (ev instanceof LdapEvent.LdapSearch) {
            behaviour.ldapSearch(src, now, e);
        } else if (ev instanceof LdapEvent.LdapBind b) {
            // Only simple binds name the account in the bind itself; SASL and Sicily binds carry NTLM or
            // Kerberos, whose attempt is counted from the NTLM AUTHENTICATE (with the bind's result) or
            // from the KDC exchange. Counting the bind too would count one failed logon twice.
            if (b.bindType() == LdapEvent.BindType.SIMPLE && (b.resultCode() == 0 || b.resultCode() == 49)
                    && b.name() != null && !b.name().isEmpty()) {
                authAttempts++;
                boolean ok = b.resultCode() == 0;
                behaviour.auth(src, ok ? null : b.name().toLowerCase(Locale.ROOT), ok, now, e);
            }
        } else if (ev instanceof DcerpcEvent.DcerpcRequest r) {
            if (RpcCatalog.NETLOGON.equals(r.interfaceUuid()) && (r.opnum() == 2 || r.opnum() == 39 || r.opnum() == 45)) {
                behaviour.netlogonLogon(src, now, e);
            } else if (r.opnum() == 12 && RpcCatalog.SRVSVC.equals(r.interfaceUuid())
                    || r.opnum() == 2 && RpcCatalog.WKSSVC.equals(r.interfaceUuid())) {
                // NetrSessionEnum (MS-SRVS 3.1.4.5) or NetrWkstaUserEnum (MS-WKST 3.2.4.3): who is logged on there
                behaviour.sessionEnum(src, ev.header().serverIp(), now, e);
            } else if (r.opnum() == 34 && r.args() instanceof RpcArgs.SamrCall c && c.opnum() == 34
                    && RpcCatalog.SAMR.equals(r.interfaceUuid())) {
                // SamrOpenUser (MS-SAMR 3.1.5.1.9): the decoder gives the RID it opens as the call's name.
                long rid = io.impacketsensor.detection.rules.CallFields.digits(c.name());
                if (rid >= 0) {
                    behaviour.samrAccountOpened(src, rid, now, e);
                }
            }
        } else if (ev instanceof DcerpcEvent.DcerpcBind b && !b.requestLost()) {
            // Interfaces the server has not, in an exchange where it accepted none: a bind that gets its
            // interface beside rejected decoys (Metasploit's multi-context bind, 11 random UUIDs around
            // SVCCTL in 401trg's psexec capture) asks for one interface, not which ones exist.
            int rejected = 0;
            boolean accepted = false;
            for (int i = 0; i < b.contexts().size(); i++) {
                DcerpcEvent.Context c = b.contexts().get(i);
                accepted |= c.result() == 0;
                if (c.abstractSyntaxRejected()) {
                    rejected++;
                }
            }
            if (rejected > 0 && !accepted) {
                behaviour.rejectedInterfaces(src, rejected, now, e);
            }
        }
    }

    /** {@link #account}, the last key made given again while the domain and user read the same. */
    private String failedAccount(String domain, String user) {
        if (failedAccount == null || !Objects.equals(domain, failedDomain) || !Objects.equals(user, failedUser)) {
            failedAccount = account(domain, user);
            failedDomain = domain;
            failedUser = user;
        }
        return failedAccount;
    }

    static String account(String domain, String user) {
        if (user == null || user.isEmpty()) {
            return "";
        }
        return domain == null || domain.isEmpty() ? user.toLowerCase(Locale.ROOT)
                : (domain + "\\" + user).toLowerCase(Locale.ROOT);
    }

    private static String principal(KerberosEvent.PrincipalName n) {
        return n == null ? "" : n.toString().toLowerCase(Locale.ROOT);
    }

    /**
     * Which of the {@link BehaviourLayer#PROTOCOLS} an event uses; an anomaly counts for its protocol.
     * -1 for HTTP and TDS requests, DNS answers, RDP connection starts, SQL Server Browser messages and
     * their anomalies: the window counts the five Windows domain protocols (an NTLM login they carry still counts as NTLM).
     */
    static int protocolIndex(SensorEvent ev) {
        return protocolIndex(ev, EventKind.of(ev));
    }

    /**
     * The protocol index of each event kind ({@link EventKind#PROTOCOL_ANOMALY}: by the anomaly's
     * name): a table read instead of a test per protocol's event interface on every event.
     */
    private static final int[] BY_KIND = new int[EventKind.values().length];

    static {
        for (EventKind k : EventKind.values()) {
            String id = k.id;
            BY_KIND[k.ordinal()] = id.startsWith("smb") ? P_SMB : id.startsWith("dcerpc") ? P_RPC : id.startsWith("krb")
                    ? P_KRB : id.startsWith("ntlm") ? P_NTLM : id.startsWith("ldap") ? P_LDAP : -1; // mssql, other: -1
        }
    }

    /** {@link #protocolIndex(SensorEvent)} of an event of kind {@code kind}. */
    static int protocolIndex(SensorEvent ev, EventKind kind) {
        if (kind != EventKind.PROTOCOL_ANOMALY) {
            return BY_KIND[kind.ordinal()];
        }
        return anomalyProtocol((ProtocolAnomaly) ev);
    }

    private static int anomalyProtocol(ProtocolAnomaly a) {
        if (a.name().startsWith("http.") || a.name().startsWith("mssql.") || a.name().startsWith("dns.")
                || a.name().startsWith("rdp.") || a.name().startsWith("ssrp.")) {
            return -1;
        }
        return a.name().startsWith("kerberos") ? P_KRB : a.name().startsWith("ldap") ? P_LDAP
                : a.name().startsWith("dcerpc") ? P_RPC : a.name().startsWith("ntlm") ? P_NTLM : P_SMB;
    }
}
