package io.impacketsensor.detection.engine;

import io.impacketsensor.detection.rules.Rule;
import io.impacketsensor.detection.rules.RuleCatalog;

/**
 * The built-in rules the Java layers raise, resolved from the catalog once at class load: a rule
 * missing from the catalog stops the engine at start instead of silently never firing.
 */
final class Rules {
    private static final RuleCatalog C = RuleCatalog.builtin();

    static final Rule SMBEXEC_OUTPUT_FILE = C.require("smbexec_output_file");
    static final Rule DCOMEXEC_OUTPUT_FILE = C.require("dcomexec_output_file");
    static final Rule WMIEXEC_OUTPUT_FILE = C.require("wmiexec_output_file");
    static final Rule SECRETSDUMP_TMP_FILE_SYSTEM32 = C.require("secretsdump_tmp_file_system32");
    static final Rule SECRETSDUMP_TMP_FILE = C.require("secretsdump_tmp_file");
    static final Rule ATEXEC_TMP_FILE = C.require("atexec_tmp_file");
    static final Rule ADMIN_SHARE_EXE_RANDOM = C.require("admin_share_exe_random");
    static final Rule ADMIN_SHARE_EXE = C.require("admin_share_exe");
    static final Rule SMBEXEC_BINARY_PATH_CHANGED = C.require("smbexec_binary_path_changed");
    static final Rule IMPACKET_SCMR_DUMMY = C.require("impacket_scmr_dummy");
    static final Rule SECRETSDUMP_BOOTKEY = C.require("secretsdump_bootkey");
    static final Rule SECRETSDUMP_HIVE = C.require("secretsdump_hive");
    static final Rule SECRETSDUMP_SAVEKEY = C.require("secretsdump_savekey");
    static final Rule ATEXEC_TASK_CMD_TEMP = C.require("atexec_task_cmd_temp");
    static final Rule ATEXEC_TASK_NAME = C.require("atexec_task_name");
    static final Rule ATSVC_JOB = C.require("atsvc_job");
    static final Rule SMBEXEC_SERVICE_SHELL_COMMAND = C.require("smbexec_service_shell_command");
    static final Rule SECRETSDUMP_VSS = C.require("secretsdump_vss");
    static final Rule PSEXEC_RANDOM_SERVICE = C.require("psexec_random_service");
    static final Rule SMBEXEC_RANDOM_SERVICE_SHELL = C.require("smbexec_random_service_shell");
    static final Rule DCOM_LATERAL_OBJECT = C.require("dcom_lateral_object");
    static final Rule WMIEXEC_PROCESS_CREATE = C.require("wmiexec_process_create");
    static final Rule WMI_PERSISTENCE = C.require("wmi_persistence");
    static final Rule DCOMEXEC_EXECUTE_SHELL_COMMAND = C.require("dcomexec_execute_shell_command");
    static final Rule DCOMEXEC_SHELL_EXECUTE = C.require("dcomexec_shell_execute");
    static final Rule WMIEXEC_OUTPUT_REDIRECT = C.require("wmiexec_output_redirect");
    static final Rule ADMIN_SHARE_ADMIN = C.require("admin_share_admin");
    static final Rule ADMIN_SHARE_OTHER = C.require("admin_share_other");
    static final Rule IMPACKET_SMB_CLIENT_GUID = C.require("impacket_smb_client_guid");
    static final Rule IMPACKET_SMBSERVER = C.require("impacket_smbserver");
    static final Rule IMPACKET_SMB1_DIALECTS = C.require("impacket_smb1_dialects");
    static final Rule DRSUAPI_BIND_NON_DC = C.require("drsuapi_bind_non_dc");
    static final Rule IMPACKET_DCERPC_BIND = C.require("impacket_dcerpc_bind");
    static final Rule SERVICE_CONTROL_STOP = C.require("service_control_stop");
    static final Rule SERVICE_DLL_HIJACK_TARGET = C.require("service_dll_hijack_target");
    static final Rule DCSYNC = C.require("dcsync");
    static final Rule DRSUAPI_CALL_NON_DC = C.require("drsuapi_call_non_dc");
    static final Rule EPM_DRSUAPI = C.require("epm_drsuapi");
    static final Rule SAMR_DOMAIN_ENUM = C.require("samr_domain_enum");
    static final Rule SAMR_ENUM = C.require("samr_enum");
    static final Rule SAMR_USER_GROUPS = C.require("samr_user_groups");
    static final Rule SAMR_PRIVILEGED_GROUP = C.require("samr_privileged_group");
    static final Rule LOOKUPSID_LARGE = C.require("lookupsid_large");
    static final Rule LOOKUPSID = C.require("lookupsid");
    static final Rule SAMR_CREATE_USER_UNPARSED = C.require("samr_create_user_unparsed");
    static final Rule SAMR_CREATE_USER = C.require("samr_create_user");
    static final Rule ADDCOMPUTER_SAMR_IMPACKET = C.require("addcomputer_samr_impacket");
    static final Rule ADDCOMPUTER_SAMR = C.require("addcomputer_samr");
    static final Rule NTLMV1 = C.require("ntlmv1");
    static final Rule NTLM_MIC_REMOVED = C.require("ntlm_mic_removed");
    static final Rule NTLM_NO_MIC = C.require("ntlm_no_mic");
    static final Rule NTLM_NO_SIGNING = C.require("ntlm_no_signing");
    static final Rule IMPACKET_NTLM_CLIENT = C.require("impacket_ntlm_client");
    static final Rule IMPACKET_NTLM_NEGOTIATE_SIGNING = C.require("impacket_ntlm_negotiate_signing");
    static final Rule IMPACKET_NTLM_NEGOTIATE = C.require("impacket_ntlm_negotiate");
    static final Rule IMPACKET_SMBSERVER_CHALLENGE = C.require("impacket_smbserver_challenge");
    static final Rule ASREP_ROASTING_RC4 = C.require("asrep_roasting_rc4");
    static final Rule ASREP_ROASTING = C.require("asrep_roasting");
    static final Rule WEAK_KERBEROS_TICKET = C.require("weak_kerberos_ticket");
    static final Rule SILVER_TICKET_NAME_TYPE = C.require("silver_ticket_name_type");
    static final Rule OVERPASS_THE_HASH = C.require("overpass_the_hash");
    static final Rule IMPACKET_AS_REQ = C.require("impacket_as_req");
    static final Rule WEAK_KERBEROS_ETYPE_AS = C.require("weak_kerberos_etype_as");
    static final Rule KERBEROASTING = C.require("kerberoasting");
    static final Rule WEAK_KERBEROS_ETYPE_TGS = C.require("weak_kerberos_etype_tgs");
    static final Rule KRBTGT_TGS_REQUEST = C.require("krbtgt_tgs_request");
    static final Rule S4U2SELF_PRIVILEGED = C.require("s4u2self_privileged");
    static final Rule S4U2SELF = C.require("s4u2self");
    static final Rule S4U2PROXY_RBCD = C.require("s4u2proxy_rbcd");
    static final Rule ADDCOMPUTER_LDAP_IMPACKET = C.require("addcomputer_ldap_impacket");
    static final Rule ADDCOMPUTER_LDAP = C.require("addcomputer_ldap");
    static final Rule GOLDEN_TICKET_LIFETIME = C.require("golden_ticket_lifetime");
    static final Rule SILVER_TICKET_LIFETIME = C.require("silver_ticket_lifetime");
    static final Rule PASS_THE_HASH = C.require("pass_the_hash");
    static final Rule LDAP_INJECTION_UNBALANCED = C.require("ldap_injection_unbalanced");
    static final Rule LDAP_INJECTION_TRAILING_FILTER = C.require("ldap_injection_trailing_filter");
    static final Rule LDAP_INJECTION_VALUE = C.require("ldap_injection_value");
    static final Rule LDAP_INJECTION_ALWAYS_TRUE = C.require("ldap_injection_always_true");
    static final Rule LDAP_WILDCARD_ABUSE = C.require("ldap_wildcard_abuse");
    static final Rule LDAP_SPN_QUERY_USERS = C.require("ldap_spn_query_users");
    static final Rule LDAP_SPN_QUERY = C.require("ldap_spn_query");
    static final Rule LDAP_NO_PREAUTH_QUERY = C.require("ldap_no_preauth_query");
    static final Rule LDAP_ADMINCOUNT_QUERY = C.require("ldap_admincount_query");
    static final Rule LDAP_DELEGATION_QUERY = C.require("ldap_delegation_query");
    static final Rule LDAP_ALL_USERS_QUERY = C.require("ldap_all_users_query");
    static final Rule LDAP_POWERVIEW_FILTER = C.require("ldap_powerview_filter");
    static final Rule LDAP_PRIVILEGED_GROUP_QUERY = C.require("ldap_privileged_group_query");
    static final Rule BEHAVIOUR_PROTOCOLS = C.require("behaviour_protocols");
    static final Rule BEHAVIOUR_AUTH_RATE = C.require("behaviour_auth_rate");
    static final Rule BEHAVIOUR_PASSWORD_SPRAY = C.require("behaviour_password_spray");
    static final Rule BEHAVIOUR_FAILED_AUTH = C.require("behaviour_failed_auth");
    static final Rule BEHAVIOUR_ACCOUNT_FAILED = C.require("behaviour_account_failed");
    static final Rule BEHAVIOUR_USER_ENUM = C.require("behaviour_user_enum");
    static final Rule BEHAVIOUR_RC4_TICKETS_MANY = C.require("behaviour_rc4_tickets_many");
    static final Rule BEHAVIOUR_RC4_TICKETS = C.require("behaviour_rc4_tickets");
    static final Rule BEHAVIOUR_NETLOGON_BURST_SERVED = C.require("behaviour_netlogon_burst_served");
    static final Rule BEHAVIOUR_NETLOGON_BURST = C.require("behaviour_netlogon_burst");
    static final Rule TGT_WITHOUT_AS_EXCHANGE = C.require("tgt_without_as_exchange");
    static final Rule RC4_TGT = C.require("rc4_tgt");
    static final Rule TGT_NEVER_ISSUED = C.require("tgt_never_issued");
    static final Rule TGT_KVNO_MISMATCH = C.require("tgt_kvno_mismatch");
    static final Rule TGT_ETYPE_MISMATCH = C.require("tgt_etype_mismatch");
    static final Rule IMPACKET_TGS_REQ = C.require("impacket_tgs_req");
    static final Rule TICKET_WITHOUT_TGS_EXCHANGE = C.require("ticket_without_tgs_exchange");
    static final Rule TICKET_NEVER_ISSUED = C.require("ticket_never_issued");
    static final Rule NTLM_RELAY_SAME_CHALLENGE = C.require("ntlm_relay_same_challenge");
    static final Rule NTLM_RELAY_SAME_PROOF = C.require("ntlm_relay_same_proof");
    static final Rule NTLM_WORKSTATION_MISMATCH = C.require("ntlm_workstation_mismatch");
    static final Rule NTLM_USER_MULTIPLE_IPS_RELAYABLE = C.require("ntlm_user_multiple_ips_relayable");
    static final Rule NTLM_USER_MULTIPLE_IPS = C.require("ntlm_user_multiple_ips");
    static final Rule BEHAVIOUR_SMB_SESSIONS = C.require("behaviour_smb_sessions");
    static final Rule BEHAVIOUR_TGS_BURST = C.require("behaviour_tgs_burst");
    static final Rule BEHAVIOUR_LDAP_RATE = C.require("behaviour_ldap_rate");

    private Rules() {
    }
}
