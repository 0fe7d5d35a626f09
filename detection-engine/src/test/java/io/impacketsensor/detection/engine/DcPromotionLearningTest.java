package io.impacketsensor.detection.engine;

import io.impacketsensor.core.event.DcerpcEvent;
import io.impacketsensor.core.event.EventHeader;
import io.impacketsensor.core.event.Transport;
import io.impacketsensor.detection.response.AllowListMatcher;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which IDL_DRSAddEntry exchanges make the calling host a DC being promoted (synthetic events). */
class DcPromotionLearningTest {
    private static final InetAddress NEW_DC = AllowListMatcher.parseAddress("10.8.0.4");
    private static final InetAddress DC = AllowListMatcher.parseAddress("10.8.0.1");

    private static EventHeader h() {
        return new EventHeader(1_800_000_000L * 1_000_000_000L, 1, NEW_DC, 50000, DC, 49153, Transport.TCP);
    }

    private static DcerpcEvent.DcerpcResponse response(java.util.UUID iface, int opnum) {
        return new DcerpcEvent.DcerpcResponse(h(), null, 3, iface, opnum, true, 96, null);
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
}
