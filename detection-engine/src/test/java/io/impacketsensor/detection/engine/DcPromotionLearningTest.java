package io.impacketsensor.detection.engine;

import io.impacketsensor.core.event.DcerpcEvent;
import io.impacketsensor.core.event.EventHeader;
import io.impacketsensor.core.event.Transport;
import io.impacketsensor.detection.response.AllowListMatcher;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which IDL_DRSAddEntry exchanges make the calling host a DC being promoted (synthetic events). */
class DcPromotionLearningTest {
    private static final InetAddress NEW_DC = AllowListMatcher.parseAddress("10.8.0.4");
    private static final InetAddress DC = AllowListMatcher.parseAddress("10.8.0.1");

    private static final long T0 = 1_800_000_000L * 1_000_000_000L;
    private static final long HOUR = 3600L * 1_000_000_000L;

    private static EventHeader h() {
        return h(NEW_DC, T0);
    }

    private static EventHeader h(InetAddress client, long at) {
        return new EventHeader(at, 1, client, 50000, DC, 49153, Transport.TCP);
    }

    private static DcerpcEvent.DcerpcResponse response(java.util.UUID iface, int opnum) {
        return new DcerpcEvent.DcerpcResponse(h(), null, 3, iface, opnum, true, 96, null);
    }

    private static DcerpcEvent.DcerpcResponse addEntryAnswered(InetAddress host, long at) {
        return new DcerpcEvent.DcerpcResponse(h(host, at), null, 3, RpcCatalog.DRSUAPI, 17, true, 96, null);
    }

    private static DcerpcEvent.DcerpcRequest drsCall(InetAddress host, long at, int opnum) {
        return new DcerpcEvent.DcerpcRequest(h(host, at), null, 4, 0, RpcCatalog.DRSUAPI, opnum, null, true, 200, 1,
                10, 6, null);
    }

    private static InetAddress host(int last) {
        return AllowListMatcher.parseAddress("10.8.0." + last);
    }

    @Test
    void aKnownDcAnsweringDrsAddEntryShowsAPromotion() {
        DomainControllers dcs = new DomainControllers(List.of("10.8.0.1"), true);
        DcLearning learning = new DcLearning(dcs);
        learning.observe(new DcerpcEvent.DcerpcFault(h(), null, 3, RpcCatalog.DRSUAPI, 17, 5));
        learning.observe(response(RpcCatalog.DRSUAPI, 3));
        learning.observe(response(RpcCatalog.SAMR, 17));
        assertFalse(dcs.isDc(NEW_DC), "a fault, another DRSUAPI call, another interface's opnum 17");
        learning.observe(response(RpcCatalog.DRSUAPI, 17));
        assertTrue(dcs.isDc(NEW_DC));
    }

    @Test
    void anAnswerFromAHostNotKnownAsDcShowsNothing() {
        // Otherwise two attacker hosts could vouch for each other.
        DomainControllers dcs = new DomainControllers(List.of(), true);
        new DcLearning(dcs).observe(response(RpcCatalog.DRSUAPI, 17));
        assertFalse(dcs.isDc(NEW_DC));
    }

    @Test
    void nothingIsLearnedWhenLearningIsOff() {
        DomainControllers dcs = new DomainControllers(List.of("10.8.0.1"), false);
        new DcLearning(dcs).observe(response(RpcCatalog.DRSUAPI, 17));
        assertFalse(dcs.isDc(NEW_DC));
    }

    @Test
    void atMostTwoHostsAreLearnedByPromotionIn24Hours() {
        DomainControllers dcs = new DomainControllers(List.of("10.8.0.1"), true);
        DcLearning learning = new DcLearning(dcs);
        DcerpcEvent.DcerpcResponse third = addEntryAnswered(host(6), T0 + 2 * HOUR);
        learning.observe(addEntryAnswered(host(4), T0));
        learning.observe(addEntryAnswered(host(5), T0 + HOUR));
        learning.observe(third);
        assertTrue(dcs.isDc(host(4)) && dcs.isDc(host(5)));
        assertFalse(dcs.isDc(host(6)), "the third promotion within 24 h is refused");
        assertTrue(dcs.promotionRefused(third));
        assertEquals(1, dcs.promotionsRefused());
        assertEquals(2L, dcs.learnedBySource().get("promotion"));
        learning.observe(addEntryAnswered(host(6), T0 + 25 * HOUR));
        assertTrue(dcs.isDc(host(6)), "a day after the first, the cap has room again");
    }

    @Test
    void theCapAndTheProvisionalWindowAreSettings() {
        // engine.dc_promotion.max_per_day 1, provisional_hours 2
        DomainControllers dcs = new DomainControllers(List.of("10.8.0.1"), true, 1, 2 * HOUR);
        DcLearning learning = new DcLearning(dcs);
        DcerpcEvent.DcerpcResponse second = addEntryAnswered(host(5), T0 + HOUR);
        learning.observe(addEntryAnswered(host(4), T0));
        learning.observe(second);
        assertTrue(dcs.isDc(host(4)));
        assertFalse(dcs.isDc(host(5)), "the second promotion within 24 h is refused");
        assertTrue(dcs.promotionRefused(second));
        assertEquals(1, dcs.maxPromotions());
        learning.observe(drsCall(host(7), T0 + 2 * HOUR, 3));
        assertFalse(dcs.isDc(host(4)), "2 h after its IDL_DRSAddEntry, a host that never served is no DC");
    }

    @Test
    void aCapOfZeroLearnsNoHostFromPromotionEvidence() {
        DomainControllers dcs = new DomainControllers(List.of("10.8.0.1"), true, 0, 8 * HOUR);
        DcerpcEvent.DcerpcResponse first = addEntryAnswered(host(4), T0);
        new DcLearning(dcs).observe(first);
        assertFalse(dcs.isDc(host(4)));
        assertTrue(dcs.promotionRefused(first));
    }

    @Test
    void promotionEvidenceAloneExpiresUnlessTheHostServesAsADc() {
        DomainControllers dcs = new DomainControllers(List.of("10.8.0.1"), true);
        DcLearning learning = new DcLearning(dcs);
        learning.observe(addEntryAnswered(host(4), T0));
        learning.observe(addEntryAnswered(host(5), T0));
        dcs.observedServing(host(5), DomainControllers.Source.KERBEROS);
        learning.observe(drsCall(host(7), T0 + 9 * HOUR, 3));
        assertFalse(dcs.isDc(host(4)), "8 h after its IDL_DRSAddEntry, a host that never served is no DC");
        assertTrue(dcs.isDc(host(5)), "a host that answered Kerberos meanwhile stays one");
        assertEquals(2L, dcs.learnedBySource().get("promotion"));
        assertEquals(0L, dcs.learnedBySource().get("kerberos"), "counted once, under what first showed it");
    }

    @Test
    void aNameLookupByAProvisionalDcMarksItsReplication() {
        DomainControllers dcs = new DomainControllers(List.of("10.8.0.1"), true);
        DcLearning learning = new DcLearning(dcs);
        learning.observe(drsCall(host(4), T0, 12));
        learning.observe(addEntryAnswered(host(4), T0));
        assertFalse(dcs.promotedHostLookedUp(host(4)), "a lookup before the promotion does not count");
        learning.observe(drsCall(host(4), T0 + 1, 3));
        assertFalse(dcs.promotedHostLookedUp(host(4)), "DRSGetNCChanges alone is a first replication");
        learning.observe(drsCall(host(4), T0 + 2, 16));
        assertTrue(dcs.promotedHostLookedUp(host(4)));
        dcs.observedServing(host(4), DomainControllers.Source.LDAP_BIND);
        assertFalse(dcs.promotedHostLookedUp(host(4)), "a host that serves as a DC is one for good");
    }
}
