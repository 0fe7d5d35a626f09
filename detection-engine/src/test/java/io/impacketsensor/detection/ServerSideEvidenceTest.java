package io.impacketsensor.detection;

import io.impacketsensor.core.event.DcerpcEvent;
import io.impacketsensor.core.event.KerberosEvent;
import io.impacketsensor.detection.rules.Rule;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Evidence in a server's answers alone (a copy of one direction): the DRSUAPI answer of replication
 * size whose request the copy lacks. Sizes from OTRF's covenant DCSync capture (Windows DC):
 * DRSGetNCChanges 4744 stub bytes, IDL_DRSDomainControllerInfo 1012.
 */
class ServerSideEvidenceTest {
    private static final UUID DRSUAPI = UUID.fromString("e3514235-4b06-11d1-ab04-00c04fc2dcd2");
    private static final String ATK = "10.8.0.66";
    private static final String DC = "10.8.0.3";
    private static final String DC2 = "10.8.0.4";

    private static Long hits(Harness h, String rule) {
        for (Map.Entry<Rule, Long> e : h.engine.ruleHits().entrySet()) {
            if (e.getKey().name().equals(rule)) {
                return e.getValue();
            }
        }
        return null;
    }

    private static DcerpcEvent.DcerpcResponse answer(Harness h, String client, int opnum, int stub) {
        return new DcerpcEvent.DcerpcResponse(h.h(client, DC, 49674, 0), null, 6, DRSUAPI, opnum, true, stub, null);
    }

    @Test
    void aReplicationSizedDrsuapiAnswerToANonDcIsDcsync() {
        Harness h = new Harness();
        h.feed(answer(h, ATK, -1, 4744));
        assertEquals(1L, hits(h, "dcsync_reply_only"));
    }

    @Test
    void smallerAnswersKnownCallsAndDomainControllersAreNot() {
        Harness h = new Harness();
        // IDL_DRSDomainControllerInfo's answer; an answer whose request was seen (its own rules decide).
        h.feed(answer(h, ATK, -1, 1012), answer(h, ATK, 3, 4744));
        // A host that answered Kerberos is a domain controller: its replication is not DCSync.
        h.feed(new KerberosEvent.KerberosReply(h.h(ATK, DC2, 88, 0), 11, "LAB.LOCAL", Harness.pn(1, "alice"),
                new KerberosEvent.TicketInfo("LAB.LOCAL", Harness.pn(2, "krbtgt", "LAB.LOCAL"), 18, 2, 0), 18, null,
                List.of(19)));
        h.feed(answer(h, DC2, -1, 4744));
        assertNull(hits(h, "dcsync_reply_only"));
    }
}
