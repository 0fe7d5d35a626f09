package io.impacketsensor.decoders.kerberos;

import io.impacketsensor.core.testkit.RecordingContext;

import io.impacketsensor.core.testkit.Replay;

import io.impacketsensor.core.testkit.Captures;

import io.impacketsensor.core.event.Carrier;
import io.impacketsensor.core.event.KerberosEvent;
import io.impacketsensor.core.event.KerberosEvent.KerberosApRequest;
import io.impacketsensor.core.event.KerberosEvent.KerberosError;
import io.impacketsensor.core.event.KerberosEvent.KerberosReply;
import io.impacketsensor.core.event.KerberosEvent.KerberosRequest;
import io.impacketsensor.core.event.ProtocolAnomaly;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.core.flow.AnalyzerFactory;
import io.impacketsensor.decoders.Decoders;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Lab captures (sensor-core test resources pcaps/lab, see its MANIFEST.tsv) replayed through the Kerberos analyzer. */
class KerberosGoldenTest {

    static List<SensorEvent> replay(String name) throws Exception {
        Path p = Captures.lab(name);
        return Replay.events(p, List.<AnalyzerFactory>of(new KerberosAnalyzerFactory()));
    }

    @Test
    void getNpUsersNoCredsSendsAsReqWithoutPreauthForRc4Only() throws Exception {
        List<SensorEvent> ev = replay("atk_GetNPUsers_nocreds.pcap");
        assertTrue(RecordingContext.of(ev, ProtocolAnomaly.class).isEmpty(), ev.toString());
        List<KerberosRequest> reqs = RecordingContext.of(ev, KerberosRequest.class);
        assertTrue(reqs.size() >= 6);
        for (KerberosRequest r : reqs) {
            assertEquals(10, r.msgType());
            assertEquals(-1, r.encTimestampEtype(), "no PA-ENC-TIMESTAMP");
            assertEquals(List.of(128), r.padataTypes());
            assertEquals(List.of(23), r.etypes());
            assertEquals("krbtgt/LAB.TEST", r.sname().toString());
            assertEquals(1, r.sname().nameType());
            assertEquals("LAB.TEST", r.realm());
            assertEquals(0x50800000, r.kdcOptions());
            assertEquals(r.till(), r.rtime(), "impacket sets till == rtime");
        }
        List<KerberosError> errs = RecordingContext.of(ev, KerberosError.class);
        assertEquals(25, errs.get(0).errorCode());
        assertEquals("administrator", errs.get(0).request().cname().toString());
        List<KerberosReply> reps = RecordingContext.of(ev, KerberosReply.class);
        assertEquals(1, reps.size());
        KerberosReply rep = reps.get(0);
        assertEquals(11, rep.msgType());
        assertEquals("roast_me", rep.cname().toString());
        assertEquals(23, rep.encPartEtype(), "the AS-REP roastable part is RC4");
        assertEquals("roast_me", rep.request().cname().toString());
        assertEquals("krbtgt/LAB.TEST", rep.ticket().sname().toString());
    }

    @Test
    void getUserSpnsUsersFileAsksForEnterpriseNamesWithRc4First() throws Exception {
        List<SensorEvent> ev = replay("atk_GetUserSPNs_usersfile.pcap");
        List<KerberosRequest> tgs = RecordingContext.of(ev, KerberosRequest.class).stream()
                .filter(r -> r.msgType() == 12).toList();
        assertEquals(2, tgs.size());
        assertEquals("svc_sql", tgs.get(0).sname().toString());
        assertEquals("svc_web", tgs.get(1).sname().toString());
        for (KerberosRequest r : tgs) {
            assertEquals(10, r.sname().nameType(), "NT-ENTERPRISE");
            assertEquals(List.of(23, 16, 3, 23), r.etypes());
            assertEquals(List.of(1), r.padataTypes());
            assertNotNull(r.tgsTicket());
            assertEquals("krbtgt/LAB.TEST", r.tgsTicket().sname().toString());
            assertEquals(18, r.tgsTicket().etype());
            assertNull(r.cname());
        }
        List<KerberosError> errs = RecordingContext.of(ev, KerberosError.class);
        assertEquals(50, errs.get(errs.size() - 1).errorCode());
        assertEquals(12, errs.get(errs.size() - 1).request().msgType());
    }

    @Test
    void s4uCompatCarriesPaForUserAdministrator() throws Exception {
        List<SensorEvent> ev = replay("atk_s4u_delegation_compat.pcap");
        List<KerberosRequest> tgs = RecordingContext.of(ev, KerberosRequest.class).stream()
                .filter(r -> r.msgType() == 12).toList();
        assertEquals(2, tgs.size());
        KerberosRequest self = tgs.get(0);
        assertEquals("Administrator", self.forUserName());
        assertEquals("LAB.TEST", self.forUserRealm());
        assertEquals(-138, self.forUserChecksumType(), "HMAC-MD5, as tshark decodes it");
        assertEquals(List.of(1, 129), self.padataTypes());
        assertEquals("svc_web", self.sname().toString());
        KerberosRequest proxy = tgs.get(1);
        assertEquals(List.of(1, 167), proxy.padataTypes());
        assertTrue(proxy.pacOptions() != -1, "PA-PAC-OPTIONS decoded");
        assertEquals(0x40830000, proxy.kdcOptions(), "cname-in-addl-tkt (constrained delegation) set");
        assertEquals(1, proxy.additionalTickets().size());
        assertEquals("svc_web", proxy.additionalTickets().get(0).sname().toString());
        assertEquals("cifs/dc1.lab.test", proxy.sname().toString());
        List<KerberosReply> reps = RecordingContext.of(ev, KerberosReply.class);
        KerberosReply last = reps.get(reps.size() - 1);
        assertEquals(13, last.msgType());
        assertEquals("Administrator", last.cname().toString());
        assertEquals("cifs/dc1.lab.test", last.ticket().sname().toString());
        assertEquals(proxy, last.request());
    }

    @Test
    void goldenTicketTgsReqWithoutAsExchange() throws Exception {
        List<SensorEvent> ev = replay("atk_golden_ticket.pcap");
        List<KerberosRequest> reqs = RecordingContext.of(ev, KerberosRequest.class);
        assertEquals(1, reqs.size(), "no AS-REQ before the TGS-REQ");
        KerberosRequest r = reqs.get(0);
        assertEquals(12, r.msgType());
        assertEquals("krbtgt/LAB.TEST", r.tgsTicket().sname().toString());
        assertEquals("LAB.TEST", r.tgsTicket().realm());
        assertEquals(18, r.tgsTicket().etype());
        assertEquals("cifs/dc1.lab.test", r.sname().toString());
        assertEquals(List.of(23, 16, 3, 18), r.etypes(), "impacket <= 0.13.1 TGS etypes + TGT session etype");
        KerberosError err = RecordingContext.of(ev, KerberosError.class).get(0);
        assertEquals(50, err.errorCode());
        assertEquals(r, err.request());
    }

    @Test
    void silverTicketApReqCarriedInSmb2SessionSetup() throws Exception {
        Path p = Captures.lab("atk_silver_ticket.pcap");
        List<SensorEvent> ev = Replay.events(p, Decoders.forWorker());
        assertTrue(RecordingContext.of(ev, KerberosRequest.class).isEmpty(), "no AS/TGS exchange before it");
        List<KerberosApRequest> aps = RecordingContext.of(ev, KerberosApRequest.class);
        assertEquals(1, aps.size(), ev.toString());
        KerberosApRequest ap = aps.get(0);
        assertEquals(Carrier.SMB2, ap.carrier());
        assertEquals("cifs/dc1.lab.test", ap.ticket().sname().toString());
        assertEquals("LAB.TEST", ap.ticket().realm());
        assertEquals(445, ap.header().serverPort());
    }

    @Test
    void ticketCipherDigestTiesEveryPresentedTgtToTheAsRepThatIssuedIt() throws Exception {
        List<SensorEvent> ev = replay("ben_kinit_kvno.pcap");
        List<KerberosReply> reps = RecordingContext.of(ev, KerberosReply.class);
        KerberosReply asRep = reps.stream().filter(r -> r.msgType() == 11).findFirst().orElseThrow();
        // FNV-1a 64 of the 1023 cipher octets of the ticket in frame 11, computed from tshark's
        // kerberos.cipher (first value) with Python.
        assertEquals(0xe3853a56d78dd9deL, asRep.ticket().cipherDigest());
        List<KerberosRequest> tgs = RecordingContext.of(ev, KerberosRequest.class).stream()
                .filter(r -> r.msgType() == 12).toList();
        assertEquals(3, tgs.size());
        for (KerberosRequest r : tgs) {
            assertEquals(asRep.ticket().cipherDigest(), r.tgsTicket().cipherDigest(), r.sname().toString());
        }
        List<Long> serviceTickets = reps.stream().filter(r -> r.msgType() == 13)
                .map(r -> r.ticket().cipherDigest()).distinct().toList();
        assertEquals(3, serviceTickets.size(), "cifs, ldap and host tickets differ");
    }

    @Test
    void forgedTgtMatchesNoIssuedTicket() throws Exception {
        List<SensorEvent> ev = replay("atk_golden_ticket.pcap");
        KerberosRequest tgs = RecordingContext.of(ev, KerberosRequest.class).stream()
                .filter(r -> r.msgType() == 12).findFirst().orElseThrow();
        assertNotEquals(KerberosEvent.NO_DIGEST, tgs.tgsTicket().cipherDigest());
        assertTrue(RecordingContext.of(ev, KerberosReply.class).stream()
                .noneMatch(r -> r.ticket().cipherDigest() == tgs.tgsTicket().cipherDigest()));
    }

    @Test
    void cipherDigestIsNeverTheNoDigestValue() {
        byte[] b = {1, 2, 3};
        assertNotEquals(KerberosEvent.NO_DIGEST, KerberosParser.cipherDigest(b, 0, 3));
        assertEquals(0xcbf29ce484222325L, KerberosParser.cipherDigest(b, 0, 0), "FNV-1a offset basis");
        assertEquals(0xaf63bc4c8601b62cL, KerberosParser.cipherDigest(b, 0, 1), "FNV-1a 64 of 0x01");
    }
}
