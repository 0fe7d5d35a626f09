package io.impacketsensor.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import static io.impacketsensor.cli.EvaluateCommand.Verdict.DETECTED;
import static io.impacketsensor.cli.EvaluateCommand.Verdict.FALSE_ALERT;
import static io.impacketsensor.cli.EvaluateCommand.Verdict.MISSED;
import static io.impacketsensor.cli.EvaluateCommand.Verdict.NO_REQUIREMENT;
import static io.impacketsensor.cli.EvaluateCommand.Verdict.SILENT;
import static io.impacketsensor.cli.EvaluateCommand.verdict;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The manifest grammar (a|b, a&b, none, optional, out_of_scope) and the command on the bundled sample. */
class EvaluateCommandTest {
    @TempDir
    Path dir;

    @Test
    void verdictsFollowTheManifestGrammar() {
        assertEquals(DETECTED, verdict("psexec", Set.of("psexec", "impacket_fingerprint")));
        assertEquals(MISSED, verdict("psexec", Set.of("impacket_fingerprint")));
        assertEquals(DETECTED, verdict("wmiexec|dcomexec", Set.of("dcomexec")));
        assertEquals(MISSED, verdict("secretsdump&dcsync", Set.of("dcsync")));
        assertEquals(DETECTED, verdict("secretsdump&dcsync", Set.of("dcsync", "secretsdump")));
        assertEquals(DETECTED, verdict("psexec&dcsync|pass_the_hash|smbexec", Set.of("pass_the_hash")));
        assertEquals(MISSED, verdict("psexec&dcsync|pass_the_hash", Set.of("psexec")));
        assertEquals(SILENT, verdict("none", Set.of()));
        assertEquals(FALSE_ALERT, verdict("none", Set.of("ldap_recon")));
        assertEquals(NO_REQUIREMENT, verdict("optional", Set.of("psexec")));
        assertEquals(NO_REQUIREMENT, verdict("out_of_scope", Set.of()));
    }

    @Test
    void matrixAndExitCode() throws Exception {
        Files.copy(Path.of("..", "samples", "atk_psexec.pcap"), dir.resolve("a.pcap"));
        Files.writeString(dir.resolve("MANIFEST.tsv"), "file\tkind\texpected_attack_types\n"
                + "a.pcap\tattack\tpsexec\n");
        Files.writeString(dir.resolve("WRONG.tsv"), "file\tkind\texpected_attack_types\n"
                + "a.pcap\tattack\tnone\n");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), "evaluate", dir.toString());
        assertEquals(0, code, out + " " + err);
        assertTrue(out.toString().contains("detected 1/1 required, false alerts 0/0 benign"), out.toString());
        out.getBuffer().setLength(0);
        code = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), "evaluate", dir.toString(),
                "--manifest", dir.resolve("WRONG.tsv").toString());
        assertEquals(1, code, out.toString());
        assertTrue(out.toString().contains("false alerts 1/1 benign"), out.toString());
        assertTrue(out.toString().contains("failing: a.pcap"), out.toString());
    }
    /** OTRF covenant_sharpsc_query: only monitor-level findings (remote service enumeration). */
    @Test
    void minActionMonitorCountsTheHuntingTier() throws Exception {
        String name = "OTRF_Security-Datasets/datasets/atomic/windows/lateral_movement/network/"
                + "covenant_sharpsc_query_dcerpc_smb_svcctl_2020-08-06012009.cap";
        try (InputStream in = getClass().getResourceAsStream("/pcaps/public/" + name)) {
            assertNotNull(in, name);
            Files.copy(in, dir.resolve("c.cap"));
        }
        Files.writeString(dir.resolve("MANIFEST.tsv"), "file\tkind\texpected_attack_types\n"
                + "c.cap\tattack\tpsexec|service_manipulation|smbexec\n");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        assertEquals(1, Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), "evaluate", dir.toString()),
                out.toString());
        assertTrue(out.toString().contains("detected 0/1 required"), out.toString());
        out.getBuffer().setLength(0);
        assertEquals(0, Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), "evaluate", dir.toString(),
                "--min-action", "monitor"), out.toString());
        assertTrue(out.toString().startsWith("alerts counted from action monitor up"), out.toString());
        assertTrue(out.toString().contains("detected 1/1 required"), out.toString());
        assertEquals(2, Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), "evaluate", dir.toString(),
                "--min-action", "loud"));
        assertEquals("evaluate: --min-action: must be log, monitor, alert or block, not 'loud'", err.toString().trim());
    }
}
