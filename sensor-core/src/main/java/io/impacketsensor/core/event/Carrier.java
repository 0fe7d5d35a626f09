package io.impacketsensor.core.event;

/** Where a security token (NTLMSSP, Kerberos AP-REQ) was carried. */
public enum Carrier {
    /** SMB session-setup security buffer: SMB2 SESSION_SETUP, or SMB1 SESSION_SETUP_ANDX (extended security). */
    SMB2,
    /** DCE/RPC auth trailer (bind, alter context, AUTH3, request). */
    DCERPC,
    /** LDAP bind (SASL credentials or Sicily). */
    LDAP,
    /** HTTP Authorization / WWW-Authenticate header. */
    HTTP,
    /** Directly on its own port (Kerberos on 88). */
    RAW
}
