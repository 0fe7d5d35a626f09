package io.impacketsensor.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * One command line run in-process through {@link Main#execute}, as a user would type it, with
 * what it printed on each stream and its exit code.
 *
 * @param code the exit code
 * @param out  standard output
 * @param err  standard error
 */
record CliRun(int code, String out, String err) {

    static CliRun run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new CliRun(code, out.toString(), err.toString());
    }
}
