package io.impacketsensor.cli;

import io.impacketsensor.detection.config.EngineConfig;
import io.impacketsensor.detection.engine.Alert;

import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * What one capture raises through the replay path with the default configuration, reduced to what
 * the capture tests of Impacket examples compare: the attack types alerted, the rules that fired
 * (at any level, monitor-level ones included), and "type@source" of each alert.
 */
record CaptureRun(Set<String> types, Set<String> rules, Set<String> attackers) {

    static CaptureRun of(Path pcap) throws Exception {
        CaptureDetection.Result r = CaptureDetection.run(pcap, CaptureConfig.DEFAULTS, EngineConfig.defaults());
        assertNull(r.failure());
        Set<String> types = new TreeSet<>();
        Set<String> attackers = new TreeSet<>();
        for (Alert a : r.alerts()) {
            types.add(a.analysis().attackType().id());
            attackers.add(a.analysis().attackType().id() + "@" + a.analysis().sourceIp());
        }
        Set<String> rules = new TreeSet<>();
        r.ruleHits().forEach((rule, n) -> {
            if (n > 0) {
                rules.add(rule.name());
            }
        });
        return new CaptureRun(types, rules, attackers);
    }
}
