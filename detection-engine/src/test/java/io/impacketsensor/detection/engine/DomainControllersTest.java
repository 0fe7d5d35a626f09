package io.impacketsensor.detection.engine;

import io.impacketsensor.detection.response.AllowListMatcher;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DomainControllersTest {
    private static final InetAddress SRV = AllowListMatcher.parseAddress("10.0.0.5");

    @Test
    void domainLabelComesOnlyFromDnsNames() {
        assertEquals("CONTOSO", DomainControllers.dnsDomainLabel("\\\\DC1.contoso.local\\IPC$"));
        assertEquals("THESHIRE", DomainControllers.dnsDomainLabel("\\\\MORDORDC.theshire.local"));
        assertEquals("CORP", DomainControllers.dnsDomainLabel("dc01.corp"));
        assertNull(DomainControllers.dnsDomainLabel("\\\\DC1\\IPC$"), "a NetBIOS name has no domain");
        assertNull(DomainControllers.dnsDomainLabel("\\\\127.0.0.1\\IPC$"));
        assertNull(DomainControllers.dnsDomainLabel("\\\\fe80::1\\IPC$"));
        assertNull(DomainControllers.dnsDomainLabel("\\\\host.\\IPC$"));
        assertNull(DomainControllers.dnsDomainLabel(null));
        assertNull(DomainControllers.dnsDomainLabel(""));
        assertEquals("0", DomainControllers.dnsDomainLabel("\\\\10.0.0.1.example\\IPC$"));
        assertEquals("EXAMPLE", DomainControllers.dnsDomainLabel("//dc.example.org/share"));
        assertNull(DomainControllers.dnsDomainLabel("\\\\host..corp\\IPC$"), "an empty label");
        assertNull(DomainControllers.dnsDomainLabel("\\\\.corp\\IPC$"));
        assertEquals("CORP", DomainControllers.dnsDomainLabel("\\\\dc1.corp\\share.with.dots"));
        assertEquals("STRASSE", DomainControllers.dnsDomainLabel("dc.stra\u00dfe.de"), "upper-cased as String.toUpperCase does");
    }

    @Test
    void aSuccessfulLookupOfTheServersOwnDomainShowsADc() {
        DomainControllers d = new DomainControllers(List.of(), true);
        d.observedServerName(SRV, "\\\\dc1.contoso.local\\IPC$");
        d.observedSamrLookup(SRV, "Builtin");
        d.observedSamrLookupResult(SRV, 0);
        assertFalse(d.holdsDomainAccounts(SRV), "every SAM has Builtin");
        d.observedSamrLookup(SRV, "CONTOSO");
        d.observedSamrLookupResult(SRV, 0xC00000DFL);
        assertFalse(d.holdsDomainAccounts(SRV), "STATUS_NO_SUCH_DOMAIN: a member server");
        d.observedSamrLookup(SRV, "contoso");
        d.observedSamrLookupResult(SRV, 0);
        assertTrue(d.holdsDomainAccounts(SRV));
        assertFalse(d.isDc(SRV), "SAMR-learned servers never excuse DRSUAPI");
    }

    /** The label a server was named by last is the one its SAMR lookup is compared with, however it was written. */
    @Test
    void theServersLabelFollowsTheNameItWasLastGiven() {
        DomainControllers d = new DomainControllers(List.of(), true);
        d.observedServerName(SRV, "\\\\dc1.contoso.local\\IPC$");
        d.observedServerName(SRV, "\\\\DC1.CONTOSO.LOCAL\\C$");
        d.observedServerName(SRV, "\\\\dc1.fabrikam.local\\IPC$");
        d.observedServerName(SRV, "\\\\10.0.0.5\\IPC$"); // an address names no domain: the label stays
        d.observedSamrLookup(SRV, "CONTOSO");
        d.observedSamrLookupResult(SRV, 0);
        assertFalse(d.holdsDomainAccounts(SRV));
        d.observedSamrLookup(SRV, "Fabrikam");
        d.observedSamrLookupResult(SRV, 0);
        assertTrue(d.holdsDomainAccounts(SRV));
    }

    @Test
    void theNtlmChallengeNamesTheDomainOrAStandaloneHost() {
        DomainControllers d = new DomainControllers(List.of(), true);
        d.observedNtlmServer(SRV, "LAB", "DC1");
        d.observedSamrLookup(SRV, "LAB");
        d.observedSamrLookupResult(SRV, 0);
        assertTrue(d.holdsDomainAccounts(SRV));

        InetAddress ws = AllowListMatcher.parseAddress("10.0.0.6");
        d.observedServing(ws, DomainControllers.Source.KERBEROS); // even a host that answered Kerberos ...
        d.observedNtlmServer(ws, "WS6", "WS6");
        assertFalse(d.holdsDomainAccounts(ws), "... is standalone when its CHALLENGE names itself as the domain");
    }

    @Test
    void nothingIsLearnedWhenLearningIsOff() {
        DomainControllers d = new DomainControllers(List.of(), false);
        d.observedServerName(SRV, "\\\\dc1.contoso.local\\IPC$");
        d.observedSamrLookup(SRV, "CONTOSO");
        d.observedSamrLookupResult(SRV, 0);
        assertFalse(d.holdsDomainAccounts(SRV));
        DomainControllers configured = new DomainControllers(List.of("10.0.0.5"), false);
        assertTrue(configured.holdsDomainAccounts(SRV));
    }
}
