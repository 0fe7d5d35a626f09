package io.impacketsensor.cli;

import io.impacketsensor.detection.SelfTest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code impacket-sensor selftest [--attack-type SMB|Kerberos|NTLM|RPC|LDAP]}: runs the scripted
 * attack and benign sequences through a fresh engine; exit 0 only when every attack was detected and
 * no benign sequence was.
 */
@Command(name = "selftest", mixinStandardHelpOptions = true,
        description = "Run the scripted attack/benign sequences through a fresh engine.")
public final class SelftestCommand implements Callable<Integer> {
    @Option(names = "--attack-type", paramLabel = "CATEGORY",
            description = "Only this category: SMB, Kerberos, NTLM, RPC or LDAP.")
    String attackType;

    private final PrintStream stdout;
    private final PrintStream stderr;

    public SelftestCommand() {
        this(System.out, System.err);
    }

    public SelftestCommand(PrintStream stdout, PrintStream stderr) {
        this.stdout = stdout;
        this.stderr = stderr;
    }

    @Override
    public Integer call() {
        SelfTest.Category only = null;
        if (attackType != null) {
            try {
                only = SelfTest.Category.valueOf(attackType.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                stderr.println("impacket-sensor selftest: --attack-type must be SMB, Kerberos, NTLM, RPC or LDAP, not '"
                        + attackType + "'");
                return 2;
            }
        }
        return new SelfTest(stdout).run(only) ? 0 : 1;
    }
}
