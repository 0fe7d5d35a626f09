package io.impacketsensor.detection.model;

import java.util.List;
import java.util.Locale;

/**
 * The attack types the engine reports (stable ids of ARCHITECTURE §5, plus {@code shadow_credentials},
 * {@code reconnaissance} and {@code coercion}). Each carries its severity score (critical 10, high 8–9, medium 5–7,
 * low 1–4), the EVE signature id and text, its ATT&CK technique ids and the family used for the
 * statistics counters.
 */
public enum AttackType {
    PSEXEC(9, 9000101, "IMPACKET psexec: service installed over SVCCTL from an ADMIN$ payload",
            "Lateral Movement", Family.SMB, "T1569.002", "T1021.002"),
    SMBEXEC(9, 9000102, "IMPACKET smbexec: per-command service running %COMSPEC% with redirected output",
            "Lateral Movement", Family.SMB, "T1569.002", "T1021.002"),
    WMIEXEC(9, 9000103, "IMPACKET wmiexec: Win32_Process.Create over DCOM/WMI",
            "Lateral Movement", Family.RPC, "T1047", "T1021.003"),
    DCOMEXEC(8, 9000104, "IMPACKET dcomexec: command execution through a DCOM object (MMC20/ShellWindows)",
            "Lateral Movement", Family.RPC, "T1021.003", "T1559.001"),
    ATEXEC(8, 9000105, "IMPACKET atexec: scheduled task registered and run over ATSVC/TSCH",
            "Lateral Movement", Family.SMB, "T1053.005"),
    SECRETSDUMP(10, 9000106, "IMPACKET secretsdump: remote registry hive or NTDS.DIT extraction",
            "Credential Access", Family.SMB, "T1003.002", "T1003.004", "T1003.003"),
    DCSYNC(10, 9000107, "IMPACKET DCSync: DRSGetNCChanges from a host that is not a domain controller",
            "Credential Access", Family.RPC, "T1003.006"),
    KERBEROASTING(6, 9000108, "IMPACKET Kerberoasting: service tickets requested for cracking",
            "Credential Access", Family.KERBEROS, "T1558.003"),
    ASREP_ROASTING(6, 9000109, "IMPACKET AS-REP roasting: AS-REP for an account without pre-authentication",
            "Credential Access", Family.KERBEROS, "T1558.004"),
    GOLDEN_TICKET(10, 9000110, "IMPACKET golden ticket: forged krbtgt ticket presented",
            "Credential Access", Family.KERBEROS, "T1558.001"),
    SILVER_TICKET(9, 9000111, "IMPACKET silver ticket: service ticket presented without a TGS exchange",
            "Credential Access", Family.KERBEROS, "T1558.002"),
    S4U_DELEGATION_ABUSE(8, 9000112, "IMPACKET S4U abuse: S4U2self/S4U2proxy impersonation",
            "Privilege Escalation", Family.KERBEROS, "T1558", "T1134.001"),
    NTLM_RELAY(9, 9000113, "IMPACKET ntlmrelayx: NTLM authentication relayed",
            "Credential Access", Family.NTLM, "T1557.001"),
    PASS_THE_HASH(8, 9000114, "IMPACKET pass-the-hash: NTLM logon with an Impacket client and admin access",
            "Lateral Movement", Family.NTLM, "T1550.002"),
    OVERPASS_THE_HASH(8, 9000115, "IMPACKET overpass-the-hash: RC4-only AS-REQ with an NT hash",
            "Lateral Movement", Family.KERBEROS, "T1550.002", "T1558"),
    SID_ENUMERATION(3, 9000116, "IMPACKET lookupsid: LsarLookupSids RID sweep",
            "Discovery", Family.RPC, "T1087.002"),
    SAMR_ENUMERATION(3, 9000117, "IMPACKET samrdump: SAMR user enumeration",
            "Discovery", Family.RPC, "T1087.002", "T1069.002"),
    LDAP_INJECTION(6, 9000118, "LDAP injection: filter with injected clauses",
            "Initial Access", Family.LDAP, "T1190"),
    LDAP_RECON(3, 9000119, "IMPACKET LDAP reconnaissance: SPN / no-preauth / delegation / adminCount queries",
            "Discovery", Family.LDAP, "T1087.002", "T1069.002"),
    MACHINE_ACCOUNT_CREATION(6, 9000120, "IMPACKET addcomputer: machine account created",
            "Persistence", Family.RPC, "T1136.002"),
    RBCD_ABUSE(8, 9000121, "IMPACKET rbcd: msDS-AllowedToActOnBehalfOfOtherIdentity written",
            "Privilege Escalation", Family.LDAP, "T1134", "T1098"),
    SHADOW_CREDENTIALS(8, 9000122, "Shadow credentials: msDS-KeyCredentialLink written",
            "Persistence", Family.LDAP, "T1556", "T1098"),
    REMOTE_REGISTRY(7, 9000123, "IMPACKET reg: remote registry access to credential keys",
            "Discovery", Family.SMB, "T1012", "T1112"),
    SERVICE_MANIPULATION(7, 9000124, "IMPACKET services: remote service created or changed over SVCCTL",
            "Execution", Family.SMB, "T1543.003", "T1569.002"),
    GPP_PASSWORD(7, 9000125, "IMPACKET Get-GPPPassword: Group Policy Preferences files read from SYSVOL",
            "Credential Access", Family.SMB, "T1552.006"),
    RPC_ENUMERATION(2, 9000126, "RPC enumeration: shares, sessions and interfaces listed",
            "Discovery", Family.RPC, "T1135", "T1049"),
    USER_ENUMERATION(3, 9000127, "Kerberos user enumeration: burst of unknown-principal errors",
            "Discovery", Family.KERBEROS, "T1087.002"),
    PASS_THE_TICKET(8, 9000128, "Pass-the-ticket: ticket used without a prior AS exchange",
            "Lateral Movement", Family.KERBEROS, "T1550.003"),
    BRUTE_FORCE(5, 9000129, "Brute force: repeated failed authentications",
            "Credential Access", Family.AUTH, "T1110.001"),
    PASSWORD_SPRAY(6, 9000130, "Password spraying: failed authentications across many accounts",
            "Credential Access", Family.AUTH, "T1110.003"),
    IMPACKET_FINGERPRINT(4, 9000131, "IMPACKET client fingerprint",
            "Execution", Family.OTHER, "T1588.002"),
    RECONNAISSANCE(2, 9000132, "Reconnaissance: many protocols or sessions from one source",
            "Discovery", Family.OTHER, "T1046"),
    COERCION(8, 9000133, "Authentication coercion: a server made to authenticate to a listener "
            + "(PetitPotam, PrinterBug, DFSCoerce, ShadowCoerce)", "Credential Access", Family.RPC, "T1187"),
    DPAPI_BACKUPKEY(10, 9000792, "DPAPI domain backup key read: LSA private data retrieved over LSARPC",
            "Credential Access", Family.RPC, "T1552.004", "T1555"),
    ACCOUNT_MANIPULATION(6, 9000793, "Account manipulation: password set or changed, member added to a group",
            "Persistence", Family.RPC, "T1098"),
    KEY_LIST_ATTACK(9, 9000794, "Kerberos key list attack: KERB-KEY-LIST-REQ asks the KDC for account keys",
            "Credential Access", Family.KERBEROS, "T1558", "T1003"),
    MSSQL_ABUSE(8, 9000795, "MSSQL abuse: operating-system commands through SQL Server (xp_cmdshell enabled or called)",
            "Execution", Family.OTHER, "T1059.003", "T1505.001"),
    SAMBA_PIPE_EXPLOIT(9, 9000771, "Samba is_known_pipename exploit (CVE-2017-7494): a shared library opened as a named pipe "
            + "by its server path", "Lateral Movement", Family.SMB, "T1210"),
    MIMIKATZ_RPC(9, 9000773, "Mimikatz RPC: mimikatz's remote-control interface asked of the endpoint mapper (Impacket mimikatz.py)",
            "Credential Access", Family.RPC, "T1003.001");

    /** Protocol family, for the statistics counters. */
    public enum Family { SMB, RPC, KERBEROS, NTLM, LDAP, AUTH, OTHER }

    private final int severityScore;
    private final int signatureId;
    private final String signature;
    private final String category;
    private final Family family;
    private final List<String> mitre;
    private final String id;

    AttackType(int severityScore, int signatureId, String signature, String category, Family family,
               String... mitre) {
        this.severityScore = severityScore;
        this.signatureId = signatureId;
        this.signature = signature;
        this.category = category;
        this.family = family;
        this.mitre = List.of(mitre);
        this.id = name().toLowerCase(Locale.ROOT);
    }

    /** Stable id used in output, e.g. {@code psexec}. */
    public String id() {
        return id;
    }

    /** Severity score 1–10. */
    public int severityScore() {
        return severityScore;
    }

    public Severity severity() {
        return Severity.ofScore(severityScore);
    }

    /** EVE {@code alert.signature_id}. */
    public int signatureId() {
        return signatureId;
    }

    /** EVE {@code alert.signature}. */
    public String signature() {
        return signature;
    }

    /** EVE {@code alert.category} (the ATT&CK tactic). */
    public String category() {
        return category;
    }

    public Family family() {
        return family;
    }

    /** MITRE ATT&CK technique ids. */
    public List<String> mitreTechniques() {
        return mitre;
    }

    /** The type with this id (case-insensitive), or null. */
    public static AttackType byId(String id) {
        if (id == null) {
            return null;
        }
        for (AttackType t : values()) {
            if (t.id.equalsIgnoreCase(id)) {
                return t;
            }
        }
        return null;
    }
}
