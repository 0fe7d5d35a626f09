package io.impacketsensor.cli.deb;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Manual pages in troff (man(7) macros) from the picocli command model, one per command and
 * subcommand, so that the pages say what {@code --help} says and cannot drift from it.
 *
 * <p>picocli's own {@code ManPageGenerator} writes AsciiDoc, which needs Asciidoctor (JRuby) to
 * become a manual page; the command model it reads is the same one walked here, rendered straight
 * to the macros man(7) documents.
 */
public final class ManPages {
    /** Section 8: the sensor is run by the administrator, as a daemon or on captures (man-pages(7)). */
    public static final String SECTION = "8";

    private final String version;
    private final String date;

    /**
     * @param version the project version printed in the page footer
     * @param date    the build date (YYYY-MM-DD) printed in the footer
     */
    public ManPages(String version, String date) {
        this.version = version;
        this.date = date;
    }

    /** File name (without .gz) to page text, for the command and every visible subcommand below it. */
    public Map<String, String> render(CommandLine root) {
        Map<String, String> pages = new LinkedHashMap<>();
        add(root, pages);
        return pages;
    }

    private void add(CommandLine cl, Map<String, String> pages) {
        CommandSpec spec = cl.getCommandSpec();
        pages.put(pageName(spec) + "." + SECTION, page(cl));
        for (CommandLine sub : cl.getSubcommands().values()) {
            // Aliases map to the same CommandLine; write each command once, under its name.
            if (!sub.getCommandSpec().usageMessage().hidden() && sub.getCommandName().equals(sub.getCommandSpec().name())
                    && !pages.containsKey(pageName(sub.getCommandSpec()) + "." + SECTION)) {
                add(sub, pages);
            }
        }
    }

    /** "impacket-sensor-blocklist-list" for "impacket-sensor blocklist list". */
    static String pageName(CommandSpec spec) {
        return spec.qualifiedName("-");
    }

    String page(CommandLine cl) {
        CommandSpec spec = cl.getCommandSpec();
        StringBuilder b = new StringBuilder(4096);
        String name = pageName(spec);
        List<String> description = lines(spec.usageMessage().description());
        String summary = description.isEmpty() ? spec.qualifiedName() : description.get(0);
        if (summary.endsWith(".")) {
            summary = summary.substring(0, summary.length() - 1);
        }
        b.append(".\\\" Generated from the picocli command model of impacket-sensor ").append(version).append(".\n");
        b.append(".TH ").append(esc(name.toUpperCase(java.util.Locale.ROOT))).append(' ').append(SECTION)
                .append(" \"").append(date).append("\" \"impacket-sensor ").append(esc(version))
                .append("\" \"System Administration\"\n");
        b.append(".SH NAME\n").append(esc(name)).append(" \\- ").append(esc(lowerFirst(summary))).append('\n');

        b.append(".SH SYNOPSIS\n.nf\n");
        CommandLine.Help help = new CommandLine.Help(spec, new CommandLine.Help.ColorScheme.Builder(CommandLine.Help.Ansi.OFF).build());
        for (String line : help.synopsis(0).stripTrailing().split("\n")) {
            b.append(escLine(line.stripTrailing())).append('\n');
        }
        b.append(".fi\n");

        if (description.size() > 1 || !description.isEmpty()) {
            b.append(".SH DESCRIPTION\n");
            paragraphs(b, description);
        }

        List<PositionalParamSpec> params = new ArrayList<>();
        for (PositionalParamSpec p : spec.positionalParameters()) {
            if (!p.hidden()) {
                params.add(p);
            }
        }
        if (!params.isEmpty()) {
            b.append(".SH ARGUMENTS\n");
            for (PositionalParamSpec p : params) {
                b.append(".TP\n").append("\\fI").append(esc(p.paramLabel())).append("\\fR\n");
                text(b, String.join(" ", lines(p.description())));
            }
        }

        List<OptionSpec> options = new ArrayList<>();
        for (OptionSpec o : spec.options()) {
            if (!o.hidden()) {
                options.add(o);
            }
        }
        if (!options.isEmpty()) {
            b.append(".SH OPTIONS\n");
            for (OptionSpec o : options) {
                b.append(".TP\n");
                StringBuilder names = new StringBuilder();
                for (String n : o.names()) {
                    if (names.length() > 0) {
                        names.append(", ");
                    }
                    names.append("\\fB").append(esc(n)).append("\\fR");
                    if (o.negatable() && n.startsWith("--")) {
                        names.append(", \\fB").append(esc("--no-" + n.substring(2))).append("\\fR");
                    }
                }
                if (o.arity().max() > 0 && !o.negatable()) {
                    names.append("=\\fI").append(esc(o.paramLabel())).append("\\fR");
                }
                b.append(names).append('\n');
                text(b, String.join(" ", lines(o.description())));
            }
        }

        List<CommandLine> subs = new ArrayList<>();
        for (Map.Entry<String, CommandLine> e : cl.getSubcommands().entrySet()) {
            CommandLine sub = e.getValue();
            if (!sub.getCommandSpec().usageMessage().hidden() && e.getKey().equals(sub.getCommandSpec().name())) {
                subs.add(sub);
            }
        }
        if (!subs.isEmpty()) {
            b.append(".SH COMMANDS\n");
            for (CommandLine sub : subs) {
                List<String> d = lines(sub.getCommandSpec().usageMessage().description());
                b.append(".TP\n\\fB").append(esc(sub.getCommandName())).append("\\fR\n");
                text(b, (d.isEmpty() ? "" : esc(d.get(0))) + " See " + ref(pageName(sub.getCommandSpec())) + ".",
                        true);
            }
        }

        List<String> footer = lines(spec.usageMessage().footer());
        if (!footer.isEmpty()) {
            footer(b, footer);
        }

        b.append(".SH SEE ALSO\n");
        List<String> see = new ArrayList<>();
        if (spec.parent() != null) {
            see.add(ref(pageName(spec.parent())));
        }
        for (CommandLine sub : subs) {
            see.add(ref(pageName(sub.getCommandSpec())));
        }
        if (spec.parent() == null) {
            see.add("/usr/share/doc/impacket-sensor/README.md.gz");
        }
        b.append(String.join(",\n", see)).append('\n');
        return b.toString();
    }

    /** A reference to another page, bold, and not hyphenated at a line end (groff(7) "\\%"). */
    private static String ref(String page) {
        return "\\fB\\%" + esc(page) + "\\fR(" + SECTION + ")";
    }

    /**
     * The footer: "Examples:" and "Exit codes:" blocks become sections; example lines keep their
     * layout (no fill), so the commands on the page paste as they do from {@code --help}.
     */
    private static void footer(StringBuilder b, List<String> footer) {
        boolean open = false;
        for (String line : footer) {
            if (line.isBlank()) {
                continue;
            }
            if (line.equals("Examples:")) {
                if (open) {
                    b.append(".fi\n");
                }
                b.append(".SH EXAMPLES\n.nf\n");
                open = true;
            } else if (line.startsWith("Exit codes:")) {
                if (open) {
                    b.append(".fi\n");
                }
                b.append(".SH EXIT STATUS\n.nf\n").append(escLine(line.substring("Exit codes:".length()).strip())).append('\n');
                open = true;
            } else if (open) {
                b.append(escLine(line.startsWith("  ") ? line.substring(2) : line)).append('\n');
            } else {
                text(b, line);
            }
        }
        if (open) {
            b.append(".fi\n");
        }
    }

    /** Description lines: a blank line separates paragraphs; indented lines are shown as typed. */
    private static void paragraphs(StringBuilder b, List<String> description) {
        boolean first = true;
        boolean literal = false;
        for (String line : description) {
            if (line.isBlank()) {
                if (literal) {
                    b.append(".fi\n");
                    literal = false;
                }
                continue;
            }
            if (line.startsWith("  ")) {
                if (!literal) {
                    b.append(".PP\n.nf\n");
                    literal = true;
                }
                b.append(escLine(line.substring(2))).append('\n');
                continue;
            }
            if (literal) {
                b.append(".fi\n");
                literal = false;
            }
            if (!first) {
                b.append(".PP\n");
            }
            text(b, line);
            first = false;
        }
        if (literal) {
            b.append(".fi\n");
        }
    }

    private static void text(StringBuilder b, String s) {
        text(b, s, false);
    }

    /** Filled text, one sentence per line (man(7): a new sentence starts on a new line). */
    private static void text(StringBuilder b, String s, boolean escaped) {
        String body = escaped ? s : esc(s);
        for (String sentence : body.split("(?<=[.;:]) (?=[A-Z(\\\\'])")) {
            String t = sentence.strip();
            if (!t.isEmpty()) {
                b.append(t.startsWith(".") || t.startsWith("'") ? "\\&" : "").append(t).append('\n');
            }
        }
    }

    /** picocli's description strings with its format escapes (%n, %%) resolved. */
    private static List<String> lines(String[] raw) {
        List<String> out = new ArrayList<>();
        for (String r : raw) {
            for (String l : r.replace("%n", "\n").replace("%%", "%").split("\n", -1)) {
                out.add(l);
            }
        }
        while (!out.isEmpty() && out.get(out.size() - 1).isBlank()) {
            out.remove(out.size() - 1);
        }
        while (!out.isEmpty() && out.get(0).isBlank()) {
            out.remove(0);
        }
        return out;
    }

    private static String lowerFirst(String s) {
        return s.isEmpty() || Character.isUpperCase(s.charAt(1 < s.length() ? 1 : 0)) ? s
                : Character.toLowerCase(s.charAt(0)) + s.substring(1);
    }

    /** One line of no-fill text: escaped, and protected against a leading control character. */
    private static String escLine(String s) {
        String e = esc(s);
        return e.startsWith(".") || e.startsWith("'") ? "\\&" + e : e;
    }

    /**
     * Escapes text for troff: a backslash is the escape character (groff(7) "\e"), and "-" is
     * written "\-" so that options and commands copy from the rendered page as ASCII hyphens.
     */
    static String esc(String s) {
        StringBuilder b = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> b.append("\\e");
                case '-' -> b.append("\\-");
                case '\'' -> b.append("\\(aq");
                case '"' -> b.append("\\(dq");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
