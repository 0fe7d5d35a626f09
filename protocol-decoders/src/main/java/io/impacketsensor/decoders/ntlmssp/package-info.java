/**
 * NTLMSSP (MS-NLMP 2.2.1): NEGOTIATE_MESSAGE, CHALLENGE_MESSAGE and AUTHENTICATE_MESSAGE, with the
 * AV pairs of the target info (2.2.2.1) and of the NTLMv2 response (2.2.2.8: NTProofStr, then the
 * NTLMv2_CLIENT_CHALLENGE blob). Every len/maxlen/offset triple is checked against the message
 * before its bytes are read. {@link io.impacketsensor.decoders.ntlmssp.NtlmsspParser} is the pure
 * grammar; {@link io.impacketsensor.decoders.ntlmssp.NtlmsspAnalyzer}, a
 * {@link io.impacketsensor.decoders.token.TokenSession}, keeps one conversation's state (the server
 * challenge, the AUTHENTICATE held until its result) and emits the {@code Ntlm*} events that
 * {@code NtlmsspEvents} builds; {@link io.impacketsensor.decoders.ntlmssp.NtlmsspCounters} counts
 * the messages of a worker. It is reached through the shared token decoder in {@code decoders.gssapi}.
 */
package io.impacketsensor.decoders.ntlmssp;
