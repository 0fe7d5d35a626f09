package io.impacketsensor.detection;

import io.impacketsensor.detection.model.AnalysisResult;
import io.impacketsensor.detection.model.AttackType;
import io.impacketsensor.detection.rules.RuleCatalog;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A DCE/RPC request whose interface was inferred from its call sequence (no BIND seen) counts less
 * than a bound one, by the catalog's {@code inferred_interface_factor}, and its indicator says so;
 * the flat event states the same with {@code interface_source}.
 */
class InferredInterfaceTest {
    private static AnalysisResult dcsync(String source) {
        String extra = source == null ? "" : ",\"interface_source\":\"" + source + "\"";
        return new ImpacketProtection().analyzeNetworkEvent(NetworkEvent.fromJson("{\"source_ip\":\"10.0.0.7\","
                + "\"dest_ip\":\"10.0.0.1\",\"protocol\":\"RPC\",\"interface_uuid\":\"drsuapi\","
                + "\"operation\":\"DRSGetNCChanges\"" + extra + "}"));
    }

    @Test
    void anInferredInterfaceLowersTheConfidenceByTheCatalogFactorAndSaysSo() {
        AnalysisResult bound = dcsync(null);
        AnalysisResult endpoint = dcsync("endpoint");
        AnalysisResult inferred = dcsync("inferred");
        assertEquals(AttackType.DCSYNC, bound.analysis().attackType());
        assertEquals(AttackType.DCSYNC, inferred.analysis().attackType());
        assertEquals(bound.analysis().confidence(), endpoint.analysis().confidence());
        double f = RuleCatalog.builtin().inferredInterfaceFactor();
        assertEquals(0.8, f);
        assertEquals(bound.analysis().confidence() * f, inferred.analysis().confidence(), 0.001);
        assertTrue(inferred.analysis().indicators().stream().allMatch(i -> i.contains("interface inferred")),
                inferred.analysis().indicators().toString());
        assertTrue(bound.analysis().indicators().stream().noneMatch(i -> i.contains("inferred")));
    }

    @Test
    void anUnknownInterfaceSourceIsRejectedByName() {
        NetworkEventException e = assertThrows(NetworkEventException.class, () -> dcsync("guessed"));
        assertTrue(e.getMessage().startsWith("interface_source"), e.getMessage());
    }

    @Test
    void theCatalogFactorIsANumberInZeroToOne() {
        assertThrows(RuntimeException.class, () -> RuleCatalog.parse("inferred_interface_factor: 1.5\nrules: []\n", "test"));
        assertEquals(0.5, RuleCatalog.parse("inferred_interface_factor: 0.5\nrules: []\n", "test").inferredInterfaceFactor());
        assertEquals(1.0, RuleCatalog.parse("rules: []\n", "test").inferredInterfaceFactor());
    }
}
