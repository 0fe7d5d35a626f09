package io.impacketsensor.decoders.ldap;

import io.impacketsensor.core.event.LdapEvent.BindType;
import io.impacketsensor.core.event.LdapEvent.LdapAdd;
import io.impacketsensor.core.event.LdapEvent.LdapBind;
import io.impacketsensor.core.event.LdapEvent.LdapModify;
import io.impacketsensor.core.event.LdapEvent.LdapOperation;
import io.impacketsensor.core.event.LdapEvent.LdapSealed;
import io.impacketsensor.core.event.LdapEvent.LdapSearch;
import io.impacketsensor.core.event.LdapEvent.LdapStartTls;
import io.impacketsensor.core.event.ProtocolAnomaly;
import io.impacketsensor.core.event.Transport;
import io.impacketsensor.core.flow.Direction;
import io.impacketsensor.core.wire.Hex;
import io.impacketsensor.decoders.testsupport.Ber;
import io.impacketsensor.core.testkit.RecordingContext;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.impacketsensor.decoders.ldap.LdapTestMessages.and;
import static io.impacketsensor.decoders.ldap.LdapTestMessages.entry;
import static io.impacketsensor.decoders.ldap.LdapTestMessages.eq;
import static io.impacketsensor.decoders.ldap.LdapTestMessages.message;
import static io.impacketsensor.decoders.ldap.LdapTestMessages.not;
import static io.impacketsensor.decoders.ldap.LdapTestMessages.present;
import static io.impacketsensor.decoders.ldap.LdapTestMessages.result;
import static io.impacketsensor.decoders.ldap.LdapTestMessages.search;
import static io.impacketsensor.decoders.testsupport.Ber.concat;
import static io.impacketsensor.decoders.testsupport.Ber.enumerated;
import static io.impacketsensor.decoders.testsupport.Ber.integer;
import static io.impacketsensor.decoders.testsupport.Ber.octets;
import static io.impacketsensor.decoders.testsupport.Ber.seq;
import static io.impacketsensor.decoders.testsupport.Ber.tlv;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** LDAP framing, pairing, binds, sealing, StartTLS and the malformed-input checklist. All fixtures synthetic. */
class LdapAnalyzerTest {
    private final RecordingTokenDecoder tokens = new RecordingTokenDecoder();

    private LdapAnalyzer analyzer(RecordingContext ctx) {
        return new LdapAnalyzer(ctx, LdapLimits.DEFAULTS, new LdapCounters(), tokens);
    }

    private static RecordingContext tcp() {
        return new RecordingContext(Transport.TCP, 389);
    }

    private static final byte[] SEARCH = message(5, search("DC=lab,DC=test",
            and(eq("objectCategory", "person"), not(present("userAccountControl"))), "sAMAccountName", "mail"),
            seq(octets("1.2.840.113556.1.4.319"), Ber.bool(true), octets_raw(seq(integer(1000), octets("")))));
    private static final byte[] ENTRIES_AND_DONE = concat(message(5, entry("CN=a,DC=lab,DC=test")),
            message(5, entry("CN=b,DC=lab,DC=test")), message(5, result(5, 0, "")));

    private static byte[] octets_raw(byte[] b) {
        return tlv(0x04, b);
    }

    @Test
    void searchPairedWithItsEntriesAndDone() {
        RecordingContext ctx = tcp();
        LdapAnalyzer a = analyzer(ctx);
        assertTrue(a.onData(Direction.TO_SERVER, SEARCH, 0, SEARCH.length));
        assertTrue(ctx.events.isEmpty(), "the search is emitted with its result");
        assertTrue(a.onData(Direction.TO_CLIENT, ENTRIES_AND_DONE, 0, ENTRIES_AND_DONE.length));
        LdapSearch s = ctx.of(LdapSearch.class).get(0);
        assertEquals(5, s.messageId());
        assertEquals("DC=lab,DC=test", s.base());
        assertEquals(2, s.scope());
        assertEquals("(&(objectCategory=person)(!(userAccountControl=*)))", s.filter());
        assertEquals(List.of("sAMAccountName", "mail"), s.attributes());
        assertEquals(List.of("1.2.840.113556.1.4.319"), s.controls());
        assertEquals(1000, s.pagedSize());
        assertEquals(0, s.resultCode());
        assertEquals(2, s.entries());
        assertFalse(s.cldap());
    }

    /** synthetic: the entries' DN and attributes, and the result's matchedDN and message, are in the event. */
    @Test
    void searchKeepsItsEntriesAndTheResultText() {
        RecordingContext ctx = tcp();
        LdapAnalyzer a = analyzer(ctx);
        assertTrue(a.onData(Direction.TO_SERVER, SEARCH, 0, SEARCH.length));
        byte[] answer = concat(message(5, entry("CN=a,DC=lab,DC=test")),
                message(5, tlv(0x64, octets("CN=b,DC=lab,DC=test"), seq(
                        seq(octets("sAMAccountName"), tlv(0x31, octets("b"))),
                        seq(octets("mail"), tlv(0x31, octets("b@lab.test"), octets("b2@lab.test")))))),
                message(5, tlv(0x65, enumerated(32), octets("DC=lab,DC=test"), octets("no such object"))));
        assertTrue(a.onData(Direction.TO_CLIENT, answer, 0, answer.length));
        LdapSearch s = ctx.of(LdapSearch.class).get(0);
        assertEquals(2, s.entries());
        assertEquals(2, s.resultEntries().size());
        assertEquals("CN=a,DC=lab,DC=test", s.resultEntries().get(0).dn());
        assertEquals("cn", s.resultEntries().get(0).attributes().get(0).name());
        assertEquals(List.of("x".repeat(300)), s.resultEntries().get(0).attributes().get(0).values());
        assertEquals(List.of(new io.impacketsensor.core.event.LdapEvent.Attribute("sAMAccountName", List.of("b")),
                new io.impacketsensor.core.event.LdapEvent.Attribute("mail", List.of("b@lab.test", "b2@lab.test"))),
                s.resultEntries().get(1).attributes());
        assertEquals(32, s.resultCode());
        assertEquals("DC=lab,DC=test", s.matchedDn());
        assertEquals("no such object", s.diagnosticMessage());
    }

    /** synthetic: past max_kept_entry_bytes the entries are counted and passed over, not decoded. */
    @Test
    void entriesPastTheKeptBytesAreOnlyCounted() {
        RecordingContext ctx = tcp();
        LdapAnalyzer a = new LdapAnalyzer(ctx, new LdapLimits(1 << 20, 64, 32, 8192, 256, 64, 400),
                new LdapCounters(), null);
        assertTrue(a.onData(Direction.TO_SERVER, SEARCH, 0, SEARCH.length));
        byte[] answer = concat(message(5, entry("CN=a")), message(5, entry("CN=b")), message(5, entry("CN=c")),
                message(5, result(5, 0, "")));
        for (int i = 0; i < answer.length; i++) {
            assertTrue(a.onData(Direction.TO_CLIENT, answer, i, 1));
        }
        LdapSearch s = ctx.of(LdapSearch.class).get(0);
        assertEquals(3, s.entries());
        // Each entry is ~306 characters: the second passes the 400 kept, the third is not decoded.
        assertEquals(List.of("CN=a", "CN=b"), s.resultEntries().stream().map(e -> e.dn()).toList());
        assertEquals("", s.matchedDn());
        assertEquals("", s.diagnosticMessage());
    }

    @Test
    void splitAtEveryByteGivesTheSameEvents() {
        byte[] both = concat(SEARCH);
        for (int cut = 1; cut < both.length; cut++) {
            RecordingContext ctx = tcp();
            LdapAnalyzer a = analyzer(ctx);
            assertTrue(a.onData(Direction.TO_SERVER, both, 0, cut));
            assertTrue(a.onData(Direction.TO_SERVER, both, cut, both.length - cut));
            for (int i = 0; i < ENTRIES_AND_DONE.length; i++) {
                assertTrue(a.onData(Direction.TO_CLIENT, ENTRIES_AND_DONE, i, 1));
            }
            LdapSearch s = ctx.of(LdapSearch.class).get(0);
            assertEquals(2, s.entries(), "cut " + cut);
            assertEquals("(&(objectCategory=person)(!(userAccountControl=*)))", s.filter());
        }
    }

    @Test
    void largeEntriesAreSkippedNotBuffered() {
        RecordingContext ctx = tcp();
        LdapAnalyzer a = new LdapAnalyzer(ctx, new LdapLimits(64, 64, 32, 8192, 256, 64),
                new LdapCounters(), null);
        byte[] small = message(7, search("", present("objectClass")));
        assertTrue(a.onData(Direction.TO_SERVER, small, 0, small.length));
        byte[] big = concat(message(7, entry("CN=a")), message(7, entry("CN=b")), message(7, result(5, 0, "")));
        assertTrue(big.length > 600);
        assertTrue(a.onData(Direction.TO_CLIENT, big, 0, big.length), "entries over the message limit are fine");
        assertEquals(2, ctx.of(LdapSearch.class).get(0).entries());
    }

    @Test
    void simpleBindNeverKeepsThePassword() {
        RecordingContext ctx = tcp();
        LdapAnalyzer a = analyzer(ctx);
        byte[] bind = message(1, tlv(0x60, integer(3), octets("CN=admin,DC=lab,DC=test"),
                tlv(0x80, "Secr3t!".getBytes())));
        a.onData(Direction.TO_SERVER, bind, 0, bind.length);
        byte[] resp = message(1, result(1, 49, "80090308: invalid credentials"));
        a.onData(Direction.TO_CLIENT, resp, 0, resp.length);
        LdapBind b = ctx.of(LdapBind.class).get(0);
        assertEquals(BindType.SIMPLE, b.bindType());
        assertTrue(b.cleartextPassword());
        assertEquals("CN=admin,DC=lab,DC=test", b.name());
        assertEquals(49, b.resultCode());
        assertEquals("80090308: invalid credentials", b.diagnosticMessage());
        assertFalse(b.toString().contains("Secr3t"));
        assertEquals(0, tokens.sessions, "a simple bind has no token");
    }

    @Test
    void saslCredentialsGoToTheTokenDecoderAndWrappedPdusAreSealed() {
        RecordingContext ctx = tcp();
        LdapAnalyzer a = analyzer(ctx);
        byte[] bind = message(1, tlv(0x60, integer(3), octets(""),
                tlv(0xa3, octets("GSS-SPNEGO"), tlv(0x04, Hex.decode("604806062b0601050502a03e")))));
        byte[] resp = message(1, tlv(0x61, enumerated(0), octets(""), octets(""),
                tlv(0x87, Hex.decode("a1073005a0030a0100"))));
        a.onData(Direction.TO_SERVER, bind, 0, bind.length);
        a.onData(Direction.TO_CLIENT, resp, 0, resp.length);
        // Kerberos CFX wrap token with the Sealed flag (RFC 4121 4.2.6.2), 28 bytes
        byte[] wrapped = Hex.decode("0000001c" + "050406ff0010001c" + "0000000000000001" + "00112233445566778899aabb");
        assertFalse(a.onData(Direction.TO_SERVER, wrapped, 0, wrapped.length), "sealed: stop inspecting");
        LdapBind b = ctx.of(LdapBind.class).get(0);
        assertEquals(BindType.SASL, b.bindType());
        assertEquals("GSS-SPNEGO", b.saslMechanism());
        assertEquals(0, b.resultCode());
        assertEquals("GSS-SPNEGO", ctx.of(LdapSealed.class).get(0).mechanism());
        assertEquals(1, ctx.of(LdapSealed.class).size());
        assertEquals(List.of("session LDAP", "token TO_SERVER 604806062b060105", "token TO_CLIENT a1073005a0030a01",
                "result 0"), tokens.calls);
        assertTrue(ctx.of(LdapSearch.class).isEmpty());
    }

    @Test
    void sicilyNegotiateChallengeAndResponseCarryNtlmssp() {
        RecordingContext ctx = tcp();
        LdapAnalyzer a = analyzer(ctx);
        byte[] ntlm1 = Hex.decode("4e544c4d5353500001000000058288a0");
        byte[] ntlm2 = Hex.decode("4e544c4d53535000020000000000000000000000");
        byte[] ntlm3 = Hex.decode("4e544c4d5353500003000000");
        byte[] neg = message(2, tlv(0x60, integer(3), octets("alice"), tlv(0x8a, ntlm1)));
        byte[] chal = message(2, tlv(0x61, enumerated(0), tlv(0x04, ntlm2), octets("")));
        byte[] auth = message(3, tlv(0x60, integer(3), octets("alice"), tlv(0x8b, ntlm3)));
        byte[] done = message(3, result(1, 0, ""));
        for (byte[][] m : new byte[][][] {{neg, null}, {chal, null}, {auth, null}, {done, null}}) {
            Direction d = m[0] == chal || m[0] == done ? Direction.TO_CLIENT : Direction.TO_SERVER;
            assertTrue(a.onData(d, m[0], 0, m[0].length));
        }
        List<LdapBind> binds = ctx.of(LdapBind.class);
        assertEquals(BindType.SICILY_NEGOTIATE, binds.get(0).bindType());
        assertEquals(BindType.SICILY_RESPONSE, binds.get(1).bindType());
        assertEquals(List.of("session LDAP", "token TO_SERVER 4e544c4d53535000", "token TO_CLIENT 4e544c4d53535000",
                "token TO_SERVER 4e544c4d53535000", "result 0"), tokens.calls);
    }

    @Test
    void startTlsEndsInspection() {
        RecordingContext ctx = tcp();
        LdapAnalyzer a = analyzer(ctx);
        byte[] req = message(1, tlv(0x77, tlv(0x80, "1.3.6.1.4.1.1466.20037".getBytes())));
        byte[] resp = message(1, tlv(0x78, enumerated(0), octets(""), octets(""),
                tlv(0x8a, "1.3.6.1.4.1.1466.20037".getBytes())));
        assertTrue(a.onData(Direction.TO_SERVER, req, 0, req.length));
        assertFalse(a.onData(Direction.TO_CLIENT, resp, 0, resp.length));
        assertEquals(1, ctx.of(LdapStartTls.class).size());
        LdapOperation op = ctx.of(LdapOperation.class).get(0);
        assertEquals(23, op.protocolOp());
        assertEquals("1.3.6.1.4.1.1466.20037", op.target());
    }

    /**
     * The client's TLS ClientHello (its head) arriving while the server's StartTLS ExtendedResponse
     * is still being reassembled: the client direction stops being inspected, the response is
     * still decoded, one LdapStartTls. The ClientHello bytes are synthetic (a record header).
     */
    @Test
    void startTlsClientHelloInsideTheExtendedResponse() {
        byte[] req = message(1, tlv(0x77, tlv(0x80, "1.3.6.1.4.1.1466.20037".getBytes())));
        byte[] resp = message(1, tlv(0x78, enumerated(0), octets(""), octets(""),
                tlv(0x8a, "1.3.6.1.4.1.1466.20037".getBytes())));
        byte[] hello = Hex.decode("160301020001" + "0001fc0303");
        for (int cut = 1; cut < resp.length; cut++) {
            RecordingContext ctx = tcp();
            LdapAnalyzer a = analyzer(ctx);
            assertTrue(a.onData(Direction.TO_SERVER, req, 0, req.length));
            assertTrue(a.onData(Direction.TO_CLIENT, resp, 0, cut));
            assertTrue(a.onData(Direction.TO_SERVER, hello, 0, hello.length), "cut " + cut);
            assertFalse(a.onData(Direction.TO_CLIENT, resp, cut, resp.length - cut), "TLS both ways: inspection ends");
            assertEquals(1, ctx.of(LdapStartTls.class).size(), "cut " + cut);
            assertEquals(23, ctx.of(LdapOperation.class).get(0).protocolOp(), "cut " + cut);
            assertTrue(ctx.of(ProtocolAnomaly.class).isEmpty(), ctx.events.toString());
        }
    }

    /**
     * The client's first sealed SASL buffer arriving while the server's final BindResponse is still
     * being reassembled: the bind is still decoded and the buffer is recognised as the SASL layer.
     */
    @Test
    void firstSealedBufferInsideTheFinalBindResponse() {
        byte[] bind = message(1, tlv(0x60, integer(3), octets(""), tlv(0xa3, octets("GSS-SPNEGO"), octets("x"))));
        byte[] resp = message(1, tlv(0x61, enumerated(0), octets(""), octets("")));
        // Kerberos CFX wrap token with the Sealed flag (RFC 4121 4.2.6.2), as in the test above
        byte[] wrapped = Hex.decode("0000001c" + "050406ff0010001c" + "0000000000000001" + "00112233445566778899aabb");
        for (int cut = 1; cut < resp.length; cut++) {
            RecordingContext ctx = tcp();
            LdapAnalyzer a = analyzer(ctx);
            assertTrue(a.onData(Direction.TO_SERVER, bind, 0, bind.length));
            assertTrue(a.onData(Direction.TO_CLIENT, resp, 0, cut));
            assertTrue(a.onData(Direction.TO_SERVER, wrapped, 0, wrapped.length), "the server side is still clear");
            assertTrue(a.onData(Direction.TO_CLIENT, resp, cut, resp.length - cut));
            assertEquals(1, ctx.of(LdapSealed.class).size(), "cut " + cut + ": " + ctx.events);
            assertEquals(0, ctx.of(LdapBind.class).get(0).resultCode(), "the bind is still decoded");
            assertTrue(ctx.of(ProtocolAnomaly.class).isEmpty(), "cut " + cut + ": " + ctx.events);
            // The server's first sealed buffer: both directions opaque, inspection ends.
            assertFalse(a.onData(Direction.TO_CLIENT, wrapped, 0, wrapped.length));
            assertEquals(1, ctx.of(LdapSealed.class).size());
        }
    }

    @Test
    void addAndModifyKeepOnlyTheValuesDetectionNeeds() {
        RecordingContext ctx = tcp();
        LdapAnalyzer a = analyzer(ctx);
        byte[] add = message(3, tlv(0x68, octets("CN=EVIL$,CN=Computers,DC=lab,DC=test"), seq(
                seq(octets("objectClass"), tlv(0x31, octets("top"), octets("computer"))),
                seq(octets("sAMAccountName"), tlv(0x31, octets("EVIL$"))),
                seq(octets("unicodePwd"), tlv(0x31, octets("\"P@ss\""))),
                seq(octets("userAccountControl"), tlv(0x31, octets("4096"))))));
        byte[] mod = message(4, tlv(0x66, octets("CN=DC1,OU=Domain Controllers,DC=lab,DC=test"), seq(
                seq(enumerated(2), seq(octets("msDS-AllowedToActOnBehalfOfOtherIdentity"),
                        tlv(0x31, tlv(0x04, Hex.decode("010004804000")))))))); 
        a.onData(Direction.TO_SERVER, add, 0, add.length);
        a.onData(Direction.TO_SERVER, mod, 0, mod.length);
        byte[] r1 = message(3, result(9, 0, ""));
        byte[] r2 = message(4, result(7, 50, "insufficient access"));
        a.onData(Direction.TO_CLIENT, concat(r1, r2), 0, r1.length + r2.length);
        LdapAdd ad = ctx.of(LdapAdd.class).get(0);
        assertEquals("CN=EVIL$,CN=Computers,DC=lab,DC=test", ad.dn());
        assertEquals(List.of("top", "computer"), ad.attributes().get(0).values());
        assertEquals(List.of("EVIL$"), ad.attributes().get(1).values());
        assertEquals("unicodePwd", ad.attributes().get(2).name());
        assertEquals(List.of(), ad.attributes().get(2).values(), "passwords are never kept");
        assertEquals(List.of("4096"), ad.attributes().get(3).values());
        assertEquals(0, ad.resultCode());
        LdapModify m = ctx.of(LdapModify.class).get(0);
        assertEquals(2, m.modifications().get(0).operation());
        assertEquals("msDS-AllowedToActOnBehalfOfOtherIdentity", m.modifications().get(0).attribute().name());
        assertEquals(List.of(), m.modifications().get(0).attribute().values());
        assertEquals(50, m.resultCode());
    }

    @Test
    void deleteModifyDnUnbindAndClose() {
        RecordingContext ctx = tcp();
        LdapAnalyzer a = analyzer(ctx);
        byte[] del = message(6, tlv(0x4a, "CN=x,DC=lab".getBytes()));
        byte[] moddn = message(7, tlv(0x6c, octets("CN=y,DC=lab"), octets("CN=z"), Ber.bool(true)));
        byte[] unbind = message(8, tlv(0x42));
        a.onData(Direction.TO_SERVER, concat(del, moddn, unbind), 0, del.length + moddn.length + unbind.length);
        byte[] r = message(6, result(11, 0, ""));
        a.onData(Direction.TO_CLIENT, r, 0, r.length);
        a.onClose();
        List<LdapOperation> ops = ctx.of(LdapOperation.class);
        assertEquals(3, ops.size());
        assertEquals(2, ops.get(0).protocolOp(), "unbind at once");
        assertEquals(10, ops.get(1).protocolOp());
        assertEquals("CN=x,DC=lab", ops.get(1).target());
        assertEquals(0, ops.get(1).resultCode());
        assertEquals(12, ops.get(2).protocolOp());
        assertEquals(-1, ops.get(2).resultCode(), "unanswered at close");
    }

    @Test
    void filterNestedAThousandDeepIsAnAnomaly() {
        byte[] f = present("cn");
        for (int i = 0; i < 1000; i++) {
            f = not(f);
        }
        byte[] m = message(9, search("", f));
        RecordingContext ctx = tcp();
        assertTrue(analyzer(ctx).onData(Direction.TO_SERVER, m, 0, m.length));
        assertEquals("ldap.ber_depth_exceeded", ctx.of(ProtocolAnomaly.class).get(0).name());
    }

    @Test
    void filterDeeperThanTheFilterLimitButWithinBerDepth() {
        byte[] f = present("cn");
        for (int i = 0; i < 40; i++) {
            f = not(f);
        }
        byte[] m = message(9, search("", f));
        RecordingContext ctx = tcp();
        assertTrue(analyzer(ctx).onData(Direction.TO_SERVER, m, 0, m.length));
        assertEquals("ldap.filter_too_deep", ctx.of(ProtocolAnomaly.class).get(0).name());
    }

    @Test
    void filterTextOverTheSizeLimit() {
        byte[] m = message(9, search("", eq("description", "x".repeat(200))));
        RecordingContext ctx = tcp();
        LdapAnalyzer a = new LdapAnalyzer(ctx, new LdapLimits(1 << 20, 64, 32, 100, 256, 64),
                new LdapCounters(), null);
        assertTrue(a.onData(Direction.TO_SERVER, m, 0, m.length));
        assertEquals("ldap.filter_too_long", ctx.of(ProtocolAnomaly.class).get(0).name());
    }

    @Test
    void berLengthPastTheEndOfItsParentIsMalformed() {
        byte[] m = message(9, search("", present("cn")));
        m[m.length - 1] = 0x7f; // the (empty) attribute list SEQUENCE claims 127 bytes
        RecordingContext ctx = tcp();
        LdapAnalyzer a = analyzer(ctx);
        assertTrue(a.onData(Direction.TO_SERVER, concat(m, SEARCH), 0, m.length + SEARCH.length));
        assertEquals("ldap.malformed_data", ctx.of(ProtocolAnomaly.class).get(0).name());
        // Delimited by its own length, only the malformed message is dropped: the search after it is read.
        assertTrue(a.onData(Direction.TO_CLIENT, ENTRIES_AND_DONE, 0, ENTRIES_AND_DONE.length));
        assertEquals(1, ctx.of(LdapSearch.class).size());
    }

    @Test
    void lengthOfTwoToThe31IsAnAnomaly() {
        byte[] m = Hex.decode("30848000000002010163");
        RecordingContext ctx = tcp();
        assertTrue(analyzer(ctx).onData(Direction.TO_SERVER, m, 0, m.length));
        assertEquals("ldap.length_too_long", ctx.of(ProtocolAnomaly.class).get(0).name());
    }

    @Test
    void messageOverTheBufferLimitIsAnAnomalyBeforeBuffering() {
        byte[] m = Hex.decode("30847000000002010163");
        RecordingContext ctx = tcp();
        assertTrue(analyzer(ctx).onData(Direction.TO_SERVER, m, 0, m.length));
        ProtocolAnomaly an = ctx.of(ProtocolAnomaly.class).get(0);
        assertEquals("ldap.length_too_long", an.name());
        assertEquals("message of 1879048198 bytes > 1048576", an.detail());
    }

    @Test
    void indefiniteLengthIsRejectedAsRfc4511Says() {
        byte[] m = Hex.decode("3080020101" + "4200" + "0000");
        RecordingContext ctx = tcp();
        assertTrue(analyzer(ctx).onData(Direction.TO_SERVER, m, 0, m.length));
        assertEquals("ldap.indefinite_length", ctx.of(ProtocolAnomaly.class).get(0).name());
    }

    @Test
    void nestingTenThousandDeepHitsTheDepthLimit() {
        int depth = 10_000;
        // 10,000 SEQUENCEs with 4-byte long-form lengths, the innermost holding an Unbind
        byte[] inner = new byte[depth * 6 + 2];
        for (int i = 0; i < depth; i++) {
            int len = (depth - i - 1) * 6 + 2;
            inner[6 * i] = 0x30;
            inner[6 * i + 1] = (byte) 0x84;
            inner[6 * i + 2] = (byte) (len >>> 24);
            inner[6 * i + 3] = (byte) (len >>> 16);
            inner[6 * i + 4] = (byte) (len >>> 8);
            inner[6 * i + 5] = (byte) len;
        }
        inner[depth * 6] = 0x42;
        byte[] m = seq(integer(1), tlv(0x63, inner));
        RecordingContext ctx = tcp();
        assertTrue(analyzer(ctx).onData(Direction.TO_SERVER, m, 0, m.length));
        assertEquals("ldap.ber_depth_exceeded", ctx.of(ProtocolAnomaly.class).get(0).name());
    }

    @Test
    void garbageIsNotLdap() {
        byte[] m = Hex.decode("474554202f20485454502f312e310d0a");
        RecordingContext ctx = tcp();
        LdapAnalyzer a = analyzer(ctx);
        assertTrue(a.onData(Direction.TO_SERVER, m, 0, m.length));
        assertEquals("ldap.not_ldap", ctx.of(ProtocolAnomaly.class).get(0).name());
        // The flow is kept: the next segment that starts a well-formed message is decoded.
        assertTrue(a.onData(Direction.TO_SERVER, SEARCH, 0, SEARCH.length));
        assertTrue(a.onData(Direction.TO_CLIENT, ENTRIES_AND_DONE, 0, ENTRIES_AND_DONE.length));
        assertEquals(1, ctx.of(LdapSearch.class).size());
    }

    @Test
    void truncatedAtEveryLengthNeverThrowsAndNeverEmits() {
        byte[] all = concat(SEARCH, ENTRIES_AND_DONE);
        for (int n = 1; n < SEARCH.length; n++) {
            RecordingContext ctx = tcp();
            LdapAnalyzer a = analyzer(ctx);
            a.onData(Direction.TO_SERVER, all, 0, n);
            assertTrue(ctx.of(LdapSearch.class).isEmpty());
        }
    }

    @Test
    void gapDropsThePartialMessageAndResynchronises() {
        RecordingContext ctx = tcp();
        LdapAnalyzer a = analyzer(ctx);
        a.onData(Direction.TO_SERVER, SEARCH, 0, 20);
        assertTrue(a.onGap(Direction.TO_SERVER, 10));
        assertTrue(a.onData(Direction.TO_SERVER, SEARCH, 30, SEARCH.length - 30));
        assertTrue(a.onData(Direction.TO_SERVER, SEARCH, 0, SEARCH.length));
        assertTrue(a.onData(Direction.TO_CLIENT, ENTRIES_AND_DONE, 0, ENTRIES_AND_DONE.length));
        assertEquals("ldap.gap", ctx.of(ProtocolAnomaly.class).get(0).name());
        assertEquals(1, ctx.of(LdapSearch.class).size());
    }

    @Test
    void tooManyPendingRequests() {
        RecordingContext ctx = tcp();
        LdapAnalyzer a = new LdapAnalyzer(ctx, new LdapLimits(1 << 20, 64, 32, 8192, 256, 2),
                new LdapCounters(), null);
        byte[] m = message(9, search("", present("cn")));
        assertTrue(a.onData(Direction.TO_SERVER, m, 0, m.length));
        assertTrue(a.onData(Direction.TO_SERVER, m, 0, m.length));
        assertTrue(a.onData(Direction.TO_SERVER, m, 0, m.length));
        assertEquals("ldap.too_many_pending", ctx.of(ProtocolAnomaly.class).get(0).name());
    }

    /**
     * synthetic: without protocol records only a root DSE base search keeps its entries (what
     * detection reads); a subtree search's entries are counted, in clear and in SASL buffers.
     */
    @Test
    void withoutRecordsOnlyRootDseBaseSearchesKeepEntries() {
        RecordingContext ctx = tcp();
        LdapAnalyzer a = new LdapAnalyzer(ctx, LdapLimits.DEFAULTS, new LdapCounters(), tokens, false);
        byte[] rootDse = message(6, tlv(0x63, octets(""), enumerated(0), enumerated(0), integer(0), integer(0),
                Ber.bool(false), present("objectClass"), seq(octets("dsServiceName"))));
        assertTrue(a.onData(Direction.TO_SERVER, SEARCH, 0, SEARCH.length));
        assertTrue(a.onData(Direction.TO_SERVER, rootDse, 0, rootDse.length));
        byte[] answers = concat(ENTRIES_AND_DONE, message(6, entry("")), message(6, result(5, 0, "")));
        assertTrue(a.onData(Direction.TO_CLIENT, answers, 0, answers.length));
        List<LdapSearch> s = ctx.of(LdapSearch.class);
        assertEquals(2, s.get(0).entries());
        assertTrue(s.get(0).resultEntries().isEmpty());
        assertEquals(1, s.get(1).entries());
        assertEquals("", s.get(1).resultEntries().get(0).dn());

        RecordingContext sctx = tcp();
        LdapAnalyzer b = new LdapAnalyzer(sctx, LdapLimits.DEFAULTS, new LdapCounters(), tokens, false);
        byte[] bind = message(1, tlv(0x60, integer(3), octets(""), tlv(0xa3, octets("GSS-SPNEGO"), octets("x"))));
        byte[] resp = message(1, result(1, 0, ""));
        b.onData(Direction.TO_SERVER, bind, 0, bind.length);
        b.onData(Direction.TO_CLIENT, resp, 0, resp.length);
        byte[] wrapped = sasl(concat(Hex.decode("050404ff000c000c0000000000000004"), new byte[12], SEARCH));
        assertTrue(b.onData(Direction.TO_SERVER, wrapped, 0, wrapped.length));
        byte[] done = sasl(concat(Hex.decode("050405ff000c000c0000000000000004"), new byte[12], ENTRIES_AND_DONE));
        assertTrue(b.onData(Direction.TO_CLIENT, done, 0, done.length));
        LdapSearch ws = sctx.of(LdapSearch.class).get(0);
        assertEquals(2, ws.entries());
        assertTrue(ws.resultEntries().isEmpty());
    }

    @Test
    void cldapDatagramWithEntryAndDone() {
        RecordingContext ctx = new RecordingContext(Transport.UDP, 389);
        LdapAnalyzer a = analyzer(ctx);
        byte[] ping = message(1, search("", and(eq("DnsDomain", "lab.test"), eq("NtVer", "\u0006\0\0\0")),
                "Netlogon"));
        assertTrue(a.onData(Direction.TO_SERVER, ping, 0, ping.length));
        byte[] answer = concat(message(1, entry("")), message(1, result(5, 0, "")));
        assertTrue(a.onData(Direction.TO_CLIENT, answer, 0, answer.length));
        LdapSearch s = ctx.of(LdapSearch.class).get(0);
        assertTrue(s.cldap());
        assertEquals("(&(DnsDomain=lab.test)(NtVer=\\06\\00\\00\\00))", s.filter());
        assertEquals(List.of("Netlogon"), s.attributes());
        assertEquals(1, s.entries());
        assertEquals("", s.resultEntries().get(0).dn());
        assertEquals("cn", s.resultEntries().get(0).attributes().get(0).name());
    }

    /** A SASL bind that succeeded, so that the following PDUs are SASL buffers. */
    private LdapAnalyzer saslBound(RecordingContext ctx) {
        LdapAnalyzer a = analyzer(ctx);
        byte[] bind = message(1, tlv(0x60, integer(3), octets(""), tlv(0xa3, octets("GSS-SPNEGO"), octets("x"))));
        byte[] resp = message(1, result(1, 0, ""));
        a.onData(Direction.TO_SERVER, bind, 0, bind.length);
        a.onData(Direction.TO_CLIENT, resp, 0, resp.length);
        return a;
    }

    private static byte[] sasl(byte[] token) {
        int n = token.length;
        return concat(new byte[] {(byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n}, token);
    }

    @Test
    void integrityOnlyKerberosCfxWrapIsDecoded() {
        // RFC 4121 4.2.6.2 without Sealed: EC = 12 checksum octets, RRC = 12 puts them first
        byte[] search = message(4, search("", present("objectClass")));
        byte[] token = concat(Hex.decode("050404ff000c000c0000000000000004"), new byte[12], search);
        byte[] stream = sasl(token);
        for (int cut = 1; cut < stream.length; cut++) {
            RecordingContext ctx = tcp();
            LdapAnalyzer a = saslBound(ctx);
            assertTrue(a.onData(Direction.TO_SERVER, stream, 0, cut));
            assertTrue(a.onData(Direction.TO_SERVER, stream, cut, stream.length - cut));
            byte[] done = sasl(concat(Hex.decode("050405ff000c000c0000000000000004"), new byte[12],
                    message(4, entry("")), message(4, result(5, 0, ""))));
            assertTrue(a.onData(Direction.TO_CLIENT, done, 0, done.length));
            LdapSearch s = ctx.of(LdapSearch.class).get(0);
            assertEquals("(objectClass=*)", s.filter(), "cut " + cut);
            assertEquals(1, s.entries());
            assertTrue(ctx.of(LdapSealed.class).isEmpty());
        }
    }

    /**
     * Each direction switches to SASL buffers at its own message boundary (RFC 4422 3.7): the
     * client's first wrapped request may arrive while the server's final bind response is still
     * being reassembled, and the rest of that response is still an LDAPMessage.
     */
    @Test
    void theClientsFirstWrappedRequestInsideTheServersLastBindResponseLeavesThatResponseLdap() {
        byte[] bind1 = message(1, tlv(0x60, integer(3), octets(""), tlv(0xa3, octets("GSS-SPNEGO"), octets("x"))));
        byte[] resp1 = message(1, tlv(0x61, enumerated(14), octets(""), octets("")));
        byte[] bind2 = message(2, tlv(0x60, integer(3), octets(""), tlv(0xa3, octets("GSS-SPNEGO"), octets("y"))));
        byte[] resp2 = message(2, tlv(0x61, enumerated(0), octets(""), octets("bind done, now wrapped")));
        byte[] search = message(4, search("", present("objectClass")));
        byte[] wrapped = sasl(concat(Hex.decode("050404ff000c000c0000000000000004"), new byte[12], search));
        for (int cut = 1; cut < resp2.length; cut++) {
            for (int head = 1; head <= wrapped.length; head += 7) {
                RecordingContext ctx = tcp();
                LdapAnalyzer a = analyzer(ctx);
                assertTrue(a.onData(Direction.TO_SERVER, bind1, 0, bind1.length));
                assertTrue(a.onData(Direction.TO_CLIENT, resp1, 0, resp1.length));
                assertTrue(a.onData(Direction.TO_SERVER, bind2, 0, bind2.length));
                assertTrue(a.onData(Direction.TO_CLIENT, resp2, 0, cut));
                assertTrue(a.onData(Direction.TO_SERVER, wrapped, 0, head));
                assertTrue(a.onData(Direction.TO_CLIENT, resp2, cut, resp2.length - cut), "cut " + cut + " head " + head);
                assertTrue(a.onData(Direction.TO_SERVER, wrapped, head, wrapped.length - head));
                a.onClose();
                List<LdapBind> binds = ctx.of(LdapBind.class);
                assertEquals(2, binds.size(), "cut " + cut + " head " + head + ": " + ctx.events);
                assertEquals(0, binds.get(1).resultCode());
                assertEquals("(objectClass=*)", ctx.of(LdapSearch.class).get(0).filter());
                assertTrue(ctx.of(ProtocolAnomaly.class).isEmpty(), ctx.events.toString());
            }
        }
    }

    @Test
    void integrityOnlyRfc1964AndNtlmWrapsAreDecoded() {
        byte[] search = message(4, search("", present("cn")));
        // RFC 4757 RC4 wrap framed by RFC 2743 3.1, SEAL_ALG ffff = no sealing
        byte[] rc4 = concat(Hex.decode("60" + String.format("%02x", 11 + 32 + search.length) + "06092a864886f712010202"),
                Hex.decode("02011100ffffffff"), new byte[24], search);
        RecordingContext ctx = tcp();
        LdapAnalyzer a = saslBound(ctx);
        byte[] s1 = sasl(rc4);
        assertTrue(a.onData(Direction.TO_SERVER, s1, 0, s1.length));
        a.onClose();
        assertEquals("(cn=*)", ctx.of(LdapSearch.class).get(0).filter());
        // NTLMSSP signature (MS-NLMP 2.2.2.9.1) then the message in clear
        RecordingContext ctx2 = tcp();
        LdapAnalyzer b = saslBound(ctx2);
        byte[] s2 = sasl(concat(Hex.decode("01000000" + "1122334455667788" + "00000000"), search));
        assertTrue(b.onData(Direction.TO_SERVER, s2, 0, s2.length));
        b.onClose();
        assertEquals("(cn=*)", ctx2.of(LdapSearch.class).get(0).filter());
    }

    @Test
    void saslBufferOverTheLimitIsAnAnomaly() {
        RecordingContext ctx = tcp();
        LdapAnalyzer a = saslBound(ctx);
        byte[] huge = Hex.decode("7fffffff050404ff");
        assertTrue(a.onData(Direction.TO_SERVER, huge, 0, huge.length));
        assertEquals("ldap.length_too_long", ctx.of(ProtocolAnomaly.class).get(0).name());
    }
}
