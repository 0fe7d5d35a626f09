package io.impacketsensor.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link Main#execute} builds only the command its first argument names. That must not change
 * what a user sees: each table name is the command's own {@code @Command} name, and help and a
 * bad flag print the same with the one command as with the whole tree.
 */
class CommandTableTest {

    @Test
    void eachNameIsTheCommandsOwnName() {
        List<String> names = new ArrayList<>();
        for (Map.Entry<String, Supplier<Object>> e : Main.COMMANDS.entrySet()) {
            assertEquals(e.getKey(), new CommandLine(e.getValue().get()).getCommandName());
            names.add(e.getKey());
        }
        CommandLine whole = Main.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
        assertEquals(names, new ArrayList<>(whole.getSubcommands().keySet()));
    }

    @Test
    void everyCommandsVersionOptionPrintsTheVersion() throws Exception {
        String expected = "impacket-sensor " + Main.version() + System.lineSeparator();
        for (String name : Main.COMMANDS.keySet()) {
            for (String flag : List.of("--version", "-V")) {
                CliRun run = CliRun.run(name, flag);
                assertEquals(0, run.code(), name + " " + flag);
                assertEquals(expected, run.out(), name + " " + flag);
            }
        }
        assertEquals(expected, CliRun.run("--version").out());
    }

    @Test
    void helpAndBadFlagsReadTheSameAsWithTheWholeTree() {
        for (String name : Main.COMMANDS.keySet()) {
            for (String[] args : List.of(new String[] {name, "--help"}, new String[] {name, "--no-such-flag"})) {
                CliRun alone = CliRun.run(args);
                StringWriter out = new StringWriter();
                StringWriter err = new StringWriter();
                int code = Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
                assertEquals(code, alone.code(), String.join(" ", args));
                assertEquals(out.toString(), alone.out(), String.join(" ", args));
                assertEquals(err.toString(), alone.err(), String.join(" ", args));
            }
        }
    }
}
