package io.impacketsensor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.impacketsensor.core.testkit.Captures;
import io.impacketsensor.core.testkit.Cuts;
import io.impacketsensor.core.testkit.Replay;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SMB records of a flow picked up without its NEGOTIATE exchange: {@code smb.dialect} stays
 * {@code unknown} (as Suricata writes it) and {@code impacket_sensor.dialect_inferred} says what
 * the later messages show. The lab's smbclient.py session with SMB 3 encryption (Impacket 0.10.0
 * against Samba, dialect 3.0), replayed with {@code replay -P} without its NEGOTIATE frames.
 */
class SmbDialectInferredTest {
    @TempDir
    Path dir;

    private static final ObjectMapper M = new ObjectMapper();

    /** The SMB1 multi-protocol NEGOTIATE (0xFF 'SMB', command 0x72) on NBSS. */
    private static final Predicate<Replay.Frame> SMB1_NEGOTIATE = f -> {
        int p = Cuts.tcpPayload(f);
        byte[] b = f.data();
        return p >= 0 && b.length > p + 8 && (b[p + 4] & 0xFF) == 0xFF && b[p + 5] == 'S' && (b[p + 8] & 0xFF) == 0x72;
    };

    private List<JsonNode> smbRecords(List<Replay.Frame> frames, String name) throws Exception {
        Path pcap = Cuts.write(frames, dir.resolve(name + ".pcap"));
        Path eve = dir.resolve(name + ".json");
        CliRun r = CliRun.run("replay", "-P", "--eve", eve.toString(), pcap.toString());
        assertEquals(0, r.code(), r.err());
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(eve)) {
            JsonNode j = M.readTree(line);
            if (j.path("event_type").asText().equals("smb")) {
                out.add(j);
            }
        }
        return out;
    }

    @Test
    void withoutTheNegotiateTheRecordsSayWhatTheDialectWasInferredFrom() throws Exception {
        List<Replay.Frame> frames = Replay.frames(Captures.lab("atk_smbclient_pth.smbenc.pcap"));
        List<JsonNode> whole = smbRecords(frames, "whole");
        assertFalse(whole.isEmpty());
        assertTrue(whole.stream().noneMatch(j -> j.get("impacket_sensor").has("dialect_inferred")), whole.toString());
        assertEquals("3.00", whole.get(whole.size() - 1).get("smb").get("dialect").asText());

        List<JsonNode> cut = smbRecords(Cuts.without(frames, SMB1_NEGOTIATE.or(Cuts.smb2(0, false))
                .or(Cuts.smb2(0, true))), "cut");
        assertFalse(cut.isEmpty());
        List<String> seen = new ArrayList<>();
        for (JsonNode j : cut) {
            assertEquals("unknown", j.get("smb").get("dialect").asText(), j.toString());
            JsonNode x = j.get("impacket_sensor");
            seen.add(j.get("smb").path("command").asText(x.path("transform").asText()) + " "
                    + x.path("dialect_inferred").asText("-") + " " + x.path("dialect_inferred_from").asText("-"));
        }
        // The SESSION_SETUPs show SMB2 headers; the encrypted messages after them a TRANSFORM header,
        // which SMB 3.0 introduced (MS-SMB2 2.2.41).
        assertEquals("SMB2_COMMAND_SESSION_SETUP 2.02+ smb2_header", seen.get(0));
        assertEquals("SMB2_TRANSFORM 3.00+ encryption_transform", seen.get(seen.size() - 1), seen.toString());
    }
}
