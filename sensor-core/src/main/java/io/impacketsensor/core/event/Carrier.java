package io.impacketsensor.core.event;

/** Where a security token (NTLMSSP, Kerberos AP-REQ) was carried. */
public enum Carrier {
    /** SMB2 SESSION_SETUP security buffer. */
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
