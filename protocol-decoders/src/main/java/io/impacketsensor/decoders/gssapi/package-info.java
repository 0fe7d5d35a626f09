/**
 * The shared security-token decoder: GSS-API framing (RFC 2743 3.1 InitialContextToken), SPNEGO
 * (RFC 4178 4.2: NegTokenInit, NegTokenResp; MS-SPNG NegTokenInit2), raw NTLMSSP and Kerberos GSS
 * tokens (RFC 4121 4.1: KRB5 OID then TOK_ID). {@link io.impacketsensor.decoders.gssapi.GssapiParser}
 * is the DER grammar (via {@code BerTlv}, no recursion: the walk follows the fixed SPNEGO shape and
 * at most {@link io.impacketsensor.decoders.gssapi.GssapiLimits#maxDepth()} nested GSS wrappers);
 * {@link io.impacketsensor.decoders.gssapi.GssapiAnalyzer} is one conversation's
 * {@link io.impacketsensor.decoders.token.TokenSession}, routing the mech token to NTLMSSP or to
 * the {@link io.impacketsensor.decoders.gssapi.KerberosTokenHook};
 * {@link io.impacketsensor.decoders.gssapi.GssTokenDecoder}, the worker's
 * {@link io.impacketsensor.decoders.token.TokenDecoder}, creates them and holds the worker's
 * {@link io.impacketsensor.decoders.gssapi.GssapiCounters}.
 */
package io.impacketsensor.decoders.gssapi;
