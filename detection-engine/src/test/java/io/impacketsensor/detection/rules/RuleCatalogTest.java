package io.impacketsensor.detection.rules;

import io.impacketsensor.detection.model.AttackType;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RuleCatalogTest {
    private static final String ONE = """
            rules:
              - sid: 9000201
                rev: 1
                name: first_rule
                attack_type: psexec
                confidence: 0.5
                layer: signature
                msg: "first"
            """;

    @Test
    void builtinCatalogHasUniqueSidsAndNamesInItsRange() {
        RuleCatalog c = RuleCatalog.builtin();
        assertTrue(c.rules().size() >= 170, "rules: " + c.rules().size());
        Set<Integer> sids = new HashSet<>();
        Set<String> names = new HashSet<>();
        for (Rule r : c.rules()) {
            assertTrue(sids.add(r.sid()), "duplicate sid " + r.sid());
            assertTrue(names.add(r.name()), "duplicate name " + r.name());
            assertTrue(r.sid() >= 9_000_000 && r.sid() <= 9_000_999, r.name());
            assertTrue(RuleCatalog.SNAKE.matcher(r.name()).matches(), r.name());
            assertTrue(r.confidence() > 0 && r.confidence() <= 1, r.name());
            assertTrue(!r.msg().isBlank() && !r.description().isBlank() && !r.evidence().isBlank(), r.name());
            assertTrue(!r.mitre().isEmpty(), r.name());
            assertEquals(r, c.find(Integer.toString(r.sid())));
            assertEquals(r, c.find(r.name()));
        }
        // Every attack type the engine raises from the wire or the flat events has at least one rule.
        Set<AttackType> types = new HashSet<>();
        c.rules().forEach(r -> types.add(r.attackType()));
        assertTrue(types.size() >= 30, "attack types with rules: " + types);
    }

    @Test
    void namedPipeRulesAreCatalogData() {
        Set<String> data = new HashSet<>();
        RuleCatalog.builtin().dataRules().forEach(d -> data.add(d.rule().name()));
        assertTrue(data.containsAll(Set.of("psexec_pipe_psexesvc", "psexec_pipe_remcom_command", "psexec_pipe_remcom_stdio",
                "svcctl_pipe", "winreg_pipe", "atsvc_pipe")), data.toString());
        String bad = ONE + "    match:\n      - field: smb.pipe_name\n        op: gt\n        value: 3\n"
                + "    indicator: \"x\"\n";
        assertEquals("c.yaml:11: field smb.pipe_name is text: equals, prefix, suffix, contains, regex or in",
                assertThrows(RuleException.class, () -> RuleCatalog.parse(bad, "c.yaml")).getMessage());
        String noPlaceholder = ONE + "    match:\n      - field: smb.pipe_name\n        op: equals\n        value: x\n"
                + "    indicator: \"pipe {smb.nothing}\"\n";
        assertEquals("c.yaml:13: indicator placeholder must be {field} of a known field",
                assertThrows(RuleException.class, () -> RuleCatalog.parse(noPlaceholder, "c.yaml")).getMessage());
    }

    @Test
    void aDuplicateSidOrNameIsRejectedWithItsLine() {
        String dupSid = ONE + """
                  - sid: 9000201
                    rev: 1
                    name: second_rule
                    attack_type: psexec
                    confidence: 0.5
                    layer: signature
                    msg: "second"
                """;
        RuleException e = assertThrows(RuleException.class, () -> RuleCatalog.parse(dupSid, "cat.yaml"));
        assertEquals("cat.yaml:9: sid 9000201 already used at cat.yaml:2", e.getMessage());
        String dupName = ONE + dupSid.substring(ONE.length()).replace("9000201", "9000202").replace("second_rule", "first_rule");
        e = assertThrows(RuleException.class, () -> RuleCatalog.parse(dupName, "cat.yaml"));
        assertTrue(e.getMessage().startsWith("cat.yaml:9: rule name first_rule already used"), e.getMessage());
    }

    @Test
    void badFieldsDuplicateKeysAndSecondDocumentsAreOneLineErrors() {
        assertEquals("c.yaml:4: rule name must be snake_case: First-Rule",
                assertThrows(RuleException.class, () -> RuleCatalog.parse(ONE.replace("first_rule", "First-Rule"), "c.yaml"))
                        .getMessage());
        assertEquals("c.yaml:6: confidence must be a number in 0..1",
                assertThrows(RuleException.class, () -> RuleCatalog.parse(ONE.replace("0.5", "1.5"), "c.yaml")).getMessage());
        assertEquals("c.yaml:5: unknown attack type 'psexecc'",
                assertThrows(RuleException.class, () -> RuleCatalog.parse(ONE.replace("psexec", "psexecc"), "c.yaml"))
                        .getMessage());
        String m = assertThrows(RuleException.class, () -> RuleCatalog.parse(ONE + "    rev: 2\n", "c.yaml")).getMessage();
        assertTrue(m.startsWith("c.yaml:9: ") && m.contains("Duplicate field 'rev'"), m);
        m = assertThrows(RuleException.class, () -> RuleCatalog.parse(ONE + "---\nrules: []\n", "c.yaml")).getMessage();
        assertTrue(m.startsWith("c.yaml:") && m.contains("only one YAML document"), m);
        assertNotNull(RuleCatalog.parse(ONE, "c.yaml").byName("first_rule"));
    }
}
