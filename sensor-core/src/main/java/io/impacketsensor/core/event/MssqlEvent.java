package io.impacketsensor.core.event;

/**
 * Microsoft SQL Server's Tabular Data Stream (MS-TDS) on TCP 1433 and by probe: the pre-login
 * negotiation, the login, and the text of SQL batches as a bounded prefix. SSPI (NTLMSSP or
 * SPNEGO) data of the login is decoded by the shared token decoder into {@link NtlmEvent}s with
 * carrier {@link Carrier#MSSQL}. Passwords are never kept.
 */
public sealed interface MssqlEvent extends SensorEvent {

    /** No encryption: every message is in clear (ENCRYPT_NOT_SUP on either side, MS-TDS 2.2.6.5). */
    int ENCRYPTION_NONE = 0;
    /** Only the LOGIN7 message is TLS-protected (ENCRYPT_OFF on both sides); the rest is clear. */
    int ENCRYPTION_LOGIN_ONLY = 1;
    /** TLS for the whole connection (ENCRYPT_ON or ENCRYPT_REQ): encrypted, not inspected. */
    int ENCRYPTION_FULL = 2;

    /**
     * PRELOGIN request and response (MS-TDS 2.2.6.5), emitted with the response (or alone when the
     * connection ended first, server fields then -1 or "").
     *
     * @param header           common header
     * @param clientVersion    VERSION of the request ({@code major.minor.build.subbuild}), or ""
     * @param clientEncryption ENCRYPTION option of the request (0 OFF, 1 ON, 2 NOT_SUP, 3 REQ), or -1
     * @param serverVersion    VERSION of the response, or ""
     * @param serverEncryption ENCRYPTION option of the response, or -1
     * @param instance         INSTOPT of the request, or ""
     * @param encryption       the outcome: {@link #ENCRYPTION_NONE}, {@link #ENCRYPTION_LOGIN_ONLY} or {@link #ENCRYPTION_FULL}
     */
    record MssqlPrelogin(EventHeader header, String clientVersion, int clientEncryption, String serverVersion,
                         int serverEncryption, String instance, int encryption) implements MssqlEvent {
    }

    /**
     * LOGIN7 (MS-TDS 2.2.6.4) with its outcome from the response's LOGINACK (2.2.7.14) or ERROR
     * (2.2.7.10), emitted when the outcome is seen or the connection ends. When the LOGIN7 itself
     * was TLS-protected (login-only encryption) its fields are empty and {@code encryptedLogin} is set.
     *
     * @param header         common header
     * @param tdsVersion     TDSVersion of the LOGIN7 (0x74000004 for TDS 7.4), or 0
     * @param hostname       HostName (the client machine), or ""
     * @param username       UserName of a SQL Server login, or "" (integrated security); never the password
     * @param appName        AppName, or ""
     * @param serverName     ServerName (as the client addressed it), or ""
     * @param library        CltIntName (the client interface library: ODBC, OLEDB, DB-Library ...), or ""
     * @param database       Database, or ""
     * @param integrated     fIntSecurity: the login authenticates with SSPI (NTLM or Kerberos)
     * @param encryptedLogin the LOGIN7 was inside TLS (login-only encryption)
     * @param success        true when a LOGINACK was seen
     * @param errorNumber    Number of the ERROR token that refused the login (18456 login failed), else 0
     * @param errorMessage   MsgText of that ERROR token, or ""
     * @param serverProgram  ProgName of the LOGINACK, or ""
     * @param answered       false when the connection ended before the outcome
     */
    record MssqlLogin(EventHeader header, long tdsVersion, String hostname, String username, String appName,
                      String serverName, String library, String database, boolean integrated,
                      boolean encryptedLogin, boolean success, long errorNumber, String errorMessage,
                      String serverProgram, boolean answered) implements MssqlEvent {
    }

    /**
     * A SQL batch (MS-TDS 2.2.6.7): the start of its text, for detections (xp_cmdshell,
     * xp_dirtree on a UNC path).
     *
     * @param header      common header
     * @param textPrefix  the first characters of SQLText (bounded by the decoder's limit)
     * @param truncated   true when the text went on past the prefix
     */
    record MssqlBatch(EventHeader header, String textPrefix, boolean truncated) implements MssqlEvent {
    }
}
