package io.impacketsensor.decoders.dns;

import io.impacketsensor.core.event.DnsEvent.DcLocatorAnswer;
import io.impacketsensor.core.event.ProtocolAnomaly;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.core.flow.AnalyzerFactory;
import io.impacketsensor.core.testkit.Captures;
import io.impacketsensor.core.testkit.RecordingContext;
import io.impacketsensor.core.testkit.Replay;
import io.impacketsensor.core.wire.ParseStatus;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Lab captures replayed through the DNS analyzer; expected values are tshark 4.0's ({@code tshark -Y
 * 'dns.flags.response==1' -T fields -e dns.id -e dns.qry.name -e dns.srv.target -e dns.a}).
 */
class DnsGoldenTest {

    private static List<SensorEvent> replay(String name) throws Exception {
        return Replay.events(Captures.lab(name), List.<AnalyzerFactory>of(new DnsAnalyzerFactory()));
    }

    @Test
    void theDcLocatorAnswerOverTcpNamesTheDc() throws Exception {
        // CheckLDAPStatus.py looks the DC up over TCP 53; Samba answers with the SRV record and the
        // zone's SOA, no address records (tshark: 0x72d0, _ldap._tcp.dc._msdcs.lab.test, dc1.lab.test).
        List<SensorEvent> ev = replay("atk_CheckLDAPStatus.i014.pcap");
        List<DcLocatorAnswer> a = RecordingContext.of(ev, DcLocatorAnswer.class);
        assertEquals(1, a.size());
        assertEquals(0x72d0, a.get(0).transactionId());
        assertEquals("_ldap._tcp.dc._msdcs.lab.test", a.get(0).query());
        assertEquals(List.of("dc1.lab.test"), a.get(0).targets());
        assertEquals(List.of(), a.get(0).addresses());
        assertEquals("10.99.0.1", a.get(0).header().serverIp().getHostAddress());
        assertTrue(RecordingContext.of(ev, ProtocolAnomaly.class).isEmpty());
    }

    @Test
    void otherAnswersAreNotEvents() throws Exception {
        // A and AAAA lookups answered NXDOMAIN over UDP.
        List<SensorEvent> ev = replay("ben_ldap_gssapi.pcap");
        assertTrue(ev.isEmpty(), ev.toString());
    }

    @Test
    void forwardPointersAreMalformed() {
        // synthetic: a response whose question name points at itself
        byte[] m = {0, 1, (byte) 0x81, (byte) 0x80, 0, 1, 0, 0, 0, 0, 0, 0, (byte) 0xC0, 12, 0, 33, 0, 1};
        DnsParser p = new DnsParser(DnsLimits.DEFAULTS);
        assertEquals(ParseStatus.OK, p.parse(m, 0, m.length));
        assertFalse(p.dcLocator, "not a DC locator name, and no loop");
    }
}
