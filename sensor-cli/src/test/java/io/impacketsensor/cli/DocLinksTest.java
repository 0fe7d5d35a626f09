package io.impacketsensor.cli;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every relative link of README.md and docs/ leads somewhere: the file exists and, for a
 * {@code #fragment} into a Markdown page, the page has that heading (GitHub's anchor rules). The
 * pages name no path of a build machine.
 */
class DocLinksTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern FENCE = Pattern.compile("```.*?```", Pattern.DOTALL);
    private static final Pattern CODE = Pattern.compile("`[^`\n]*`");
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
    private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.*?)\\s*#*\\s*$", Pattern.MULTILINE);
    private static final Pattern HTML_ANCHOR = Pattern.compile("<a (?:name|id)=\"([^\"]+)\"");

    static List<Path> pages() throws IOException {
        List<Path> out = new ArrayList<>();
        out.add(ROOT.resolve("README.md"));
        try (Stream<Path> s = Files.walk(ROOT.resolve("docs"))) {
            s.filter(p -> p.toString().endsWith(".md")).sorted().forEach(out::add);
        }
        return out;
    }

    /** The anchors GitHub gives the headings of a page. */
    static Set<String> anchors(String page) {
        Set<String> out = new HashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        Matcher m = HEADING.matcher(FENCE.matcher(page).replaceAll(""));
        while (m.find()) {
            String a = m.group(1).strip().toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
            int n = seen.merge(a, 1, Integer::sum) - 1;
            out.add(n == 0 ? a : a + "-" + n);
        }
        Matcher h = HTML_ANCHOR.matcher(page);
        while (h.find()) {
            out.add(h.group(1));
        }
        return out;
    }

    /** "file: link (why)" for every relative link of the page that leads nowhere. */
    static List<String> broken(Path page) throws IOException {
        String text = Files.readString(page, StandardCharsets.UTF_8);
        String prose = CODE.matcher(FENCE.matcher(text).replaceAll("")).replaceAll("");
        List<String> out = new ArrayList<>();
        Matcher m = LINK.matcher(prose);
        while (m.find()) {
            String link = m.group(1);
            if (link.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
                continue; // https:, mailto: ...
            }
            int hash = link.indexOf('#');
            String file = hash < 0 ? link : link.substring(0, hash);
            String fragment = hash < 0 ? null : link.substring(hash + 1);
            Path target = file.isEmpty() ? page : page.getParent().resolve(file).normalize();
            String where = ROOT.relativize(page) + ": " + link;
            if (!target.startsWith(ROOT) || !Files.exists(target)) {
                out.add(where + " (no such file)");
            } else if (fragment != null && target.toString().endsWith(".md")
                    && !anchors(Files.readString(target, StandardCharsets.UTF_8)).contains(fragment)) {
                out.add(where + " (no such heading)");
            }
        }
        return out;
    }

    @Test
    void everyRelativeLinkAndAnchorResolves() throws IOException {
        List<String> broken = new ArrayList<>();
        for (Path p : pages()) {
            broken.addAll(broken(p));
        }
        assertEquals(List.of(), broken);
    }

    @Test
    void noPageNamesAPathOfTheBuildMachine() throws IOException {
        List<String> found = new ArrayList<>();
        for (Path p : pages()) {
            // A generated page quotes the program's own defaults (bench's file in /tmp), not a machine's.
            String text = Files.readString(p, StandardCharsets.UTF_8);
            String part = DocsReference.generatedPart(text);
            if (part != null) {
                text = text.replace(part, "");
            }
            for (String bad : List.of("/work/", "/tmp/", "/home/")) {
                if (text.contains(bad)) {
                    found.add(ROOT.relativize(p) + " names " + bad);
                }
            }
        }
        assertEquals(List.of(), found);
    }

    @Test
    void theCheckerFindsABrokenLinkAndAnchor() throws IOException {
        assertEquals(Set.of("capture-live", "the-stats-record", "limits-flowlimits-per-worker", "a", "a-1"),
                anchors("# Capture live\n## The stats record\n```\n# not a heading\n```\n"
                        + "## Limits (`FlowLimits`, per worker)\n## A\n## A\n"));
        Path inside = ROOT.resolve("docs");
        assertTrue(Files.isDirectory(inside));
        Path page = Files.createTempFile(inside, "linkcheck", ".md");
        try {
            Files.writeString(page, "[ok](../README.md) [gone](nowhere.md) [bad](../README.md#no-such-heading) "
                    + "`[code](ignored.md)` [web](https://example.org/x)\n");
            List<String> b = broken(page);
            assertEquals(2, b.size(), b.toString());
            assertTrue(b.get(0).endsWith("nowhere.md (no such file)") && b.get(1).endsWith("(no such heading)"), b.toString());
        } finally {
            Files.delete(page);
        }
    }
}
