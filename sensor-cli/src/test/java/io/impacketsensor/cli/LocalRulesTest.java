package io.impacketsensor.cli;

import io.impacketsensor.detection.ImpacketProtection;
import io.impacketsensor.detection.model.RuleHit;
import io.impacketsensor.detection.config.EngineConfig;
import io.impacketsensor.detection.engine.Alert;
import io.impacketsensor.core.event.DcerpcEvent;
import io.impacketsensor.core.event.RpcInterfaces;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.core.testkit.Replay;
import io.impacketsensor.decoders.Decoders;
import io.impacketsensor.detection.rules.DataRuleIndex;
import io.impacketsensor.detection.rules.EventKind;
import io.impacketsensor.detection.rules.LocalRules;
import io.impacketsensor.detection.rules.RuleException;
import io.impacketsensor.detection.rules.RuleCatalog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** local.rules.yaml: operator rules over decoded fields, on the lab captures. */
class LocalRulesTest {
    @TempDir
    static Path dir;

    static final String SERVICE_EXE = """
            rules:
              - sid: 9200001
                name: service_random_exe_in_systemroot
                attack_type: psexec
                confidence: 0.55
                msg: "Service binary is an 8-letter .exe in %SystemRoot%"
                match:
                  - field: svcctl.binary_path
                    op: regex
                    value: "(?i)^%systemroot%\\\\\\\\[a-z]{8}\\\\.exe$"
                  - field: dcerpc.interface
                    op: equals
                    value: svcctl
                  - field: src_ip
                    op: cidr
                    value: 10.99.0.0/24
            """;

    private static CaptureDetection.Result run(String capture, String localRules, String tuning) throws Exception {
        Path cfg = dir.resolve("sensor.yaml");
        Files.writeString(dir.resolve("local.rules.yaml"), localRules);
        Files.writeString(dir.resolve("tuning.yaml"), tuning);
        Files.writeString(cfg, "rules:\n  local: local.rules.yaml\n  tuning: tuning.yaml\n");
        RuleFiles rf = RuleFiles.of(cfg);
        CaptureDetection.Result r = CaptureDetection.run(List.of(copy(capture)), CaptureConfig.DEFAULTS,
                EngineConfig.defaults(), rf::apply);
        assertNull(r.failure());
        return r;
    }

    private static boolean named(CaptureDetection.Result r, String rule) {
        for (Alert a : r.alerts()) {
            for (RuleHit h : a.analysis().rules()) {
                if (h.name().equals(rule)) {
                    return true;
                }
            }
        }
        return false;
    }

    @Test
    void aLocalRuleOnTheServiceBinaryPathFiresOnTheLabPsexecCapture() throws Exception {
        CaptureDetection.Result r = run("lab/atk_psexec.pcap", SERVICE_EXE, "");
        assertTrue(named(r, "service_random_exe_in_systemroot"), "local rule in an alert's impacket.rules");
        assertEquals(1L, r.ruleHits().entrySet().stream().filter(e -> e.getKey().sid() == 9200001)
                .findFirst().orElseThrow().getValue());
        // The same rule does not fire where no service is created, and tuning addresses it by sid.
        assertFalse(run("lab/atk_samrdump.pcap", SERVICE_EXE, "").ruleHits().keySet().stream().anyMatch(x -> x.sid() == 9200001));
        CaptureDetection.Result off = run("lab/atk_psexec.pcap", SERVICE_EXE, "rules:\n  - sid: 9200001\n    enabled: false\n");
        assertFalse(named(off, "service_random_exe_in_systemroot"));
    }

    @Test
    void numericBitAndListOperators() throws Exception {
        // Impacket's NTLM NEGOTIATE flags 0xe0888235 (signing requested) on the lab psexec capture.
        String rules = """
                rules:
                  - sid: 9200002
                    name: ntlm_negotiate_sign_and_seal_flags
                    attack_type: impacket_fingerprint
                    confidence: 0.3
                    msg: "NTLM flags with SIGN (0x10) and 56-bit (0x80000000)"
                    match:
                      - field: ntlm.flags
                        op: bits_all
                        value: "0x80000010"
                  - sid: 9200003
                    name: smb_admin_share_by_list
                    attack_type: psexec
                    confidence: 0.2
                    msg: "ADMIN$ or C$ tree connect"
                    match:
                      - field: smb.share
                        op: suffix
                        value: "admin$"
                  - sid: 9200004
                    name: svcctl_opnum_in_list
                    attack_type: service_manipulation
                    confidence: 0.1
                    msg: "OpenSCManagerW or CreateServiceW"
                    match:
                      - field: dcerpc.opnum
                        op: in
                        value: [12, 15]
                      - field: dcerpc.interface
                        op: in
                        value: [svcctl]
                """;
        CaptureDetection.Result r = run("lab/atk_psexec.pcap", rules, "");
        for (int sid : new int[]{9200002, 9200003, 9200004}) {
            assertTrue(r.ruleHits().keySet().stream().anyMatch(x -> x.sid() == sid), "sid " + sid + " " + r.ruleHits());
        }
    }

    /**
     * The engine evaluates operator rules through the data-rule index: on every event of real lab
     * captures it must find exactly the rules, in file order, that testing every rule finds, while
     * offering each event fewer rules than the whole list.
     */
    @Test
    void theIndexFindsWhatTestingEveryRuleFinds() throws Exception {
        String rules = """
                rules:
                  - {sid: 9200011, name: r_share, attack_type: psexec, confidence: 0.1, msg: m,
                     match: [{field: smb.share, op: suffix, value: "IPC$"}]}
                  - {sid: 9200012, name: r_pipe, attack_type: psexec, confidence: 0.1, msg: m,
                     match: [{field: smb.pipe_name, op: in, value: [svcctl, samr, lsarpc, winreg]}]}
                  - {sid: 9200013, name: r_iface_op, attack_type: psexec, confidence: 0.1, msg: m,
                     match: [{field: dcerpc.opnum, op: le, value: 15}, {field: dcerpc.interface, op: in, value: [svcctl, samr]}]}
                  - {sid: 9200014, name: r_iface_text, attack_type: psexec, confidence: 0.1, msg: m,
                     match: [{field: dcerpc.interface, op: contains, value: "-"}]}
                  - {sid: 9200015, name: r_file, attack_type: psexec, confidence: 0.1, msg: m,
                     match: [{field: event, op: in, value: [smb_file, smb_pipe]}, {field: smb.filename, op: contains, value: "e"}]}
                  - {sid: 9200016, name: r_ntlm, attack_type: psexec, confidence: 0.1, msg: m,
                     match: [{field: ntlm.flags, op: bits_any, value: "0x10"}]}
                  - {sid: 9200017, name: r_krb, attack_type: psexec, confidence: 0.1, msg: m,
                     match: [{field: krb5.etypes, op: in, value: [23, 18]}]}
                  - {sid: 9200018, name: r_ldap, attack_type: psexec, confidence: 0.1, msg: m,
                     match: [{field: ldap.filter, op: contains, value: "SERVICEprincipalname"}]}
                  - {sid: 9200019, name: r_addr, attack_type: psexec, confidence: 0.1, msg: m,
                     match: [{field: src_ip, op: cidr, value: 10.0.0.0/8}]}
                  - {sid: 9200020, name: r_service, attack_type: psexec, confidence: 0.1, msg: m,
                     match: [{field: svcctl.service_name, op: regex, value: "^[A-Za-z]"}]}
                """;
        List<io.impacketsensor.detection.rules.Rule> base = new ImpacketProtection().baseRules();
        List<LocalRules.LocalRule> local = LocalRules.parse(rules, "local.rules.yaml", base, base.size());
        DataRuleIndex index = DataRuleIndex.local(local);
        java.util.Map<String, Integer> hits = new java.util.TreeMap<>();
        long offered = 0;
        long events = 0;
        for (String capture : List.of("lab/atk_psexec.pcap", "lab/atk_samrdump.pcap", "lab/atk_GetUserSPNs_compat.pcap",
                "lab/atk_services.pcap", "lab/atk_getTGT_pth.pcap", "lab/ben_smb_ntlm_files.pcap")) {
            for (SensorEvent ev : Replay.events(copy(capture), Decoders.forWorker())) {
                List<String> all = new java.util.ArrayList<>();
                for (LocalRules.LocalRule r : local) {
                    if (r.matches(ev)) {
                        all.add(r.rule().name());
                    }
                }
                int iface = ev instanceof DcerpcEvent.DcerpcRequest q ? RpcInterfaces.indexOf(q.interfaceUuid())
                        : RpcInterfaces.UNKNOWN;
                List<String> indexed = new java.util.ArrayList<>();
                DataRuleIndex.Entry[] candidates = index.candidates(EventKind.of(ev), iface);
                for (DataRuleIndex.Entry e : candidates) {
                    if (e.matches(ev)) {
                        indexed.add(e.rule().rule().name());
                        assertEquals("Local rule " + e.rule().rule().name() + ": m", e.indicator(ev));
                    }
                }
                assertEquals(all, indexed, ev.toString());
                all.forEach(n -> hits.merge(n, 1, Integer::sum));
                offered += candidates.length;
                events++;
            }
        }
        // Every rule matched somewhere (the comparison above was not vacuous), and the index pruned.
        assertEquals(local.size(), hits.size(), hits.toString());
        assertTrue(offered < events * local.size() / 3, offered + " rules offered to " + events + " events");
    }

    @Test
    void badLocalRulesAreOneLineErrorsWithFileAndLine() {
        List<io.impacketsensor.detection.rules.Rule> base = new ImpacketProtection().baseRules();
        String bad = SERVICE_EXE.replace("svcctl.binary_path", "svcctl.binpath");
        RuleException e = assertThrows(RuleException.class, () -> LocalRules.parse(bad, "local.rules.yaml", base, base.size()));
        assertTrue(e.getMessage().startsWith("local.rules.yaml:8: unknown field 'svcctl.binpath' (known: smb.share,"),
                e.getMessage());
        e = assertThrows(RuleException.class, () -> LocalRules.parse(SERVICE_EXE.replace("9200001",
                Integer.toString(RuleCatalog.builtin().rules().get(0).sid())), "l.yaml", base, base.size()));
        assertTrue(e.getMessage().startsWith("l.yaml:2: sid must be an integer in 9200000..9999999"), e.getMessage());
        e = assertThrows(RuleException.class, () -> LocalRules.parse(SERVICE_EXE.replace("op: regex", "op: gt"),
                "l.yaml", base, base.size()));
        assertEquals("l.yaml:9: field svcctl.binary_path is text: equals, prefix, suffix, contains, regex or in", e.getMessage());
        e = assertThrows(RuleException.class, () -> LocalRules.parse(SERVICE_EXE.replace("name: service_random_exe_in_systemroot",
                "name: psexec_service_psexesvc"), "l.yaml", base, base.size()));
        assertEquals("l.yaml:3: rule name psexec_service_psexesvc is already used", e.getMessage());
    }

    private static Path copy(String name) throws Exception {
        Path target = dir.resolve(name);
        if (!Files.exists(target)) {
            Files.createDirectories(target.getParent());
            try (InputStream in = LocalRulesTest.class.getResourceAsStream("/pcaps/" + name)) {
                assertNotNull(in, "test resource /pcaps/" + name + " (sensor-core test-jar)");
                Files.copy(in, target);
            }
        }
        return target;
    }
}
