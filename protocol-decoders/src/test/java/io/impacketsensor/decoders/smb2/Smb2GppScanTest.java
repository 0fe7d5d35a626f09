package io.impacketsensor.decoders.smb2;

import io.impacketsensor.core.event.SmbEvent.SmbGppCpassword;
import io.impacketsensor.core.testkit.RecordingContext;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The GPP cpassword scan on synthetic READ data (the lab's real Groups.xml: ServerAnswerEvidenceTest). */
class Smb2GppScanTest {
    private final RecordingContext ctx = new RecordingContext();
    private final Smb2GppScan scan = new Smb2GppScan(ctx);

    /** Streams {@code data} (synthetic) in pieces of {@code piece} bytes, as the framer would. */
    private List<SmbGppCpassword> feed(byte[] data, int piece) {
        int window = Math.min(data.length, Smb2GppScan.SCAN_BYTES);
        scan.start(window, 7, 3, "\\\\dc\\SYSVOL", "x.xml", 0);
        for (int i = 0; i < data.length && scan.streaming(); i += piece) {
            scan.onStream(data, i, Math.min(piece, data.length - i));
        }
        scan.end();
        return ctx.of(SmbGppCpassword.class);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void passwordFoundAcrossPiecesWithItsRootElement() {
        byte[] d = utf8("<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n<NTServices clsid=\"{2CFB484A}\"><NTService>"
                + "<Properties serviceName=\"x\" cpassword=\"abcdEFGH\" accountName=\"svc\"/></NTService></NTServices>");
        List<SmbGppCpassword> r = feed(d, 3);
        assertEquals(1, r.size());
        assertEquals("NTServices", r.get(0).rootElement());
        assertEquals(8, r.get(0).cpasswordChars());
        assertEquals("x.xml", r.get(0).fileName());
    }

    @Test
    void byteOrderMarkAndSingleQuotes() {
        byte[] x = utf8("<?xml version='1.0'?><!-- c --><Drives><Drive><Properties cpassword='QUJD'/></Drive></Drives>");
        byte[] d = new byte[x.length + 3];
        d[0] = (byte) 0xEF;
        d[1] = (byte) 0xBB;
        d[2] = (byte) 0xBF;
        System.arraycopy(x, 0, d, 3, x.length);
        List<SmbGppCpassword> r = feed(d, d.length);
        assertEquals(1, r.size());
        assertEquals("Drives", r.get(0).rootElement());
        assertEquals(4, r.get(0).cpasswordChars());
    }

    @Test
    void emptyPasswordIsNoFinding() {
        // GPP writes cpassword="" when the item sets no password
        assertEquals(List.of(), feed(utf8("<?xml version=\"1.0\"?><Groups><User><Properties cpassword=\"\" "
                + "userName=\"a\"/></User></Groups>"), 5));
    }

    @Test
    void notAnXmlDocumentIsPassedOver() {
        // an XML fragment further into a file, or any other data, is not read
        assertEquals(List.of(), feed(utf8("PK\u0003\u0004 <Groups><Properties cpassword=\"abc\"/></Groups>"), 64));
        assertEquals(List.of(), feed(utf8(" <?xml version=\"1.0\"?><Groups cpassword=\"abc\"/>"), 64));
    }

    @Test
    void valueRunningPastTheScannedPrefixStillCounts() {
        StringBuilder b = new StringBuilder("<?xml version=\"1.0\"?><ScheduledTasks>");
        while (b.length() < Smb2GppScan.SCAN_BYTES - 100) {
            b.append("<Task name=\"t\"/>");
        }
        b.append("<Properties cpassword=\"");
        while (b.length() < Smb2GppScan.SCAN_BYTES + 100) {
            b.append('A');
        }
        b.append("\"/></ScheduledTasks>");
        byte[] d = utf8(b.toString());
        List<SmbGppCpassword> r = feed(d, 1448);
        assertEquals(1, r.size());
        assertEquals("ScheduledTasks", r.get(0).rootElement());
        int start = b.indexOf("cpassword=\"") + 11;
        assertEquals(Smb2GppScan.SCAN_BYTES - start, r.get(0).cpasswordChars());
    }
}
