package io.impacketsensor.cli.arch;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Multi-byte integers are read with {@code core.wire} ({@code Bytes}, {@code ByteCursor}) and
 * nowhere else: a byte of an array masked and shifted into place ({@code (b[i] & 0xFF) << 8}) is
 * a hand-written reader. Byte-at-a-time accumulation across segments ({@code v = v << 8 | (b[i] &
 * 0xFF)}) is streaming state, not a fixed-width read, and is not matched.
 */
class ByteReadersTest {

    private static final Path REPO = Path.of("..");
    private static final Pattern HAND_WRITTEN =
            Pattern.compile("\\[[^\\]\\n]+\\]\\s*&\\s*0x[fF]{2}L?\\s*\\)\\s*<<\\s*\\d+");

    @Test
    void noHandWrittenByteReadersOutsideCoreWire() throws IOException {
        List<String> found = new ArrayList<>();
        int scanned = 0;
        try (Stream<Path> modules = Files.list(REPO)) {
            for (Path m : modules.sorted().toList()) {
                Path src = m.resolve("src/main/java");
                if (!Files.isDirectory(src)) {
                    continue;
                }
                try (Stream<Path> files = Files.walk(src)) {
                    for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                        if (f.getParent().endsWith(Path.of("core", "wire"))) {
                            continue;
                        }
                        scanned++;
                        found.addAll(matches(src.relativize(f).toString(), Files.readString(f)));
                    }
                }
            }
        }
        assertTrue(scanned > 100, "main sources found under " + REPO.toAbsolutePath());
        assertEquals(List.of(), found, "use io.impacketsensor.core.wire.Bytes (or ByteCursor) instead");
    }

    @Test
    void patternMatchesFixedWidthReadsOnly() {
        assertEquals(1, matches("A.java", "int v = (b[o] & 0xFF) | (b[o + 1] & 0xFF) << 8;").size());
        assertEquals(1, matches("A.java", "long v = (b[o] & 0xFFL) << 24 | x;").size());
        assertEquals(0, matches("A.java", "v = v << 8 | (b[o + i] & 0xFF);").size());
        assertEquals(0, matches("A.java", "// (b[o] & 0xFF) << 8\nint x = 1;").size());
    }

    private static List<String> matches(String name, String source) {
        List<String> out = new ArrayList<>();
        String code = PackageGraph.stripCommentsAndStrings(source);
        Matcher m = HAND_WRITTEN.matcher(code);
        while (m.find()) {
            int line = 1 + (int) code.substring(0, m.start()).chars().filter(c -> c == '\n').count();
            out.add(name + ":" + line);
        }
        return out;
    }
}
