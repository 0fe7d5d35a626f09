package io.impacketsensor.detection.rules;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.util.Map;

/**
 * A YAML document read into a tree that remembers the line of every node, so that an error in an
 * operator file names {@code file:line}. Duplicate keys and a second document are rejected: in a
 * rule or tuning file either is a mistake whose effect (the last value wins, the rest ignored)
 * would be silent.
 *
 * <p>The built-in rule resources are read this way when the module is built, and at start from the
 * form the build compiles them to ({@link CompiledRules}): the YAML stack (SnakeYAML and its Jackson
 * binding) costs about a quarter of a second of class loading and initialisation, and a replay
 * without operator files does not pay it. Operator files are YAML and only read when configured.
 */
public final class YamlDoc {
    /** Built lazily: initialising the YAML factory loads SnakeYAML. */
    private static final class Yaml {
        static final YAMLFactory FACTORY = YAMLFactory.builder()
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    }

    private final String source;
    private final JsonNode root;
    private final Map<JsonNode, Integer> lines;

    private YamlDoc(String source, JsonNode root, Map<JsonNode, Integer> lines) {
        this.source = source;
        this.root = root;
        this.lines = lines;
    }

    /** Parses YAML text; a syntax error, duplicate key or second document is a {@link RuleException}. */
    public static YamlDoc parse(String text, String source) {
        try {
            return read(Yaml.FACTORY.createParser(text), source);
        } catch (IOException e) {
            throw error(e, source);
        }
    }

    private static YamlDoc read(JsonParser parser, String source) throws IOException {
        Map<JsonNode, Integer> lines = new java.util.IdentityHashMap<>();
        try (JsonParser p = parser) {
            JsonToken t = p.nextToken();
            if (t == null) {
                return new YamlDoc(source, JsonNodeFactory.instance.nullNode(), lines);
            }
            JsonNode root = read(p, t, lines);
            if (p.nextToken() != null) {
                throw new RuleException(source + ":" + line(p.currentLocation()) + ": only one YAML document is allowed");
            }
            return new YamlDoc(source, root, lines);
        }
    }

    private static RuleException error(IOException e, String source) {
        String m = e.getMessage() == null ? "unreadable" : e.getMessage();
        int nl = m.indexOf('\n');
        String first = nl < 0 ? m : m.substring(0, nl);
        int line = e instanceof com.fasterxml.jackson.core.JsonProcessingException j && j.getLocation() != null
                ? line(j.getLocation()) : 0;
        return new RuleException(source + (line > 0 ? ":" + line : "") + ": " + first);
    }

    private static int line(JsonLocation l) {
        return l == null ? 0 : l.getLineNr();
    }

    private static int tokenLine(JsonParser p) {
        return line(p.currentTokenLocation());
    }

    private static JsonNode read(JsonParser p, JsonToken t, Map<JsonNode, Integer> lines) throws IOException {
        int line = tokenLine(p);
        JsonNode n;
        switch (t) {
            case START_OBJECT -> {
                ObjectNode o = JsonNodeFactory.instance.objectNode();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String k = p.currentName();
                    o.set(k, read(p, p.nextToken(), lines));
                }
                n = o;
            }
            case START_ARRAY -> {
                ArrayNode a = JsonNodeFactory.instance.arrayNode();
                JsonToken x;
                while ((x = p.nextToken()) != JsonToken.END_ARRAY) {
                    a.add(read(p, x, lines));
                }
                n = a;
            }
            case VALUE_STRING -> n = JsonNodeFactory.instance.textNode(p.getText());
            case VALUE_NUMBER_INT -> n = JsonNodeFactory.instance.numberNode(p.getLongValue());
            case VALUE_NUMBER_FLOAT -> n = JsonNodeFactory.instance.numberNode(p.getDoubleValue());
            case VALUE_TRUE -> n = JsonNodeFactory.instance.booleanNode(true);
            case VALUE_FALSE -> n = JsonNodeFactory.instance.booleanNode(false);
            case VALUE_NULL -> n = JsonNodeFactory.instance.nullNode();
            default -> throw new IOException("unexpected " + t);
        }
        lines.put(n, line);
        return n;
    }

    public JsonNode root() {
        return root;
    }

    public String source() {
        return source;
    }

    /** {@code file:line} of a node of this document (just the file when unknown). */
    public String at(JsonNode n) {
        Integer l = n == null ? null : lines.get(n);
        return l == null || l == 0 ? source : source + ":" + l;
    }

    /** A {@link RuleException} at a node: {@code file:line: message}. */
    public RuleException error(JsonNode n, String message) {
        return new RuleException(at(n) + ": " + message);
    }
}
