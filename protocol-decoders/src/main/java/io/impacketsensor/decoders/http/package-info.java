/**
 * HTTP/1.x (RFC 9112) as a carrier of NTLM, Negotiate and Kerberos authentication.
 *
 * <p>Implemented: request-line and status-line (RFC 9112 3, 4), field lines (5; obs-fold passed
 * over), message body length (6.3: Content-Length, the chunked transfer coding of 7.1 with its
 * extensions and trailer section passed over, to the end of the connection), pipelined requests
 * paired with responses in order (9.3.2), interim responses (RFC 9110 15.2), protocol switches
 * (101, CONNECT). The {@code Authorization}, {@code Proxy-Authorization}, {@code WWW-Authenticate}
 * and {@code Proxy-Authenticate} fields (RFC 9110 11.6, 11.7) with the {@code NTLM} and
 * {@code Negotiate} schemes (RFC 4559 4; MS-NTHT 2.2) hand their base64 tokens to the shared token
 * decoder. Bodies are never decoded. HTTP/2 is not.
 *
 * <p>{@link io.impacketsensor.decoders.http.HttpParser} is the grammar of a header section,
 * {@link io.impacketsensor.decoders.http.HttpAnalyzer} the per-connection state (framing per
 * direction, request/response pairing, token hand-over), {@code HttpEvents} builds the events.
 */
package io.impacketsensor.decoders.http;
