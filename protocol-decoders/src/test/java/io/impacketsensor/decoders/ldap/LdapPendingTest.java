package io.impacketsensor.decoders.ldap;

import io.impacketsensor.core.event.LdapEvent.LdapBind;
import io.impacketsensor.core.event.LdapEvent.LdapSearch;
import io.impacketsensor.core.event.Transport;
import io.impacketsensor.core.testkit.RecordingContext;
import io.impacketsensor.core.wire.ParseStatus;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.impacketsensor.decoders.ldap.LdapTestMessages.entry;
import static io.impacketsensor.decoders.ldap.LdapTestMessages.eq;
import static io.impacketsensor.decoders.ldap.LdapTestMessages.message;
import static io.impacketsensor.decoders.ldap.LdapTestMessages.result;
import static io.impacketsensor.decoders.ldap.LdapTestMessages.search;
import static io.impacketsensor.decoders.testsupport.Ber.integer;
import static io.impacketsensor.decoders.testsupport.Ber.octets;
import static io.impacketsensor.decoders.testsupport.Ber.tlv;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The request table reuses the requests whose event is out: a later request must carry nothing of
 * an earlier one (synthetic messages).
 */
class LdapPendingTest {

    private final LdapParser p = new LdapParser(LdapLimits.DEFAULTS);

    private LdapParser read(byte[] m) {
        assertEquals(ParseStatus.OK, p.parse(m, 0, m.length));
        return p;
    }

    @Test
    void aReusedRequestCarriesNothingOfTheLastOne() {
        RecordingContext ctx = new RecordingContext(Transport.TCP, 389);
        LdapPending pending = new LdapPending(8, false);

        assertTrue(pending.request(read(message(2, search("DC=lab,DC=test", eq("cn", "alice"), "cn")))));
        pending.entry(read(message(2, entry("CN=alice,DC=lab,DC=test"))));
        assertTrue(pending.complete(ctx, read(message(2, result(5, 0, "")))));
        assertEquals(1, pending.spares(), "the answered search is kept for the next request");

        // simple bind (RFC 4511 4.2): version 3, name, [0] password
        assertTrue(pending.bind(read(message(3, tlv(0x60, integer(3), octets("alice"), tlv(0x80, "pw".getBytes()))))));
        assertEquals(0, pending.spares());
        assertTrue(pending.complete(ctx, read(message(3, result(1, 49, "bad")))));
        assertTrue(pending.request(read(message(4, search("", eq("cn", "bob"))))));
        pending.flush(ctx);
        assertEquals(1, pending.spares(), "one object served all three requests");

        List<LdapSearch> searches = ctx.of(LdapSearch.class);
        assertEquals(2, searches.size());
        assertEquals(1, searches.get(0).entries());
        assertEquals(1, searches.get(0).resultEntries().size());
        LdapSearch second = searches.get(1);
        assertEquals(4, second.messageId());
        assertEquals("", second.base());
        assertEquals("(cn=bob)", second.filter());
        assertEquals(List.of(), second.attributes());
        assertEquals(0, second.entries());
        assertEquals(List.of(), second.resultEntries());
        assertEquals(-1, second.resultCode());

        LdapBind bind = ctx.of(LdapBind.class).get(0);
        assertEquals(3, bind.messageId());
        assertEquals(3, bind.version());
        assertEquals("alice", bind.name());
        assertTrue(bind.cleartextPassword());
        assertNull(bind.saslMechanism());
        assertEquals(49, bind.resultCode());
    }

    @Test
    void aRequestTheFullTableRefusesIsKeptForReuse() {
        LdapPending pending = new LdapPending(1, false);
        assertTrue(pending.request(read(message(2, search("DC=lab,DC=test", eq("cn", "a"))))));
        assertFalse(pending.request(read(message(3, search("DC=lab,DC=test", eq("cn", "b"))))));
        assertEquals(1, pending.size());
        assertEquals(1, pending.spares());
    }
}
