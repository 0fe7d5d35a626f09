package io.impacketsensor.decoders.ldap;

import io.impacketsensor.core.event.LdapEvent;
import io.impacketsensor.core.event.ProtocolAnomaly;
import io.impacketsensor.core.event.Transport;
import io.impacketsensor.core.flow.Direction;
import io.impacketsensor.core.flow.FlowAnalyzer;
import io.impacketsensor.core.testkit.PooledReplay;
import io.impacketsensor.core.testkit.RecordingContext;
import io.impacketsensor.decoders.gssapi.GssTokenDecoder;
import io.impacketsensor.decoders.kerberos.KerberosAnalyzerFactory;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The LDAP factory hands an ended flow's analyzer to the worker's next flow of the same transport;
 * it must decode exactly as a new analyzer does.
 */
class LdapAnalyzerPoolTest {

    private static LdapAnalyzerFactory factory() {
        return new LdapAnalyzerFactory(new GssTokenDecoder(new KerberosAnalyzerFactory().tokenHook()));
    }

    /**
     * Every project lab capture, each replayed through one factory right after the previous capture
     * cut at half its frames (searches left gathering entries, binds left pending, SASL layers
     * started), and compared with the same capture through a new factory.
     */
    @Test
    void aPooledAnalyzerDecodesAsANewOne() throws Exception {
        LdapAnalyzerFactory ldap = factory();
        PooledReplay.Result r = PooledReplay.compare(List.of(ldap), () -> List.of(factory()),
                () -> ldap.pooled(Transport.TCP) + ldap.pooled(Transport.UDP), e -> true);
        assertTrue(r.reused() > 0, "flows ended with analyzers kept for the next");
        assertTrue(r.counted() > 0, "the captures hold LDAP events to compare");
    }

    /**
     * synthetic: a TCP flow that used up its anomaly events and was left with a search pending and
     * a message half gathered hands a clean analyzer to the next flow; a second close neither flushes nor
     * hands it out twice; the pool is bounded.
     */
    @Test
    void aReusedTcpAnalyzerStartsClean() {
        LdapAnalyzerFactory factory = factory();
        RecordingContext first = new RecordingContext(Transport.TCP, 389);
        FlowAnalyzer a = factory.create(first);
        byte[] search = LdapTestMessages.message(2,
                LdapTestMessages.search("dc=lab,dc=test", LdapTestMessages.eq("objectClass", "user")));
        byte[] done = LdapTestMessages.message(9, LdapTestMessages.result(5, 0, ""));
        // A message header announcing 4 GB: reported, and the direction waits for a message start.
        byte[] junk = {0x30, (byte) 0x84, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x02, 0x01, 0x01};
        a.onData(Direction.TO_SERVER, search, 0, search.length);
        for (int i = 0; i < LdapAnalyzer.MAX_ANOMALY_EVENTS + 2; i++) {
            a.onData(Direction.TO_CLIENT, done, 0, done.length);
            a.onData(Direction.TO_CLIENT, junk, 0, junk.length);
        }
        assertEquals(LdapAnalyzer.MAX_ANOMALY_EVENTS, RecordingContext.of(first.events, ProtocolAnomaly.class).size(),
                first.events::toString);
        a.onData(Direction.TO_SERVER, search, 0, search.length / 2);
        a.onClose();
        int firstEvents = first.events.size();
        a.onClose();
        assertEquals(firstEvents, first.events.size(), "a second close flushes nothing");
        assertEquals(1, first.of(LdapEvent.LdapSearch.class).size(), "the pending search flushed at close");
        assertEquals(1, factory.pooled(Transport.TCP));

        RecordingContext second = new RecordingContext(Transport.TCP, 389);
        assertSame(a, factory.create(second), "the ended flow's analyzer is reused");
        a.onData(Direction.TO_SERVER, search, 0, 5);
        a.onData(Direction.TO_SERVER, search, 5, search.length - 5);
        a.onData(Direction.TO_CLIENT, junk, 0, junk.length);
        a.onClose();
        assertEquals(firstEvents, first.events.size(), "nothing more goes to the ended flow");
        List<LdapEvent.LdapSearch> searches = second.of(LdapEvent.LdapSearch.class);
        assertEquals(1, searches.size(), "the split message is gathered anew: " + second.events);
        assertEquals("(objectClass=user)", searches.get(0).filter());
        assertEquals(1, RecordingContext.of(second.events, ProtocolAnomaly.class).size(),
                "the next flow reports its own anomaly: " + second.events);

        assertNotSame(factory.create(new RecordingContext(Transport.TCP, 389)),
                factory.create(new RecordingContext(Transport.TCP, 389)), "handed out once");
        factory.create(new RecordingContext(Transport.UDP, 389)).onClose();
        assertEquals(1, factory.pooled(Transport.UDP));
        assertEquals(0, factory.pooled(Transport.TCP), "TCP takes no CLDAP analyzer");
        List<FlowAnalyzer> open = new ArrayList<>();
        for (int i = 0; i < LdapAnalyzerFactory.POOLED + 5; i++) {
            open.add(factory.create(new RecordingContext(Transport.TCP, 389)));
        }
        open.forEach(FlowAnalyzer::onClose);
        assertEquals(LdapAnalyzerFactory.POOLED, factory.pooled(Transport.TCP));
    }
}
