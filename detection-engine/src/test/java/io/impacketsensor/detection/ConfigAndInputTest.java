package io.impacketsensor.detection;

import io.impacketsensor.core.event.RpcArgs;
import io.impacketsensor.detection.config.ConfigException;
import io.impacketsensor.detection.config.EngineConfig;
import io.impacketsensor.detection.config.EngineConfigLoader;
import io.impacketsensor.detection.engine.RpcCatalog;
import io.impacketsensor.detection.model.AnalysisResult;
import io.impacketsensor.detection.model.AttackType;
import io.impacketsensor.detection.model.Severity;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Config loading and flat-event validation: errors name the key. */
class ConfigAndInputTest {

    @Test
    void shippedConfigFileIsTheDefaults() {
        Path p = Path.of("..", "config", "impacket-sensor.yaml");
        assertTrue(Files.exists(p), "config/impacket-sensor.yaml");
        assertEquals(EngineConfig.defaults(), EngineConfigLoader.load(p));
    }

    private static String error(String yaml) {
        return assertThrows(ConfigException.class, () -> EngineConfigLoader.parse(yaml)).getMessage();
    }

    @Test
    void configErrorsNameTheKey() {
        assertEquals("engine.layers.signatures_x: unknown key", error("engine:\n  layers:\n    signatures_x: true\n"));
        assertEquals("engine.thresholds.block: must be within 0..1, not 1.5", error("engine:\n  thresholds:\n    block: 1.5\n"));
        assertTrue(error("engine:\n  thresholds:\n    monitor: 0.6\n").startsWith("engine.thresholds.alert:"));
        assertEquals("engine.behaviour.max_tracked_ips: must be an integer within 16..1000000, not 'lots'",
                error("engine:\n  behaviour:\n    max_tracked_ips: lots\n"));
        assertEquals("engine.behaviour.max_tracked_ips: must be an integer within 16..1000000, not '99999999999999999999'",
                error("engine:\n  behaviour:\n    max_tracked_ips: 99999999999999999999\n"));
        assertEquals("config:4: duplicate key 'block'", error("engine:\n  thresholds:\n    block: 0.7\n    block: 0.9\n"));
        assertEquals("config:3: a second YAML document; the configuration is one document (remove the '---' line)",
                error("engine: {}\n---\nengine: {}\n"));
        assertTrue(error("engine:\n  behaviour:\n    tgs_requests_threshold: 5000\n")
                .startsWith("engine.behaviour.tgs_requests_threshold: must be within 1..999"));
        assertTrue(error("engine:\n  allowlist:\n    admin_networks: [\"10.0.0.0/33\"]\n")
                .startsWith("engine.allowlist.admin_networks[0]: prefix length"));
        assertTrue(error("engine:\n  custom_signatures:\n    - {name: x, field: path, match: regex, pattern: \"(\", attack_type: psexec}\n")
                .startsWith("engine.custom_signatures[0].pattern: invalid regex"));
        assertTrue(error("engine:\n  custom_signatures:\n    - {name: x, field: colour, match: exact, pattern: a, attack_type: psexec}\n")
                .startsWith("engine.custom_signatures[0].field: must be one of"));
        assertEquals("engine.custom_signatures[0].attack_type: unknown attack type 'hacking'",
                error("engine:\n  custom_signatures:\n    - {name: x, field: path, match: exact, pattern: a, attack_type: hacking}\n"));
        assertTrue(error("engine:\n  behaviour:\n    spray_accounts: 1\n")
                .startsWith("engine.behaviour.spray_accounts: must be within 2..64"));
        assertEquals("engine.domain_controllers[0]: not an IP address: 'dc1.lab'",
                error("engine:\n  domain_controllers: [dc1.lab]\n"));
        // other sections belong to other components
        assertEquals(EngineConfig.defaults(), EngineConfigLoader.parse("capture:\n  interface: eth0\n"));
    }

    @Test
    void customSignaturesMatchCompiledOnce() {
        EngineConfig cfg = EngineConfigLoader.parse("""
                engine:
                  custom_signatures:
                    - name: tmp_service
                      field: service_name
                      match: regex
                      pattern: "^tmp[0-9]{4}$"
                      attack_type: service_manipulation
                      confidence: 0.75
                      severity: critical
                    - name: evil_pipe
                      field: pipe
                      match: prefix
                      pattern: evilpipe
                      attack_type: psexec
                """);
        Harness h = new Harness(cfg);
        AnalysisResult r = h.feed(h.rpc("10.8.0.5", "10.8.0.10", 0, "svcctl", RpcCatalog.SVCCTL, 12,
                new RpcArgs.ScmCreateService("tmp1234", "tmp1234", "C:\\x.exe", 0x10, 3, 0xF01FF)));
        assertTrue(r.isAttack());
        assertEquals(AttackType.SERVICE_MANIPULATION, r.analysis().attackType());
        assertTrue(r.analysis().matchedSignatures().contains("tmp_service"));
        assertEquals(Severity.CRITICAL, r.analysis().severity());
        AnalysisResult p = h.feed(h.create("10.8.0.6", "10.8.0.10", 1, "IPC$", "EvilPipe_01", true, true));
        assertTrue(p.isAttack());
        assertTrue(p.analysis().matchedSignatures().contains("evil_pipe"));
    }

    @Test
    void customSignaturesMatchOverTheFieldRegistry() {
        // Synthetic events; each configured field reads the registry field(s) of the same meaning.
        EngineConfig cfg = EngineConfigLoader.parse("""
                engine:
                  custom_signatures:
                    - {name: svc_user, field: username, match: exact, pattern: SVC_BACKUP, attack_type: brute_force, confidence: 0.6}
                    - {name: wmi_cmd, field: command, match: contains, pattern: "whoami", attack_type: wmiexec, confidence: 0.6}
                    - {name: svcctl_uuid, field: interface_uuid, match: exact, pattern: svcctl, attack_type: service_manipulation, confidence: 0.6}
                """);
        Harness h = new Harness(cfg);
        // username: the NTLM user and the Kerberos client name.
        AnalysisResult n = h.feed(h.auth(h.h("10.8.0.7", "10.8.0.10", 445, 0), "LAB", "svc_backup", "WS1", true, 2,
                0xE2888215, new byte[16], 0));
        assertEquals(List.of("Custom signature svc_user matched username: svc_backup"), n.analysis().indicators());
        AnalysisResult k = h.feed(h.krbReq("10.8.0.8", "10.8.0.3", 0, 10, List.of(2), 18, 0x40810010,
                Harness.pn(1, "svc_backup"), Harness.pn(2, "krbtgt", "LAB.LOCAL"), List.of(18), null));
        assertTrue(k.analysis().matchedSignatures().contains("svc_user"), k.analysis().toString());
        // command: a DCOM call's string argument as well as a task's command.
        AnalysisResult d = h.feed(h.rpc("10.8.0.9", "10.8.0.10", 0, null, RpcCatalog.byName("IWbemServices").uuid(), 24,
                new RpcArgs.DcomStrings(List.of("Win32_Process", "cmd.exe /Q /c whoami"))));
        assertTrue(d.analysis().indicators().contains("Custom signature wmi_cmd matched command: cmd.exe /Q /c whoami"),
                d.analysis().indicators().toString());
        // interface_uuid: the UUID or, as in local rules, the interface's name.
        AnalysisResult u = h.feed(h.rpc("10.8.0.11", "10.8.0.10", 0, "svcctl", RpcCatalog.SVCCTL, 15,
                new RpcArgs.ScmOpenManager("SRV", null, 0xF003F)));
        assertTrue(u.analysis().matchedSignatures().contains("svcctl_uuid"), u.analysis().toString());
    }

    @Test
    void allowListLowersOrSuppressesAndNeverBlocks() {
        NetworkEvent.Builder psexec = NetworkEvent.builder("10.9.0.5", NetworkEvent.Protocol.SMB).destIp("10.9.0.10")
                .share("ADMIN$").path("\\PIPE\\PSEXESVC").serviceName("PSEXESVC");
        ImpacketProtection lower = new ImpacketProtection(EngineConfigLoader.parse(
                "engine:\n  allowlist:\n    admin_networks: [\"10.9.0.0/24\"]\n    confidence_factor: 0.6\n"));
        AnalysisResult r = lower.analyzeNetworkEvent(psexec.build());
        assertTrue(r.analysis().confidence() < 0.7, "lowered: " + r.analysis().confidence());
        assertFalse(r.analysis().blocked());
        assertTrue(lower.getBlockedIps().isEmpty());

        ImpacketProtection suppress = new ImpacketProtection(EngineConfigLoader.parse(
                "engine:\n  allowlist:\n    admin_networks: [\"10.9.0.5\"]\n    mode: suppress\n"));
        assertFalse(suppress.analyzeNetworkEvent(psexec.build()).isAttack());

        ImpacketProtection service = new ImpacketProtection(EngineConfigLoader.parse(
                "engine:\n  allowlist:\n    service_names: [DeployAgent]\n    mode: suppress\n"));
        AnalysisResult s = service.analyzeNetworkEvent(NetworkEvent.builder("10.9.1.5", NetworkEvent.Protocol.RPC)
                .destIp("10.9.0.10").operation("CreateServiceW").serviceName("DeployAgent")
                .binaryPath("C:\\Program Files\\Deploy\\agent.exe").build());
        assertFalse(s.isAttack());
    }

    @Test
    void layersCanBeSwitchedOff() {
        ImpacketProtection off = new ImpacketProtection(EngineConfigLoader.parse(
                "engine:\n  layers:\n    signatures: false\n    anomalies: false\n    chains: false\n"));
        AnalysisResult r = off.analyzeNetworkEvent(NetworkEvent.builder("10.9.2.5", NetworkEvent.Protocol.SMB)
                .share("ADMIN$").path("\\PIPE\\PSEXESVC").serviceName("PSEXESVC").build());
        assertFalse(r.isAttack());
    }

    private static String jsonError(String json) {
        return assertThrows(NetworkEventException.class, () -> NetworkEvent.fromJson(json)).getMessage();
    }

    @Test
    void flatEventJsonValidationNamesTheKey() {
        assertEquals("colour: unknown key", jsonError("{\"source_ip\":\"10.0.0.1\",\"protocol\":\"SMB\",\"colour\":1}"));
        assertEquals("source_ip: not an IP address: 'host.example'",
                jsonError("{\"source_ip\":\"host.example\",\"protocol\":\"SMB\"}"));
        assertEquals("dest_ip: not an IP address: '10.0.0.256'",
                jsonError("{\"source_ip\":\"10.0.0.1\",\"dest_ip\":\"10.0.0.256\",\"protocol\":\"SMB\"}"));
        assertEquals("protocol: must be SMB, KERBEROS, NTLM, RPC or LDAP, not 'FTP'",
                jsonError("{\"source_ip\":\"10.0.0.1\",\"protocol\":\"FTP\"}"));
        assertEquals("mic_present: must be true or false",
                jsonError("{\"source_ip\":\"10.0.0.1\",\"protocol\":\"NTLM\",\"mic_present\":\"no\"}"));
        assertEquals("ticket_lifetime: must be an integer number of seconds",
                jsonError("{\"source_ip\":\"10.0.0.1\",\"protocol\":\"KERBEROS\",\"ticket_lifetime\":\"long\"}"));
        assertEquals("ntlm_flags.frobnicate: unknown NTLM flag",
                jsonError("{\"source_ip\":\"10.0.0.1\",\"protocol\":\"NTLM\",\"ntlm_flags\":{\"frobnicate\":true}}"));
        assertEquals("interface_uuid: not a UUID or known interface name: 'xyz'",
                jsonError("{\"source_ip\":\"10.0.0.1\",\"protocol\":\"RPC\",\"interface_uuid\":\"xyz\"}"));
        assertEquals("share: must be a string", jsonError("{\"source_ip\":\"10.0.0.1\",\"protocol\":\"SMB\",\"share\":5}"));
        assertTrue(jsonError("{\"source_ip\":").startsWith("json: not valid JSON"));
    }

    @Test
    void flatEventJsonAcceptsTheSpecificationKeys() {
        NetworkEvent e = NetworkEvent.fromJson("{\"source_ip\":\"fe80::1\",\"protocol\":\"ntlm\",\"event_type\":\"auth\","
                + "\"ntlm_flags\":{\"NTLMSSP_NEGOTIATE_SIGN\":false,\"unicode\":true,\"key_exch\":true},"
                + "\"mic_present\":false,\"username\":\"LAB\\\\bob\",\"auth_type\":\"ntlmv2\",\"success\":true,"
                + "\"timestamp\":\"2026-11-27T10:00:00Z\",\"encryption_type\":\"rc4-hmac\",\"ticket_lifetime\":36000,"
                + "\"interface_uuid\":\"367abb81-9844-35f1-ad32-98f038001003\",\"operation\":12}");
        assertEquals(NetworkEvent.Protocol.NTLM, e.protocol());
        assertEquals(0x40000001, e.ntlmFlags().intValue());
        assertEquals(23, e.encryptionType().intValue());
        assertEquals(RpcCatalog.SVCCTL, e.interfaceUuid());
        assertEquals("12", e.operation());
        assertEquals(36000L, e.ticketLifetime().longValue());
    }

    @Test
    void aReportedTicketLifetimeTravelsAsANumberNotText() {
        List<io.impacketsensor.core.event.SensorEvent> typed = new NetworkEventMapper().map(NetworkEvent.fromJson(
                "{\"source_ip\":\"10.0.0.1\",\"protocol\":\"KERBEROS\",\"ticket_type\":\"TGT\","
                        + "\"service_principal\":\"krbtgt/LAB.LOCAL\",\"ticket_lifetime\":315360000}"), 0);
        io.impacketsensor.core.event.KerberosEvent.KerberosTicketLifetime t = typed.stream()
                .filter(e -> e instanceof io.impacketsensor.core.event.KerberosEvent.KerberosTicketLifetime)
                .map(e -> (io.impacketsensor.core.event.KerberosEvent.KerberosTicketLifetime) e).findFirst().orElseThrow();
        assertEquals(315360000L, t.lifetimeSeconds());
        assertEquals("krbtgt/LAB.LOCAL", t.sname().toString());
        assertEquals("TGT", t.ticketType());
        assertFalse(typed.stream().anyMatch(e -> e instanceof io.impacketsensor.core.event.ProtocolAnomaly),
                "no anomaly carries the value as text");
        // Over kerberos.max_ticket_lifetime_seconds (10 days by default) a TGT is a golden ticket; at it, nothing.
        AnalysisResult r = new ImpacketProtection().analyzeNetworkEvent(NetworkEvent.fromJson(
                "{\"source_ip\":\"10.0.0.1\",\"protocol\":\"KERBEROS\",\"ticket_type\":\"TGT\",\"ticket_lifetime\":315360000}"));
        assertEquals(AttackType.GOLDEN_TICKET, r.analysis().attackType());
        assertTrue(r.analysis().indicators().contains("Ticket lifetime 3650 days exceeds 10 days: TGT"), r.analysis().toString());
        AnalysisResult ok = new ImpacketProtection().analyzeNetworkEvent(NetworkEvent.fromJson(
                "{\"source_ip\":\"10.0.0.1\",\"protocol\":\"KERBEROS\",\"ticket_type\":\"TGT\",\"ticket_lifetime\":864000}"));
        assertFalse(ok.analysis().rules().stream().anyMatch(h -> h.name().endsWith("_ticket_lifetime")));
    }

    @Test
    void unknownRpcOperationIsAValidationError() {
        ImpacketProtection p = new ImpacketProtection();
        NetworkEventException ex = assertThrows(NetworkEventException.class, () -> p.analyzeNetworkEvent(
                NetworkEvent.builder("10.0.0.1", NetworkEvent.Protocol.RPC).interfaceUuid("winreg")
                        .operation("FormatDisk").build()));
        assertEquals("operation", ex.key());
    }
}
