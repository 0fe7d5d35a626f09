/**
 * Microsoft SQL Server's Tabular Data Stream (MS-TDS) as a carrier of NTLM and Kerberos logins.
 *
 * <p>Implemented: packet framing (MS-TDS 2.2.3.1) and messages over several packets (EOM); PRELOGIN
 * and its answer (2.2.6.5: VERSION, ENCRYPTION, INSTOPT) with the encryption outcome (whole
 * connection: reported and not inspected; login only: the TLS records carrying the LOGIN7 are
 * passed over and the rest read); LOGIN7 (2.2.6.4: TDSVersion, HostName, UserName, AppName,
 * ServerName, CltIntName, Database, fIntSecurity, SSPI data; never the password); SSPI messages
 * (2.2.6.8); the login answer's SSPI, LOGINACK and ERROR tokens (2.2.7.22, 2.2.7.14, 2.2.7.10,
 * with ENVCHANGE, INFO, FEATUREEXTACK and DONE passed over); the first packet of a SQL batch
 * (2.2.6.7, ALL_HEADERS 2.2.5.3) as a bounded text prefix. RPC requests, result sets and bulk
 * loads are passed over by their packet lengths. TDS 8.0 (TLS before the first packet) is not
 * recognised.
 *
 * <p>{@link io.impacketsensor.decoders.mssql.MssqlParser} is the grammar,
 * {@link io.impacketsensor.decoders.mssql.MssqlAnalyzer} the per-connection state (framing,
 * encryption, the login waiting for its outcome, token hand-over), {@code MssqlEvents} builds the
 * events.
 */
package io.impacketsensor.decoders.mssql;
