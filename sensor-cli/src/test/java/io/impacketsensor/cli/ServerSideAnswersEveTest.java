package io.impacketsensor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import io.impacketsensor.core.testkit.Captures;
import io.impacketsensor.core.testkit.Cuts;
import io.impacketsensor.core.testkit.Replay;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The servers' side alone of lab captures ({@link Cuts#serverSide}, as an RX-only mirror copies
 * it) through {@code replay -P}: the answers' records validate against the EVE schema, say that
 * their request was not seen, and raise the rules that read answers alone.
 */
class ServerSideAnswersEveTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource({
        // capture, the record that must be written (event_type, field path, value), the rule raised
        "atk_GetADUsers_compat.pcap, ldap, reply_shape/user_listing, 9, ldap_user_listing_reply_only",
        "atk_GetUserSPNs_compat.pcap, ldap, reply_shape/spn_users, 2, ldap_spn_users_reply_only",
        "atk_GetNPUsers_compat.pcap, ldap, reply_shape/no_preauth, 1, ldap_no_preauth_reply_only",
        "atk_findDelegation.i014.pcap, ldap, previous_bind_message_id, 707813227, impacket_ldap_random_message_id_reply_only",
        "atk_gpp_password.pcap, smb, gpp_cpassword/cpassword_chars, 43, gpp_cpassword_transferred",
    })
    void answersAloneAreRecordedAndRaiseTheirRule(String capture, String type, String field, String value, String rule)
            throws Exception {
        JsonSchema schema;
        try (InputStream in = getClass().getResourceAsStream("/schema/eve.schema.json")) {
            schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
        }
        Path pcap = Cuts.write(Cuts.serverSide(Replay.frames(Captures.lab(capture))), dir.resolve("server.pcap"));
        Path eve = dir.resolve("eve.json");
        StringWriter err = new StringWriter();
        assertEquals(0, Main.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true),
                "replay", "-P", "--eve", eve.toString(), pcap.toString()), err.toString());
        List<String> invalid = new ArrayList<>();
        boolean recorded = false;
        boolean raised = false;
        for (String line : Files.readAllLines(eve)) {
            JsonNode rec = JSON.readTree(line);
            if (!schema.validate(rec).isEmpty()) {
                invalid.add(schema.validate(rec) + " in " + line);
            }
            JsonNode ours = rec.path("impacket_sensor");
            if (rec.path("event_type").asText().equals(type) && ours.at("/" + field).asText().equals(value)) {
                recorded = true;
                if (type.equals("ldap")) {
                    assertEquals(false, ours.path("request_seen").asBoolean(true), line);
                    assertTrue(rec.path("ldap").path("request").isMissingNode(), line);
                }
            }
            for (JsonNode r : rec.path("impacket").path("rules")) {
                raised |= r.path("name").asText().equals(rule);
            }
        }
        assertEquals(List.of(), invalid);
        assertTrue(recorded, type + " " + field + " " + value + " in " + Files.readString(eve));
        assertTrue(raised, rule + " in " + Files.readString(eve));
    }
}
