package io.impacketsensor.detection;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.impacketsensor.core.event.DcerpcEvent;
import io.impacketsensor.core.event.EventHeader;
import io.impacketsensor.core.event.RpcArgs;
import io.impacketsensor.core.event.Transport;
import io.impacketsensor.detection.engine.RpcCatalog;
import io.impacketsensor.detection.rules.Text;
import io.impacketsensor.detection.eve.EveAlertWriter;
import io.impacketsensor.detection.eve.ProtocolRecordWriter;
import io.impacketsensor.detection.model.AnalysisResult;
import io.impacketsensor.detection.model.AttackType;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.StringWriter;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A peer controls the length of every name it sends: indicators and EVE fields quote at most
 * {@link Text#QUOTE_LIMIT} characters of such a value and note its full length. Synthetic values.
 */
class PeerValueBoundTest {
    /** An smbexec-shaped service command padded to 5,000 characters (synthetic). */
    static final String LONG_BINARY_PATH;

    static {
        StringBuilder b = new StringBuilder("%COMSPEC% /Q /c echo ");
        while (b.length() < 5_000 - " ^> \\\\127.0.0.1\\C$\\__output 2^>^&1".length()) {
            b.append('A');
        }
        b.append(" ^> \\\\127.0.0.1\\C$\\__output 2^>^&1");
        LONG_BINARY_PATH = b.toString();
    }

    @Test
    void quoteKeepsShortValuesAndBoundsLongOnes() {
        String shortValue = "C:\\Windows\\PSEXESVC.exe";
        assertSame(shortValue, Text.quote(shortValue), "no copy below the limit");
        assertEquals(5_000, LONG_BINARY_PATH.length());
        String q = Text.quote(LONG_BINARY_PATH);
        assertEquals(LONG_BINARY_PATH.substring(0, 256) + "\u2026 (5000 chars)", q);
        // A surrogate pair across the limit is not split.
        String emoji = "x".repeat(255) + "\uD83D\uDE00" + "y".repeat(10);
        assertEquals("x".repeat(255) + "\u2026 (267 chars)", Text.quote(emoji));
    }

    @Test
    void indicatorsAndEveAlertQuoteABoundedPrefixOfA5000CharServiceBinaryPath() throws Exception {
        ImpacketProtection p = new ImpacketProtection();
        ByteArrayOutputStream eve = new ByteArrayOutputStream();
        EveAlertWriter writer = new EveAlertWriter(eve);
        p.setAlertSink(writer);
        AnalysisResult r = p.analyzeNetworkEvent(NetworkEvent.builder("10.20.0.5", NetworkEvent.Protocol.SMB)
                .destIp("10.20.0.10").eventType("service_creation").share("C$").serviceName("BTOBTO")
                .binaryPath(LONG_BINARY_PATH).build());
        assertTrue(r.isAttack());
        assertEquals(AttackType.SMBEXEC, r.analysis().attackType());
        String quoted = null;
        for (String i : r.analysis().indicators()) {
            assertTrue(i.length() <= 2 * Text.QUOTE_LIMIT + 40, "bounded indicator: " + i.length());
            if (i.startsWith("Service runs a shell command with redirected output: ")) {
                quoted = i;
            }
        }
        assertNotNull(quoted, r.analysis().indicators().toString());
        assertTrue(quoted.endsWith("\u2026 (5000 chars)"), quoted);
        assertTrue(quoted.contains(LONG_BINARY_PATH.substring(0, 256)), quoted);

        writer.flush();
        List<JsonNode> records = EveSchema.validate(eve.toString(StandardCharsets.UTF_8));
        assertTrue(!records.isEmpty());
        for (JsonNode rec : records) {
            for (JsonNode i : rec.get("impacket").get("indicators")) {
                assertTrue(i.asText().length() <= 2 * Text.QUOTE_LIMIT + 40, i.asText());
            }
            assertTrue(rec.toString().length() < 20_000, "the alert does not carry the 5,000-char path repeatedly");
        }
    }

    @Test
    void dcerpcEveRecordQuotesTheBinaryPath() throws Exception {
        EventHeader h = new EventHeader(1_800_000_000_000_000_000L, 3, InetAddress.getByName("10.20.0.5"), 50000,
                InetAddress.getByName("10.20.0.10"), 445, Transport.TCP);
        DcerpcEvent.DcerpcRequest req = new DcerpcEvent.DcerpcRequest(h, "svcctl", 2, 0, RpcCatalog.SVCCTL, 12, null,
                false, 5_100, 1, 0, 0, new RpcArgs.ScmCreateService("BTOBTO", "BTOBTO", LONG_BINARY_PATH, 0x10, 3,
                0xF01FF));
        StringWriter w = new StringWriter();
        try (JsonGenerator g = new JsonFactory().createGenerator(w)) {
            assertTrue(ProtocolRecordWriter.write(g, req));
        }
        JsonNode rec = new ObjectMapper().readTree(w.toString());
        String bp = rec.findValue("binary_path").asText();
        assertEquals(Text.quote(LONG_BINARY_PATH), bp);
        EveSchema.validate(w.toString());
    }
}
