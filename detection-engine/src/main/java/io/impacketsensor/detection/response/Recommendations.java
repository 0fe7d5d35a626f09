package io.impacketsensor.detection.response;

import io.impacketsensor.detection.model.AttackType;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The remediation carried by each attack type: the specification's recommendations, made concrete
 * (commands, registry values, Windows event ids). Built once; the lists are immutable.
 */
public final class Recommendations {
    static final String SMB_SIGNING = "Enable and require SMB signing: Set-SmbServerConfiguration "
            + "-RequireSecuritySignature $true -EnableSecuritySignature $true -Force; "
            + "Set-SmbClientConfiguration -RequireSecuritySignature $true -EnableSecuritySignature $true -Force "
            + "(GPO: Microsoft network server/client: Digitally sign communications (always))";
    static final String NTLM = "Disable or restrict NTLM: set HKLM\\SYSTEM\\CurrentControlSet\\Control\\Lsa "
            + "LmCompatibilityLevel = 5 (send NTLMv2 only, refuse LM and NTLM); audit first with "
            + "'Network security: Restrict NTLM: Audit NTLM authentication in this domain'";
    static final String LSASS = "Protect LSASS: New-ItemProperty -Path HKLM:\\SYSTEM\\CurrentControlSet\\Control\\Lsa "
            + "-Name RunAsPPL -Value 1 -PropertyType DWord -Force; enable Credential Guard where supported";
    static final String ADMIN_SHARES = "Restrict administrative shares: HKLM\\SYSTEM\\CurrentControlSet\\Services\\"
            + "LanmanServer\\Parameters AutoShareWks = 0 (AutoShareServer = 0 on servers) where they are not "
            + "needed, and block TCP 445/135 between workstations";
    static final String KERBEROS_AES = "Use Kerberos AES only: set msDS-SupportedEncryptionTypes = 0x18 on service "
            + "accounts and 'Network security: Configure encryption types allowed for Kerberos' to AES128/AES256; "
            + "add privileged accounts to the Protected Users group";
    static final String SERVICE_PASSWORDS = "Give service accounts long random passwords or use gMSA, so "
            + "requested tickets cannot be cracked";
    static final String PREAUTH = "Require Kerberos pre-authentication: clear DONT_REQ_PREAUTH "
            + "(Get-ADUser -Filter 'DoesNotRequirePreAuth -eq $true' | Set-ADAccountControl -DoesNotRequirePreAuth $false)";
    static final String KRBTGT = "Reset the krbtgt account password twice, waiting for replication and at least "
            + "the maximum ticket lifetime (10 h by default) between the two resets";
    static final String LDAP_SIGNING = "Require LDAP signing and channel binding: 'Domain controller: LDAP server "
            + "signing requirements' = Require signing; HKLM\\SYSTEM\\CurrentControlSet\\Services\\NTDS\\Parameters "
            + "LdapEnforceChannelBinding = 2";
    static final String LAPS = "Deploy LAPS for unique local Administrator passwords and apply least privilege: "
            + "no domain accounts in local Administrators beyond what is needed";
    static final String MAQ = "Set ms-DS-MachineAccountQuota = 0 so ordinary users cannot create machine accounts";
    static final String DCSYNC_RIGHTS = "Review who holds 'Replicating Directory Changes (All)' "
            + "(1131f6aa-/1131f6ad-9c07-11d1-f79f-00c04fc2dcd2) on the domain root; only domain controllers should";
    static final String DELEGATION = "Mark privileged accounts 'Account is sensitive and cannot be delegated', review "
            + "msDS-AllowedToActOnBehalfOfOtherIdentity and msDS-KeyCredentialLink on computer and user objects";
    static final String GPP = "Remove Group Policy Preferences files that contain cpassword from SYSVOL (MS14-025) "
            + "and change every password they held";
    static final String LDAP_INPUT = "Escape user input placed in LDAP filters (RFC 4515) in the applications that "
            + "build them, and restrict anonymous LDAP access";
    static final String ACCOUNT_LOCKOUT = "Enforce an account lockout policy and MFA, and investigate the accounts targeted";
    static final String IR = "Incident response: isolate the source host, reset the credentials used (and any "
            + "exposed ones), look for persistence (services, scheduled tasks, WMI subscriptions, new accounts, "
            + "Run keys), and build the timeline from these alerts and the Windows logs";

    private static final Map<AttackType, List<String>> BY_TYPE = new EnumMap<>(AttackType.class);

    static {
        for (AttackType t : AttackType.values()) {
            BY_TYPE.put(t, List.copyOf(build(t)));
        }
    }

    private Recommendations() {
    }

    /** The recommendations for an attack type (immutable). */
    public static List<String> forType(AttackType type) {
        return BY_TYPE.get(type);
    }

    private static String audit(String... ids) {
        return "Audit and forward Windows events " + String.join(", ", ids);
    }

    private static List<String> build(AttackType t) {
        List<String> r = new ArrayList<>();
        switch (t) {
            case PSEXEC, SMBEXEC, SERVICE_MANIPULATION -> {
                r.add(SMB_SIGNING);
                r.add(ADMIN_SHARES);
                r.add(LAPS);
                r.add(audit("4624 (logon type 3)", "4672 (special privileges)", "4697 / 7045 (service installed)"));
                r.add(IR);
            }
            case WMIEXEC, DCOMEXEC -> {
                r.add("Restrict remote DCOM/WMI to administration hosts (Windows Firewall: block TCP 135 and the "
                        + "dynamic RPC range from workstations)");
                r.add(ADMIN_SHARES);
                r.add(LAPS);
                r.add(audit("4624 (logon type 3)", "4672", "4688 (process creation with command line)"));
                r.add(IR);
            }
            case ATEXEC -> {
                r.add(SMB_SIGNING);
                r.add(ADMIN_SHARES);
                r.add(LAPS);
                r.add(audit("4624", "4672", "4698 (scheduled task created)"));
                r.add(IR);
            }
            case SECRETSDUMP, REMOTE_REGISTRY -> {
                r.add(LSASS);
                r.add("Disable the RemoteRegistry service where not needed (Set-Service RemoteRegistry -StartupType Disabled)");
                r.add(SMB_SIGNING);
                r.add(LAPS);
                r.add(audit("4624", "4672", "4697", "5145 (share object access to winreg/ADMIN$)"));
                r.add(IR);
            }
            case DCSYNC -> {
                r.add(DCSYNC_RIGHTS);
                r.add(KRBTGT);
                r.add(audit("4662 (directory service access with replication GUIDs)", "4624", "4672"));
                r.add(IR);
            }
            case KERBEROASTING -> {
                r.add(KERBEROS_AES);
                r.add(SERVICE_PASSWORDS);
                r.add(audit("4769 (service ticket requested, encryption type 0x17)"));
                r.add(IR);
            }
            case ASREP_ROASTING -> {
                r.add(PREAUTH);
                r.add(KERBEROS_AES);
                r.add(audit("4768 (TGT requested without pre-authentication)", "4625"));
                r.add(IR);
            }
            case GOLDEN_TICKET -> {
                r.add(KRBTGT);
                r.add(KERBEROS_AES);
                r.add(audit("4769", "4624", "4672"));
                r.add(IR);
            }
            case SILVER_TICKET, PASS_THE_TICKET -> {
                r.add("Reset the password of the service or computer account whose key was used (twice for krbtgt)");
                r.add(KERBEROS_AES);
                r.add(audit("4624", "4769", "4672"));
                r.add(IR);
            }
            case S4U_DELEGATION_ABUSE, RBCD_ABUSE, SHADOW_CREDENTIALS -> {
                r.add(DELEGATION);
                r.add(MAQ);
                r.add(LDAP_SIGNING);
                r.add(audit("4769", "5136 (directory object modified)", "4624"));
                r.add(IR);
            }
            case NTLM_RELAY -> {
                r.add(SMB_SIGNING);
                r.add(LDAP_SIGNING);
                r.add(NTLM);
                r.add("Enable Extended Protection for Authentication on HTTP services; disable LLMNR/NBT-NS and WPAD");
                r.add(audit("4624 (check the source workstation and address)", "4625"));
                r.add(IR);
            }
            case PASS_THE_HASH, OVERPASS_THE_HASH -> {
                r.add(NTLM);
                r.add(LAPS);
                r.add(KERBEROS_AES);
                r.add(LSASS);
                r.add(audit("4624 (logon type 3, NTLM)", "4625", "4672", "4768 (RC4 pre-authentication)"));
                r.add(IR);
            }
            case SID_ENUMERATION, SAMR_ENUMERATION, RPC_ENUMERATION, USER_ENUMERATION, RECONNAISSANCE -> {
                r.add("Restrict anonymous and remote SAM/LSA enumeration: RestrictAnonymous = 1, "
                        + "'Network access: Restrict clients allowed to make remote calls to SAM' (RestrictRemoteSam)");
                r.add(audit("4624", "4625", "4661 (SAM object access)"));
                r.add("Investigate the source: enumeration usually precedes lateral movement");
            }
            case LDAP_INJECTION -> {
                r.add(LDAP_INPUT);
                r.add(LDAP_SIGNING);
                r.add("Investigate the application that sent the filter");
            }
            case LDAP_RECON -> {
                r.add(LDAP_SIGNING);
                r.add(SERVICE_PASSWORDS);
                r.add(PREAUTH);
                r.add("Investigate the source: these queries select Kerberoasting / AS-REP roasting / delegation targets");
            }
            case MACHINE_ACCOUNT_CREATION -> {
                r.add(MAQ);
                r.add(audit("4741 (computer account created)", "4624"));
                r.add(IR);
            }
            case GPP_PASSWORD -> {
                r.add(GPP);
                r.add(audit("5145 (SYSVOL file access)"));
                r.add(IR);
            }
            case BRUTE_FORCE, PASSWORD_SPRAY -> {
                r.add(ACCOUNT_LOCKOUT);
                r.add(NTLM);
                r.add(audit("4625", "4771 (Kerberos pre-authentication failed)", "4624"));
            }
            case IMPACKET_FINGERPRINT -> {
                r.add(SMB_SIGNING);
                r.add(NTLM);
                r.add("Investigate the source: an Impacket client is in use on the network");
            }
        }
        return r;
    }
}
