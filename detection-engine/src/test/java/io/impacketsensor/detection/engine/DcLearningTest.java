package io.impacketsensor.detection.engine;

import io.impacketsensor.core.event.DcerpcEvent;
import io.impacketsensor.core.event.EventHeader;
import io.impacketsensor.core.event.LdapEvent;
import io.impacketsensor.core.event.Transport;
import io.impacketsensor.detection.response.AllowListMatcher;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What makes a server a learned domain controller (synthetic events). */
class DcLearningTest {
    private static final InetAddress CLIENT = AllowListMatcher.parseAddress("10.8.0.66");
    private static final InetAddress SRV = AllowListMatcher.parseAddress("10.8.0.3");

    private static EventHeader h(int port) {
        return new EventHeader(1_800_000_000L * 1_000_000_000L, 1, CLIENT, 50000, SRV, port, Transport.TCP);
    }

    private static LdapEvent.LdapBind bind(int rc) {
        return new LdapEvent.LdapBind(h(389), 1, 3, "", LdapEvent.BindType.SIMPLE, null, false, rc, "");
    }

    private static DcerpcEvent.DcerpcBind rpcBind(java.util.UUID iface, int result, boolean nak) {
        return new DcerpcEvent.DcerpcBind(h(49667), null, false, 1, 4280, 4280,
                List.of(new DcerpcEvent.Context(0, iface, 4, 0, List.of(), result)), 0, 0, 0, nak);
    }

    @Test
    void anAnsweredLdapBindShowsADc() {
        DomainControllers dcs = new DomainControllers(List.of(), true);
        DcLearning learning = new DcLearning(dcs);
        learning.observe(bind(-1));
        assertFalse(dcs.isDc(SRV), "a bind nobody answered shows nothing");
        learning.observe(bind(0));
        assertTrue(dcs.isDc(SRV));
    }

    @Test
    void onlyAnAcceptedDrsuapiContextShowsADc() {
        DomainControllers dcs = new DomainControllers(List.of(), true);
        DcLearning learning = new DcLearning(dcs);
        learning.observe(rpcBind(RpcCatalog.SAMR, 0, false));
        learning.observe(rpcBind(RpcCatalog.DRSUAPI, 2, false));
        learning.observe(rpcBind(RpcCatalog.DRSUAPI, 0, true));
        assertFalse(dcs.isDc(SRV), "another interface, a refused context, a bind_nak");
        learning.observe(rpcBind(RpcCatalog.DRSUAPI, 0, false));
        assertTrue(dcs.isDc(SRV));
    }

    @Test
    void nothingIsLearnedWhenLearningIsOff() {
        DomainControllers dcs = new DomainControllers(List.of(), false);
        DcLearning learning = new DcLearning(dcs);
        learning.observe(bind(0));
        learning.observe(rpcBind(RpcCatalog.DRSUAPI, 0, false));
        assertFalse(dcs.isDc(SRV));
    }

    @Test
    void aDcLocatorAnswerTeachesTheAddressesItGivesForItsTargets() {
        // synthetic event: the lab's DNS answers carry no address records (DnsGoldenTest)
        DomainControllers dcs = new DomainControllers(List.of(), true);
        DcLearning learning = new DcLearning(dcs);
        InetAddress dc2 = AllowListMatcher.parseAddress("10.8.0.4");
        learning.observe(new io.impacketsensor.core.event.DnsEvent.DcLocatorAnswer(h(53), 7,
                "_ldap._tcp.dc._msdcs.contoso.local", List.of("dc2.contoso.local"), List.of(dc2)));
        assertTrue(dcs.isDc(dc2));
        assertFalse(dcs.isDc(SRV), "the DNS server itself is not named");
        assertTrue(dcs.learnedBySource().get("dns_srv") == 1L);
    }
}
