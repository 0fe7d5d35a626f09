package io.impacketsensor.cli;

import io.impacketsensor.detection.config.EngineConfig;
import io.impacketsensor.detection.engine.Alert;
import io.impacketsensor.cli.LabFrames.Frame;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Cross-talk: a capture merging (by timestamp) every benign lab capture with one attack capture
 * (each benign capture shifted in time to start with the attack) raises exactly the (attack type, source ip) pairs the attack capture raises alone, and no alert
 * names a host seen only in the benign captures. Catches state leaking between flows or hosts
 * (a benign session completing an attack chain, a per-host score fed by unrelated flows).
 * Captures: the lab copies in sensor-core's test-jar under {@code pcaps/lab/} (ours).
 */
class CrossTalkTest {
    private static final List<String> ATTACKS = List.of("atk_psexec.pcap", "atk_secretsdump_pth.pcap",
            "atk_GetUserSPNs_compat.pcap", "atk_ntlmrelayx_smb.pcap");

    @TempDir
    static Path dir;

    @TestFactory
    List<DynamicTest> benignTrafficDoesNotChangeWhatAnAttackRaises() throws Exception {
        List<EvaluateCommand.Entry> entries = EvaluateCommand.readManifest(copy("MANIFEST.tsv"));
        List<String> benign = new ArrayList<>();
        for (EvaluateCommand.Entry e : entries) {
            if (e.file().startsWith("ben_")) {
                assertEquals("none", e.expected(), e.file());
                benign.add(e.file());
            }
        }
        assertTrue(benign.size() >= 9, "benign lab captures: " + benign);
        List<DynamicTest> tests = new ArrayList<>();
        for (String attack : ATTACKS) {
            tests.add(DynamicTest.dynamicTest(attack + " + " + benign.size() + " benign", () -> check(attack, benign)));
        }
        return tests;
    }

    private static void check(String attack, List<String> benign) throws Exception {
        List<Frame> attackFrames = read(copy(attack));
        List<Frame> merged = new ArrayList<>(attackFrames);
        long attackStart = attackFrames.get(0).tsNanos();
        for (String b : benign) {
            // The lab captures were recorded one after another: shift each benign capture to start
            // with the attack so their flows really interleave instead of following each other.
            List<Frame> frames = read(copy(b));
            long shift = attackStart - frames.get(0).tsNanos();
            for (Frame f : frames) {
                merged.add(new Frame(f.tsNanos() + shift, f.data(), f.wirelen()));
            }
        }
        // Stable sort: frames of one capture keep their order when timestamps tie.
        merged.sort(Comparator.comparingLong(Frame::tsNanos));
        Path mergedFile = dir.resolve("merged_" + attack);
        LabFrames.write(merged, mergedFile);

        Set<String> alone = pairs(run(copy(attack)));
        assertFalse(alone.isEmpty(), attack + " alone raises nothing: the test would prove nothing");
        List<Alert> mergedAlerts = run(mergedFile);
        assertEquals(alone, pairs(mergedAlerts), attack + ": (attack type, source) pairs alone vs merged with benign");

        Set<String> attackHosts = hosts(attackFrames);
        for (Alert a : mergedAlerts) {
            String client = a.header().clientIp().getHostAddress();
            String server = a.header().serverIp().getHostAddress();
            assertTrue(attackHosts.contains(client) && attackHosts.contains(server),
                    attack + ": alert names a host absent from the attack capture: " + a.analysis().attackType().id()
                            + " " + client + " -> " + server + " (attack hosts " + attackHosts + ")");
        }
    }

    private static List<Alert> run(Path pcap) throws Exception {
        CaptureDetection.Result r = CaptureDetection.run(pcap, CaptureConfig.DEFAULTS, EngineConfig.defaults());
        assertNull(r.failure(), pcap.toString());
        return r.alerts();
    }

    /** "attack_type source_ip": the source is the attacker the engine names, else the flow's client. */
    private static Set<String> pairs(List<Alert> alerts) {
        Set<String> s = new TreeSet<>();
        for (Alert a : alerts) {
            String src = a.analysis().sourceIp() != null ? a.analysis().sourceIp() : a.header().clientIp().getHostAddress();
            s.add(a.analysis().attackType().id() + " " + src);
        }
        return s;
    }

    /** IPv4 source and destination addresses of the Ethernet/IPv4 frames (the lab captures have no VLAN tags). */
    private static Set<String> hosts(List<Frame> frames) throws Exception {
        Set<String> s = new TreeSet<>();
        for (Frame f : frames) {
            byte[] d = f.data();
            if (d.length >= 34 && (d[12] & 0xff) == 0x08 && d[13] == 0x00) {
                s.add(InetAddress.getByAddress(Arrays.copyOfRange(d, 26, 30)).getHostAddress());
                s.add(InetAddress.getByAddress(Arrays.copyOfRange(d, 30, 34)).getHostAddress());
            }
        }
        return s;
    }

    private static List<Frame> read(Path pcap) throws Exception {
        return LabFrames.read(pcap);
    }

    private static Path copy(String name) throws Exception {
        return LabFrames.copy(dir, name);
    }
}
