package io.impacketsensor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.impacketsensor.detection.rules.Rule;
import io.impacketsensor.detection.rules.RuleCatalog;
import io.impacketsensor.detection.rules.RuleDocs;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RulesCommandTest {
    static final Path DOC = Path.of("..", "docs", "user", "rules.md");

    private static String[] run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new String[]{Integer.toString(code), out.toString(), err.toString()};
    }

    @Test
    void listShowsEverySidExactlyOnce() throws Exception {
        String[] r = run("rules", "list");
        assertEquals("0", r[0], r[2]);
        Set<String> sids = new HashSet<>();
        String[] lines = r[1].split("\n");
        for (int i = 1; i < lines.length; i++) {
            assertTrue(sids.add(lines[i].split(" +")[0]), "sid listed twice: " + lines[i]);
        }
        assertEquals(RuleCatalog.builtin().rules().size(), sids.size());
        for (Rule x : RuleCatalog.builtin().rules()) {
            assertTrue(sids.contains(Integer.toString(x.sid())), "missing " + x.sid());
        }

        r = run("rules", "list", "--json");
        assertEquals("0", r[0], r[2]);
        JsonNode arr = new ObjectMapper().readTree(r[1]);
        assertEquals(RuleCatalog.builtin().rules().size(), arr.size());
        JsonNode first = arr.get(0);
        for (String k : new String[]{"sid", "rev", "name", "attack_type", "confidence", "severity", "mitre", "msg",
            "description", "evidence"}) {
            assertTrue(first.has(k), k + " in " + first);
        }
    }

    @Test
    void showBySidOrNameAndOneLineErrors() throws Exception {
        Rule psexec = RuleCatalog.builtin().byName("psexec_service_psexesvc");
        String[] bySid = run("rules", "show", Integer.toString(psexec.sid()));
        String[] byName = run("rules", "show", "psexec_service_psexesvc");
        assertEquals("0", bySid[0], bySid[2]);
        assertEquals(bySid[1], byName[1]);
        assertTrue(bySid[1].contains("name:        psexec_service_psexesvc"), bySid[1]);
        assertTrue(bySid[1].contains(psexec.description()) && bySid[1].contains("Example indicator: "), bySid[1]);
        JsonNode j = new ObjectMapper().readTree(run("rules", "show", "--json", "psexec_service_psexesvc")[1]);
        assertEquals(psexec.sid(), j.get("sid").intValue());

        String[] bad = run("rules", "show", "no_such_rule");
        assertEquals("2", bad[0]);
        assertEquals("impacket-sensor rules show: no rule with sid or name 'no_such_rule' (impacket-sensor rules list)\n",
                bad[2]);
        bad = run("rules", "list", "--format", "xml");
        assertEquals("2", bad[0]);
        assertEquals(1, bad[2].split("\n").length, bad[2]);
    }

    /** docs/user/rules.md is generated from the catalog; when the catalog changes the page must be regenerated. */
    @Test
    void rulesReferencePageIsGeneratedFromTheCatalog() throws Exception {
        String expected = RuleDocs.markdown(RuleCatalog.builtin().rules());
        String committed = Files.exists(DOC) ? Files.readString(DOC, StandardCharsets.UTF_8) : "";
        assertEquals(expected, committed, "docs/user/rules.md is stale; regenerate it with: "
                + "./impacket-sensor rules list --format markdown > docs/user/rules.md");
        assertEquals(expected, run("rules", "list", "--format", "markdown")[1]);
    }
}
