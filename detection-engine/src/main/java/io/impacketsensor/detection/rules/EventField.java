package io.impacketsensor.detection.rules;

import io.impacketsensor.core.event.Carrier;
import io.impacketsensor.core.event.DcerpcEvent;
import io.impacketsensor.core.event.KerberosEvent;
import io.impacketsensor.core.event.LdapEvent;
import io.impacketsensor.core.event.MssqlEvent;
import io.impacketsensor.core.event.NtlmEvent;
import io.impacketsensor.core.event.ProtocolAnomaly;
import io.impacketsensor.core.event.RdpEvent;
import io.impacketsensor.core.event.RpcArgs;
import io.impacketsensor.core.event.RpcInterfaces;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.core.event.SmbEvent;
import io.impacketsensor.core.event.SsrpEvent;

import java.util.List;
import java.util.Locale;

/**
 * The registry of named decoded fields an operator rule can test (like Suricata's sticky buffers).
 * A field is text, a number or an address; a field with several values (Kerberos etypes, LDAP
 * attributes) matches when any value does; an event without the field never matches.
 */
public enum EventField {
    SMB_SHARE("smb.share", Kind.TEXT, "share of a tree connect, create, read or write (\\\\server\\share or share)"),
    SMB_FILENAME("smb.filename", Kind.TEXT, "file or pipe name of an SMB2 create, read or write"),
    SMB_PIPE("smb.pipe", Kind.TEXT, "named pipe opened over SMB, or the pipe a DCE/RPC request travels on"),
    SMB_PIPE_NAME("smb.pipe_name", Kind.TEXT, "last component of the named pipe an SMB2 create, read or write opens "
            + "(svcctl, PSEXESVC ...)"),
    DCERPC_INTERFACE("dcerpc.interface", Kind.TEXT, "interface UUID of a DCE/RPC request, or its name (svcctl, samr ...)"),
    DCERPC_OPNUM("dcerpc.opnum", Kind.NUMBER, "operation number of a DCE/RPC request"),
    DCERPC_OPERATION("dcerpc.operation", Kind.TEXT, "operation name of a DCE/RPC request (CreateServiceW ...)"),
    DCERPC_ARGS_DECODED("dcerpc.args_decoded", Kind.NUMBER, "1 when the arguments of a DCE/RPC request were decoded "
            + "(the fields of its interface below exist), 0 when they were not (sealed, unknown operation, truncated)"),
    SVCCTL_SERVICE_NAME("svcctl.service_name", Kind.TEXT, "service an SVCCTL call creates, opens, starts, stops or deletes"),
    SVCCTL_BINARY_PATH("svcctl.binary_path", Kind.TEXT, "binary path of CreateService or ChangeServiceConfig"),
    SVCCTL_MACHINE_NAME("svcctl.machine_name", Kind.TEXT, "machine name an SVCCTL OpenSCManagerW names"),
    SVCCTL_SERVICE_NAME_LETTERS("svcctl.service_name_letters", Kind.NUMBER, "length of the service name of an SVCCTL "
            + "create, open, start, control or delete when it is all ASCII letters (a random name), else 0"),
    SVCCTL_BINARY_PATH_SHAPE("svcctl.binary_path_shape", Kind.NUMBER, "shape of the binary path of CreateService or "
            + "ChangeServiceConfig as bits: 0x1 a shell (%COMSPEC%, cmd.exe) whose output is redirected (smbexec), "
            + "0x2 vssadmin, 0x4 <8 letters>.exe, 0x8 %COMSPEC% or powershell"),
    KRB5_SNAME("krb5.sname", Kind.TEXT, "service principal of a Kerberos request (sname)"),
    KRB5_CNAME("krb5.cname", Kind.TEXT, "client principal of a Kerberos request (cname)"),
    KRB5_ETYPES("krb5.etypes", Kind.NUMBER, "encryption types a Kerberos request offers"),
    KRB5_MSG_TYPE("krb5.msg_type", Kind.NUMBER, "Kerberos message type of a request or reply (10 AS-REQ, 11 AS-REP, "
            + "12 TGS-REQ, 13 TGS-REP)"),
    KRB5_FIRST_ETYPE_NAME("krb5.first_etype_name", Kind.TEXT, "name of the first encryption type a Kerberos request offers "
            + "(rc4-hmac, aes256-cts-hmac-sha1-96 ...)"),
    KRB5_WEAK_OFFER("krb5.weak_offer", Kind.NUMBER, "encryption types a Kerberos request offers: 2 all weak (DES, RC4), "
            + "1 rc4-hmac first among stronger ones, 0 otherwise"),
    KRB5_RC4_PREAUTH("krb5.rc4_preauth", Kind.NUMBER, "1 when a Kerberos request offers only rc4-hmac and pre-authenticates "
            + "with an rc4-hmac PA-ENC-TIMESTAMP (the NT hash used as the key), else 0"),
    KRB5_PREAUTH("krb5.preauth", Kind.NUMBER, "1 when a Kerberos request carries PA-ENC-TIMESTAMP, else 0; on a reply, that "
            + "of the request it answers (absent when the request was not seen)"),
    KRB5_KDC_OPTIONS("krb5.kdc_options", Kind.NUMBER, "KDCOptions of a Kerberos request as a 32-bit number (forwardable "
            + "0x40000000 ...)"),
    KRB5_SNAME_CLASS("krb5.sname_class", Kind.NUMBER, "what the service principal is, as bits: 0x1 krbtgt, 0x2 a service "
            + "class run by a computer account (host/, cifs/, ldap/ ...), 0x4 a computer account (name$); of the request's "
            + "sname (0 when absent), or of the ticket of a reply or AP-REQ"),
    KRB5_SNAME_TYPE("krb5.sname_type", Kind.NUMBER, "name type of the service principal (1 NT-PRINCIPAL, 2 NT-SRV-INST, "
            + "10 NT-ENTERPRISE ...): of the request's sname, or of the ticket of a reply or AP-REQ"),
    KRB5_SNAME_PARTS("krb5.sname_parts", Kind.NUMBER, "component count of that service principal"),
    KRB5_TICKET_SNAME("krb5.ticket_sname", Kind.TEXT, "service principal of the ticket of a Kerberos reply or AP-REQ"),
    KRB5_TICKET_ETYPE("krb5.ticket_etype", Kind.NUMBER, "encryption type of the ticket of a Kerberos reply or AP-REQ"),
    KRB5_TICKET_ETYPE_NAME("krb5.ticket_etype_name", Kind.TEXT, "name of that encryption type (rc4-hmac ...)"),
    KRB5_REPLY_CNAME("krb5.reply_cname", Kind.TEXT, "client principal of a Kerberos reply (AS-REP, TGS-REP)"),
    KRB5_ENC_PART_ETYPE("krb5.enc_part_etype", Kind.NUMBER, "encryption type of a Kerberos reply's enc-part (the key the "
            + "client must know)"),
    KRB5_S4U_USER("krb5.s4u_user", Kind.TEXT, "user a TGS-REQ impersonates with PA-FOR-USER (S4U2self)"),
    KRB5_PAC_OPTIONS("krb5.pac_options", Kind.NUMBER, "PA-PAC-OPTIONS flags of a Kerberos request (0x10000000 "
            + "resource-based constrained delegation)"),
    KRB5_ADDITIONAL_TICKETS("krb5.additional_tickets", Kind.NUMBER, "additional tickets a TGS-REQ carries (S4U2proxy "
            + "evidence ticket, U2U)"),
    LDAP_FILTER("ldap.filter", Kind.TEXT, "filter of an LDAP search, as text"),
    LDAP_ATTRIBUTE("ldap.attribute", Kind.TEXT, "attribute an LDAP modify or add writes"),
    LDAP_DN("ldap.dn", Kind.TEXT, "DN of an LDAP modify or add, or the base of a search"),
    NTLM_FLAGS("ntlm.flags", Kind.NUMBER, "NegotiateFlags of an NTLM NEGOTIATE or AUTHENTICATE"),
    NTLM_USER("ntlm.user", Kind.TEXT, "user of an NTLM AUTHENTICATE"),
    NTLM_DOMAIN("ntlm.domain", Kind.TEXT, "domain of an NTLM AUTHENTICATE"),
    NTLM_WORKSTATION("ntlm.workstation", Kind.TEXT, "workstation of an NTLM NEGOTIATE or AUTHENTICATE"),
    DCOM_CLSID("dcom.clsid", Kind.TEXT, "CLSID of a DCOM activation request"),
    DCOM_STRING("dcom.string", Kind.TEXT, "a string argument of a DCOM call (WMI class and method names, command lines)"),
    WINREG_KEY("winreg.key", Kind.TEXT, "registry key a winreg OpenKey, CreateKey or SaveKey names"),
    WINREG_KEY_CLASS("winreg.key_class", Kind.NUMBER, "what a winreg OpenKey or CreateKey opens: 1 a part of the LSA boot "
            + "key (Lsa\\JD, Skew1, GBG, Data), 2 the SAM or SECURITY hive, 0 another key"),
    WINREG_SAVED_FILE("winreg.saved_file", Kind.TEXT, "file a winreg SaveKey saves the hive to"),
    TASK_COMMAND("task.command", Kind.TEXT, "command of an AT job, or the XML of a scheduled task registration"),
    COERCE_PATH("coerce.path", Kind.TEXT, "path or host argument of an EFSRPC, MS-RPRN, MS-DFSNM, MS-FSRVP or MS-EVEN call "
            + "(FileName, pPrinterName, pszLocalMachine, ServerName, ShareName, BackupFileName), or the UNC path of a SQL "
            + "batch's xp_dirtree, xp_fileexist or xp_subdirs"),
    COERCE_HOST("coerce.host", Kind.TEXT, "host such a call makes the server connect to as a client (the listener "
            + "named by a UNC path); absent for local paths and printer names"),
    NTLM_RESPONSE_VERSION("ntlm.response_version", Kind.NUMBER, "NTLM response version of an AUTHENTICATE: 1 (NTLMv1, or an "
            + "LM response alone), 2 (NTLMv2), 0 without a challenge response"),
    NTLM_VERSION_PRESENT("ntlm.version_present", Kind.NUMBER, "1 when an NTLM NEGOTIATE or AUTHENTICATE carries the VERSION "
            + "structure (MS-NLMP 2.2.2.10), else 0"),
    NTLM_MIC("ntlm.mic", Kind.NUMBER, "MIC of an NTLM AUTHENTICATE (MS-NLMP 2.2.1.3): 1 present; 2 absent although MsvAvFlags "
            + "announces one (removed in transit); 3 absent, MsvAvFlags without the MIC bit; 0 absent, no MsvAvFlags"),
    NTLM_ANONYMOUS("ntlm.anonymous", Kind.NUMBER, "1 for an anonymous NTLM AUTHENTICATE, else 0"),
    NTLM_NTLMSSP("ntlm.ntlmssp", Kind.NUMBER, "1 when an NTLM AUTHENTICATE is an NTLMSSP message; 0 for an SMB1 login without "
            + "extended security (MS-CIFS 2.2.4.53), which has no flags, MIC, VERSION or workstation to judge"),
    NTLM_WORKSTATION_LENGTH("ntlm.workstation_length", Kind.NUMBER, "length of the workstation name of an NTLM NEGOTIATE or "
            + "AUTHENTICATE (0 when empty or absent)"),
    SMB_SHARE_NAME("smb.share_name", Kind.TEXT, "last component of the share of a tree connect, create, read or write "
            + "(ADMIN$, C$, IPC$ ...)"),
    SMB_ADMIN_SHARE("smb.admin_share", Kind.NUMBER, "1 when the share of a tree connect, create, read or write is ADMIN$, "
            + "2 when it is a drive share (C$, D$ ...), 3 when it is not known (the tree connect was not seen), else 0"),
    SMB_FILE_SHAPE("smb.file_shape", Kind.NUMBER, "shape of the file name of an SMB create, read or write as bits: "
            + "0x1 an Impacket output file (__output, __<epoch>, __<digits>), 0x2 named __output..., 0x4 no extension, "
            + "0x8 Temp\\ or System32\\<8 letters>.tmp, 0x10 under system32\\, 0x20 .exe, 0x40 <8 letters>.exe"),
    SMB_WRITE("smb.write", Kind.NUMBER, "1 for an SMB write, or a create that asks write access or creates or overwrites "
            + "the file (MS-SMB2 2.2.13), else 0"),
    SMB_STATUS("smb.status", Kind.NUMBER, "response NTSTATUS of a tree connect or create, -1 when no response was seen"),
    SMB1_DIALECTS("smb1.dialects", Kind.TEXT, "dialects an SMB1 NEGOTIATE offers"),
    SMB1_DIALECT_SHAPE("smb1.dialect_shape", Kind.NUMBER, "1 when an SMB1 NEGOTIATE offers exactly NT LM 0.12, SMB 2.002, "
            + "SMB 2.??? in that order (Impacket's offer, also Windows 7's and macOS's), else 0"),
    SMB2_CLIENT_GUID_LETTERS("smb2.client_guid_letters", Kind.NUMBER, "1 when the ClientGuid of an SMB2 NEGOTIATE is 16 "
            + "ASCII letters (Impacket), else 0"),
    LDAP_FILTER_SHAPE("ldap.filter_shape", Kind.NUMBER, "shape of an LDAP search filter as bits: 0x1 unbalanced parentheses, "
            + "0x2 a second filter after the first (balanced), 0x4 escaped )( in a value, 0x8 always-true OR inside an AND, "
            + "0x10 wildcard on admin, 0x20 servicePrincipalName=* of users, 0x40 servicePrincipalName=* of any account, "
            + "0x80 DONT_REQ_PREAUTH 4194304, 0x100 adminCount=1, 0x200 delegation, 0x400 (sAMAccountName=*) of users, "
            + "0x800 PowerView identity filter, 0x1000 a privileged group by name"),
    LDAP_PRIVILEGED_GROUP("ldap.privileged_group", Kind.TEXT, "the privileged group (Domain Admins, Enterprise Admins ...) "
            + "an equality clause of an LDAP search filter names"),
    EVENT("event", Kind.TEXT, "kind of decoded event: smb_tree_connect, smb_file (a create, read or write of a file), "
            + "smb_pipe (of a named pipe), dcerpc_bind, dcerpc_request, ntlm_negotiate, ntlm_authenticate, krb_request, "
            + "krb_reply, krb_ap_request, ldap_search, ldap_modify, ldap_add ..."),
    SRC_IP("src_ip", Kind.ADDRESS, "client address of the event"),
    DEST_IP("dest_ip", Kind.ADDRESS, "server address of the event"),
    KRB5_PADATA("krb5.padata", Kind.NUMBER, "PA-DATA types of a Kerberos request (2 PA-ENC-TIMESTAMP, 128 PA-PAC-REQUEST, "
            + "129 PA-FOR-USER, 161 KERB-KEY-LIST-REQ ...)"),
    SAMR_INFO_CLASS("samr.info_class", Kind.NUMBER, "USER_INFORMATION_CLASS of a SAMR SamrSetInformationUser(2) "
            + "(18 internal1, 21 all, 23-26 internal4/5 with a password)"),
    DCERPC_MAX_XMIT_FRAG("dcerpc.max_xmit_frag", Kind.NUMBER, "max_xmit_frag of a DCE/RPC BIND or ALTER_CONTEXT"),
    DCERPC_AUTH_CONTEXT_ID("dcerpc.auth_context_id", Kind.NUMBER, "auth_context_id of the verifier of a DCE/RPC BIND or "
            + "ALTER_CONTEXT (0 without one)"),
    DCERPC_AUTH_TYPE("dcerpc.auth_type", Kind.NUMBER, "authentication type of a DCE/RPC BIND or ALTER_CONTEXT (0 none, "
            + "9 SPNEGO, 10 NTLM, 16 Kerberos)"),
    DCERPC_ALTER_CONTEXT("dcerpc.alter_context", Kind.NUMBER, "1 for an ALTER_CONTEXT, 0 for a BIND"),
    DCERPC_CONTEXT_COUNT("dcerpc.context_count", Kind.NUMBER, "presentation contexts a DCE/RPC BIND or ALTER_CONTEXT offers"),
    DCERPC_BIND_INTERFACE("dcerpc.bind_interface", Kind.TEXT, "interface of each presentation context of a DCE/RPC BIND "
            + "or ALTER_CONTEXT, by name (svcctl, epmapper ...) and UUID"),
    DCERPC_TRANSFER_SYNTAX("dcerpc.transfer_syntax", Kind.TEXT, "each transfer syntax a DCE/RPC BIND or ALTER_CONTEXT "
            + "offers: ndr, ndr64 (MS-RPCE 2.2.5), else its UUID"),
    DCERPC_TRANSFER_SYNTAX_COUNT("dcerpc.transfer_syntax_count", Kind.NUMBER, "transfer syntaxes a DCE/RPC BIND or "
            + "ALTER_CONTEXT offers over all its contexts"),
    SVCCTL_CONTROL_NAME("svcctl.control_name", Kind.TEXT, "control code an SVCCTL ControlService sends: stop, pause, "
            + "continue, interrogate, control N; empty when it was not decoded"),
    SVCCTL_PHANTOM_DLL("svcctl.phantom_dll", Kind.TEXT, "DLL that the service an SVCCTL open, start or control names "
            + "loads from System32 and a default install lacks (IKEEXT wlbsctrl.dll, SessionEnv TSMSISrv.dll, MSDTC oci.dll)"),
    SAMR_RID("samr.rid", Kind.NUMBER, "RID a SAMR SamrOpenGroup, SamrOpenAlias or SamrOpenUser opens"),
    SAMR_RID_NAME("samr.rid_name", Kind.TEXT, "name of a privileged well-known RID that call opens (MS-ADTS 6.1.1.6: "
            + "Domain Admins 512, Schema Admins 518, Enterprise Admins 519, Group Policy Creator Owners 520, "
            + "Administrators 544, Account Operators 548, Server Operators 549, Backup Operators 551)"),
    SAMR_OBJECT("samr.object", Kind.TEXT, "what that call opens: group (SamrOpenGroup), alias (SamrOpenAlias), "
            + "user (SamrOpenUser)"),
    SAMR_ACCOUNT_NAME("samr.account_name", Kind.TEXT, "account a SAMR SamrCreateUserInDomain or SamrCreateUser2InDomain "
            + "creates"),
    SAMR_ACCOUNT_TYPE("samr.account_type", Kind.NUMBER, "AccountType of that call (0x10 normal user, 0x80 workstation "
            + "trust: a machine account; MS-SAMR 2.2.1.12)"),
    ACCOUNT_NAME_SHAPE("account.name_shape", Kind.NUMBER, "shape of the account a SAMR create or an LDAP add (its "
            + "sAMAccountName, 0 without one) names, as bits: 0x1 DESKTOP-<8 characters>$, 0x2 <8 letters>$, "
            + "0x4 17 characters starting DESKTOP- (Impacket addcomputer's names)"),
    LSA_SID_COUNT("lsa.sid_count", Kind.NUMBER, "SIDs an LSA LsarLookupSids(2, 3) asks to translate"),
    LSA_MIN_RID("lsa.min_rid", Kind.NUMBER, "lowest RID among those SIDs (-1 when none)"),
    LSA_MAX_RID("lsa.max_rid", Kind.NUMBER, "highest RID among those SIDs (-1 when none)"),
    TASK_PATH("task.path", Kind.TEXT, "task path of an ITaskSchedulerService call (SchRpcRegisterTask, SchRpcRun ...)"),
    TASK_SHAPE("task.shape", Kind.NUMBER, "shape of that call as bits: 0x1 its task XML runs cmd.exe with output under "
            + "\\Temp\\ (atexec), 0x2 the task path is \\ and 8 ASCII letters"),
    DCOM_CLASS("dcom.class", Kind.TEXT, "known class a DCOM activation names, as name and CLSID "
            + "(MMC20.Application {49B2791A-B1AE-4C90-9B8E-E860BA07F889}); absent for a class the table does not know"),
    DCOM_CLASS_LATERAL("dcom.class_lateral", Kind.NUMBER, "1 when that known class is a remote-execution object "
            + "(MMC20.Application, ShellWindows, ShellBrowserWindow, Excel.Application ...), else 0"),
    SAME_HOST("same_host", Kind.NUMBER, "1 when the client and server addresses of the event are the same, 0 when they "
            + "differ (or the server is unknown); absent when the client is unknown"),
    LDAP_OBJECT_CLASS("ldap.object_class", Kind.TEXT, "each objectClass value of an LDAP add"),
    LDAP_SAM_ACCOUNT_NAME("ldap.sam_account_name", Kind.TEXT, "sAMAccountName of an LDAP add"),
    ANOMALY_NAME("anomaly.name", Kind.TEXT, "name of a protocol anomaly a decoder or an integration reports "
            + "(ntlm.hash_auth: hash-style authentication asserted by a flat event's auth_type)"),
    ANOMALY_DETAIL("anomaly.detail", Kind.TEXT, "detail of that anomaly (the account of ntlm.hash_auth); absent when empty"),
    MSSQL_BATCH("mssql.batch", Kind.TEXT, "text of a SQL batch sent over TDS (its first characters, up to the decoder's "
            + "batch prefix limit)"),
    MSSQL_BATCH_SHAPE("mssql.batch_shape", Kind.NUMBER, "what a SQL batch does, as bits: 0x1 calls xp_cmdshell, 0x2 "
            + "enables it (sp_configure 'xp_cmdshell', 1), 0x4 xp_dirtree, xp_fileexist or xp_subdirs on a UNC path "
            + "(the server connects to that host)"),
    LDAP_BIND_MESSAGE_ID("ldap.bind_message_id", Kind.NUMBER, "message id of an LDAP BindRequest (RFC 4511 4.1.1.1); "
            + "clients number their requests from 1 on a connection, Impacket draws every id at random below 2^31"),
    NTLM_MSV_AV_FLAGS("ntlm.msv_av_flags", Kind.NUMBER, "MsvAvFlags of an NTLMv2 AUTHENTICATE (MS-NLMP 2.2.2.1: 0x2 a MIC "
            + "is present), -1 when the AV pair is absent"),
    EPM_INQUIRY_TYPE("epm.inquiry_type", Kind.NUMBER, "inquiry type of an endpoint-mapper ept_lookup (C706 appendix O: "
            + "0 every entry of the map, 1 the entries of one interface, 2 of one object, 3 of both)"),
    EPM_MAX_ENTRIES("epm.max_entries", Kind.NUMBER, "max_ents of that ept_lookup: how many entries the caller takes per call"),
    EPM_INTERFACE("epm.interface", Kind.TEXT, "interface an endpoint-mapper ept_map or ept_lookup asks for, by UUID (lower "
            + "case); absent when the request names none"),
    RDP_COOKIE("rdp.cookie", Kind.TEXT, "user name of an RDP Connection Request's Cookie: mstshash= (MS-RDPBCGR 2.2.1.1), "
            + "on the request and on its connection's TLS handshake; absent when the request has none"),
    RDP_REQUESTED_PROTOCOLS("rdp.requested_protocols", Kind.NUMBER, "requestedProtocols of an RDP Connection Request "
            + "(0x1 TLS, 0x2 CredSSP, 0x4 RDSTLS, 0x8 CredSSP with early user authorization), -1 without RDP_NEG_REQ; on "
            + "the request and on its connection's TLS handshake"),
    RDP_CLIENT_SHAPE("rdp.client_shape", Kind.NUMBER, "what an RDP client sent, as bits: 0x1 its Connection Request "
            + "carries neither cookie nor routing token, 0x2 its TLS ClientHello offers cipher suites without server "
            + "authentication (DH_anon, ECDH_anon), 0x4 that ClientHello has no server_name; on the TLS handshake (0x1 "
            + "also on the request)"),
    RDP_JA3_HASH("rdp.ja3_hash", Kind.TEXT, "JA3 hash (MD5, lower-case hex) of the TLS ClientHello of an RDP connection"),
    KRB5_REPLY_PADATA("krb5.reply_padata", Kind.NUMBER, "PA-DATA types of a Kerberos AS-REP or TGS-REP (19 "
            + "PA-ETYPE-INFO2 after pre-authentication; 2 PA-ENC-TIMESTAMP listed as an accepted method: the KDC answered "
            + "a request that did not pre-authenticate)"),
    KRB5_REQUEST_SEEN("krb5.request_seen", Kind.NUMBER, "1 when a Kerberos reply answers a request captured on its flow, "
            + "0 when the request was not seen (a copy of the KDC's side only)"),
    DCERPC_ANSWER("dcerpc.answer", Kind.TEXT, "what a DCE/RPC answer whose request was not captured shows by its shape: "
            + "service_created (an SVCCTL answer of RCreateService*: no tag, a service handle, ERROR_SUCCESS)"),
    KRB5_FOR_USER_CKSUMTYPE("krb5.for_user_cksumtype", Kind.NUMBER, "checksum type of the PA-FOR-USER of a TGS-REQ "
            + "(S4U2self; MS-SFU 2.2.1 requires -138, the keyed HMAC-MD5); absent without PA-FOR-USER"),
    SSRP_REQUEST("ssrp.request", Kind.NUMBER, "SQL Server Browser request type ([MC-SQLR] 2.2: 2 CLNT_BCAST_EX and 3 "
            + "CLNT_UCAST_EX list every instance, 4 CLNT_UCAST_INST asks for one, 15 CLNT_UCAST_DAC for its admin port)"),
    SSRP_INSTANCE("ssrp.instance", Kind.TEXT, "instance name a SQL Server Browser request asks for; absent for the listing "
            + "requests"),
    SSRP_LENGTH("ssrp.length", Kind.NUMBER, "bytes of a SQL Server Browser request (the listing requests are one byte)"),
    LDAP_REQUEST_SEEN("ldap.request_seen", Kind.NUMBER, "1 on an LDAP event made from a captured request, 0 on an LDAP "
            + "answer whose request the copy does not hold (a copy of the server's side only)"),
    LDAP_REPLY_OP("ldap.reply_op", Kind.NUMBER, "protocolOp of an LDAP answer whose request was not seen (1 "
            + "BindResponse, 5 a search's entries and SearchResultDone, 7 ModifyResponse ...)"),
    LDAP_REPLY_MESSAGE_ID("ldap.reply_message_id", Kind.NUMBER, "message id of an LDAP answer whose request was not "
            + "seen (the request's, RFC 4511 4.1.1.1)"),
    LDAP_REPLY_BIND_ID_STEP("ldap.reply_bind_id_step", Kind.NUMBER, "on a BindResponse whose request was not seen and "
            + "that follows a saslBindInProgress BindResponse on its flow: the distance between the two message ids. "
            + "RFC 4511 4.2.1 allows no other operation between the requests of a multi-stage bind, so a client that "
            + "counts its ids gives 1"),
    LDAP_REPLY_ENTRIES("ldap.reply_entries", Kind.NUMBER, "SearchResultEntries of a search answered without its "
            + "request"),
    LDAP_REPLY_USER_LISTING("ldap.reply_user_listing", Kind.NUMBER, "entries of a search answered without its request "
            + "that carry sAMAccountName with pwdLastSet or lastLogon, and nothing besides mail (GetADUsers' attributes)"),
    LDAP_REPLY_SPN_USERS("ldap.reply_spn_users", Kind.NUMBER, "entries of a search answered without its request naming "
            + "a user account (sAMAccountName not ending in $) with a servicePrincipalName, and nothing besides "
            + "sAMAccountName, pwdLastSet, memberOf, userAccountControl and lastLogon (GetUserSPNs' attributes)"),
    LDAP_REPLY_NO_PREAUTH("ldap.reply_no_preauth", Kind.NUMBER, "entries of a search answered without its request whose "
            + "userAccountControl has DONT_REQ_PREAUTH (0x400000), with nothing besides sAMAccountName, "
            + "userAccountControl, memberOf, pwdLastSet and lastLogon (GetNPUsers' attributes)"),
    LDAP_REPLY_DELEGATION("ldap.reply_delegation", Kind.NUMBER, "entries of a search answered without its request that "
            + "show delegation (userAccountControl 0x80000 or 0x1000000, msDS-AllowedToDelegateTo, "
            + "msDS-AllowedToActOnBehalfOfOtherIdentity), with nothing besides those, sAMAccountName, pwdLastSet and "
            + "objectCategory (findDelegation's attributes)"),
    LDAP_REPLY_LAPS_PASSWORDS("ldap.reply_laps_passwords", Kind.NUMBER, "entries of a search answered without its "
            + "request carrying a ms-Mcs-AdmPwd, msLAPS-Password or msLAPS-EncryptedPassword value"),
    SMB_GPP_CPASSWORD("smb.gpp_cpassword", Kind.NUMBER, "characters of the non-empty cpassword value in a Group Policy "
            + "Preferences XML document read over SMB2 (recognised in the READ answer's data)"),
    SMB_GPP_ROOT("smb.gpp_root", Kind.TEXT, "root element of that document (Groups, NTServices, ScheduledTasks, "
            + "DataSources, Drives, Printers ...)");

    /** What a field holds; decides which operators apply. */
    public enum Kind { TEXT, NUMBER, ADDRESS }

    /**
     * Which of {@link #visit}'s switches reads a field, by the prefix of its id: a field's case goes in
     * the switch of its family (a case in another family's switch is never reached; EventFieldFamilyTest
     * fails on one).
     */
    enum Family { SMB, DCERPC, RPC_ARGS, KERBEROS, LDAP, NTLM, OTHER }

    private final String id;
    private final Kind kind;
    private final String description;
    private final Family family;

    EventField(String id, Kind kind, String description) {
        this.id = id;
        this.kind = kind;
        this.description = description;
        this.family = familyOf(id);
    }

    private static Family familyOf(String id) {
        int dot = id.indexOf('.');
        return switch (dot < 0 ? "" : id.substring(0, dot)) {
            case "smb", "smb1", "smb2" -> Family.SMB;
            case "dcerpc", "epm" -> Family.DCERPC;
            case "svcctl", "samr", "winreg", "task", "coerce", "lsa", "dcom" -> Family.RPC_ARGS;
            case "krb5" -> Family.KERBEROS;
            case "ldap" -> Family.LDAP;
            case "ntlm" -> Family.NTLM;
            default -> Family.OTHER;
        };
    }

    public String id() {
        return id;
    }

    /** The switch of {@link #visit} that reads this field (EventFieldFamilyTest checks the cases are there). */
    Family family() {
        return family;
    }

    public Kind kind() {
        return kind;
    }

    public String description() {
        return description;
    }

    /**
     * The event kinds this field exists on, as an {@link EventKind} mask: a rule is only evaluated on
     * the kinds all its fields share (the data-rule index). Must cover every kind {@link #visit} reads.
     */
    public long kinds() {
        return switch (this) {
            case SMB_SHARE -> EventKind.SMB_TREE_CONNECT.bit | EventKind.SMB_FILE.bit | EventKind.SMB_PIPE.bit;
            case SMB_FILENAME -> EventKind.SMB_FILE.bit | EventKind.SMB_PIPE.bit;
            case SMB_PIPE -> EventKind.SMB_PIPE.bit | EventKind.DCERPC_REQUEST.bit;
            case SMB_PIPE_NAME -> EventKind.SMB_PIPE.bit;
            case DCERPC_INTERFACE, DCERPC_OPNUM, DCERPC_OPERATION, SVCCTL_SERVICE_NAME, SVCCTL_BINARY_PATH,
                 SVCCTL_MACHINE_NAME, SVCCTL_SERVICE_NAME_LETTERS, SVCCTL_BINARY_PATH_SHAPE,
                 DCOM_CLSID, DCOM_STRING,
                 WINREG_KEY, TASK_COMMAND, DCERPC_ARGS_DECODED, WINREG_KEY_CLASS, WINREG_SAVED_FILE ->
                    EventKind.DCERPC_REQUEST.bit;
            case COERCE_PATH, COERCE_HOST -> EventKind.DCERPC_REQUEST.bit | EventKind.MSSQL_BATCH.bit;
            case KRB5_SNAME, KRB5_CNAME, KRB5_ETYPES, KRB5_FIRST_ETYPE_NAME, KRB5_WEAK_OFFER, KRB5_RC4_PREAUTH,
                 KRB5_KDC_OPTIONS, KRB5_S4U_USER, KRB5_PAC_OPTIONS, KRB5_ADDITIONAL_TICKETS -> EventKind.KRB_REQUEST.bit;
            case KRB5_MSG_TYPE, KRB5_PREAUTH -> EventKind.KRB_REQUEST.bit | EventKind.KRB_REPLY.bit;
            case KRB5_REPLY_CNAME, KRB5_ENC_PART_ETYPE -> EventKind.KRB_REPLY.bit;
            case KRB5_SNAME_CLASS, KRB5_SNAME_TYPE, KRB5_SNAME_PARTS -> EventKind.KRB_REQUEST.bit | EventKind.KRB_REPLY.bit
                    | EventKind.KRB_AP_REQUEST.bit;
            case KRB5_TICKET_SNAME, KRB5_TICKET_ETYPE, KRB5_TICKET_ETYPE_NAME -> EventKind.KRB_REPLY.bit
                    | EventKind.KRB_AP_REQUEST.bit;
            case LDAP_FILTER -> EventKind.LDAP_SEARCH.bit;
            case LDAP_ATTRIBUTE -> EventKind.LDAP_MODIFY.bit | EventKind.LDAP_ADD.bit;
            case LDAP_DN -> EventKind.LDAP_MODIFY.bit | EventKind.LDAP_ADD.bit | EventKind.LDAP_SEARCH.bit;
            case NTLM_FLAGS, NTLM_WORKSTATION -> EventKind.NTLM_AUTHENTICATE.bit | EventKind.NTLM_NEGOTIATE.bit;
            case NTLM_USER, NTLM_DOMAIN, NTLM_RESPONSE_VERSION, NTLM_MIC, NTLM_ANONYMOUS, NTLM_NTLMSSP ->
                    EventKind.NTLM_AUTHENTICATE.bit;
            case NTLM_VERSION_PRESENT, NTLM_WORKSTATION_LENGTH -> EventKind.NTLM_AUTHENTICATE.bit
                    | EventKind.NTLM_NEGOTIATE.bit;
            case SMB_SHARE_NAME, SMB_ADMIN_SHARE -> EventKind.SMB_TREE_CONNECT.bit | EventKind.SMB_FILE.bit
                    | EventKind.SMB_PIPE.bit;
            case SMB_FILE_SHAPE, SMB_WRITE -> EventKind.SMB_FILE.bit | EventKind.SMB_PIPE.bit;
            case SMB_STATUS -> EventKind.SMB_TREE_CONNECT.bit | EventKind.SMB_FILE.bit | EventKind.SMB_PIPE.bit;
            case SMB1_DIALECTS, SMB1_DIALECT_SHAPE -> EventKind.SMB1_NEGOTIATE.bit;
            case SMB2_CLIENT_GUID_LETTERS -> EventKind.SMB2_NEGOTIATE.bit;
            case LDAP_FILTER_SHAPE, LDAP_PRIVILEGED_GROUP -> EventKind.LDAP_SEARCH.bit;
            case EVENT, SRC_IP, DEST_IP -> EventKind.ALL;
            case KRB5_PADATA -> EventKind.KRB_REQUEST.bit;
            case SAMR_INFO_CLASS -> EventKind.DCERPC_REQUEST.bit;
            case DCERPC_MAX_XMIT_FRAG, DCERPC_AUTH_CONTEXT_ID, DCERPC_AUTH_TYPE, DCERPC_ALTER_CONTEXT, DCERPC_CONTEXT_COUNT,
                 DCERPC_BIND_INTERFACE, DCERPC_TRANSFER_SYNTAX, DCERPC_TRANSFER_SYNTAX_COUNT -> EventKind.DCERPC_BIND.bit;
            case SVCCTL_CONTROL_NAME, SVCCTL_PHANTOM_DLL, SAMR_RID, SAMR_RID_NAME, SAMR_OBJECT, SAMR_ACCOUNT_NAME,
                 SAMR_ACCOUNT_TYPE, LSA_SID_COUNT, LSA_MIN_RID, LSA_MAX_RID, TASK_PATH, TASK_SHAPE, DCOM_CLASS,
                 DCOM_CLASS_LATERAL -> EventKind.DCERPC_REQUEST.bit;
            case ACCOUNT_NAME_SHAPE -> EventKind.DCERPC_REQUEST.bit | EventKind.LDAP_ADD.bit;
            case SAME_HOST -> EventKind.ALL;
            case LDAP_OBJECT_CLASS, LDAP_SAM_ACCOUNT_NAME -> EventKind.LDAP_ADD.bit;
            case ANOMALY_NAME, ANOMALY_DETAIL -> EventKind.PROTOCOL_ANOMALY.bit;
            case MSSQL_BATCH, MSSQL_BATCH_SHAPE -> EventKind.MSSQL_BATCH.bit;
            case LDAP_BIND_MESSAGE_ID -> EventKind.LDAP_OTHER.bit;
            case NTLM_MSV_AV_FLAGS -> EventKind.NTLM_AUTHENTICATE.bit;
            case EPM_INQUIRY_TYPE, EPM_MAX_ENTRIES, EPM_INTERFACE -> EventKind.DCERPC_REQUEST.bit;
            case RDP_COOKIE, RDP_REQUESTED_PROTOCOLS, RDP_CLIENT_SHAPE -> EventKind.RDP_REQUEST.bit | EventKind.RDP_TLS.bit;
            case RDP_JA3_HASH -> EventKind.RDP_TLS.bit;
            case KRB5_REPLY_PADATA, KRB5_REQUEST_SEEN -> EventKind.KRB_REPLY.bit;
            case DCERPC_ANSWER -> EventKind.DCERPC_OTHER.bit;
            case KRB5_FOR_USER_CKSUMTYPE -> EventKind.KRB_REQUEST.bit;
            case SSRP_REQUEST, SSRP_INSTANCE, SSRP_LENGTH -> EventKind.SSRP_REQUEST.bit;
            case LDAP_REQUEST_SEEN -> EventKind.LDAP_SEARCH.bit | EventKind.LDAP_MODIFY.bit | EventKind.LDAP_ADD.bit
                    | EventKind.LDAP_OTHER.bit;
            case LDAP_REPLY_OP, LDAP_REPLY_MESSAGE_ID, LDAP_REPLY_BIND_ID_STEP, LDAP_REPLY_ENTRIES, LDAP_REPLY_USER_LISTING,
                 LDAP_REPLY_SPN_USERS, LDAP_REPLY_NO_PREAUTH, LDAP_REPLY_DELEGATION, LDAP_REPLY_LAPS_PASSWORDS ->
                    EventKind.LDAP_OTHER.bit;
            case SMB_GPP_CPASSWORD, SMB_GPP_ROOT -> EventKind.SMB_OTHER.bit;
        };
    }

    /** The Connection Request of an RDP request or of the TLS handshake that followed it, or null. */
    private static RdpEvent.RdpConnectRequest rdpRequest(SensorEvent ev) {
        return ev instanceof RdpEvent.RdpConnectRequest q ? q
                : ev instanceof RdpEvent.RdpTlsHandshake t ? t.request() : null;
    }

    /**
     * True when an event has at most one value of this field ({@link #visit} calls its visitor at
     * most once): its value can be read once per event and kept ({@link EventValues}). False for
     * the lists (etypes, PA-DATA types, attributes, DCOM strings, dialects, bind contexts and
     * transfer syntaxes, objectClass values), for {@code dcerpc.interface} (UUID and name) and for
     * the addresses, which a condition reads from the header.
     */
    public boolean single() {
        return switch (this) {
            case DCERPC_INTERFACE, KRB5_ETYPES, KRB5_PADATA, LDAP_ATTRIBUTE, DCOM_STRING, SMB1_DIALECTS,
                 DCERPC_BIND_INTERFACE, DCERPC_TRANSFER_SYNTAX, LDAP_OBJECT_CLASS, KRB5_REPLY_PADATA, SRC_IP,
                 DEST_IP -> false;
            default -> true;
        };
    }

    /** values() copies the array on every call; indicators look fields up per match. */
    private static final EventField[] ALL = values();

    /** The field of this name, or null. */
    public static EventField byId(String id) {
        for (EventField f : ALL) {
            if (f.id.equals(id)) {
                return f;
            }
        }
        return null;
    }

    /** The field named by {@code s[from, to)} (an indicator placeholder), or null; no copy of the name. */
    static EventField byId(String s, int from, int to) {
        for (EventField f : ALL) {
            if (f.id.length() == to - from && s.startsWith(f.id, from)) {
                return f;
            }
        }
        return null;
    }

    /** Receives the values of a field; returns true to stop (a match was found). */
    interface Visitor {
        boolean text(String v);

        boolean number(long v);

        /** A text value that starts at {@code from} in {@code v} (no copy on the event path). */
        default boolean text(String v, int from) {
            return text(v.substring(from));
        }
    }

    /** Feeds this field's values in {@code ev} to {@code v}; true when it stopped on a match. */
    boolean visit(SensorEvent ev, Visitor v) {
        // Two levels: C1 compiles a switch into a chain of compares in case order (in a micro-benchmark
        // the 145th case of a 150-case enum switch costs 36 ns more than the first), so the family
        // picks a switch of at most 24 cases first.
        return switch (family) {
            case SMB -> visitSmb(ev, v);
            case DCERPC -> visitDcerpc(ev, v);
            case RPC_ARGS -> visitRpcArgs(ev, v);
            case KERBEROS -> visitKerberos(ev, v);
            case LDAP -> visitLdap(ev, v);
            case NTLM -> visitNtlm(ev, v);
            case OTHER -> visitOther(ev, v);
        };
    }

    private boolean visitSmb(SensorEvent ev, Visitor v) {
        switch (this) {
            case SMB_SHARE -> {
                if (ev instanceof SmbEvent.SmbTreeConnect t) {
                    return t.path() != null && v.text(t.path());
                }
                String s = ev instanceof SmbEvent.SmbCreate c ? c.share() : ev instanceof SmbEvent.SmbRead r ? r.share()
                        : ev instanceof SmbEvent.SmbWrite w ? w.share() : null;
                return s != null && v.text(s);
            }
            case SMB_FILENAME -> {
                String s = ev instanceof SmbEvent.SmbCreate c ? c.fileName() : ev instanceof SmbEvent.SmbRead r
                        ? r.fileName() : ev instanceof SmbEvent.SmbWrite w ? w.fileName() : null;
                return s != null && v.text(s);
            }
            case SMB_PIPE -> {
                if (ev instanceof SmbEvent.SmbCreate c && c.namedPipe()) {
                    return c.fileName() != null && v.text(c.fileName());
                }
                return ev instanceof DcerpcEvent.DcerpcRequest r && r.namedPipe() != null && v.text(r.namedPipe());
            }
            case SMB_PIPE_NAME -> {
                // As the signature layer decides a pipe: a create flagged as a pipe or naming \PIPE\...,
                // a read or write on a pipe handle.
                String name;
                boolean pipe;
                if (ev instanceof SmbEvent.SmbCreate c) {
                    name = c.fileName();
                    pipe = c.namedPipe() || Text.startsWith(name, "\\PIPE\\") || Text.startsWith(name, "PIPE\\");
                } else if (ev instanceof SmbEvent.SmbRead r) {
                    name = r.fileName();
                    pipe = r.namedPipe();
                } else if (ev instanceof SmbEvent.SmbWrite w) {
                    name = w.fileName();
                    pipe = w.namedPipe();
                } else {
                    return false;
                }
                return pipe && name != null && !name.isEmpty() && v.text(name, Text.baseStart(name));
            }
            case SMB_SHARE_NAME -> {
                String s = share(ev);
                return s != null && !s.isEmpty() && v.text(s, Text.baseStart(s));
            }
            case SMB_ADMIN_SHARE -> {
                if (!(ev instanceof SmbEvent.SmbTreeConnect || ev instanceof SmbEvent.SmbCreate || ev instanceof SmbEvent.SmbRead
                        || ev instanceof SmbEvent.SmbWrite)) {
                    return false;
                }
                String s = share(ev);
                return v.number(adminShare(s));
            }
            case SMB_FILE_SHAPE -> {
                String s = ev instanceof SmbEvent.SmbCreate c ? c.fileName() : ev instanceof SmbEvent.SmbRead r
                        ? r.fileName() : ev instanceof SmbEvent.SmbWrite w ? w.fileName() : null;
                return s != null && !s.isEmpty() && v.number(SmbFileShape.of(s));
            }
            case SMB_WRITE -> {
                if (ev instanceof SmbEvent.SmbCreate c) {
                    // Write access, or a disposition that replaces or creates: supersede (0), create (2), overwrite_if (5).
                    int d = c.disposition();
                    return v.number((c.desiredAccess() & WRITE_ACCESS) != 0 || d == 0 || d == 2 || d == 5 ? 1 : 0);
                }
                return ev instanceof SmbEvent.SmbWrite ? v.number(1) : ev instanceof SmbEvent.SmbRead && v.number(0);
            }
            case SMB_STATUS -> {
                return ev instanceof SmbEvent.SmbTreeConnect t ? v.number(t.status())
                        : ev instanceof SmbEvent.SmbCreate c && v.number(c.status());
            }
            case SMB1_DIALECTS -> {
                if (ev instanceof SmbEvent.Smb1Negotiate n) {
                    List<String> l = n.dialects();
                    for (int i = 0; i < l.size(); i++) {
                        if (l.get(i) != null && v.text(l.get(i))) {
                            return true;
                        }
                    }
                }
                return false;
            }
            case SMB1_DIALECT_SHAPE -> {
                return ev instanceof SmbEvent.Smb1Negotiate n && v.number(impacketSmb1Dialects(n.dialects()) ? 1 : 0);
            }
            case SMB2_CLIENT_GUID_LETTERS -> {
                return ev instanceof SmbEvent.Smb2Negotiate n && v.number(asciiLetters(n.clientGuid()) ? 1 : 0);
            }
            case SMB_GPP_CPASSWORD -> {
                return ev instanceof SmbEvent.SmbGppCpassword g && v.number(g.cpasswordChars());
            }
            case SMB_GPP_ROOT -> {
                return ev instanceof SmbEvent.SmbGppCpassword g && !g.rootElement().isEmpty() && v.text(g.rootElement());
            }
            default -> {
                return false; // not a field of this family: visit dispatches by family
            }
        }
    }

    private boolean visitDcerpc(SensorEvent ev, Visitor v) {
        switch (this) {
            case DCERPC_INTERFACE -> {
                if (ev instanceof DcerpcEvent.DcerpcRequest r && r.interfaceUuid() != null) {
                    String name = RpcInterfaces.name(r.interfaceUuid());
                    return v.text(r.interfaceUuid().toString()) || (name != null && v.text(name));
                }
                return false;
            }
            case DCERPC_OPNUM -> {
                return ev instanceof DcerpcEvent.DcerpcRequest r && v.number(r.opnum());
            }
            case DCERPC_OPERATION -> {
                if (ev instanceof DcerpcEvent.DcerpcRequest r) {
                    String op = RpcInterfaces.operation(r.interfaceUuid(), r.opnum());
                    return op != null && v.text(op);
                }
                return false;
            }
            case DCERPC_ARGS_DECODED -> {
                return ev instanceof DcerpcEvent.DcerpcRequest r && v.number(r.args() != null ? 1 : 0);
            }
            case DCERPC_MAX_XMIT_FRAG, DCERPC_AUTH_CONTEXT_ID, DCERPC_AUTH_TYPE, DCERPC_ALTER_CONTEXT, DCERPC_CONTEXT_COUNT,
                 DCERPC_BIND_INTERFACE, DCERPC_TRANSFER_SYNTAX, DCERPC_TRANSFER_SYNTAX_COUNT -> {
                return ev instanceof DcerpcEvent.DcerpcBind b && CallFields.bind(this, b, v);
            }
            case EPM_INQUIRY_TYPE -> {
                return args(ev) instanceof RpcArgs.EpmLookupRequest l && v.number(l.inquiryType());
            }
            case EPM_MAX_ENTRIES -> {
                return args(ev) instanceof RpcArgs.EpmLookupRequest l && v.number(l.maxEntries());
            }
            case DCERPC_ANSWER -> {
                return ev instanceof DcerpcEvent.DcerpcResponse r && r.result() instanceof RpcArgs.ScmCreateServiceAnswer
                        && v.text("service_created");
            }
            case EPM_INTERFACE -> {
                // ept_map and ept_lookup are a connection's first calls, not its bulk: the UUID's text is built here
                RpcArgs a = args(ev);
                java.util.UUID u = a instanceof RpcArgs.EpmMapRequest m ? m.interfaceUuid()
                        : a instanceof RpcArgs.EpmLookupRequest l ? l.interfaceUuid() : null;
                return u != null && v.text(uuidText(u));
            }
            default -> {
                return false; // not a field of this family: visit dispatches by family
            }
        }
    }

    private boolean visitRpcArgs(SensorEvent ev, Visitor v) {
        switch (this) {
            case SVCCTL_SERVICE_NAME -> {
                RpcArgs a = args(ev);
                String s = a instanceof RpcArgs.ScmCreateService cs ? cs.serviceName() : a instanceof RpcArgs.ScmOpenService os
                        ? os.serviceName() : a instanceof RpcArgs.ScmServiceAction sa ? sa.serviceName() : null;
                return s != null && v.text(s);
            }
            case SVCCTL_BINARY_PATH -> {
                RpcArgs a = args(ev);
                String s = a instanceof RpcArgs.ScmCreateService cs ? cs.binaryPath()
                        : a instanceof RpcArgs.ScmChangeServiceConfig cc ? cc.binaryPath() : null;
                return s != null && v.text(s);
            }
            case WINREG_KEY_CLASS -> {
                return args(ev) instanceof RpcArgs.RegOpenKey k && v.number(winregKeyClass(k.keyPath()));
            }
            case WINREG_SAVED_FILE -> {
                return args(ev) instanceof RpcArgs.RegSaveKey k && k.fileName() != null && v.text(k.fileName());
            }
            case SVCCTL_MACHINE_NAME -> {
                return args(ev) instanceof RpcArgs.ScmOpenManager om && om.machineName() != null && v.text(om.machineName());
            }
            case SVCCTL_SERVICE_NAME_LETTERS -> {
                RpcArgs a = args(ev);
                String s = a instanceof RpcArgs.ScmCreateService cs ? cs.serviceName() : a instanceof RpcArgs.ScmOpenService os
                        ? os.serviceName() : a instanceof RpcArgs.ScmServiceAction sa ? sa.serviceName() : null;
                return s != null && v.number(Text.letters(s, 0, s.length()) ? s.length() : 0);
            }
            case SVCCTL_BINARY_PATH_SHAPE -> {
                RpcArgs a = args(ev);
                String s = a instanceof RpcArgs.ScmCreateService cs ? cs.binaryPath()
                        : a instanceof RpcArgs.ScmChangeServiceConfig cc ? cc.binaryPath() : null;
                return s != null && v.number(binaryPathShape(s));
            }
            case DCOM_CLSID -> {
                return args(ev) instanceof RpcArgs.DcomActivation d && d.clsid() != null
                        && v.text(d.clsid().toString().toLowerCase(Locale.ROOT));
            }
            case DCOM_STRING -> {
                if (args(ev) instanceof RpcArgs.DcomStrings d) {
                    List<String> l = d.strings();
                    for (int i = 0; i < l.size(); i++) {
                        if (l.get(i) != null && v.text(l.get(i))) {
                            return true;
                        }
                    }
                }
                return false;
            }
            case WINREG_KEY -> {
                RpcArgs a = args(ev);
                String s = a instanceof RpcArgs.RegOpenKey k ? k.keyPath() : a instanceof RpcArgs.RegSaveKey k ? k.keyPath()
                        : null;
                return s != null && v.text(s);
            }
            case TASK_COMMAND -> {
                RpcArgs a = args(ev);
                String s = a instanceof RpcArgs.AtJobAdd j ? j.command() : a instanceof RpcArgs.TaskRegister t ? t.xml() : null;
                return s != null && v.text(s);
            }
            case COERCE_PATH -> {
                if (ev instanceof MssqlEvent.MssqlBatch b) {
                    String p = MssqlBatchShape.path(b.textPrefix());
                    return p != null && v.text(p);
                }
                return args(ev) instanceof RpcArgs.UncPath u && u.path() != null && v.text(u.path());
            }
            case COERCE_HOST -> {
                if (ev instanceof MssqlEvent.MssqlBatch b) {
                    String h = MssqlBatchShape.host(b.textPrefix());
                    return h != null && v.text(h);
                }
                return args(ev) instanceof RpcArgs.UncPath u && u.listener() && u.host() != null && v.text(u.host());
            }
            case SAMR_INFO_CLASS -> {
                return args(ev) instanceof RpcArgs.SamrSetUserInfo u && v.number(u.infoClass());
            }
            case SVCCTL_CONTROL_NAME, SVCCTL_PHANTOM_DLL, SAMR_RID, SAMR_RID_NAME, SAMR_OBJECT, SAMR_ACCOUNT_NAME,
                 SAMR_ACCOUNT_TYPE, LSA_SID_COUNT, LSA_MIN_RID, LSA_MAX_RID, TASK_PATH, TASK_SHAPE, DCOM_CLASS,
                 DCOM_CLASS_LATERAL -> {
                RpcArgs a = args(ev);
                return a != null && CallFields.args(this, a, v);
            }
            default -> {
                return false; // not a field of this family: visit dispatches by family
            }
        }
    }

    private boolean visitKerberos(SensorEvent ev, Visitor v) {
        switch (this) {
            case KRB5_SNAME -> {
                return ev instanceof KerberosEvent.KerberosRequest k && k.sname() != null && v.text(k.sname().toString());
            }
            case KRB5_CNAME -> {
                return ev instanceof KerberosEvent.KerberosRequest k && k.cname() != null && v.text(k.cname().toString());
            }
            case KRB5_ETYPES -> {
                if (ev instanceof KerberosEvent.KerberosRequest k) {
                    List<Integer> l = k.etypes();
                    for (int i = 0; i < l.size(); i++) {
                        if (v.number(l.get(i))) {
                            return true;
                        }
                    }
                }
                return false;
            }
            case KRB5_MSG_TYPE -> {
                return ev instanceof KerberosEvent.KerberosRequest k ? v.number(k.msgType())
                        : ev instanceof KerberosEvent.KerberosReply p && v.number(p.msgType());
            }
            case KRB5_FIRST_ETYPE_NAME -> {
                return ev instanceof KerberosEvent.KerberosRequest k && !k.etypes().isEmpty()
                        && v.text(etypeName(k.etypes().get(0)));
            }
            case KRB5_WEAK_OFFER -> {
                if (ev instanceof KerberosEvent.KerberosRequest k) {
                    List<Integer> l = k.etypes();
                    boolean allWeak = !l.isEmpty();
                    for (int i = 0; i < l.size(); i++) {
                        allWeak &= weakEtype(l.get(i));
                    }
                    return v.number(allWeak ? 2 : !l.isEmpty() && l.get(0) == RC4_HMAC ? 1 : 0);
                }
                return false;
            }
            case KRB5_RC4_PREAUTH -> {
                if (ev instanceof KerberosEvent.KerberosRequest k) {
                    List<Integer> l = k.etypes();
                    return v.number(l.size() == 1 && l.get(0) == RC4_HMAC && k.encTimestampEtype() == RC4_HMAC ? 1 : 0);
                }
                return false;
            }
            case KRB5_PREAUTH -> {
                KerberosEvent.KerberosRequest k = ev instanceof KerberosEvent.KerberosRequest q ? q
                        : ev instanceof KerberosEvent.KerberosReply p ? p.request() : null;
                return k != null && v.number(hasPadata(k, PA_ENC_TIMESTAMP) ? 1 : 0);
            }
            case KRB5_KDC_OPTIONS -> {
                return ev instanceof KerberosEvent.KerberosRequest k && v.number(k.kdcOptions() & 0xFFFFFFFFL);
            }
            case KRB5_SNAME_CLASS -> {
                if (ev instanceof KerberosEvent.KerberosRequest k) {
                    return v.number(snameClass(k.sname()));
                }
                KerberosEvent.PrincipalName n = ticketSname(ev);
                return n != null && v.number(snameClass(n));
            }
            case KRB5_SNAME_TYPE -> {
                KerberosEvent.PrincipalName n = ev instanceof KerberosEvent.KerberosRequest k ? k.sname() : ticketSname(ev);
                return n != null && v.number(n.nameType());
            }
            case KRB5_SNAME_PARTS -> {
                KerberosEvent.PrincipalName n = ev instanceof KerberosEvent.KerberosRequest k ? k.sname() : ticketSname(ev);
                return n != null && v.number(n.components().size());
            }
            case KRB5_TICKET_SNAME -> {
                KerberosEvent.PrincipalName n = ticketSname(ev);
                return n != null && v.text(n.toString());
            }
            case KRB5_TICKET_ETYPE -> {
                KerberosEvent.TicketInfo t = ticket(ev);
                return t != null && v.number(t.etype());
            }
            case KRB5_TICKET_ETYPE_NAME -> {
                KerberosEvent.TicketInfo t = ticket(ev);
                return t != null && v.text(etypeName(t.etype()));
            }
            case KRB5_REPLY_CNAME -> {
                return ev instanceof KerberosEvent.KerberosReply p && p.cname() != null && v.text(p.cname().toString());
            }
            case KRB5_ENC_PART_ETYPE -> {
                return ev instanceof KerberosEvent.KerberosReply p && v.number(p.encPartEtype());
            }
            case KRB5_S4U_USER -> {
                return ev instanceof KerberosEvent.KerberosRequest k && k.forUserName() != null && v.text(k.forUserName());
            }
            case KRB5_PAC_OPTIONS -> {
                return ev instanceof KerberosEvent.KerberosRequest k && k.pacOptions() != -1
                        && v.number(k.pacOptions() & 0xFFFFFFFFL);
            }
            case KRB5_ADDITIONAL_TICKETS -> {
                return ev instanceof KerberosEvent.KerberosRequest k && v.number(k.additionalTickets().size());
            }
            case KRB5_PADATA -> {
                if (ev instanceof KerberosEvent.KerberosRequest k) {
                    List<Integer> l = k.padataTypes();
                    for (int i = 0; i < l.size(); i++) {
                        if (v.number(l.get(i))) {
                            return true;
                        }
                    }
                }
                return false;
            }
            case KRB5_REPLY_PADATA -> {
                if (ev instanceof KerberosEvent.KerberosReply p) {
                    List<Integer> l = p.padataTypes();
                    for (int i = 0; i < l.size(); i++) {
                        if (v.number(l.get(i))) {
                            return true;
                        }
                    }
                }
                return false;
            }
            case KRB5_REQUEST_SEEN -> {
                return ev instanceof KerberosEvent.KerberosReply p && v.number(p.request() != null ? 1 : 0);
            }
            case KRB5_FOR_USER_CKSUMTYPE -> {
                return ev instanceof KerberosEvent.KerberosRequest k && k.forUserName() != null
                        && v.number(k.forUserChecksumType());
            }
            default -> {
                return false; // not a field of this family: visit dispatches by family
            }
        }
    }

    private boolean visitLdap(SensorEvent ev, Visitor v) {
        switch (this) {
            case LDAP_FILTER -> {
                return ev instanceof LdapEvent.LdapSearch s && s.filter() != null && v.text(s.filter());
            }
            case LDAP_ATTRIBUTE -> {
                if (ev instanceof LdapEvent.LdapModify m) {
                    for (LdapEvent.Modification x : m.modifications()) {
                        if (v.text(x.attribute().name())) {
                            return true;
                        }
                    }
                } else if (ev instanceof LdapEvent.LdapAdd a) {
                    for (LdapEvent.Attribute x : a.attributes()) {
                        if (v.text(x.name())) {
                            return true;
                        }
                    }
                }
                return false;
            }
            case LDAP_DN -> {
                String s = ev instanceof LdapEvent.LdapModify m ? m.dn() : ev instanceof LdapEvent.LdapAdd a ? a.dn()
                        : ev instanceof LdapEvent.LdapSearch s2 ? s2.base() : null;
                return s != null && v.text(s);
            }
            case LDAP_FILTER_SHAPE -> {
                return ev instanceof LdapEvent.LdapSearch s && v.number(LdapFilterShape.of(s.filter()));
            }
            case LDAP_PRIVILEGED_GROUP -> {
                String g = ev instanceof LdapEvent.LdapSearch s ? LdapFilterShape.privilegedGroup(s.filter()) : null;
                return g != null && v.text(g);
            }
            case LDAP_OBJECT_CLASS -> {
                return ev instanceof LdapEvent.LdapAdd a && CallFields.objectClass(a, v);
            }
            case LDAP_SAM_ACCOUNT_NAME -> {
                String s = ev instanceof LdapEvent.LdapAdd a ? CallFields.samAccountName(a) : null;
                return s != null && v.text(s);
            }
            case LDAP_BIND_MESSAGE_ID -> {
                return ev instanceof LdapEvent.LdapBind b && v.number(b.messageId());
            }
            case LDAP_REQUEST_SEEN -> {
                return ev instanceof LdapEvent l && !(l instanceof LdapEvent.LdapSealed)
                        && !(l instanceof LdapEvent.LdapStartTls) && v.number(l instanceof LdapEvent.LdapReply ? 0 : 1);
            }
            case LDAP_REPLY_OP -> {
                return ev instanceof LdapEvent.LdapReply r && v.number(r.protocolOp());
            }
            case LDAP_REPLY_MESSAGE_ID -> {
                return ev instanceof LdapEvent.LdapReply r && v.number(r.messageId());
            }
            case LDAP_REPLY_BIND_ID_STEP -> {
                return ev instanceof LdapEvent.LdapReply r && r.protocolOp() == 1 && r.previousBindId() >= 0
                        && v.number(Math.abs((long) r.messageId() - r.previousBindId()));
            }
            case LDAP_REPLY_ENTRIES -> {
                return ev instanceof LdapEvent.LdapReply r && r.protocolOp() == 5 && v.number(r.shape().entries());
            }
            case LDAP_REPLY_USER_LISTING -> {
                return ev instanceof LdapEvent.LdapReply r && r.protocolOp() == 5 && v.number(r.shape().userListing());
            }
            case LDAP_REPLY_SPN_USERS -> {
                return ev instanceof LdapEvent.LdapReply r && r.protocolOp() == 5 && v.number(r.shape().spnUsers());
            }
            case LDAP_REPLY_NO_PREAUTH -> {
                return ev instanceof LdapEvent.LdapReply r && r.protocolOp() == 5 && v.number(r.shape().noPreauth());
            }
            case LDAP_REPLY_DELEGATION -> {
                return ev instanceof LdapEvent.LdapReply r && r.protocolOp() == 5 && v.number(r.shape().delegation());
            }
            case LDAP_REPLY_LAPS_PASSWORDS -> {
                return ev instanceof LdapEvent.LdapReply r && r.protocolOp() == 5 && v.number(r.shape().lapsPasswords());
            }
            default -> {
                return false; // not a field of this family: visit dispatches by family
            }
        }
    }

    private boolean visitNtlm(SensorEvent ev, Visitor v) {
        switch (this) {
            case NTLM_FLAGS -> {
                return ev instanceof NtlmEvent.NtlmAuthenticate a ? v.number(a.flags() & 0xFFFFFFFFL)
                        : ev instanceof NtlmEvent.NtlmNegotiate n && v.number(n.flags() & 0xFFFFFFFFL);
            }
            case NTLM_USER -> {
                return ev instanceof NtlmEvent.NtlmAuthenticate a && a.user() != null && v.text(a.user());
            }
            case NTLM_DOMAIN -> {
                return ev instanceof NtlmEvent.NtlmAuthenticate a && a.domain() != null && v.text(a.domain());
            }
            case NTLM_WORKSTATION -> {
                String s = ev instanceof NtlmEvent.NtlmAuthenticate a ? a.workstation()
                        : ev instanceof NtlmEvent.NtlmNegotiate n ? n.workstation() : null;
                return s != null && v.text(s);
            }
            case NTLM_RESPONSE_VERSION -> {
                return ev instanceof NtlmEvent.NtlmAuthenticate a && v.number(a.ntlmVersion());
            }
            case NTLM_VERSION_PRESENT -> {
                return ev instanceof NtlmEvent.NtlmAuthenticate a ? v.number(a.version() != null ? 1 : 0)
                        : ev instanceof NtlmEvent.NtlmNegotiate n && v.number(n.version() != null ? 1 : 0);
            }
            case NTLM_MIC -> {
                if (ev instanceof NtlmEvent.NtlmAuthenticate a) {
                    int m = a.micPresent() ? 1 : a.msvAvFlags() == -1 ? 0 : (a.msvAvFlags() & AV_FLAG_MIC) != 0 ? 2 : 3;
                    return v.number(m);
                }
                return false;
            }
            case NTLM_ANONYMOUS -> {
                return ev instanceof NtlmEvent.NtlmAuthenticate a && v.number(a.anonymous() ? 1 : 0);
            }
            case NTLM_NTLMSSP -> {
                // An SMB1 login without extended security sends no NTLMSSP message: the decoder reports flags 0,
                // which no NTLMSSP AUTHENTICATE has (MS-NLMP 2.2.1.3 requires NEGOTIATE_NTLM or an LM key flag).
                return ev instanceof NtlmEvent.NtlmAuthenticate a
                        && v.number(a.carrier() == Carrier.SMB1 && a.flags() == 0 ? 0 : 1);
            }
            case NTLM_WORKSTATION_LENGTH -> {
                String s = ev instanceof NtlmEvent.NtlmAuthenticate a ? a.workstation()
                        : ev instanceof NtlmEvent.NtlmNegotiate n ? n.workstation() : null;
                return (ev instanceof NtlmEvent.NtlmAuthenticate || ev instanceof NtlmEvent.NtlmNegotiate)
                        && v.number(s == null ? 0 : s.length());
            }
            case NTLM_MSV_AV_FLAGS -> {
                return ev instanceof NtlmEvent.NtlmAuthenticate a && v.number(a.msvAvFlags());
            }
            default -> {
                return false; // not a field of this family: visit dispatches by family
            }
        }
    }

    private boolean visitOther(SensorEvent ev, Visitor v) {
        switch (this) {
            case EVENT -> {
                return v.text(EventKind.of(ev).id);
            }
            case MSSQL_BATCH -> {
                return ev instanceof MssqlEvent.MssqlBatch b && b.textPrefix() != null && v.text(b.textPrefix());
            }
            case MSSQL_BATCH_SHAPE -> {
                return ev instanceof MssqlEvent.MssqlBatch b && v.number(MssqlBatchShape.of(b.textPrefix()));
            }
            case ACCOUNT_NAME_SHAPE -> {
                if (args(ev) instanceof RpcArgs.SamrCreateUser cu) {
                    return v.number(CallFields.accountNameShape(cu.accountName()));
                }
                return ev instanceof LdapEvent.LdapAdd a && v.number(CallFields.accountNameShape(CallFields.samAccountName(a)));
            }
            case SAME_HOST -> {
                java.net.InetAddress c = ev.header().clientIp();
                return c != null && v.number(c.equals(ev.header().serverIp()) ? 1 : 0);
            }
            case ANOMALY_NAME -> {
                return ev instanceof ProtocolAnomaly a && a.name() != null && v.text(a.name());
            }
            case ANOMALY_DETAIL -> {
                return ev instanceof ProtocolAnomaly a && a.detail() != null && !a.detail().isEmpty() && v.text(a.detail());
            }
            case RDP_COOKIE -> {
                RdpEvent.RdpConnectRequest q = rdpRequest(ev);
                return q != null && q.cookie() != null && v.text(q.cookie());
            }
            case RDP_REQUESTED_PROTOCOLS -> {
                RdpEvent.RdpConnectRequest q = rdpRequest(ev);
                return q != null && v.number(q.requestedProtocols());
            }
            case RDP_CLIENT_SHAPE -> {
                RdpEvent.RdpConnectRequest q = rdpRequest(ev);
                int shape = q != null && q.cookie() == null && q.routingToken() == null ? 1 : 0;
                if (ev instanceof RdpEvent.RdpTlsHandshake t) {
                    RdpEvent.ClientHello h = t.clientHello();
                    if (h == null) {
                        return false;
                    }
                    shape |= (h.anonymousSuites() > 0 ? 2 : 0) | (h.serverName().isEmpty() ? 4 : 0);
                } else if (q == null) {
                    return false;
                }
                return v.number(shape);
            }
            case RDP_JA3_HASH -> {
                return ev instanceof RdpEvent.RdpTlsHandshake t && t.clientHello() != null
                        && v.text(t.clientHello().ja3Hash());
            }
            case SSRP_REQUEST -> {
                return ev instanceof SsrpEvent.SsrpRequest r && v.number(r.opcode());
            }
            case SSRP_INSTANCE -> {
                return ev instanceof SsrpEvent.SsrpRequest r && !r.instance().isEmpty() && v.text(r.instance());
            }
            case SSRP_LENGTH -> {
                return ev instanceof SsrpEvent.SsrpRequest r && v.number(r.length());
            }
            default -> {
                return false; // addresses: tested by the condition from the header
            }
        }
    }

    /**
     * The {@link #SVCCTL_BINARY_PATH_SHAPE} bits: smbexec's {@code %COMSPEC% /Q /c echo <cmd> ^> \\%COMPUTERNAME%\C$\__output ...}
     * and the VSS {@code execute.bat} (a shell with redirected output), vssadmin, psexec's {@code <8 letters>.exe}, a shell.
     */
    public static int binaryPathShape(String bp) {
        int s = 0;
        boolean comspec = Text.contains(bp, "%COMSPEC%");
        boolean shell = comspec || Text.contains(bp, "cmd.exe");
        if (shell && (Text.contains(bp, "__output") || Text.contains(bp, "execute.bat")
                || (Text.contains(bp, "echo") && Text.contains(bp, "^>")))) {
            s |= 1;
        }
        if (Text.contains(bp, "vssadmin")) {
            s |= 2;
        }
        if (Text.randomFile(bp, ".exe")) {
            s |= 4;
        }
        if (comspec || Text.contains(bp, "powershell")) {
            s |= 8;
        }
        return s;
    }

    /** rc4-hmac (RFC 4757). */
    private static final int RC4_HMAC = 23;
    /** PA-ENC-TIMESTAMP (RFC 4120 5.2.7.2). */
    private static final int PA_ENC_TIMESTAMP = 2;

    /** DES (1, 3) and RC4 (23, 24): the etypes whose keys are the password's NT hash or crackable offline. */
    public static boolean weakEtype(int e) {
        return e == 23 || e == 24 || e == 1 || e == 3;
    }

    /** The name of an encryption type (RFC 3961/3962/4757 numbers). */
    public static String etypeName(int e) {
        return switch (e) {
            case 1 -> "des-cbc-crc";
            case 3 -> "des-cbc-md5";
            case 17 -> "aes128-cts-hmac-sha1-96";
            case 18 -> "aes256-cts-hmac-sha1-96";
            case 23 -> "rc4-hmac";
            case 24 -> "rc4-hmac-exp";
            default -> "etype " + e;
        };
    }

    private static boolean hasPadata(KerberosEvent.KerberosRequest r, int type) {
        List<Integer> l = r.padataTypes();
        for (int i = 0; i < l.size(); i++) {
            if (l.get(i) == type) {
                return true;
            }
        }
        return false;
    }

    private static KerberosEvent.TicketInfo ticket(SensorEvent ev) {
        return ev instanceof KerberosEvent.KerberosReply p ? p.ticket()
                : ev instanceof KerberosEvent.KerberosApRequest a ? a.ticket() : null;
    }

    private static KerberosEvent.PrincipalName ticketSname(SensorEvent ev) {
        KerberosEvent.TicketInfo t = ticket(ev);
        return t == null ? null : t.sname();
    }

    /**
     * Service classes that run under a computer account: their tickets are encrypted with a random
     * 120-character machine password, so an RC4 ticket for one is not roastable.
     */
    private static final String[] MACHINE_SERVICES = {"host", "cifs", "ldap", "krbtgt", "gc", "dns", "rpcss",
        "wsman", "termsrv", "restrictedkrbhost", "netlogon", "E3514235-4B06-11D1-AB04-00C04FC2DCD2"};

    /** The {@link #KRB5_SNAME_CLASS} bits of a principal (0 for null); compares in place, no copy. */
    public static int snameClass(KerberosEvent.PrincipalName n) {
        if (n == null || n.components().isEmpty()) {
            return 0;
        }
        String c = n.components().get(0);
        int s = Text.eq(c, "krbtgt") ? 1 : 0;
        if (n.components().size() >= 2) {
            for (String m : MACHINE_SERVICES) {
                if (Text.eq(c, m)) {
                    s |= 2;
                    break;
                }
            }
        }
        // name$ or name$@REALM: a computer account, whose random password makes it unroastable.
        int at = c.indexOf('@');
        int end = at < 0 ? c.length() : at;
        if (end > 0 && c.charAt(end - 1) == '$') {
            s |= 4;
        }
        return s;
    }

    /** MsvAvFlags bit: the AUTHENTICATE carries a MIC (MS-NLMP 2.2.2.1). */
    private static final int AV_FLAG_MIC = 0x2;

    /** The share of a tree connect (its path), create, read or write, or null. */
    private static String share(SensorEvent ev) {
        return ev instanceof SmbEvent.SmbTreeConnect t ? t.path() : ev instanceof SmbEvent.SmbCreate c ? c.share()
                : ev instanceof SmbEvent.SmbRead r ? r.share() : ev instanceof SmbEvent.SmbWrite w ? w.share() : null;
    }

    /** FILE_WRITE_DATA | FILE_APPEND_DATA | GENERIC_WRITE | GENERIC_ALL | MAXIMUM_ALLOWED (MS-SMB2 2.2.13.1). */
    private static final int WRITE_ACCESS = 0x2 | 0x4 | 0x40000000 | 0x10000000 | 0x02000000;

    /** 1 for ADMIN$, 2 for a drive share (C$, D$ ...), 3 when not known (null or empty), else 0. */
    static int adminShare(String share) {
        if (share == null || share.isEmpty()) {
            return 3;
        }
        int b = Text.baseStart(share); // once: this runs on every SMB create, read and write
        if (share.length() - b == 6 && Text.regionMatches(share, b, "ADMIN$", 0, 6)) {
            return 1;
        }
        return share.length() - b == 2 && share.charAt(b + 1) == '$' && Character.isLetter(share.charAt(b)) ? 2 : 0;
    }

    /**
     * The {@link #WINREG_KEY_CLASS} of a key path: the boot key is scattered over the class names of four
     * Lsa subkeys (secretsdump reads each); SAM and SECURITY hold the hashes and LSA secrets (MS-RRP; the
     * hives' layout is Windows'). The chain step "secret keys" reads the same answer.
     */
    public static int winregKeyClass(String p) {
        if (Text.endsWith(p, "Lsa\\JD") || Text.endsWith(p, "Lsa\\Skew1") || Text.endsWith(p, "Lsa\\GBG")
                || Text.endsWith(p, "Lsa\\Data")) {
            return 1;
        }
        return Text.eq(p, "SAM") || Text.eq(p, "SECURITY") || Text.startsWith(p, "SAM\\") || Text.startsWith(p, "SECURITY\\")
                ? 2 : 0;
    }

    /**
     * Impacket's first packet: an SMB1 NEGOTIATE offering exactly {@code NT LM 0.12}, {@code SMB 2.002},
     * {@code SMB 2.???} (INDICATORS.md §1, impacket smbconnection.py); Windows offers more dialects.
     */
    public static boolean impacketSmb1Dialects(List<String> d) {
        return d != null && d.size() == 3 && "NT LM 0.12".equals(d.get(0)) && "SMB 2.002".equals(d.get(1))
                && "SMB 2.???".equals(d.get(2));
    }

    /** 16 ASCII letters (Impacket's random SMB2 ClientGuid, INDICATORS.md §1). */
    public static boolean asciiLetters(byte[] g) {
        if (g == null || g.length != 16) {
            return false;
        }
        for (byte x : g) {
            if (!((x >= 'a' && x <= 'z') || (x >= 'A' && x <= 'Z'))) {
                return false;
            }
        }
        return true;
    }

    /** A UUID and its text: immutable, so a thread reading another's is safe. */
    private record UuidText(java.util.UUID uuid, String text) {
    }

    /** The UUID whose text was made last: clients ask the endpoint mapper for a few interfaces again and again. */
    private static UuidText lastUuid;

    /** {@code u.toString()}, the String made last when {@code u} is the same UUID. */
    private static String uuidText(java.util.UUID u) {
        UuidText t = lastUuid;
        if (t != null && t.uuid().equals(u)) {
            return t.text();
        }
        String text = u.toString();
        lastUuid = new UuidText(u, text);
        return text;
    }

    private static RpcArgs args(SensorEvent ev) {
        return ev instanceof DcerpcEvent.DcerpcRequest r ? r.args() : null;
    }
}
