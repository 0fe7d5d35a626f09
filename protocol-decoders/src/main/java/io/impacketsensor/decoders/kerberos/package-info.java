/**
 * Kerberos V5 on port 88 and inside GSS tokens.
 *
 * <p>Implemented: RFC 4120 5.4.1 KDC-REQ (AS-REQ, TGS-REQ) with the PA-DATA that matter for
 * detection (PA-TGS-REQ 5.5.1, PA-ENC-TIMESTAMP 5.2.7.2, MS-KILE 2.2.3 PA-PAC-REQUEST and 2.2.10
 * PA-PAC-OPTIONS, MS-SFU 2.2.1 PA-FOR-USER and 2.2.2 PA-S4U-X509-USER presence, RFC 6113 5.4.1
 * PA-FX-FAST presence), 5.4.2 KDC-REP, 5.9.1 KRB-ERROR, 5.5.1 AP-REQ and 5.5.2 AP-REP; the
 * transport of 7.2.1 (UDP) and 7.2.2 (TCP record marking). Encrypted parts stay opaque: only
 * their etype and kvno are read. DER is enforced (X.690 10.1: no indefinite length).
 *
 * <p>{@link io.impacketsensor.decoders.kerberos.KerberosParser} is the grammar,
 * {@link io.impacketsensor.decoders.kerberos.KerberosAnalyzer} the per-flow state (record marks,
 * request/reply pairing), {@link io.impacketsensor.decoders.kerberos.KerberosTokenHandler} the
 * hook the shared GSS token decoder calls, {@code KerberosEvents} builds the events from the
 * parser's fields.
 */
package io.impacketsensor.decoders.kerberos;
