package io.impacketsensor.decoders.gssapi;

import io.impacketsensor.core.event.Carrier;
import io.impacketsensor.core.event.NtlmEvent;
import io.impacketsensor.core.flow.Direction;
import io.impacketsensor.core.testkit.PooledReplay;
import io.impacketsensor.core.testkit.RecordingContext;
import io.impacketsensor.decoders.DecoderConfig;
import io.impacketsensor.decoders.Decoders;
import io.impacketsensor.decoders.kerberos.KerberosAnalyzerFactory;
import io.impacketsensor.decoders.ntlmssp.NtlmsspParserTest;
import io.impacketsensor.decoders.token.TokenSession;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The token decoder hands an ended conversation's session to the worker's next one; every carrier
 * must decode exactly as with new sessions.
 */
class GssSessionPoolTest {

    /**
     * Every project lab capture, each replayed through one worker's factories right after the
     * previous capture cut at half its frames (logins left half done, AUTHENTICATEs held), and
     * compared with the same capture through new factories: SMB, DCE/RPC, LDAP and HTTP logins
     * through pooled sessions, with every analyzer pool of the worker in play.
     */
    @Test
    void aPooledSessionDecodesAsANewOne() throws Exception {
        PooledReplay.Result r = PooledReplay.compare(Decoders.forWorker(DecoderConfig.defaults()),
                () -> Decoders.forWorker(DecoderConfig.defaults()), () -> 0, e -> e instanceof NtlmEvent);
        assertTrue(r.counted() > 0, "the captures hold NTLM logins to compare");
    }

    /**
     * synthetic (the NTLMSSP messages of {@link NtlmsspParserTest}): a conversation closed with a
     * challenge seen is kept once; reused, it starts with no mechanism and no challenge, and emits to
     * its new context only; the pool is bounded.
     */
    @Test
    void aReusedSessionStartsClean() {
        GssTokenDecoder decoder = new GssTokenDecoder(new KerberosAnalyzerFactory().tokenHook());
        RecordingContext first = new RecordingContext();
        TokenSession s = decoder.newSession(first, Carrier.SMB2);
        s.onToken(Direction.TO_CLIENT, NtlmsspParserTest.CHALLENGE, 0, NtlmsspParserTest.CHALLENGE.length);
        s.onToken(Direction.TO_SERVER, NtlmsspParserTest.AUTHENTICATE, 0, NtlmsspParserTest.AUTHENTICATE.length);
        assertEquals("ntlmssp", s.lastMechanism());
        s.close();
        s.close();
        assertEquals(1, first.of(NtlmEvent.NtlmAuthenticate.class).size(), "the held AUTHENTICATE emitted once");
        assertEquals(1, decoder.pooled());
        int firstEvents = first.events.size();

        RecordingContext second = new RecordingContext();
        assertSame(s, decoder.newSession(second, Carrier.LDAP), "the ended conversation's session is reused");
        assertEquals("none", s.lastMechanism());
        s.onToken(Direction.TO_SERVER, NtlmsspParserTest.AUTHENTICATE, 0, NtlmsspParserTest.AUTHENTICATE.length);
        s.onResult(0);
        assertEquals(firstEvents, first.events.size(), "nothing more goes to the ended conversation");
        NtlmEvent.NtlmAuthenticate auth = second.of(NtlmEvent.NtlmAuthenticate.class).get(0);
        assertNull(auth.serverChallenge(), "the challenge of the ended conversation is not this one's");
        assertEquals(Carrier.LDAP, auth.carrier());
        assertEquals(0, auth.status());
        assertArrayEquals(first.of(NtlmEvent.NtlmAuthenticate.class).get(0).ntProofStr(), auth.ntProofStr());

        assertNotSame(decoder.newSession(new RecordingContext(), Carrier.SMB2),
                decoder.newSession(new RecordingContext(), Carrier.SMB2), "handed out once");
        List<TokenSession> open = new ArrayList<>();
        for (int i = 0; i < GssTokenDecoder.POOLED + 5; i++) {
            open.add(decoder.newSession(new RecordingContext(), Carrier.SMB2));
        }
        open.forEach(TokenSession::close);
        assertEquals(GssTokenDecoder.POOLED, decoder.pooled());
    }
}
