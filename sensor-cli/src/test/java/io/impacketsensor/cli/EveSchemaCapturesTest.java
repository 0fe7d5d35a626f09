package io.impacketsensor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.impacketsensor.core.testkit.Captures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every EVE line that {@code replay -P} writes for every lab and public test capture (protocol
 * records, alerts, stats) validates against the committed schema
 * ({@code schema/eve.schema.json}: Suricata's field names, types and nesting for smb, dcerpc,
 * krb5 and ldap plus our {@code impacket_sensor} key), and every protocol record carries
 * {@code impacket_sensor.eve_version}.
 */
class EveSchemaCapturesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> PROTOCOL = Set.of("smb", "dcerpc", "krb5", "ldap", "ntlm", "anomaly");

    @TempDir
    Path dir;

    @Test
    void everyLineOfEveryCaptureValidates() throws Exception {
        JsonSchema schema;
        try (InputStream in = getClass().getResourceAsStream("/schema/eve.schema.json")) {
            schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
        }
        List<String> captures = new ArrayList<>(Captures.list("/pcaps/lab"));
        captures.addAll(Captures.list("/pcaps/public"));
        Map<String, Integer> byType = new TreeMap<>();
        List<String> invalid = new ArrayList<>();
        long lines = 0;
        long bad = 0;
        int n = 0;
        for (String capture : captures) {
            Path eve = dir.resolve("eve-" + (n++) + ".json");
            StringWriter err = new StringWriter();
            int code = Main.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true),
                    "replay", "-P", "--eve", eve.toString(), Captures.path(capture).toString());
            assertEquals(0, code, capture + ": " + err);
            try (BufferedReader r = Files.newBufferedReader(eve)) {
                String line;
                while ((line = r.readLine()) != null) {
                    lines++;
                    JsonNode rec = JSON.readTree(line);
                    String type = rec.path("event_type").asText();
                    byType.merge(type, 1, Integer::sum);
                    Set<ValidationMessage> errors = schema.validate(rec);
                    boolean versioned = !PROTOCOL.contains(type)
                            || rec.path("impacket_sensor").path("eve_version").isInt();
                    if (!errors.isEmpty() || !versioned) {
                        bad++;
                        if (invalid.size() < 20) {
                            invalid.add(capture + ": " + errors + " in " + line);
                        }
                    }
                }
            }
            Files.delete(eve);
        }
        System.out.println("EVE schema: " + lines + " lines of " + captures.size() + " captures, by type " + byType
                + ", invalid " + bad);
        assertTrue(byType.keySet().containsAll(Set.of("smb", "dcerpc", "krb5", "ldap", "ntlm", "alert", "stats")),
                byType.toString());
        assertEquals(0, bad, String.join("\n", invalid));
    }
}
