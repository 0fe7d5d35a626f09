package io.impacketsensor.detection.eve;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.impacketsensor.core.event.SmbEvent;
import org.junit.jupiter.api.Test;

import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

import static io.impacketsensor.detection.eve.ProtocolRecordWriterTest.H;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The dialect records state for a flow whose NEGOTIATE was not seen: synthetic events (the lab has
 * no SMB 3.0 session with FSCTL_VALIDATE_NEGOTIATE_INFO, ENCRYPT_DATA or compression; the capture
 * test is SmbDialectInferredTest in sensor-cli).
 */
class SmbDialectInferenceTest {
    private static final ObjectMapper M = new ObjectMapper();
    private static final int FSCTL_VALIDATE_NEGOTIATE_INFO = 0x00140204;

    /** "dialect inferred from" of each record written for {@code events}, in order. */
    private static List<String> records(SmbEvent... events) throws Exception {
        StringWriter w = new StringWriter();
        ProtocolRecordWriter writer = new ProtocolRecordWriter();
        try (JsonGenerator g = new JsonFactory().createGenerator(w)) {
            for (SmbEvent e : events) {
                writer.writeRecords(g, e);
            }
        }
        List<String> out = new ArrayList<>();
        for (String line : w.toString().split("\n")) {
            JsonNode j = M.readTree(line);
            JsonNode x = j.get("impacket_sensor");
            out.add(j.get("smb").get("dialect").asText() + " " + x.path("dialect_inferred").asText("-") + " "
                    + x.path("dialect_inferred_from").asText("-"));
        }
        return out;
    }

    private static SmbEvent.SmbSessionSetup setup(int flags, int sessionFlags) {
        return new SmbEvent.SmbSessionSetup(H, 77, 1, flags, "ntlmssp", 300, sessionFlags, 0);
    }

    private static SmbEvent.SmbIoctl ioctl(int code) {
        return new SmbEvent.SmbIoctl(H, 77, 1, "\\\\10.99.0.1\\IPC$", "", code, 24, 0);
    }

    @Test
    void theMostSpecificEvidenceOfTheFlowWins() throws Exception {
        assertEquals(List.of("unknown 2.02+ smb2_header", "unknown 3.00+ session_encrypt_data",
                "unknown 3.00|3.02 validate_negotiate_info", "unknown 3.00|3.02 validate_negotiate_info"),
                records(setup(0, 0), setup(0, 4), ioctl(FSCTL_VALIDATE_NEGOTIATE_INFO),
                        new SmbEvent.SmbCommand(H, 2, 77, 0, "", 0)));
        assertEquals(List.of("unknown 3.00+ session_binding", "unknown 3.11 compression_transform"),
                records(setup(1, -1), new SmbEvent.Smb2Encrypted(H, 77, true)));
    }

    @Test
    void aNegotiatedOrSmb1FlowHasNoInference() throws Exception {
        List<String> negotiated = records(new SmbEvent.Smb2Negotiate(H, List.of(0x311), 0x311, 1, 0x7f, null, 1, 0x2f,
                null, 0, List.of(), -1, null, List.of(), 0), setup(0, 4));
        assertEquals("3.11 - -", negotiated.get(negotiated.size() - 1));
        List<String> smb1 = records(new SmbEvent.SmbSessionSetup(H, 77, 1, 0, "ntlmssp", 300, 0, 0, 0x73));
        assertFalse(smb1.get(0).contains("smb2_header"), smb1.toString());
        assertEquals("NT LM 0.12 - -", smb1.get(0));
    }
}
