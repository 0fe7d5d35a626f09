/**
 * The hand-over of security tokens from the protocols that carry them (SMB1/SMB2 SESSION_SETUP,
 * DCE/RPC auth trailers, LDAP binds) to the decoders of the tokens (GSS-API/SPNEGO, NTLMSSP):
 * interfaces only, so that carriers and token decoders do not import each other, and the GSS-API
 * session can drive the NTLMSSP session through the same {@link
 * io.impacketsensor.decoders.token.TokenSession} interface the carriers use.
 */
package io.impacketsensor.decoders.token;
