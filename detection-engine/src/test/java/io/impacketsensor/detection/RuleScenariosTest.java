package io.impacketsensor.detection;

import io.impacketsensor.detection.rules.Rule;
import io.impacketsensor.detection.rules.RuleCatalog;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RuleScenariosTest {
    @TestFactory
    List<DynamicTest> eachScenarioRaisesItsRule() {
        List<DynamicTest> l = new ArrayList<>();
        for (String name : RuleScenarios.rules()) {
            l.add(DynamicTest.dynamicTest(name, () -> {
                Rule r = RuleCatalog.builtin().byName(name);
                assertNotNull(r, "scenario for an unknown rule " + name);
                Map<Rule, Long> hits = RuleScenarios.run(name);
                assertTrue(hits.getOrDefault(r, 0L) > 0, name + " did not fire; fired: " + hits.keySet().stream()
                        .map(Rule::name).toList());
            }));
        }
        return l;
    }
}
