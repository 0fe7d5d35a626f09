package io.impacketsensor.cli;

import io.impacketsensor.detection.rules.Rule;
import io.impacketsensor.detection.rules.RuleCatalog;
import io.impacketsensor.detection.rules.RuleDocs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code impacket-sensor rules list|show}: the detection rule catalog. */
@Command(name = "rules", mixinStandardHelpOptions = true,
        description = {"The detection rules: every alert names the rules that fired (EVE alert.signature_id, "
                + "impacket.rules)."},
        subcommands = {RulesCommand.ListCmd.class, RulesCommand.Show.class})
final class RulesCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        Main.required(spec, "a subcommand is required");
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists every built-in rule once, by sid.")
    static final class ListCmd implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--json", description = "a JSON array with every field of each rule")
        boolean json;

        @Option(names = "--format", paramLabel = "FORMAT", description = "table (default), json or markdown (docs/user/rules.md)")
        String format;

        @Override
        public Integer call() {
            String f = format == null ? (json ? "json" : "table") : format;
            List<Rule> rules = RuleCatalog.builtin().rules();
            String text = switch (f) {
                case "table" -> RuleDocs.table(rules);
                case "json" -> RuleDocs.json(rules);
                case "markdown" -> RuleDocs.markdown(rules);
                default -> null;
            };
            if (text == null || (json && format != null && !"json".equals(format))) {
                spec.commandLine().getErr().println("impacket-sensor rules list: --format must be table, json or markdown"
                        + (text == null ? ", not '" + f + "'" : " (--json means --format json)"));
                return Main.EXIT_USAGE;
            }
            spec.commandLine().getOut().print(text);
            spec.commandLine().getOut().flush();
            return Main.EXIT_OK;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Shows one rule with its description and an example.")
    static final class Show implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "SID|NAME", description = "the rule's sid (e.g. 9000211) or name")
        String rule;

        @Option(names = "--json", description = "the rule as a JSON object")
        boolean json;

        @Override
        public Integer call() {
            Rule r = RuleCatalog.builtin().find(rule);
            if (r == null) {
                spec.commandLine().getErr().println("impacket-sensor rules show: no rule with sid or name '" + rule
                        + "' (impacket-sensor rules list)");
                return Main.EXIT_USAGE;
            }
            String text = json ? RuleDocs.json(List.of(r)) : RuleDocs.show(r);
            if (json) {
                text = text.substring(1, text.length() - 2) + "\n";
            }
            spec.commandLine().getOut().print(text);
            spec.commandLine().getOut().flush();
            return Main.EXIT_OK;
        }
    }
}
