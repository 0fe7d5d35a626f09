package io.impacketsensor.cli;

import io.impacketsensor.detection.model.Action;
import io.impacketsensor.detection.ImpacketProtection;
import io.impacketsensor.detection.model.RuleHit;
import io.impacketsensor.detection.config.EngineConfig;
import io.impacketsensor.detection.config.EngineConfigLoader;
import io.impacketsensor.detection.engine.Alert;
import io.impacketsensor.detection.rules.Rule;
import io.impacketsensor.detection.rules.RuleCatalog;
import io.impacketsensor.detection.rules.RuleException;
import io.impacketsensor.detection.rules.Tuning;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * tuning.yaml on real captures: the lab's Impacket psexec (from 10.99.0.2) and the 401trg
 * Sysinternals PsExec capture (from 192.168.10.31, which creates, starts and deletes PSEXESVC).
 */
class TuningCaptureTest {
    static final String PSEXEC_401TRG = "public/401trg_detections/pcaps/20171220_smb_psexec_add_user.pcap";
    static final String LAB_PSEXEC = "lab/atk_psexec.pcap";
    static final String NOCREDS = "lab/atk_GetNPUsers_nocreds.pcap";

    @TempDir
    static Path dir;

    static Tuning tuning(String yaml) {
        return Tuning.parse(yaml, "tuning.yaml", new ImpacketProtection().rules());
    }

    static CaptureDetection.Result run(Tuning t, EngineConfig cfg, String... files) throws Exception {
        List<Path> paths = new ArrayList<>();
        for (String f : files) {
            paths.add(copy(f));
        }
        CaptureDetection.Result r = CaptureDetection.run(paths, CaptureConfig.DEFAULTS, cfg, t);
        assertNull(r.failure());
        return r;
    }

    /** attack type, source, strongest sid of each alert. */
    static List<String> summary(CaptureDetection.Result r) {
        List<String> l = new ArrayList<>();
        for (Alert a : r.alerts()) {
            l.add(a.analysis().attackType().id() + " " + a.analysis().sourceIp() + " " + a.analysis().strongestRule().name()
                    + " " + a.analysis().confidence());
        }
        return l;
    }

    static boolean names(Alert a, String rule) {
        for (RuleHit h : a.analysis().rules()) {
            if (h.name().equals(rule)) {
                return true;
            }
        }
        return false;
    }

    @Test
    void aRuleDisabledBySidStopsThatAlertAndNoOther() throws Exception {
        Rule pth = RuleCatalog.builtin().byName("pass_the_hash_chain_step2");
        CaptureDetection.Result before = run(Tuning.NONE, EngineConfig.defaults(), LAB_PSEXEC);
        assertTrue(before.alerts().stream().anyMatch(a -> names(a, pth.name())), summary(before).toString());
        CaptureDetection.Result after = run(tuning("rules:\n  - sid: " + pth.sid() + "\n    enabled: false\n"),
                EngineConfig.defaults(), LAB_PSEXEC);
        List<String> expected = new ArrayList<>();
        for (String s : summary(before)) {
            if (!s.startsWith("pass_the_hash ")) {
                expected.add(s);
            }
        }
        assertEquals(summary(before).size() - 1, expected.size(), "one pass_the_hash alert, led by that rule alone");
        assertEquals(expected, summary(after));
        assertFalse(after.ruleHits().containsKey(pth));
    }

    @Test
    void aSuppressionBySourceCidrSilencesOneHostOnly() throws Exception {
        CaptureDetection.Result before = run(Tuning.NONE, EngineConfig.defaults(), LAB_PSEXEC, PSEXEC_401TRG);
        Set<String> psexecSources = sources(before, "psexec");
        assertEquals(Set.of("10.99.0.2", "192.168.10.31"), psexecSources);
        CaptureDetection.Result after = run(tuning("suppress:\n  - attack_type: psexec\n    src: [10.99.0.0/24]\n"),
                EngineConfig.defaults(), LAB_PSEXEC, PSEXEC_401TRG);
        assertEquals(Set.of("192.168.10.31"), sources(after, "psexec"));
        // The other host's psexec alerts are untouched, and 10.99.0.2's other attack types stay.
        assertEquals(summary(before).stream().filter(s -> s.startsWith("psexec 192.168.10.31")).toList(),
                summary(after).stream().filter(s -> s.startsWith("psexec 192.168.10.31")).toList());
        assertTrue(sources(after, "impacket_fingerprint").contains("10.99.0.2"));
        assertTrue(after.ruleSuppressed().keySet().stream().allMatch(r -> r.attackType().id().equals("psexec")));
    }

    @Test
    void aThresholdLimitsRepeats() throws Exception {
        // GetNPUsers -usersfile -no-pass: eight AS-REQs offering only rc4-hmac, one finding each.
        Rule guid = RuleCatalog.builtin().byName("weak_kerberos_etype_as");
        CaptureDetection.Result before = run(Tuning.NONE, EngineConfig.defaults(), NOCREDS);
        long hits = before.ruleHits().getOrDefault(guid, 0L);
        assertTrue(hits >= 3, "RC4-only AS-REQs: " + before.ruleHits());
        CaptureDetection.Result limit = run(tuning("threshold:\n  - name: weak_kerberos_etype_as\n    type: limit\n"
                + "    count: 1\n    seconds: 3600\n    track: by_src\n"), EngineConfig.defaults(), NOCREDS);
        assertEquals(hits - 1, limit.ruleSuppressed().get(guid), "limit 1: the first passes, every repeat is dropped");
        assertEquals(1, limit.ruleHits().get(guid) - limit.ruleSuppressed().get(guid));
        CaptureDetection.Result every2 = run(tuning("threshold:\n  - sid: " + guid.sid() + "\n    type: threshold\n"
                + "    count: 2\n    seconds: 3600\n    track: by_src\n"), EngineConfig.defaults(), NOCREDS);
        assertEquals(hits - hits / 2, every2.ruleSuppressed().get(guid), "threshold 2: every second one passes");
        CaptureDetection.Result both = run(tuning("threshold:\n  - sid: " + guid.sid() + "\n    type: both\n"
                + "    count: 2\n    seconds: 3600\n    track: by_dst\n"), EngineConfig.defaults(), NOCREDS);
        assertEquals(hits - 1, both.ruleSuppressed().get(guid), "both 2: once per window, at the second");
    }

    @Test
    void anAllowListedServiceFromAnAdminHostRaisesNothingAtAlertLevel() throws Exception {
        EngineConfig fromAdmin = EngineConfigLoader.parse("engine:\n  allowlist:\n    service_names: [PSEXESVC]\n"
                + "    admin_networks: [192.168.10.31]\n  alerts:\n    min_action: monitor\n    monitor_sample_every: 1\n");
        EngineConfig elsewhere = EngineConfigLoader.parse("engine:\n  allowlist:\n    service_names: [PSEXESVC]\n"
                + "    admin_networks: [10.250.0.0/16]\n");
        CaptureDetection.Result admin = run(Tuning.NONE, fromAdmin, PSEXEC_401TRG);
        for (Alert a : admin.alerts()) {
            assertTrue(a.analysis().action().compareTo(Action.ALERT) < 0, "alert from the admin host: " + a.analysis());
        }
        // The service's own lifecycle (created, started, deleted over SVCCTL, and the chains advancing on
        // those calls) contributes nothing at all, not even at monitor level.
        for (String r : List.of("psexec_service_psexesvc", "psexec_chain_step2", "service_exec_chain_step2",
                "service_control_create")) {
            assertTrue(admin.alerts().stream().noneMatch(a -> names(a, r)), r + " in " + summary(admin));
            assertTrue(admin.ruleSuppressed().getOrDefault(RuleCatalog.builtin().byName(r), 0L) > 0, r);
        }
        assertFalse(admin.alerts().isEmpty(), "the ADMIN$ upload and the pipe stay visible at monitor level");
        CaptureDetection.Result other = run(Tuning.NONE, elsewhere, PSEXEC_401TRG);
        assertTrue(other.alerts().stream().anyMatch(a -> a.analysis().attackType().id().equals("psexec")
                && a.analysis().action().compareTo(Action.ALERT) >= 0 && names(a, "psexec_service_psexesvc")),
                summary(other).toString());
    }

    @Test
    void aBadTuningIsRejectedWholeWithFileAndLineAndTheRunningTuningStays() throws Exception {
        Path cfg = dir.resolve("sensor.yaml");
        Path tuningFile = dir.resolve("tuning.yaml");
        Files.writeString(cfg, "rules:\n  tuning: tuning.yaml\n");
        Files.writeString(tuningFile, "rules:\n  - name: ntlm_no_mic\n    confidence: 0.05\n");
        RuleFiles rf = RuleFiles.of(cfg);
        ImpacketProtection engine = new ImpacketProtection();
        Tuning good = rf.apply(engine);
        assertSame(good, engine.tuning());
        Files.writeString(tuningFile, "rules:\n  - name: ntlm_no_mic\n    confidence: 0.05\n  - sid: 9000999\n"
                + "    enabled: false\n");
        RuleException e = assertThrows(RuleException.class, () -> rf.apply(engine));
        assertEquals(tuningFile + ":4: no rule with sid 9000999 (impacket-sensor rules list)", e.getMessage());
        assertSame(good, engine.tuning(), "the running tuning stays in force");

        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        assertEquals(2, Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), "config", "check", cfg.toString()));
        assertEquals("config check: " + e.getMessage() + "\n", err.toString());
        Files.writeString(tuningFile, "rules:\n  - name: ntlm_no_mic\n    confidence: 0.05\n    action: monitor\n"
                + "suppress:\n  - attack_type: psexec\n    src: 10.0.5.0/24\n");
        err.getBuffer().setLength(0);
        assertEquals(0, Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), "config", "check", cfg.toString()));
        String m = err.toString();
        assertTrue(m.contains("tuning " + tuningFile + ": 2 entries"), m);
        assertTrue(m.contains("ntlm_no_mic: confidence 0.15 -> 0.05 action at most monitor (" + tuningFile + ":2)"), m);
        assertTrue(m.contains("suppress attack_type psexec src [10.0.5.0/24] (" + tuningFile + ":6)"), m);
    }

    @Test
    void sighupReloadKeepsTheRunningTuningOnABadFile() throws Exception {
        Path cfg = dir.resolve("hup.yaml");
        Path tuningFile = dir.resolve("hup-tuning.yaml");
        Files.writeString(cfg, "rules:\n  tuning: hup-tuning.yaml\n");
        Files.writeString(tuningFile, "rules:\n  - name: ntlm_no_mic\n    enabled: false\n");
        SensorConfig sc = SensorConfig.defaults().withOverrides(null, null, null, null, null, null, null,
                dir.resolve("state"), "", false);
        try (Service service = new Service(sc)) {
            RuleFiles rf = RuleFiles.of(cfg);
            assertTrue(Daemon.reloadRules(rf, service));
            Tuning first = service.engine().tuning();
            assertEquals(1, first.overrides().size());
            Files.writeString(tuningFile, "rules:\n  - name: ntlm_no_mic\n    enabled: maybe\n");
            assertFalse(Daemon.reloadRules(rf, service));
            assertSame(first, service.engine().tuning());
            Files.writeString(tuningFile, "threshold:\n  - name: ntlm_no_mic\n    type: limit\n    count: 1\n"
                    + "    seconds: 60\n    track: by_src\n");
            assertTrue(Daemon.reloadRules(rf, service));
            assertEquals(1, service.engine().tuning().thresholds().size());
        }
    }

    private static Set<String> sources(CaptureDetection.Result r, String type) {
        Set<String> s = new LinkedHashSet<>();
        for (Alert a : r.alerts()) {
            if (a.analysis().attackType().id().equals(type)) {
                s.add(a.analysis().sourceIp());
            }
        }
        return s;
    }

    private static Path copy(String name) throws Exception {
        Path target = dir.resolve(name);
        if (!Files.exists(target)) {
            Files.createDirectories(target.getParent());
            try (InputStream in = TuningCaptureTest.class.getResourceAsStream("/pcaps/" + name)) {
                assertNotNull(in, "test resource /pcaps/" + name + " (sensor-core test-jar)");
                Files.copy(in, target);
            }
        }
        return target;
    }
}
