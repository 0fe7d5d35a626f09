/**
 * The Remote Desktop Protocol's connection start, on TCP 3389 and by probe.
 *
 * <p>Implemented: TPKT framing (RFC 1006 6); the X.224 Connection Request and Confirm (ISO 8073
 * 13.3, 13.4, class 0) with what [MS-RDPBCGR] puts in them: the routing token or
 * {@code Cookie: mstshash=} cookie (2.2.1.1), RDP_NEG_REQ with its flags and requestedProtocols
 * (2.2.1.1.1), RDP_NEG_CORRELATION_INFO (2.2.1.1.2), RDP_NEG_RSP (2.2.1.2.1) and RDP_NEG_FAILURE
 * (2.2.1.2.2); and, when the Confirm selects TLS, CredSSP or RDSTLS, the cleartext TLS handshake
 * messages: the ClientHello (RFC 5246 7.4.1.2, RFC 8446 4.1.2: version, cipher suites, extensions,
 * server_name, supported_groups, ec_point_formats, supported_versions), the ServerHello (chosen
 * version and suite) and, up to TLS 1.2, the serial numbers of the server's Certificate (RFC 5280
 * 4.1). Not decoded: everything TLS protects (CredSSP [MS-CSSP] and its NTLM or Kerberos messages,
 * the MCS connection, the session), the MCS connection of standard RDP security, RDP over UDP
 * ([MS-RDPEUDP]), and a connection picked up after its Connection Request.
 *
 * <p>{@link io.impacketsensor.decoders.rdp.RdpParser} is the grammar,
 * {@link io.impacketsensor.decoders.rdp.RdpAnalyzer} the per-connection state (framing of both
 * directions, the request kept for the handshake record, the end of the cleartext part),
 * {@code RdpEvents} builds the events.
 */
package io.impacketsensor.decoders.rdp;
