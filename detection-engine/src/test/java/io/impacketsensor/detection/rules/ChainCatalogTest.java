package io.impacketsensor.detection.rules;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The chains are data: rules/chains.yaml, validated against the rule catalog. */
class ChainCatalogTest {
    private static final RuleCatalog RULES = RuleCatalog.builtin();

    @Test
    void everyChainRuleIsRaisedByExactlyOnePositionOfItsAttackType() {
        ChainCatalog c = ChainCatalog.builtin();
        assertEquals(22, c.chains().size());
        Set<String> raised = new HashSet<>();
        for (ChainCatalog.Chain ch : c.chains()) {
            for (ChainCatalog.Position p : ch.positions()) {
                if (p.rule() != null) {
                    assertTrue(raised.add(p.rule().name()), p.rule().name());
                    assertEquals(ch.type(), p.rule().attackType());
                }
                p.any().forEach(s -> assertTrue(c.steps().containsKey(s), s));
            }
        }
        long chainRules = RULES.rules().stream().filter(Rule::chain).count();
        assertEquals(chainRules, raised.size());
        ChainCatalog.Chain psexec = c.chains().get(0);
        assertEquals("psexec_chain", psexec.name());
        assertEquals(List.of("admin_share", "exe_on_admin"), psexec.positions().get(0).any());
        assertEquals(1, c.raising(RULES.require("psexec_chain_step2")).getValue());
        assertEquals("ADMIN$ tree connect", c.label("admin_share"));
    }

    private static final String GOOD = """
            steps:
              a: "step a"
              b: "step b"
            chains:
              - name: x_chain
                attack_type: psexec
                window_seconds: 60
                steps:
                  - any: [a]
                  - any: [b]
                    rule: %s
            """;

    private static RuleCatalog oneChainRule(String type) {
        return RuleCatalog.parse("""
                rules:
                  - sid: 9000401
                    rev: 1
                    name: x_chain_step2
                    attack_type: %s
                    confidence: 0.5
                    layer: chain
                    msg: "x"
                """.formatted(type), "c.yaml");
    }

    @Test
    void aChainIsReadWithItsWindowAndTheRuleItRaises() {
        ChainCatalog c = ChainCatalog.parse(GOOD.formatted("x_chain_step2"), "chains.yaml", oneChainRule("psexec"));
        assertEquals(60, c.chains().get(0).windowSeconds());
        assertEquals("x_chain_step2", c.chains().get(0).positions().get(1).rule().name());
        assertEquals(null, c.chains().get(0).positions().get(0).rule());
    }

    @Test
    void aBadChainFileIsRejectedWithItsLine() {
        RuleCatalog rules = oneChainRule("psexec");
        assertEquals("chains.yaml:11: no catalog rule 'nope'", assertThrows(RuleException.class,
                () -> ChainCatalog.parse(GOOD.formatted("nope"), "chains.yaml", rules)).getMessage());
        assertEquals("chains.yaml:11: rule x_chain_step2 is of attack type smbexec, the chain psexec",
                assertThrows(RuleException.class, () -> ChainCatalog.parse(GOOD.formatted("x_chain_step2"), "chains.yaml",
                        oneChainRule("smbexec"))).getMessage());
        assertTrue(assertThrows(RuleException.class, () -> ChainCatalog.parse(GOOD.formatted("x_chain_step2")
                .replace("[b]", "[c]"), "chains.yaml", rules)).getMessage().startsWith("chains.yaml:10: unknown step 'c'"));
        // A chain rule of the catalog that no chain raises would never fire.
        String unused = GOOD.formatted("x_chain_step2").replaceAll("\n\\s*rule: x_chain_step2", "");
        assertTrue(assertThrows(RuleException.class, () -> ChainCatalog.parse(unused, "chains.yaml", rules)).getMessage()
                .contains("raises no rule"));
    }
}
