package io.impacketsensor.decoders.token;

import io.impacketsensor.core.flow.Direction;

/**
 * One authentication conversation's token state: remembers the NTLM server challenge so the
 * AUTHENTICATE can be tied to it, and holds the AUTHENTICATE until the carrier reports its result.
 */
public interface TokenSession {

    /** A token as the carrier found it (SPNEGO, raw NTLMSSP, or a GSS-API KRB5 token). */
    void onToken(Direction dir, byte[] buf, int off, int len);

    /** The carrier saw the authentication's result (e.g. SMB2 SESSION_SETUP final status). */
    void onResult(long status);

    /**
     * The mechanism of the last token: {@code ntlmssp}, {@code kerberos}, {@code spnego} (no
     * inner token), {@code unknown}, or {@code none} before any token.
     */
    String lastMechanism();

    /** The conversation ended: emit anything still held (with NO_STATUS). */
    void close();
}
