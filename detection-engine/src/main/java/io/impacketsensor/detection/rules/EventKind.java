package io.impacketsensor.detection.rules;

import io.impacketsensor.core.event.DcerpcEvent;
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
        if (ev instanceof SmbEvent s) {
            return smb(s);
        }
        if (ev instanceof DcerpcEvent d) {
            return d instanceof DcerpcEvent.DcerpcRequest ? DCERPC_REQUEST : d instanceof DcerpcEvent.DcerpcBind
                    ? DCERPC_BIND : DCERPC_OTHER;
        }
        if (ev instanceof NtlmEvent n) {
            return n instanceof NtlmEvent.NtlmAuthenticate ? NTLM_AUTHENTICATE : n instanceof NtlmEvent.NtlmNegotiate
                    ? NTLM_NEGOTIATE : NTLM_CHALLENGE;
        }
        if (ev instanceof KerberosEvent k) {
            return k instanceof KerberosEvent.KerberosRequest ? KRB_REQUEST : k instanceof KerberosEvent.KerberosReply
                    ? KRB_REPLY : k instanceof KerberosEvent.KerberosApRequest ? KRB_AP_REQUEST : KRB_OTHER;
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

    private static EventKind smb(SmbEvent ev) {
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
        return ev instanceof SmbEvent.SmbSessionSetup ? SMB_SESSION_SETUP : SMB_OTHER;
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
