package io.impacketsensor.detection;

import io.impacketsensor.detection.NetworkEvent.Protocol;
import io.impacketsensor.detection.config.EngineConfig;
import io.impacketsensor.detection.model.Analysis;
import io.impacketsensor.detection.model.AnalysisResult;
import io.impacketsensor.detection.model.AttackType;
import io.impacketsensor.detection.model.Statistics;
import io.impacketsensor.detection.response.BlocklistStore;

import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The specification's test script as code: scripted attack and benign event sequences per category
 * (SMB, Kerberos, NTLM, RPC, LDAP) fed through one fresh engine. Passes when every scripted attack is
 * detected (its last event is an attack of the expected type) and no benign sequence is.
 */
public final class SelfTest {
    /** Categories of the script. */
    public enum Category { SMB, KERBEROS, NTLM, RPC, LDAP }

    /** One scripted sequence. */
    record Script(Category category, String name, boolean attack, AttackType expected, boolean showSteps,
                  List<NetworkEvent> events) {
    }

    private final ImpacketProtection engine;
    private final PrintStream out;
    private long t;

    public SelfTest(PrintStream out) {
        this.out = out;
        Instant base = Instant.parse("2026-01-01T00:00:00Z");
        this.t = base.getEpochSecond() * 1_000_000_000L;
        long[] clock = {t};
        this.engine = new ImpacketProtection(EngineConfig.defaults(), BlocklistStore.NONE, () -> clock[0]);
    }

    private Instant at(int secondsFromStart) {
        return Instant.ofEpochSecond(t / 1_000_000_000L + secondsFromStart);
    }

    /** How often each rule fired over the scripts run so far. */
    public java.util.Map<io.impacketsensor.detection.rules.Rule, Long> ruleHits() {
        return engine.ruleHits();
    }

    /** Runs the scripts of one category (or all when null); returns true when all passed. */
    public boolean run(Category only) {
        int attacks = 0;
        int detected = 0;
        int benign = 0;
        int silent = 0;
        for (Category c : Category.values()) {
            if (only != null && c != only) {
                continue;
            }
            out.println("=== " + label(c) + " ===");
            int ca = 0;
            int cd = 0;
            int cb = 0;
            int cs = 0;
            for (Script s : scripts()) {
                if (s.category() != c) {
                    continue;
                }
                boolean ok = runScript(s);
                if (s.attack()) {
                    ca++;
                    cd += ok ? 1 : 0;
                } else {
                    cb++;
                    cs += ok ? 1 : 0;
                }
            }
            out.println(label(c) + " totals: " + cd + "/" + ca + " attacks detected, " + cs + "/" + cb
                    + " benign sequences not detected");
            out.println();
            attacks += ca;
            detected += cd;
            benign += cb;
            silent += cs;
        }
        out.println("TOTAL: " + detected + "/" + attacks + " attacks detected, " + silent + "/" + benign
                + " benign sequences not detected");
        summary();
        boolean pass = detected == attacks && silent == benign;
        out.println(pass ? "SELFTEST PASSED" : "SELFTEST FAILED");
        return pass;
    }

    /** The specification's closing statistics, named as its get_statistics() keys are. */
    private void summary() {
        Statistics st = engine.getStatistics();
        out.println();
        out.println("=== Statistics ===");
        out.println("Total Events: " + st.totalEvents());
        out.println("Attacks Detected: " + st.attacksDetected());
        out.println("SMB Attacks Detected: " + st.smbAttacks());
        out.println("Kerberos Attacks Detected: " + st.kerberosAttacks());
        out.println("NTLM Relay Attempts: " + st.ntlmRelayAttempts());
        out.println("Secret Dumps Detected: " + st.secretDumps());
        out.println("Total Blocks: " + engine.getBlockedIps().size());
    }

    private static String label(Category c) {
        return switch (c) {
            case SMB -> "SMB";
            case KERBEROS -> "Kerberos";
            case NTLM -> "NTLM";
            case RPC -> "RPC";
            case LDAP -> "LDAP";
        };
    }

    private boolean runScript(Script s) {
        AnalysisResult last = AnalysisResult.BENIGN;
        boolean anyAttack = false;
        int step = 1;
        if (s.showSteps()) {
            out.println(s.name() + ":");
        }
        AnalysisResult hit = null;
        for (NetworkEvent ev : s.events()) {
            last = engine.analyzeNetworkEvent(ev);
            anyAttack |= last.isAttack();
            if (last.isAttack() && last.analysis().attackType() == s.expected()) {
                hit = last;
            }
            if (s.showSteps()) {
                out.println("  Step " + step++ + ": " + verdict(last) + " (" + describe(ev) + ")");
            }
        }
        if (hit != null) {
            last = hit;
        }
        Analysis a = last.analysis();
        boolean ok;
        if (s.attack()) {
            ok = hit != null;
            if (!s.showSteps()) {
                out.println(s.name() + ": " + verdict(last));
            }
            out.println("  Confidence: " + String.format(Locale.ROOT, "%.2f%%", a.confidence() * 100)
                    + "  attack type: " + a.attackTypeId() + "  severity: " + a.severity().id() + " ("
                    + a.severityScore() + ")" + (ok ? "" : "  EXPECTED " + s.expected().id()));
            for (String i : a.indicators()) {
                out.println("  Indicator: " + i);
            }
            if (!a.matchedSignatures().isEmpty()) {
                out.println("  Matched signatures: " + String.join(", ", a.matchedSignatures()));
            }
            if (ok) {
                for (String r : a.recommendations()) {
                    out.println("  Recommendation: " + r);
                }
            }
        } else {
            ok = !anyAttack;
            out.println(s.name() + ": " + (ok ? "not detected (correct)" : "DETECTED " + a.attackTypeId()
                    + " " + a.confidence() + " (false alarm)"));
        }
        return ok;
    }

    private static String verdict(AnalysisResult r) {
        return switch (r.analysis().action()) {
            case BLOCK -> "BLOCKED";
            case ALERT -> "ALERTED";
            case MONITOR -> "MONITORED";
            case LOG -> "ALLOWED";
        };
    }

    private static String describe(NetworkEvent ev) {
        StringBuilder b = new StringBuilder(ev.protocol().name());
        if (ev.eventType() != null) {
            b.append(' ').append(ev.eventType());
        }
        if (ev.operation() != null) {
            b.append(' ').append(ev.operation());
        }
        if (ev.path() != null) {
            b.append(' ').append(ev.path());
        }
        return b.toString();
    }

    private NetworkEvent.Builder ev(String src, Protocol p, int sec) {
        return NetworkEvent.builder(src, p).destIp("10.0.0.10").timestamp(at(sec));
    }

    /** The script. Each attack uses its own source address so that sequences do not interfere. */
    List<Script> scripts() {
        List<Script> l = new ArrayList<>();
        l.add(new Script(Category.SMB, "PsExec Detection", true, AttackType.PSEXEC, false, List.of(
                psexecExample(ev("10.0.0.100", Protocol.SMB, 0)))));
        l.add(new Script(Category.SMB, "Secretsdump chain", true, AttackType.SECRETSDUMP, true, List.of(
                ev("10.0.0.101", Protocol.SMB, 10).eventType("session_setup").username("LAB\\administrator")
                        .success(true).build(),
                ev("10.0.0.101", Protocol.RPC, 11).interfaceUuid("winreg").operation("OpenLocalMachine").build(),
                ev("10.0.0.101", Protocol.RPC, 12).interfaceUuid("winreg").operation("BaseRegSaveKey")
                        .path("SAM").command("..\\Temp\\qwertyui.tmp").build(),
                ev("10.0.0.101", Protocol.SMB, 13).eventType("file_read").share("ADMIN$").path("\\Temp\\qwertyui.tmp")
                        .build())));
        l.add(new Script(Category.SMB, "SMBExec Detection", true, AttackType.SMBEXEC, false, List.of(
                ev("10.0.0.102", Protocol.SMB, 20).eventType("service_creation").share("C$").serviceName("BTOBTO")
                        .binaryPath("%COMSPEC% /Q /c echo whoami ^> \\\\%COMPUTERNAME%\\C$\\__output 2^>^&1 > "
                                + "%TEMP%\\execute.bat & %COMSPEC% /Q /c %TEMP%\\execute.bat & del %TEMP%\\execute.bat")
                        .build())));
        l.add(new Script(Category.SMB, "ATExec Detection", true, AttackType.ATEXEC, false, List.of(
                ev("10.0.0.103", Protocol.RPC, 30).interfaceUuid("tsch").operation("SchRpcRegisterTask")
                        .path("\\abcdefgh").command("cmd.exe /C whoami > %windir%\\Temp\\abcdefgh.tmp 2>&1").build(),
                ev("10.0.0.103", Protocol.RPC, 31).interfaceUuid("tsch").operation("SchRpcRun").path("\\abcdefgh")
                        .build())));
        l.add(new Script(Category.SMB, "Benign: administrator using C$", false, null, false, List.of(
                ev("10.0.0.50", Protocol.SMB, 40).eventType("file_read").share("C$")
                        .path("\\Users\\admin\\Documents\\report.docx").username("LAB\\admin").build())));
        l.add(new Script(Category.SMB, "Benign: user opening a file share", false, null, false, List.of(
                ev("10.0.0.51", Protocol.SMB, 41).eventType("file_read").share("Projects").path("\\plan.xlsx").build())));

        l.add(new Script(Category.RPC, "WMIExec Detection", true, AttackType.WMIEXEC, false, List.of(
                ev("10.0.0.110", Protocol.RPC, 50).interfaceUuid("IRemoteSCMActivator").operation("RemoteCreateInstance")
                        .build(),
                ev("10.0.0.110", Protocol.RPC, 51).interfaceUuid("IWbemServices").operation("ExecMethod")
                        .command("cmd.exe /Q /c whoami 1> \\\\127.0.0.1\\ADMIN$\\__1767225651.123 2>&1").build())));
        l.add(new Script(Category.RPC, "DCSync Detection", true, AttackType.DCSYNC, false, List.of(
                ev("10.0.0.111", Protocol.RPC, 60).interfaceUuid("drsuapi").operation("DRSBind").build(),
                ev("10.0.0.111", Protocol.RPC, 61).interfaceUuid("drsuapi").operation("DRSGetNCChanges").build())));
        l.add(new Script(Category.RPC, "DCOMExec Detection", true, AttackType.DCOMEXEC, false, List.of(
                ev("10.0.0.112", Protocol.RPC, 70).interfaceUuid("IRemoteSCMActivator").operation("RemoteCreateInstance")
                        .build(),
                ev("10.0.0.112", Protocol.RPC, 71).interfaceUuid("IDispatch").operation("Invoke")
                        .path("ExecuteShellCommand").command("cmd.exe /Q /c whoami 1> \\\\127.0.0.1\\ADMIN$\\__17672 2>&1")
                        .build())));
        l.add(new Script(Category.RPC, "DCOM MMC20.Application Detection", true, AttackType.DCOMEXEC, false, List.of(
                ev("10.0.0.113", Protocol.RPC, 75).interfaceUuid("IRemUnknown2").dcomClass("MMC20.Application")
                        .build())));
        l.add(new Script(Category.RPC, "Benign: domain controller replicating", false, null, false, List.of(
                NetworkEvent.builder("10.0.0.20", Protocol.KERBEROS).destIp("10.0.0.11").timestamp(at(80))
                        .servicePrincipal("krbtgt/LAB.LOCAL").ticketType("TGT").username("DC1$").success(true).build(),
                NetworkEvent.builder("10.0.0.11", Protocol.RPC).destIp("10.0.0.10").timestamp(at(81))
                        .interfaceUuid("drsuapi").operation("DRSGetNCChanges").build())));
        l.add(new Script(Category.RPC, "Benign: share enumeration", false, null, false, List.of(
                ev("10.0.0.52", Protocol.RPC, 85).interfaceUuid("srvsvc").operation("NetrShareEnum").build())));

        List<NetworkEvent> roast = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            roast.add(ev("10.0.0.120", Protocol.KERBEROS, 100 + i).ticketType("TGS").username("jdoe")
                    .servicePrincipal("MSSQLSvc/sql" + i + ".lab.local:1433@LAB.LOCAL").encryptionType(23).build());
        }
        l.add(new Script(Category.KERBEROS, "Kerberoasting Detection", true, AttackType.KERBEROASTING, false, roast));
        l.add(new Script(Category.KERBEROS, "AS-REP Roasting Detection", true, AttackType.ASREP_ROASTING, false, List.of(
                ev("10.0.0.121", Protocol.KERBEROS, 120).servicePrincipal("krbtgt/LAB.LOCAL").username("svc_nopreauth")
                        .authType("no_preauth").encryptionType(23).build())));
        l.add(new Script(Category.KERBEROS, "Golden Ticket Detection", true, AttackType.GOLDEN_TICKET, false, List.of(
                ev("10.0.0.122", Protocol.KERBEROS, 130).servicePrincipal("krbtgt/LAB.LOCAL").ticketType("TGT")
                        .ticketLifetime(87600L * 3600).encryptionType(23).username("administrator").build())));
        List<NetworkEvent> svc = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            svc.add(ev("10.0.0.53", Protocol.KERBEROS, 140 + i).ticketType("TGS").username("svc_backup")
                    .servicePrincipal("cifs/fs" + i + ".lab.local").encryptionType(18).success(true).build());
        }
        l.add(new Script(Category.KERBEROS, "Benign: service account asking a few tickets", false, null, false, svc));

        l.add(new Script(Category.NTLM, "NTLM Relay Detection", true, AttackType.NTLM_RELAY, false, List.of(
                ev("10.0.0.130", Protocol.NTLM, 150).eventType("relay_auth").username("LAB\\victim")
                        .micPresent(false).ntlmFlag("unicode", true).ntlmFlag("ntlm", true).ntlmFlag("signing", false)
                        .build())));
        l.add(new Script(Category.NTLM, "NTLM Relay Detection (one account, two sources, no MIC, no signing)", true,
                AttackType.NTLM_RELAY, true, List.of(
                ev("10.0.0.129", Protocol.NTLM, 155).username("LAB\\svc_sql").micPresent(false)
                        .ntlmFlag("ntlm", true).ntlmFlag("signing", false).build(),
                ev("10.0.0.133", Protocol.NTLM, 156).username("LAB\\svc_sql").micPresent(false)
                        .ntlmFlag("ntlm", true).ntlmFlag("signing", false).build())));
        l.add(new Script(Category.NTLM, "Pass-the-Hash Detection", true, AttackType.PASS_THE_HASH, false, List.of(
                ev("10.0.0.131", Protocol.NTLM, 160).username("LAB\\administrator").authType("LM:NTLM").build(),
                ev("10.0.0.131", Protocol.SMB, 161).share("ADMIN$").build())));
        List<NetworkEvent> brute = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            brute.add(ev("10.0.0.132", Protocol.NTLM, 170 + i).username("LAB\\helpdesk").success(false).build());
        }
        l.add(new Script(Category.NTLM, "Brute Force Detection", true, AttackType.BRUTE_FORCE, false, brute));
        l.add(new Script(Category.NTLM, "Benign: user mistyping the password twice", false, null, false, List.of(
                ev("10.0.0.54", Protocol.NTLM, 180).username("LAB\\alice").success(false).build(),
                ev("10.0.0.54", Protocol.NTLM, 185).username("LAB\\alice").success(false).build(),
                ev("10.0.0.54", Protocol.NTLM, 190).username("LAB\\alice").success(true).build())));

        l.add(new Script(Category.LDAP, "LDAP Injection Detection", true, AttackType.LDAP_INJECTION, false, List.of(
                ev("10.0.0.140", Protocol.LDAP, 200).ldapFilter("(&(uid=admin*)(|(uid=*)(objectClass=*)))").build(),
                ev("10.0.0.140", Protocol.LDAP, 201).ldapFilter("(&(uid=*)(userPassword=*))(|(uid=*))").build())));
        l.add(new Script(Category.LDAP, "LDAP Reconnaissance Detection (GetUserSPNs)", true, AttackType.LDAP_RECON, false,
                List.of(ev("10.0.0.141", Protocol.LDAP, 210).ldapFilter("(&(objectCategory=person)(!(userAccountControl"
                        + ":1.2.840.113556.1.4.803:=2))(servicePrincipalName=*))").build())));
        l.add(new Script(Category.LDAP, "Benign: user lookup", false, null, false, List.of(
                ev("10.0.0.55", Protocol.LDAP, 220).ldapFilter("(&(objectClass=user)(sAMAccountName=jdoe))").build())));
        return l;
    }

    /** The specification's PsExec example as written: ADMIN$, the SVCCTL interface, the PSEXESVC pipe. */
    static NetworkEvent psexecExample(NetworkEvent.Builder b) {
        return b.share("ADMIN$").command("SVCCTL").path("\\PIPE\\PSEXESVC").build();
    }
}
