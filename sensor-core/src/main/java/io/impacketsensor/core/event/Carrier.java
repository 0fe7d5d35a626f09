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
    RAW,
    /**
     * SMB1 SESSION_SETUP_ANDX: the extended-security blob (MS-SMB 2.2.4.6), or the challenge/response
     * passwords of a login without extended security (MS-CIFS 2.2.4.53, challenge from the NEGOTIATE
     * response 2.2.4.52.2). Added after the others, so ordinals of the earlier values are unchanged.
     */
    SMB1,
    /** MS-TDS: the SSPI data of LOGIN7, SSPI messages and SSPI tokens of the login response. */
    MSSQL
}
