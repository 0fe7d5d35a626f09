package io.impacketsensor.cli;

import io.impacketsensor.core.testkit.Captures;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The imperfection matrix over the lab captures: {@code evaluate --perturb MODE} for every mode of
 * {@link Perturbation#MATRIX_MODES}. Every benign capture stays silent in every mode. Every lab
 * attack is detected in every mode, except where {@link #LOST} says, for that capture and mode,
 * why its evidence does not reach the rules (what the copy dropped, or which decoder step would
 * recover it), and a capture listed there is missed (a stated reason stays true). loss and reorder
 * use seed 1, so the dropped and moved frames are the same on every run.
 */
class PerturbationMatrixTest {
    private static Path lab;

    // Why evidence does not survive, by cause; each entry of LOST names one of these.
    private static final String KRB_REQUEST_ONLY = "the evidence is in the KDC request (etype list, missing pre-auth, "
            + "PA-FOR-USER, a ticket never issued by an AS exchange); a copy of the KDC's replies alone does not carry it";
    private static final String RC4_REPLY_KEY_ONLY = "the AS-REP's rc4-hmac enc-part says the reply key was RC4, as an "
            + "account without AES keys gives any client; that the client offered only rc4-hmac and pre-authenticated with "
            + "it (the NT hash as key) is in its AS-REQ";
    private static final String KRB_REJECTED_ROAST = "the KDC rejected both TGS-REQs (KRB_AP_ERR_INAPP_CKSUM); its "
            + "KRB-ERRORs name krbtgt and the client, not the accounts asked for, and no ticket was issued: the accounts "
            + "and the etype offer are only in the client's TGS-REQs";
    private static final String SVC_CREATE_FAULT = "Samba's svcctl answers CreateServiceW with a FAULT "
            + "(nca_op_rng_error: it implements no service creation), so no answer shows a service created "
            + "(service_created_reply_only); the answers left (the BIND_ACK naming \\pipe\\svcctl, OpenSCManagerW, "
            + "OpenServiceW, EnumServicesStatusW ...) carry handles and statuses, not the service name, binary path or "
            + "uploaded file name the psexec, smbexec and services rules read from the client's requests";
    private static final String DRS_SMALL_ANSWERS = "the endpoint mapper's answer names DRSUAPI and its port, so the "
            + "answers there are named DRSUAPI, but Samba answers DRSGetNCChanges in 156 sealed stub bytes (a Windows DC's "
            + "reply carrying an account is about 4.7 KB), below dcsync_reply_only's replication size, and only the "
            + "client's requests name the operation";
    private static final String NO_ATSVC = "Samba serves no \\pipe\\atsvc: the CREATE is answered "
            + "STATUS_OBJECT_NAME_NOT_FOUND and no DCE/RPC follows; the task and its command are only in the client's requests";
    private static final String NO_DCOM = "Samba serves no DCOM: the one answer on 135 is a BIND_ACK and the client gives "
            + "up; the class activated (MMC20.Application, WMI) is only in the client's activation request";
    private static final String RPC_ARGS_REQUEST_ONLY = "the answers are decoded and named by the BIND_ACK's pipe or the "
            + "endpoint mapper's answer, but the operation (the opnum) and the arguments the rules read (registry key "
            + "paths, the RIDs and SID counts of SAMR and LSA lookups, the account created, the coercion's UNC path, the "
            + "DPAPI backup key asked for) travel in the client's requests; the answers hold handles, statuses and the "
            + "names returned";
    private static final String SWEEP_REQUEST_ONLY = "the sweep is counted on the client's srvsvc/wkssvc requests "
            + "(NetrSessionEnum, NetrWkstaUserEnum) to each server; the answers are named by the BIND_ACK's pipe but carry "
            + "no opnum, so which question each server answered is not known";
    private static final String NAME_IN_CREATE_REQUEST = "the name the rule reads (a pipe opened by a path holding '/') is "
            + "in the client's SMB2 CREATE request, whose response carries no name (MS-SMB2 2.2.14)";
    private static final String RELAY_NEEDS_BOTH_DIRECTIONS = "a relay is recognised on the server CHALLENGE and the "
            + "client AUTHENTICATE of both legs; a copy of the servers' side holds only the challenges";
    private static final String LDAP_MODIFY_REQUEST_ONLY = "the attribute written is in the client's ModifyRequest; its "
            + "ModifyResponse, decoded without it, carries only the result code, the searches' answers name two computer "
            + "objects by objectSid and sAMAccountName, and this Impacket (0.10) numbers its LDAP messages from 1, so its "
            + "bind answers show no random message ids";
    private static final String BIND_OFFER_REQUEST_ONLY = "the transfer syntaxes offered are in the client's BIND; the "
            + "server's BIND_ACK names only its answer to each";
    private static final String FINGERPRINT_REQUEST_ONLY = "the Impacket fingerprint (ClientGuid, NTLM NEGOTIATE flags) is in "
            + "the client's NEGOTIATE and SESSION_SETUP requests";
    private static final String LATE_AUTH = "the dropped start holds the authentication or the bind the rule keys on "
            + "(NEGOTIATE/SESSION_SETUP, DCE/RPC BIND or the AS exchange); recovering it without the start is "
            + "late-join resynchronisation in the decoders";
    private static final String NEGOTIATE_FINGERPRINTS_DROPPED = "the SMB2 NEGOTIATE (Impacket's 16-letter "
            + "ClientGuid) and the NTLM NEGOTIATE (its flags) are in the dropped start; the NTLM AUTHENTICATE is left, "
            + "and impacket_ntlm_client (no MIC, no VERSION, an empty workstation) on it alone is 0.45, monitor level; "
            + "machine_role.py does nothing else an attack rule reads (one DsRoleGetPrimaryDomainInformation call)";
    private static final String LATE_ALL = "the whole attack happens in the dropped first 0.1 s";
    private static final String TDS_NEEDS_LOGIN = "the TDS analyzer is attached when a direction's first bytes are a "
            + "PRELOGIN, a LOGIN7 or the answer to a PRELOGIN; the copy starts after them (inside the TLS handshake of "
            + "login-only encryption, or at the SSPI exchange), so the SQL batches that follow are not read (taking a TDS "
            + "connection up at a later packet is decoder work)";
    private static final String TDS_BATCH_REQUEST_ONLY = "the SQL batch text travels in the client's SQL_BATCH packets; "
            + "the server's answers carry only DONE and ERROR tokens";
    private static final String FAILURE_IN_REPLY = "a logon failed is known only from the server's answer (the SMB2 "
            + "SESSION_SETUP status STATUS_LOGON_FAILURE, the KDC's KRB-ERROR PREAUTH_FAILED); the client's requests "
            + "alone do not say the password was wrong";
    private static final String EPM_LOOKUP_REQUEST_ONLY = "what the endpoint map is asked for (every entry) is the "
            + "inquiry type of the client's ept_lookup request; the server's answers carry only entries and a handle";
    private static final String SERVER_FINGERPRINT_REPLY_ONLY = "Impacket as the SMB server is recognised by its own "
            + "NEGOTIATE response (ServerGuid) and NTLM CHALLENGE; the victim client's requests alone do not carry them";
    private static final String EPM_MAP_REQUEST_ONLY = "the interface asked for is in the client's ept_map request; "
            + "the server's answer (not registered) does not repeat it";
    private static final String LOSS_EPM_BIND = "seed 1 drops frame 6, the client's BIND on the only endpoint-mapper "
            + "connection; without it the connection's interface is unknown and its ept_lookup stubs are not decoded";
    private static final String NTLM_ACCOUNT_REQUEST_ONLY = "the account an SMB logon is for is named in the client's "
            + "NTLM AUTHENTICATE; the server's SESSION_SETUP responses alone make no authentication event";
    private static final String LOSS_AUTHENTICATE = "seed 1 drops frames 6 and 12: the answer to the SMB1 multi-protocol "
            + "NEGOTIATE (harmless, the SMB2 NEGOTIATE exchange follows whole) and the client's SESSION_SETUP carrying the "
            + "NTLM AUTHENTICATE, the Impacket fingerprint the chain's first step rests on; the session itself is taken up "
            + "from the SESSION_SETUP response";
    private static final String LOSS_LOOKUP_SIDS = "seed 1 drops a middle segment of one LsarLookupSids request and the "
            + "first fragment of the next; the SID count the sweep rule reads is in those request stubs";
    private static final String ADDCOMPUTER_FIRST_CALL = "SamrCreateUser2InDomain is left, but as the first request "
            + "seen on a pipe whose CREATE and BIND were dropped, followed by two SamrCloseHandle calls only: too few "
            + "calls to infer SAMR (the call completing a known sequence is the first one named), and the Impacket "
            + "fingerprints of the session are dropped";
    private static final String ATEXEC_CREATE_DROPPED = "the attack's one step, the CREATE of the atsvc pipe (Samba "
            + "serves none), is in the dropped first 0.1 s; only its error response is left, which names no pipe";
    private static final String REG_CHAIN_START = "the chain's first step (RemoteRegistry opened over SVCCTL, or "
            + "Impacket's NTLM AUTHENTICATE) is in the dropped start; what is left is a recursive read of "
            + "HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion (BaseRegOpenKey, BaseRegEnumKey, BaseRegEnumValue), "
            + "the keys remote inventory and management tools read every day: no hive saved, no secret key opened, "
            + "nothing written, so remote_registry on those calls alone stays monitor level (0.3; 0.24 on an inferred "
            + "interface)";
    private static final String INFERRED_AT_MONITOR = "SamrCreateUser2InDomain of EVILPC$ is left and SAMR is inferred "
            + "from the calls before it, so addcomputer_samr (0.6) is raised, weighted by inferred_interface_factor "
            + "(0.8) to 0.48: monitor level (evaluate --min-action monitor detects it); a machine account created over "
            + "SAMR is also how a computer joining the domain creates its own (NetJoinDomain, net rpc join), so without "
            + "the Impacket fingerprints, which are in the dropped start, the call alone is not raised higher";
    private static final String LOOKUPSID_TAIL = "the pipe's BIND, LsarOpenPolicy2 and the first LsarLookupSids calls are "
            + "in the dropped 30 %; what is left is the middle and last fragments of one LsarLookupSids request, whose "
            + "opnum header and SID count travel in its dropped first fragment";

    /** Capture and mode → why the evidence does not survive. */
    private static final String RDP_NEEDS_START = "the RDP analyzer is attached on the X.224 Connection Request or "
            + "Confirm, and the rule keys on that request (no cookie) with the ClientHello right after it: the dropped "
            + "first 30 % of each connection holds both";
    private static final String RDP_CLIENT_ONLY = "the missing cookie and the anonymous cipher suites are in the "
            + "client's Connection Request and ClientHello; the server's Confirm and ServerHello say nothing of the client";
    static final LostEvidence LOST = new LostEvidence();

    static {
        LOST.lost("late-join:0.1", LATE_ALL, "atk_GetNPUsers_nocreds.pcap", "atk_GetUserSPNs_usersfile.pcap",
                "atk_getTGT_pth.pcap", "atk_getTGT_pth_compat.pcap", "atk_golden_ticket.pcap", "atk_golden_ticket_compat.pcap",
                "atk_smbexec.pcap", "atk_dcomexec.pcap", "atk_wmiexec.pcap");
        LOST.lost("late-join:0.1", ADDCOMPUTER_FIRST_CALL, "atk_addcomputer.pcap");
        LOST.lost("late-join:0.1", ATEXEC_CREATE_DROPPED, "atk_atexec.pcap");
        LOST.lost("late-join:0.1", REG_CHAIN_START, "atk_reg.pcap");
        LOST.lost("late-join:0.1", LATE_AUTH, "atk_lookupsid.smbenc.pcap", "atk_ntlmrelayx_smb.pcap",
                "atk_psexec.smbenc.pcap", "atk_silver_ticket.pcap", "atk_smbclient_pth.pcap",
                "atk_smbclient_pth.smbenc.pcap");
        LOST.lost("late-join:30%", INFERRED_AT_MONITOR, "atk_addcomputer.pcap");
        LOST.lost("late-join:30%", LOOKUPSID_TAIL, "atk_lookupsid.pcap");
        LOST.lost("late-join:30%", REG_CHAIN_START, "atk_reg.pcap");
        LOST.lost("late-join:30%", LATE_AUTH, "atk_lookupsid.smbenc.pcap", "atk_psexec.smbenc.pcap",
                "atk_s4u_delegation_compat.pcap", "atk_services.smbenc.pcap", "atk_silver_ticket.pcap",
                "atk_smbclient_pth.pcap", "atk_smbclient_pth.smbenc.pcap");
        LOST.lost("one-way:server", KRB_REJECTED_ROAST, "atk_GetUserSPNs_usersfile.pcap");
        LOST.lost("one-way:server", RC4_REPLY_KEY_ONLY, "atk_getTGT_pth.pcap", "atk_getTGT_pth_compat.pcap");
        LOST.lost("one-way:server", KRB_REQUEST_ONLY, "atk_golden_ticket.pcap", "atk_golden_ticket_compat.pcap",
                "atk_s4u_delegation.pcap", "atk_s4u_delegation_compat.pcap", "atk_silver_ticket.pcap");
        LOST.lost("one-way:server", SVC_CREATE_FAULT, "atk_psexec.pcap", "atk_psexec_kerberos_compat.pcap",
                "atk_psexec_pth.pcap", "atk_services.pcap", "atk_smbexec.pcap");
        LOST.lost("one-way:server", DRS_SMALL_ANSWERS, "atk_secretsdump_dcsync.pcap", "atk_secretsdump_pth.pcap",
                "atk_secretsdump_pth.smbenc.pcap");
        LOST.lost("one-way:server", NO_ATSVC, "atk_atexec.pcap");
        LOST.lost("one-way:server", NO_DCOM, "atk_dcomexec.pcap", "atk_wmiexec.pcap");
        LOST.lost("one-way:server", RPC_ARGS_REQUEST_ONLY, "atk_addcomputer.pcap", "atk_lookupsid.pcap", "atk_reg.pcap",
                "atk_samrdump.pcap");
        LOST.lost("one-way:server", FINGERPRINT_REQUEST_ONLY, "atk_lookupsid.smbenc.pcap", "atk_psexec.smbenc.pcap",
                "atk_services.smbenc.pcap", "atk_smbclient_pth.smbenc.pcap", "atk_smbclient_pth.pcap");
        LOST.lost("loss:5%", LOSS_AUTHENTICATE, "atk_atexec.pcap", "atk_dcomexec.pcap", "atk_wmiexec.pcap");
        LOST.lost("loss:5%", LOSS_LOOKUP_SIDS, "atk_lookupsid.pcap");
        // The lab runs of Impacket 0.10 and current Impacket (.i010/.i014) lose their evidence the same way.
        LOST.lost("late-join:0.1", LATE_ALL, "atk_getArch.i010.pcap", "atk_getArch.i014.pcap", "atk_wmipersist.i010.pcap",
                "atk_wmipersist.i014.pcap", "atk_wmiquery.i010.pcap", "atk_wmiquery.i014.pcap");
        LOST.lost("late-join:30%", LOOKUPSID_TAIL, "atk_lookupsid.i014.pcap");
        LOST.lost("late-join:30%", LATE_AUTH, "atk_smbclient_ops.i010.pcap", "atk_smbclient_ops.i014.pcap");
        LOST.lost("one-way:server", KRB_REQUEST_ONLY, "atk_getPac.i010.pcap", "atk_getPac.i014.pcap",
                "atk_getST_variants.i014.pcap", "atk_keylistattack.i010.pcap", "atk_keylistattack.i014.pcap",
                "atk_ticketer_variants.i010.pcap", "atk_ticketer_variants.i014.pcap");
        LOST.lost("one-way:server", RPC_ARGS_REQUEST_ONLY, "atk_dpapi_backupkeys.i010.pcap", "atk_dpapi_backupkeys.i014.pcap",
                "atk_lookupsid.i014.pcap", "atk_reg_save.i010.pcap", "atk_reg_save.i014.pcap", "atk_regsecrets.i014.pcap",
                "atk_samrdump.i014.pcap");
        LOST.lost("one-way:server", DRS_SMALL_ANSWERS, "atk_secretsdump_modes.i010.pcap", "atk_secretsdump_modes.i014.pcap");
        LOST.lost("one-way:server", SVC_CREATE_FAULT, "atk_services_verbs.i010.pcap", "atk_services_verbs.i014.pcap");
        LOST.lost("one-way:server", FINGERPRINT_REQUEST_ONLY, "atk_smbclient_ops.i010.pcap", "atk_smbclient_ops.i014.pcap",
                "atk_wmipersist.i010.pcap", "atk_wmipersist.i014.pcap", "atk_wmiquery.i010.pcap", "atk_wmiquery.i014.pcap");
        LOST.lost("one-way:server", BIND_OFFER_REQUEST_ONLY, "atk_getArch.i010.pcap", "atk_getArch.i014.pcap");
        LOST.lost("one-way:server", LDAP_MODIFY_REQUEST_ONLY, "atk_rbcd.i010.pcap");
        LOST.lost("late-join:0.1", LATE_AUTH, "atk_relay_smb_to_http.i010.pcap", "atk_relay_smb_to_mssql.i010.pcap",
                "atk_relay_smb_to_mssql.i014.pcap");
        LOST.lost("one-way:server", RPC_ARGS_REQUEST_ONLY, "atk_coerce.i010.pcap", "atk_coerce.i014.pcap");
        LOST.lost("one-way:server", RELAY_NEEDS_BOTH_DIRECTIONS, "atk_coerce_relay.i010.pcap", "atk_coerce_relay.i014.pcap",
                "atk_relay_smb_to_mssql.i010.pcap", "atk_relay_smb_to_mssql.i014.pcap");
        LOST.lost("late-join:0.1", LATE_ALL, "atk_mssqlclient.i010.pcap", "atk_mssqlclient.i014.pcap",
                "atk_mssqlclient_tls.i010.pcap", "atk_mssqlclient_tls.i014.pcap");
        LOST.lost("late-join:30%", TDS_NEEDS_LOGIN, "atk_mssqlclient.i014.pcap", "atk_mssqlclient_tls.i010.pcap",
                "atk_mssqlclient_tls.i014.pcap");
        LOST.lost("one-way:server", TDS_BATCH_REQUEST_ONLY, "atk_mssqlclient.i010.pcap", "atk_mssqlclient.i014.pcap",
                "atk_mssqlclient_tls.i010.pcap", "atk_mssqlclient_tls.i014.pcap");
        // Impacket client fingerprints (sealed LDAP binds, SMB/NTLM) and the privileged-group chain.
        LOST.lost("late-join:0.1", LATE_ALL, "atk_GetADComputers.i014.pcap", "atk_GetADUsers.i014.pcap",
                "atk_GetLAPSPassword.i014.pcap");
        LOST.lost("late-join:0.1", LATE_AUTH, "atk_findDelegation.i014.pcap", "atk_DumpNTLMInfo.i014.pcap",
                "atk_goldenPac.i010.pcap", "atk_goldenPac.i014.pcap", "atk_machine_role.i010.pcap");
        LOST.lost("late-join:0.1", NEGOTIATE_FINGERPRINTS_DROPPED, "atk_machine_role.i014.pcap");
        LOST.lost("late-join:30%", NEGOTIATE_FINGERPRINTS_DROPPED, "atk_machine_role.i010.pcap", "atk_machine_role.i014.pcap");
        LOST.lost("one-way:server", FINGERPRINT_REQUEST_ONLY, "atk_DumpNTLMInfo.i014.pcap", "atk_attrib.i014.pcap",
                "atk_goldenPac.i010.pcap", "atk_goldenPac.i014.pcap", "atk_machine_role.i010.pcap",
                "atk_machine_role.i014.pcap", "atk_netview.i010.pcap", "atk_netview.i014.pcap", "atk_raiseChild.i010.pcap",
                "atk_raiseChild.i014.pcap", "atk_tstool.i014.pcap", "atk_rpcmap_cut.i010.pcap",
                "atk_rpcmap_cut.i014.pcap");
        LOST.lost("one-way:server", RPC_ARGS_REQUEST_ONLY, "atk_net.i014.pcap");
        // Password spraying is counted on failed logons: the failure is the server's, the account the client's.
        LOST.lost("one-way:client", FAILURE_IN_REPLY, "atk_spray.i010.pcap", "atk_spray.i014.pcap",
                "atk_spray_kerberos.i010.pcap", "atk_spray_kerberos.i014.pcap");
        LOST.lost("one-way:server", NTLM_ACCOUNT_REQUEST_ONLY, "atk_spray.i010.pcap", "atk_spray.i014.pcap");
        // The endpoint-map listing (rpcdump) and Impacket as the SMB server (smbserver, karmaSMB).
        LOST.lost("late-join:0.1", LATE_ALL, "atk_rpcdump.pcap");
        LOST.lost("late-join:0.1", LATE_ALL, "atk_smbserver.i010.pcap", "atk_karmaSMB.i014.pcap");
        LOST.lost("late-join:0.1", LATE_AUTH, "atk_karmaSMB.i010.pcap");
        LOST.lost("late-join:30%", LATE_AUTH, "atk_rpcdump.pcap", "atk_smbserver.i010.pcap", "atk_smbserver.i014.pcap",
                "atk_karmaSMB.i010.pcap");
        LOST.lost("one-way:client", SERVER_FINGERPRINT_REPLY_ONLY, "atk_smbserver.i010.pcap", "atk_smbserver.i014.pcap",
                "atk_karmaSMB.i010.pcap", "atk_karmaSMB.i014.pcap");
        LOST.lost("one-way:server", EPM_LOOKUP_REQUEST_ONLY, "atk_rpcdump.pcap", "atk_rpcdump.i010.pcap", "atk_rpcdump.i014.pcap");
        LOST.lost("loss:1%", LOSS_EPM_BIND, "atk_rpcdump.pcap");
        LOST.lost("loss:5%", LOSS_EPM_BIND, "atk_rpcdump.pcap");
        LOST.lost("one-way:server", NAME_IN_CREATE_REQUEST, "atk_sambaPipe.i010.pcap", "atk_sambaPipe.i014.pcap");
        LOST.lost("one-way:server", FINGERPRINT_REQUEST_ONLY, "atk_filetime.i014.pcap");
        LOST.lost("late-join:0.1", LATE_ALL, "atk_checkMSSQLStatus.i014.pcap");
        LOST.lost("one-way:server", FINGERPRINT_REQUEST_ONLY, "atk_checkMSSQLStatus.i014.pcap", "atk_dpapidump.i014.pcap");
        LOST.lost("one-way:server", EPM_MAP_REQUEST_ONLY, "atk_mimikatz.i010.pcap", "atk_mimikatz.i014.pcap");
        LOST.lost("late-join:30%", RDP_NEEDS_START, "atk_rdp_check.i010.pcap", "atk_rdp_check.i014.pcap");
        LOST.lost("one-way:server", RDP_CLIENT_ONLY, "atk_rdp_check.i010.pcap", "atk_rdp_check.i014.pcap");
        LOST.lost("one-way:server", KRB_REQUEST_ONLY, "atk_kintercept.i010.pcap", "atk_kintercept.i014.pcap");
        LOST.lost("one-way:server", SWEEP_REQUEST_ONLY, "atk_netview_sweep.i010.pcap", "atk_netview_sweep.i014.pcap");
    }

    @BeforeAll
    static void extractLab() {
        for (String r : Captures.list("/pcaps/lab")) {
            Captures.path(r);
        }
        lab = Captures.path("/pcaps/lab/MANIFEST.tsv").getParent();
    }

    static Stream<String> modes() {
        return Stream.of(Perturbation.MATRIX_MODES);
    }

    @ParameterizedTest
    @MethodSource("modes")
    void everyAttackWhoseEvidenceSurvivesIsDetectedAndBenignStaysSilent(String mode) throws Exception {
        Map<String, String> lostHere = LOST.in(mode);
        List<EvaluateCommand.Entry> entries = EvaluateCommand.readManifest(lab.resolve("MANIFEST.tsv"));
        for (String c : lostHere.keySet()) {
            assertTrue(entries.stream().anyMatch(e -> e.file().equals(c)), mode + ": " + c + " is not a lab capture");
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), "evaluate", lab.toString(),
                "--perturb", mode, "--seed", "1");
        assertTrue(out.toString().contains("perturbation " + mode + ", seed 1"), out + " " + err);
        Map<String, String> verdicts = new LinkedHashMap<>();
        for (String line : out.toString().split("\n")) {
            String[] cols = line.trim().split("\\s+");
            if (cols.length >= 4 && (cols[0].endsWith(".pcap") || cols[0].endsWith(".pcapng"))) {
                verdicts.put(cols[0], cols[3]);
            }
        }
        assertEquals(entries.size(), verdicts.size(), out.toString());
        List<String> problems = LOST.problems(mode, entries, verdicts);
        if (!problems.isEmpty()) {
            fail(mode + ":\n  " + String.join("\n  ", problems) + "\n" + out);
        }
    }
}
