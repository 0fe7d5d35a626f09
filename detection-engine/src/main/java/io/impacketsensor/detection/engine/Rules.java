package io.impacketsensor.detection.engine;

import io.impacketsensor.detection.rules.Rule;
import io.impacketsensor.detection.rules.RuleCatalog;

/**
 * The built-in rules the Java layers raise, resolved from the catalog once at class load: a rule
 * missing from the catalog stops the engine at start instead of silently never firing.
 */
final class Rules {
    private static final RuleCatalog C = RuleCatalog.builtin();

    static final Rule IMPACKET_SMBSERVER = C.require("impacket_smbserver");
    static final Rule DRSUAPI_BIND_NON_DC = C.require("drsuapi_bind_non_dc");
    static final Rule DCSYNC = C.require("dcsync");
    static final Rule DCSYNC_REPLY_ONLY = C.require("dcsync_reply_only");
    static final Rule DRSUAPI_CALL_NON_DC = C.require("drsuapi_call_non_dc");
    static final Rule EPM_DRSUAPI = C.require("epm_drsuapi");
    static final Rule DCSYNC_AFTER_PROMOTION = C.require("dcsync_after_promotion");
    static final Rule DC_PROMOTION_REFUSED = C.require("dc_promotion_refused");
    static final Rule SAMR_DOMAIN_ENUM = C.require("samr_domain_enum");
    static final Rule SAMR_ENUM = C.require("samr_enum");
    static final Rule SAMR_USER_GROUPS = C.require("samr_user_groups");
    static final Rule IMPACKET_SMBSERVER_CHALLENGE = C.require("impacket_smbserver_challenge");
    static final Rule KERBEROASTING = C.require("kerberoasting");
    static final Rule GOLDEN_TICKET_LIFETIME = C.require("golden_ticket_lifetime");
    static final Rule SILVER_TICKET_LIFETIME = C.require("silver_ticket_lifetime");
    /** A data rule (anomaly.name ntlm.hash_auth); named here as the Decider tests' sample finding. */
    static final Rule PASS_THE_HASH = C.require("pass_the_hash");
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
    static final Rule BEHAVIOUR_SESSION_ENUM_SWEEP = C.require("behaviour_session_enum_sweep");
    static final Rule BEHAVIOUR_RPC_INTERFACE_BRUTE_FORCE = C.require("behaviour_rpc_interface_brute_force");
    static final Rule BEHAVIOUR_SAMR_ACCOUNT_LOOP = C.require("behaviour_samr_account_loop");
    static final Rule BEHAVIOUR_ASREP_ROAST_REQUESTS = C.require("behaviour_asrep_roast_requests");
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
    static final Rule NTLM_RELAY_TIMING = C.require("ntlm_relay_timing");
    static final Rule NTLM_RELAY_FOLLOWUP = C.require("ntlm_relay_followup");
    static final Rule COERCION_VICTIM_AUTHENTICATED = C.require("coercion_victim_authenticated");
    static final Rule COERCION_VICTIM_CONNECTED = C.require("coercion_victim_connected");
    static final Rule IMPACKET_NTLMRELAYX_SMBSERVER = C.require("impacket_ntlmrelayx_smbserver");
    static final Rule IMPACKET_SMBSERVER_NTLM_VERSION = C.require("impacket_smbserver_ntlm_version");
    static final Rule IMPACKET_NTLMRELAYX_HTTPSERVER = C.require("impacket_ntlmrelayx_httpserver");
    static final Rule BEHAVIOUR_SMB_SESSIONS = C.require("behaviour_smb_sessions");
    static final Rule BEHAVIOUR_TGS_BURST = C.require("behaviour_tgs_burst");
    static final Rule BEHAVIOUR_LDAP_RATE = C.require("behaviour_ldap_rate");

    private Rules() {
    }
}
