package io.impacketsensor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EngineCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void analyzeReadsLinesSkipsBadOnesAndSummarises() throws Exception {
        String in = String.join("\n",
                "{\"source_ip\":\"10.1.1.5\",\"dest_ip\":\"10.1.1.10\",\"protocol\":\"smb\",\"event_type\":\"service_creation\","
                        + "\"share\":\"ADMIN$\",\"path\":\"\\\\PIPE\\\\PSEXESVC\",\"service_name\":\"PSEXESVC\"}",
                "{\"source_ip\":\"10.1.1.6\",\"protocol\":\"SMB\",\"colour\":\"red\"}",
                "not json",
                "",
                "{\"source_ip\":\"10.1.1.7\",\"protocol\":\"LDAP\",\"ldap_filter\":\"(&(objectClass=user)(sAMAccountName=jdoe))\"}");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        AnalyzeCommand cmd = new AnalyzeCommand(new ByteArrayInputStream(in.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        int rc = new CommandLine(cmd).execute("-");
        assertEquals(0, rc);
        String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(2, lines.length, out.toString(StandardCharsets.UTF_8));
        JsonNode first = JSON.readTree(lines[0]);
        assertTrue(first.get("is_attack").booleanValue());
        assertEquals("psexec", first.get("attack_type").textValue());
        assertEquals("block", first.get("action").textValue());
        assertTrue(first.get("chain").size() >= 2);
        JsonNode last = JSON.readTree(lines[1]);
        assertFalse(last.get("is_attack").booleanValue());
        assertEquals(5, last.get("line").intValue());
        String e = err.toString(StandardCharsets.UTF_8);
        assertTrue(e.contains("line 2: colour: unknown key"), e);
        assertTrue(e.contains("line 3: json: not valid JSON"), e);
        assertTrue(e.contains("blocklist: 1 address(es)") && e.contains("10.1.1.5"), e);
    }

    @Test
    void selftestPassesAndRejectsUnknownCategory() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        assertEquals(0, new CommandLine(new SelftestCommand(o, e)).execute("--attack-type", "Kerberos"));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("SELFTEST PASSED"));
        assertEquals(2, new CommandLine(new SelftestCommand(o, e)).execute("--attack-type", "FTP"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--attack-type must be"));
    }

    @Test
    void commandsAreRegisteredInMain() {
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        int rc = Main.execute(new java.io.PrintWriter(out), new java.io.PrintWriter(err), "selftest", "--attack-type", "NTLM");
        assertEquals(0, rc, err.toString());
        assertEquals(2, Main.execute(new java.io.PrintWriter(out), new java.io.PrintWriter(err), "analyze", "--no-such-flag"));
        assertTrue(err.toString().contains("analyze"), err.toString());
    }
}
