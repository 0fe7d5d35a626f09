package io.impacketsensor.detection.rules;

import io.impacketsensor.core.event.DcerpcEvent;
import io.impacketsensor.core.event.HttpEvent;
import io.impacketsensor.core.event.KerberosEvent;
import io.impacketsensor.core.event.LdapEvent;
import io.impacketsensor.core.event.MssqlEvent;
import io.impacketsensor.core.event.NtlmEvent;
import io.impacketsensor.core.event.ProtocolAnomaly;
import io.impacketsensor.core.event.RdpEvent;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.core.event.SmbEvent;
import io.impacketsensor.core.event.SsrpEvent;

/**
 * What kind of decoded event one event is, decided once per event: the first key of the data-rule
 * index (a rule is evaluated only on the kinds its fields exist on) and of the layers' dispatch.
 * SMB creates, reads and writes split into file and named-pipe operations, so the pipe rules never
 * run on file transfers.
 */
public enum EventKind {
    SMB_TREE_CONNECT, SMB_FILE, SMB_PIPE, SMB2_NEGOTIATE, SMB1_NEGOTIATE, SMB_SESSION_SETUP, SMB_OTHER,
    DCERPC_BIND, DCERPC_REQUEST, DCERPC_OTHER,
    NTLM_NEGOTIATE, NTLM_CHALLENGE, NTLM_AUTHENTICATE,
    KRB_REQUEST, KRB_REPLY, KRB_AP_REQUEST, KRB_OTHER,
    LDAP_SEARCH, LDAP_MODIFY, LDAP_ADD, LDAP_OTHER,
    MSSQL_BATCH,
    RDP_REQUEST, RDP_TLS, SSRP_REQUEST,
    PROTOCOL_ANOMALY, OTHER;

    /** This kind as a bit of a kind mask. */
    public final long bit = 1L << ordinal();
    /** The name rules use for this kind (the {@code event} field): {@code smb_file}, {@code ldap_modify} ... */
    public final String id = name().toLowerCase(java.util.Locale.ROOT);

    /** Every kind, as a mask. */
    public static final long ALL = (1L << values().length) - 1;

    /** The kind of an event (no allocation). */
    public static EventKind of(SensorEvent ev) {
        // The busiest record types first, by their own (final) class: a test against a class is one
        // compare, a test against a family's interface scans the class's interfaces, and a match
        // overwrites the one-entry cache HotSpot keeps per class, which the decode workers' stores
        // of the same records into the event ring read: the cache line would move between cores.
        // The layers dispatch on the kind's family (smb(), dcerpc() ...) for the same reason.
        if (ev instanceof DcerpcEvent.DcerpcRequest) {
            return DCERPC_REQUEST;
        }
        if (ev instanceof DcerpcEvent.DcerpcResponse) {
            return DCERPC_OTHER;
        }
        if (ev instanceof DcerpcEvent.DcerpcBind) {
            return DCERPC_BIND;
        }
        EventKind k = smbRecord(ev);
        if (k != null) {
            return k;
        }
        if (ev instanceof HttpEvent.HttpRequest || ev instanceof HttpEvent.HttpResponse) {
            return OTHER;
        }
        if (ev instanceof SmbEvent) {
            return SMB_OTHER; // every other SMB record type
        }
        if (ev instanceof DcerpcEvent) {
            return DCERPC_OTHER; // a fault
        }
        if (ev instanceof NtlmEvent.NtlmAuthenticate) {
            return NTLM_AUTHENTICATE;
        }
        if (ev instanceof NtlmEvent.NtlmNegotiate) {
            return NTLM_NEGOTIATE;
        }
        if (ev instanceof NtlmEvent.NtlmChallenge) {
            return NTLM_CHALLENGE;
        }
        if (ev instanceof KerberosEvent.KerberosRequest) {
            return KRB_REQUEST;
        }
        if (ev instanceof KerberosEvent.KerberosReply) {
            return KRB_REPLY;
        }
        if (ev instanceof KerberosEvent.KerberosApRequest) {
            return KRB_AP_REQUEST;
        }
        if (ev instanceof KerberosEvent) {
            return KRB_OTHER;
        }
        if (ev instanceof LdapEvent l) {
            return l instanceof LdapEvent.LdapSearch ? LDAP_SEARCH : l instanceof LdapEvent.LdapModify ? LDAP_MODIFY
                    : l instanceof LdapEvent.LdapAdd ? LDAP_ADD : LDAP_OTHER;
        }
        if (ev instanceof MssqlEvent.MssqlBatch) {
            return MSSQL_BATCH;
        }
        if (ev instanceof RdpEvent.RdpConnectRequest) {
            return RDP_REQUEST;
        }
        if (ev instanceof RdpEvent.RdpTlsHandshake) {
            return RDP_TLS;
        }
        if (ev instanceof SsrpEvent.SsrpRequest) {
            return SSRP_REQUEST;
        }
        return ev instanceof ProtocolAnomaly ? PROTOCOL_ANOMALY : OTHER;
    }

    /** The kind of an SMB record of a type tested by its class, else null. */
    private static EventKind smbRecord(SensorEvent ev) {
        if (ev instanceof SmbEvent.SmbCreate c) {
            // A create names a pipe by its flag or by a \PIPE\ path (SMB1 opens pipes by path on IPC$).
            return c.namedPipe() || pipePath(c.fileName()) ? SMB_PIPE : SMB_FILE;
        }
        if (ev instanceof SmbEvent.SmbRead r) {
            return r.namedPipe() ? SMB_PIPE : SMB_FILE;
        }
        if (ev instanceof SmbEvent.SmbWrite w) {
            return w.namedPipe() ? SMB_PIPE : SMB_FILE;
        }
        if (ev instanceof SmbEvent.SmbTreeConnect) {
            return SMB_TREE_CONNECT;
        }
        if (ev instanceof SmbEvent.Smb2Negotiate) {
            return SMB2_NEGOTIATE;
        }
        if (ev instanceof SmbEvent.Smb1Negotiate) {
            return SMB1_NEGOTIATE;
        }
        if (ev instanceof SmbEvent.SmbSessionSetup) {
            return SMB_SESSION_SETUP;
        }
        return ev instanceof SmbEvent.SmbIoctl || ev instanceof SmbEvent.SmbCommand || ev instanceof SmbEvent.SmbClose
                || ev instanceof SmbEvent.Smb2QueryDirectory ? SMB_OTHER : null;
    }

    /** True for the kinds of SMB records ({@code SmbEvent}). */
    public boolean smb() {
        return ordinal() <= SMB_OTHER.ordinal();
    }

    /** True for the kinds of DCE/RPC records ({@code DcerpcEvent}). */
    public boolean dcerpc() {
        return ordinal() >= DCERPC_BIND.ordinal() && ordinal() <= DCERPC_OTHER.ordinal();
    }

    /** True for the kinds of NTLM messages ({@code NtlmEvent}). */
    public boolean ntlm() {
        return ordinal() >= NTLM_NEGOTIATE.ordinal() && ordinal() <= NTLM_AUTHENTICATE.ordinal();
    }

    /** True for the kinds of Kerberos records ({@code KerberosEvent}). */
    public boolean kerberos() {
        return ordinal() >= KRB_REQUEST.ordinal() && ordinal() <= KRB_OTHER.ordinal();
    }

    /** The kind a rule names ({@code smb_file} ...), or null. */
    public static EventKind byId(String id) {
        for (EventKind k : values()) {
            if (k.id.equalsIgnoreCase(id)) {
                return k;
            }
        }
        return null;
    }

    /** {@code \PIPE\name} or {@code PIPE\name}. */
    public static boolean pipePath(String name) {
        return Text.startsWith(name, "\\PIPE\\") || Text.startsWith(name, "PIPE\\");
    }
}
