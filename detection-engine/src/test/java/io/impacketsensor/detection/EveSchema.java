package io.impacketsensor.detection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

import java.io.InputStream;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Validates EVE lines against the committed schema (src/main/resources/schema/eve.schema.json). */
final class EveSchema {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonSchema SCHEMA;

    static {
        try (InputStream in = EveSchema.class.getResourceAsStream("/schema/eve.schema.json")) {
            SCHEMA = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
        } catch (Exception e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private EveSchema() {
    }

    /** Parses and validates every non-empty line; returns the parsed records. */
    static java.util.List<JsonNode> validate(String eveText) throws Exception {
        java.util.List<JsonNode> out = new java.util.ArrayList<>();
        for (String line : eveText.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode n = JSON.readTree(line);
            Set<ValidationMessage> errors = SCHEMA.validate(n);
            assertTrue(errors.isEmpty(), "schema violations " + errors + " in " + line);
            out.add(n);
        }
        return out;
    }
}
