package io.impacketsensor.decoders.ldap;

import io.impacketsensor.core.event.LdapEvent.LdapSearch;
import io.impacketsensor.core.event.LdapEvent.NetlogonResponse;
import io.impacketsensor.core.event.LdapEvent.SearchEntry;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.core.flow.AnalyzerFactory;
import io.impacketsensor.core.testkit.Captures;
import io.impacketsensor.core.testkit.RecordingContext;
import io.impacketsensor.core.testkit.Replay;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * LDAP ping answers (MS-ADTS 6.3.3) decoded field by field; the expected values are tshark 4.0's
 * ({@code tshark -Y mscldap.netlogon.opcode -T fields -e mscldap.netlogon.opcode -e mscldap.netlogon.flags
 * -e mscldap.forest -e mscldap.domain -e mscldap.hostname -e mscldap.nb_domain -e mscldap.nb_hostname
 * -e mscldap.username -e mscldap.sitename -e mscldap.clientsitename}; tshark shows the empty UserName as
 * {@code <Root>}).
 */
class LdapPingGoldenTest {

    private static NetlogonResponse ping(Path p) throws Exception {
        List<SensorEvent> ev = Replay.events(p, List.<AnalyzerFactory>of(new LdapAnalyzerFactory(new RecordingTokenDecoder())));
        List<LdapSearch> pings = RecordingContext.of(ev, LdapSearch.class).stream().filter(LdapSearch::cldap).toList();
        assertEquals(1, pings.size());
        LdapSearch s = pings.get(0);
        assertEquals(1, s.resultEntries().size());
        return s.resultEntries().get(0).netlogon();
    }

    @Test
    void sambaAnswersTheSuricataVerifyCldapPing() throws Exception {
        NetlogonResponse n = ping(Captures.pub("OISF_suricata-verify/tests/ldap-udp/cldap.pcap"));
        assertEquals(new NetlogonResponse(23, 0x11bd, "s4.howto.abartlet.net", "s4.howto.abartlet.net",
                "obed.s4.howto.abartlet.net", "S4-HOWTO", "OBED", "", "Default-First-Site-Name", "Default-First-Site-Name"), n);
    }

    @Test
    void theLabDcAnswersSambaToolsCldapPing() throws Exception {
        NetlogonResponse n = ping(Captures.lab("ben_samba_tool.pcap"));
        assertEquals(new NetlogonResponse(23, 0x13fd, "lab.test", "lab.test", "dc1.lab.test", "LAB", "DC1", "",
                "Default-First-Site-Name", "Default-First-Site-Name"), n);
    }

    @Test
    void anEntryWithoutNetlogonHasNone() {
        assertNull(new SearchEntry("", List.of()).netlogon());
        assertNull(LdapNetlogon.decode(new byte[]{19, 0, 0, 0}, 0, 4), "too short, and a pre-EX opcode");
    }
}
