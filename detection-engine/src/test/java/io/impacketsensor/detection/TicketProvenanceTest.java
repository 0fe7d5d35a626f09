package io.impacketsensor.detection;

import io.impacketsensor.core.event.KerberosEvent;
import io.impacketsensor.core.event.KerberosEvent.PrincipalName;
import io.impacketsensor.core.event.KerberosEvent.TicketInfo;
import io.impacketsensor.detection.model.Analysis;
import io.impacketsensor.detection.model.AnalysisResult;
import io.impacketsensor.detection.model.AttackType;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Forged-ticket detection by ticket provenance (TicketHistory): a presented ticket is matched to
 * the KDC reply that issued it by the digest of its cipher; the realm's TGT kvno and etype profile
 * is learnt from the replies. Events built directly; the lab golden tests cover the real captures.
 */
class TicketProvenanceTest {
    private static final String ATK = "10.5.0.66";
    private static final String DC = "10.5.0.3";
    private static final PrincipalName KRBTGT = Harness.pn(2, "krbtgt", "LAB.LOCAL");
    private static final int WINDOWS_TGS_OPTIONS = 0x40810000;
    private static final int IMPACKET_TGS_OPTIONS = 0x40810010;

    /** A real AS exchange: the client is issued a TGT with the given digest/kvno/etype. */
    private static void issueTgt(Harness h, String client, int sec, long digest, int kvno, int etype) {
        KerberosEvent.KerberosRequest q = h.krbReq(client, DC, sec, 10, List.of(2, 128), 18, 0x40810010,
                Harness.pn(1, "alice"), KRBTGT, List.of(18, 17), null);
        h.feed(q, new KerberosEvent.KerberosReply(h.h(client, DC, 88, sec), 11, "LAB.LOCAL", Harness.pn(1, "alice"),
                new TicketInfo("LAB.LOCAL", KRBTGT, etype, kvno, digest), 18, q));
    }

    private static AnalysisResult presentTgt(Harness h, String client, int sec, long digest, int kvno, int etype,
                                             int options) {
        return h.feed(new KerberosEvent.KerberosRequest(h.h(client, DC, 88, sec), 12, List.of(1), -1, -1, null, null,
                0, false, -1, false, new TicketInfo("LAB.LOCAL", KRBTGT, etype, kvno, digest), options, null, "LAB.LOCAL",
                Harness.pn(2, "cifs", "dc1.lab.local"), KerberosEvent.NO_TIME, KerberosEvent.NO_TIME,
                KerberosEvent.NO_TIME, 7, List.of(18, 17, 23), false, List.of()));
    }

    private static String indicators(AnalysisResult r) {
        return String.join(" | ", r.analysis().indicators());
    }

    @Test
    void aTgtTheKdcIssuedIsSilentEvenWithImpacketOptions() {
        Harness h = new Harness();
        issueTgt(h, ATK, 0, 0x1111L, 2, 18);
        AnalysisResult r = presentTgt(h, ATK, 5, 0x1111L, 2, 18, IMPACKET_TGS_OPTIONS);
        assertFalse(r.isAttack(), r.toString());
        assertEquals(Analysis.NONE.attackType(), r.analysis().attackType(), r.toString());
    }

    @Test
    void aForgedTgtIsCaughtAlthoughTheSameHostRanARealKinit() {
        // The host's own AS exchange used to vouch for any TGT it presented afterwards.
        Harness h = new Harness();
        issueTgt(h, ATK, 0, 0x1111L, 2, 18);
        AnalysisResult r = presentTgt(h, ATK, 5, 0x2222L, 2, 18, IMPACKET_TGS_OPTIONS);
        assertTrue(r.isAttack(), r.toString());
        assertEquals(AttackType.GOLDEN_TICKET, r.analysis().attackType());
        assertTrue(indicators(r).contains("no observed KDC reply issued (ticket digest 2222)"), indicators(r));
    }

    @Test
    void aNeverIssuedTextQuotesTheDigestAsLongToHexStringAndEachTicketItsOwn() {
        // The texts are built in a reused buffer and kept: every digit width, and a ticket presented
        // again after another one, must read as built afresh.
        Harness h = new Harness();
        long[] digests = {0xc06b1144afe59bf7L, 0x0c06b1144afe59bfL, 0x1c6e1e7552e97c7bL, 0xfL, 0x10L, 0xc06b1144afe59bf7L};
        List<String> seen = new java.util.ArrayList<>();
        for (int i = 0; i < digests.length; i++) {
            AnalysisResult r = presentTgt(h, ATK, 5 + i, digests[i], 2, 18, IMPACKET_TGS_OPTIONS);
            String want = "TGS-REQ for cifs/dc1.lab.local presents a krbtgt ticket (kvno 2, aes256-cts-hmac-sha1-96)"
                    + " that no observed KDC reply issued (ticket digest " + Long.toHexString(digests[i]) + ")";
            assertTrue(r.analysis().indicators().contains(want), indicators(r));
            seen.add(want);
        }
        assertEquals(5, new java.util.HashSet<>(seen).size());
    }

    @Test
    void anUnknownTgtWithWindowsOptionsStaysBelowTheAlertThreshold() {
        // Issued before the sensor started, or by a DC it does not see: not enough on its own.
        Harness h = new Harness();
        issueTgt(h, "10.5.0.40", 0, 0x1111L, 2, 18);
        AnalysisResult r = presentTgt(h, ATK, 5, 0x2222L, 2, 18, WINDOWS_TGS_OPTIONS);
        assertFalse(r.isAttack(), r.toString());
    }

    @Test
    void kvnoThatDiffersFromTheKdcsTgtsMakesAnAlertWithoutImpacketOptions() {
        Harness h = new Harness();
        issueTgt(h, "10.5.0.40", 0, 0x1111L, 5, 18);
        AnalysisResult r = presentTgt(h, ATK, 5, 0x2222L, 2, 18, WINDOWS_TGS_OPTIONS);
        assertTrue(r.isAttack(), r.toString());
        assertEquals(AttackType.GOLDEN_TICKET, r.analysis().attackType());
        assertTrue(indicators(r).contains("kvno 2 differs from kvno 5"), indicators(r));
    }

    @Test
    void rc4TgtInARealmWhoseKdcIssuesAesTgtsMakesAnAlert() {
        Harness h = new Harness();
        issueTgt(h, "10.5.0.40", 0, 0x1111L, 2, 18);
        AnalysisResult r = presentTgt(h, ATK, 5, 0x2222L, 2, 23, WINDOWS_TGS_OPTIONS);
        assertTrue(r.isAttack(), r.toString());
        assertTrue(indicators(r).contains("encrypted with rc4-hmac while the KDC of LAB.LOCAL issues TGTs with"
                + " aes256-cts-hmac-sha1-96"), indicators(r));
    }

    @Test
    void aReadOnlyDcTicketIsNotComparedWithTheWritableDcsKvno() {
        // MS-KILE 3.1.5.8: the RODC number sits in the kvno's high 16 bits.
        Harness h = new Harness();
        issueTgt(h, "10.5.0.40", 0, 0x1111L, 5, 18);
        AnalysisResult r = presentTgt(h, ATK, 5, 0x2222L, (7 << 16) | 3, 18, WINDOWS_TGS_OPTIONS);
        assertFalse(r.isAttack(), r.toString());
    }

    @Test
    void aServiceTicketTheKdcIssuedIsSilentAndAnotherIsNot() {
        Harness h = new Harness();
        PrincipalName cifs = Harness.pn(2, "cifs", "srv.lab.local");
        KerberosEvent.KerberosRequest q = h.krbReq(ATK, DC, 0, 12, List.of(1), -1, WINDOWS_TGS_OPTIONS, null, cifs,
                List.of(18, 17), null);
        h.feed(q, new KerberosEvent.KerberosReply(h.h(ATK, DC, 88, 0), 13, "LAB.LOCAL", Harness.pn(1, "alice"),
                new TicketInfo("LAB.LOCAL", cifs, 18, 4, 0x3333L), 18, q));
        AnalysisResult ok = h.feed(new KerberosEvent.KerberosApRequest(h.h(ATK, "10.5.0.9", 445, 1),
                io.impacketsensor.core.event.Carrier.SMB2, 0, new TicketInfo("LAB.LOCAL", cifs, 18, 4, 0x3333L), 18));
        assertEquals(Analysis.NONE.attackType(), ok.analysis().attackType(), ok.toString());
        AnalysisResult forged = h.feed(new KerberosEvent.KerberosApRequest(h.h(ATK, "10.5.0.9", 445, 2),
                io.impacketsensor.core.event.Carrier.SMB2, 0, new TicketInfo("LAB.LOCAL", cifs, 18, 4, 0x4444L), 18));
        assertEquals(AttackType.SILVER_TICKET, forged.analysis().attackType(), forged.toString());
        assertTrue(indicators(forged).contains("no observed KDC reply issued"), indicators(forged));
    }

    @Test
    void withoutDigestsAClientThatOnlyHadServiceTicketsHasNoAsExchange() {
        // JSON events carry no digest: the per-client rule applies. A TGS-REP to the client must
        // not count as its AS exchange (an unset time once wrapped around and vouched for it).
        Harness h = new Harness();
        PrincipalName cifs = Harness.pn(2, "cifs", "srv.lab.local");
        KerberosEvent.KerberosRequest q = h.krbReq(ATK, DC, 0, 12, List.of(1), -1, WINDOWS_TGS_OPTIONS, null, cifs,
                List.of(18, 17), null);
        h.feed(q, new KerberosEvent.KerberosReply(h.h(ATK, DC, 88, 0), 13, "LAB.LOCAL", Harness.pn(1, "alice"),
                new TicketInfo("LAB.LOCAL", cifs, 18, 4), 18, q));
        AnalysisResult r = presentTgt(h, ATK, 5, KerberosEvent.NO_DIGEST, 2, 18, IMPACKET_TGS_OPTIONS);
        assertTrue(r.isAttack(), r.toString());
        assertEquals(AttackType.GOLDEN_TICKET, r.analysis().attackType());
        assertTrue(indicators(r).contains("no TGT was issued to this client in the window"), indicators(r));
    }

    @Test
    void forwardedTgtRequestWithAnOldRc4TgtIsNotAGoldenTicket() {
        // nDPI kerberos-login.pcap: a Windows XP client in a 2003 domain (RC4 TGTs), capture started
        // after its logon, asks krbtgt for a forwarded TGT (kdc-options 0x60810010).
        Harness h = new Harness();
        AnalysisResult r = h.feed(new KerberosEvent.KerberosRequest(h.h("10.1.12.2", DC, 88, 0), 12, List.of(1), -1, -1,
                null, null, 0, false, -1, false, new TicketInfo("DENYDC.COM", Harness.pn(2, "krbtgt", "DENYDC.COM"), 23, 2,
                0xb8d7e92f20706e52L), 0x60810010, null, "DENYDC.COM", Harness.pn(2, "krbtgt", "DENYDC.COM"),
                KerberosEvent.NO_TIME, KerberosEvent.NO_TIME, KerberosEvent.NO_TIME, 7, List.of(23, 3), false, List.of()));
        assertFalse(r.isAttack(), r.toString());
    }
}
