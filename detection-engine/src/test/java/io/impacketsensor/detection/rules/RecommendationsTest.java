package io.impacketsensor.detection.rules;

import io.impacketsensor.detection.model.AttackType;
import io.impacketsensor.detection.model.RuleHit;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RecommendationsTest {
    private static final RuleCatalog CATALOG = RuleCatalog.builtin();

    /** A table giving every attack type the text {@code a}, plus {@code extra} lines. */
    private static String table(String texts, String extra) {
        StringBuilder b = new StringBuilder("texts:\n  a: 'Text A'\n").append(texts).append("attack_types:\n");
        for (AttackType t : AttackType.values()) {
            b.append("  ").append(t.id()).append(": [a]\n");
        }
        return b.append(extra).toString();
    }

    private static String error(String text) {
        return assertThrows(RuleException.class, () -> Recommendations.parse(text, "rec.yaml", CATALOG)).getMessage();
    }

    private static RuleHit hit(String name) {
        var r = CATALOG.require(name);
        return new RuleHit(r.sid(), r.rev(), r.name(), r.confidence(), r.msg());
    }

    @Test
    void theShippedTableCoversEveryAttackType() {
        Recommendations r = Recommendations.builtin();
        for (AttackType t : AttackType.values()) {
            assertFalse(r.forType(t).isEmpty(), t.id());
        }
        assertTrue(r.forType(AttackType.PSEXEC).get(0).startsWith("Enable and require SMB signing"));
        assertTrue(r.forType(AttackType.DCSYNC).get(0).startsWith("Review who holds 'Replicating Directory Changes"),
                "quotes survive the YAML");
        assertTrue(r.forType(AttackType.NTLM_RELAY).contains("Disable or restrict NTLM: set "
                + "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Lsa LmCompatibilityLevel = 5 (send NTLMv2 only, refuse LM and "
                + "NTLM); audit first with 'Network security: Restrict NTLM: Audit NTLM authentication in this domain'"),
                "backslashes survive the YAML");
    }

    @Test
    void aContributingRuleAddsItsTextsAfterTheTypes() {
        Recommendations r = Recommendations.parse(table("  b: 'Text B'\n", "rules:\n  pass_the_hash: [b, a]\n"),
                "rec.yaml", CATALOG);
        assertEquals(List.of("Text A"), r.forType(AttackType.PASS_THE_HASH));
        assertEquals(List.of("Text A", "Text B"), r.forAlert(AttackType.PASS_THE_HASH,
                List.of(hit("ntlmv1"), hit("pass_the_hash"))), "after the type's, a text shown once");
        assertSame(r.forType(AttackType.PASS_THE_HASH), r.forAlert(AttackType.PASS_THE_HASH, List.of(hit("ntlmv1"))));
    }

    @Test
    void aBrokenTableIsRefusedWithFileAndLine() {
        assertEquals("rec.yaml:4: unknown text id 'nope'", error("texts:\n  a: 'A'\nattack_types:\n  psexec: [nope]\n"));
        assertTrue(error("texts:\n  a: 'A'\nattack_types:\n  psexec: [a]\n").contains("attack type smbexec has no recommendations"));
        assertEquals("rec.yaml:3: text b is not used", error(table("  b: 'Text B'\n", "")));
        assertTrue(error(table("", "rules:\n  no_such_rule: [a]\n")).contains("unknown rule 'no_such_rule'"));
        assertTrue(error(table("", "").replace("psexec:", "not_a_type:")).contains("unknown attack type 'not_a_type'"));
        assertTrue(error(table("", "extra: 1\n")).contains("unknown key 'extra'"));
    }
}
