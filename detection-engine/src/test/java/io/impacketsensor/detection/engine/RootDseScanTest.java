package io.impacketsensor.detection.engine;

import io.impacketsensor.core.event.LdapEvent.Attribute;
import io.impacketsensor.core.event.LdapEvent.SearchEntry;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rootDSE test read from an entry's kept strings ({@link DcLearning.RootDseScan}) answers what
 * the test over the decoded entry answers, for strings passed as bytes and as text.
 */
class RootDseScanTest {

    private static final String NTDS = "CN=NTDS Settings,CN=DC1,CN=Servers,CN=Default-First-Site-Name,CN=Sites,"
            + "CN=Configuration,DC=lab,DC=test";
    private static final String SERVER = "CN=DC1,CN=Servers,CN=Default-First-Site-Name,CN=Sites,"
            + "CN=Configuration,DC=lab,DC=test";
    private static final String LDS = "CN=NTDS Settings,CN=HOST$INST,CN=Servers,CN=Default-First-Site-Name,CN=Sites,"
            + "CN=Configuration,CN={X}";

    /** synthetic entries: each case as the decoded test sees it and as the scan of its strings. */
    @Test
    void theScanAnswersAsTheDecodedEntry() throws IOException {
        List<SearchEntry> cases = List.of(
                entry("", attr("namingContexts", "DC=lab,DC=test"), attr("dsServiceName", NTDS)),
                entry("", attr("DSSERVICENAME", NTDS)),
                entry("", attr("serverName", SERVER)),
                entry("", attr("servername", SERVER), attr("dsServiceName", LDS)),
                entry("", attr("dsServiceName", LDS)),
                entry("", attr("dsServiceName", "CN=other"), attr("serverName", SERVER)),
                entry("", attr("dsServiceName"), attr("serverName", SERVER)),
                entry("", attr("serverName"), attr("dsServiceName", LDS)),
                entry("CN=x", attr("dsServiceName", NTDS)),
                entry("", attr("d\u017FServiceName", NTDS)), // long s: equal ignoring case by the JDK's rule
                entry("", attr("dsServiceName\u00e9", NTDS)),
                entry("", attr("serverName", SERVER, "CN=y")),
                entry("", attr("serverName", "CN=y", SERVER)),
                entry(""),
                entry("", attr("supportedControl", "1.2.840.113556.1.4.319", "1.2.840.113556.1.4.801")));
        int dcs = 0;
        for (SearchEntry decoded : cases) {
            boolean expected = decoded.dn().isEmpty() && DcLearning.rootDseNamesADc(decoded);
            dcs += expected ? 1 : 0;
            for (boolean asText : new boolean[] {false, true}) {
                DcLearning.RootDseScan scan = new DcLearning.RootDseScan();
                scan.reset();
                assertTrue(streamed(decoded, asText).stream(scan));
                assertEquals(expected, scan.dnEmpty && scan.namesADc, decoded + (asText ? " as text" : " as bytes"));
            }
        }
        assertEquals(8, dcs, "the cases hold DCs and others");
        // a second entry through the same scan starts clean
        DcLearning.RootDseScan scan = new DcLearning.RootDseScan();
        scan.reset();
        streamed(cases.get(0), false).stream(scan);
        scan.reset();
        streamed(cases.get(8), false).stream(scan);
        assertFalse(scan.dnEmpty && scan.namesADc);
    }

    private static Attribute attr(String name, String... values) {
        return new Attribute(name, List.of(values));
    }

    private static SearchEntry entry(String dn, Attribute... attrs) {
        return new SearchEntry(dn, List.of(attrs));
    }

    /** A deferred entry that streams {@code e}'s strings, as UTF-8 bytes or as text. */
    private static SearchEntry streamed(SearchEntry e, boolean asText) {
        return SearchEntry.deferred(new SearchEntry.Decoder() {
            @Override
            public SearchEntry decode() {
                return e;
            }

            @Override
            public boolean stream(SearchEntry.Sink sink) throws IOException {
                pass(sink, 0, e.dn(), asText);
                for (Attribute a : e.attributes()) {
                    pass(sink, 1, a.name(), asText);
                    for (String v : a.values()) {
                        pass(sink, 2, v, asText);
                    }
                }
                return true;
            }
        });
    }

    private static void pass(SearchEntry.Sink sink, int kind, String s, boolean asText) throws IOException {
        byte[] b = asText ? null : ("  " + s).getBytes(StandardCharsets.UTF_8);
        int off = asText ? 0 : 2;
        int len = asText ? 0 : b.length - 2;
        String text = asText ? s : null;
        switch (kind) {
            case 0 -> sink.dn(b, off, len, text);
            case 1 -> sink.type(b, off, len, text);
            default -> sink.value(b, off, len, text);
        }
    }
}
