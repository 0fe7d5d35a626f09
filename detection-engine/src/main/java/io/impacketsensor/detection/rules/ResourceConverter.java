package io.impacketsensor.detection.rules;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Converts the built-in YAML resources under {@code rules/} to JSON at build time (Maven runs
 * {@link #main} in process-classes over the compiled resources), so that the engine reads them with
 * the streaming JSON parser instead of loading the YAML stack at every start (see {@link YamlDoc}).
 *
 * <p>The conversion is generic: every token the YAML parser yields is copied as it is, so any key a
 * rule gains, and any new YAML file placed under {@code rules/}, is carried over without changes
 * here. Every value is written on the line it has in the YAML file (JSON allows newlines between
 * tokens), so an error found while reading the JSON names the YAML source line.
 */
public final class ResourceConverter {
    /** The resource folder whose YAML files are converted. */
    public static final String DIR = "rules";

    /** Built at first conversion, not at class load: the engine calls {@link #jsonName} at start. */
    private static final class Factories {
        static final YAMLFactory YAML = YAMLFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
        static final JsonFactory JSON = new JsonFactory();
    }

    private ResourceConverter() {
    }

    /** {@code /rules/catalog.yaml} -> {@code /rules/catalog.json}. */
    public static String jsonName(String yamlName) {
        if (!yamlName.endsWith(".yaml")) {
            throw new IllegalArgumentException("not a .yaml resource: " + yamlName);
        }
        return yamlName.substring(0, yamlName.length() - ".yaml".length()) + ".json";
    }

    /** The JSON form of one YAML document, each value on its YAML line. */
    public static String convert(String yaml, String source) {
        StringWriter out = new StringWriter(yaml.length());
        try (JsonParser p = Factories.YAML.createParser(yaml);
             JsonGenerator g = Factories.JSON.createGenerator(out)) {
            int line = 1;
            JsonToken t = p.nextToken();
            if (t == null) {
                throw new RuleException(source + ": empty document");
            }
            for (; t != null; t = p.nextToken()) {
                int at = p.currentTokenLocation().getLineNr();
                for (; line < at; line++) {
                    g.writeRaw('\n');
                }
                g.copyCurrentEvent(p);
                if (t.isStructEnd() && p.getParsingContext().inRoot()) {
                    if (p.nextToken() != null) {
                        throw new RuleException(source + ":" + p.currentTokenLocation().getLineNr()
                                + ": only one YAML document is allowed");
                    }
                    break;
                }
            }
            g.writeRaw('\n');
        } catch (IOException e) {
            String m = e.getMessage() == null ? "unreadable" : e.getMessage();
            int nl = m.indexOf('\n');
            throw new RuleException(source + ": " + (nl < 0 ? m : m.substring(0, nl)));
        }
        return out.toString();
    }

    /** Every {@code .yaml} file under {@code dir/rules}, sorted by path. */
    public static List<Path> yamlFiles(Path dir) throws IOException {
        Path rules = dir.resolve(DIR);
        if (!Files.isDirectory(rules)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(rules)) {
            return s.filter(f -> Files.isRegularFile(f) && f.getFileName().toString().endsWith(".yaml")).sorted().toList();
        }
    }

    /**
     * Build step: {@code ResourceConverter CLASSES_DIR} writes {@code X.json} next to every
     * {@code rules/**}{@code /X.yaml} in that folder. A YAML error fails the build.
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: ResourceConverter CLASSES_DIR");
        }
        Path dir = Path.of(args[0]);
        for (Path f : yamlFiles(dir)) {
            String json = convert(Files.readString(f, StandardCharsets.UTF_8), dir.relativize(f).toString());
            Path target = f.resolveSibling(jsonName(f.getFileName().toString()));
            if (!Files.exists(target) || !Files.readString(target, StandardCharsets.UTF_8).equals(json)) {
                Files.writeString(target, json, StandardCharsets.UTF_8);
            }
        }
    }
}
