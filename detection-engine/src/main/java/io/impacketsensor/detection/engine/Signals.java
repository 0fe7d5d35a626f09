package io.impacketsensor.detection.engine;

import io.impacketsensor.detection.rules.Text;
import io.impacketsensor.core.event.NtlmEvent;
import io.impacketsensor.core.event.RpcArgs;
import io.impacketsensor.core.event.SensorEvent;

import java.util.List;

/**
 * Predicates on event fields shared by the layers (one definition of "an Impacket output file" or
 * "an smbexec binary path"). Values cite INDICATORS.md. Allocation-free.
 */
final class Signals {
    /** FILE_WRITE_DATA | FILE_APPEND_DATA | GENERIC_WRITE | GENERIC_ALL | MAXIMUM_ALLOWED (MS-SMB2 2.2.13.1). */
    static final int WRITE_ACCESS = 0x2 | 0x4 | 0x40000000 | 0x10000000 | 0x02000000;
    /** MsvAvFlags bit 0x2: the client provides a MIC (MS-NLMP 2.2.2.1). */
    static final int AV_FLAG_MIC = 0x2;
    /** NTLMSSP_NEGOTIATE_SIGN (MS-NLMP 2.2.2.5). */
    static final int NTLM_SIGN = 0x10;

    private Signals() {
    }

    /** Success, or no response seen (a request that may well have worked). */
    static boolean ok(long status) {
        return status == 0 || status == SensorEvent.NO_STATUS;
    }

    static boolean writes(int desiredAccess, int disposition) {
        return (desiredAccess & WRITE_ACCESS) != 0 || disposition == 0 || disposition == 2 || disposition == 5;
    }

    static boolean isPipePath(String name) {
        return Text.startsWith(name, "\\PIPE\\") || Text.startsWith(name, "PIPE\\");
    }

    /** psexec's service pipes: {@code PSEXESVC} (Sysinternals), {@code RemCom_communicaton}, {@code RemCom_std*} (Impacket). */
    static boolean psexecPipe(String name) {
        return Text.baseStartsWith(name, "PSEXESVC") || Text.baseStartsWith(name, "RemCom_");
    }

    /** ADMIN$ or a drive share (C$, D$ ...). */
    static boolean adminShare(String share) {
        if (share == null) {
            return false;
        }
        int b = Text.baseStart(share); // once: this runs on every SMB create, read and write
        int n = share.length() - b;
        if (n == 6) {
            return Text.regionMatches(share, b, "ADMIN$", 0, 6);
        }
        return n == 2 && share.charAt(b + 1) == '$' && Character.isLetter(share.charAt(b));
    }

    static boolean anyString(RpcArgs a, String needle) {
        if (a instanceof RpcArgs.DcomStrings d) {
            List<String> l = d.strings();
            for (int i = 0; i < l.size(); i++) {
                if (Text.contains(l.get(i), needle)) {
                    return true;
                }
            }
        }
        return false;
    }

    static boolean wmiProcessCreate(RpcArgs a) {
        return anyString(a, "Win32_Process") && anyString(a, "Create");
    }

    static boolean dispatchShell(RpcArgs a) {
        return anyString(a, "ShellExecute") || anyString(a, "ExecuteShellCommand");
    }

    /**
     * An AS-REQ (RFC 4120 5.4.1) without PA-ENC-TIMESTAMP that offers rc4-hmac (23) alone: the request
     * AS-REP roasting sends (GetNPUsers.py asks every account with supportedCiphers rc4_hmac only, Rubeus
     * asreproast the same by default), so that the account's AS-REP enc-part, if the account does not
     * require pre-authentication, is encrypted with the NT hash. A Windows, MIT or Heimdal client also
     * begins without pre-authentication, but offers the AES types first (MS-KILE 3.1.5.2).
     */
    static boolean asReqWithoutPreauthRc4(io.impacketsensor.core.event.KerberosEvent.KerberosRequest r) {
        List<Integer> e = r.etypes();
        if (r.msgType() != 10 || e == null || e.size() != 1 || e.get(0) != 23) {
            return false;
        }
        List<Integer> pa = r.padataTypes();
        for (int i = 0; pa != null && i < pa.size(); i++) {
            if (pa.get(i) == 2) { // PA-ENC-TIMESTAMP (RFC 4120 7.5.2)
                return false;
            }
        }
        return true;
    }

    /** Impacket's NTLM client (INDICATORS.md §1): NTLMv2, no MIC, no MsvAvFlags, no VERSION, empty workstation. */
    static boolean impacketNtlm(NtlmEvent.NtlmAuthenticate a) {
        return !a.anonymous() && a.ntlmVersion() == 2 && !a.micPresent() && a.msvAvFlags() == -1
                && a.version() == null && (a.workstation() == null || a.workstation().isEmpty()) && !legacySmb1(a);
    }

    /**
     * An AUTHENTICATE of an SMB1 login without extended security (MS-CIFS 2.2.4.53): no NTLMSSP
     * message was sent, so it has no flags, MIC, VERSION or workstation to judge (the decoder
     * reports flags 0, which no NTLMSSP AUTHENTICATE has).
     */
    static boolean legacySmb1(NtlmEvent.NtlmAuthenticate a) {
        return a.carrier() == io.impacketsensor.core.event.Carrier.SMB1 && a.flags() == 0;
    }

    /**
     * A service class that runs under a computer account (host, cifs, ldap, ...): its tickets are
     * encrypted with a random 120-character machine password, so an RC4 ticket for it is not
     * roastable — old Windows clients (XP, 2003) ask RC4 tickets for these all day.
     */
    static boolean machineService(io.impacketsensor.core.event.KerberosEvent.PrincipalName n) {
        return (io.impacketsensor.detection.rules.EventField.snameClass(n) & 2) != 0;
    }

    /**
     * A SamrOpenGroup/SamrOpenAlias of a well-known privileged RID: the table the catalog's
     * {@code samr.rid_name} field reads (MS-ADTS 6.1.1.6).
     */
    static boolean privilegedRid(RpcArgs a) {
        return a instanceof RpcArgs.SamrCall c && (c.opnum() == 19 || c.opnum() == 27)
                && io.impacketsensor.detection.rules.CallFields.privilegedRidName(
                        io.impacketsensor.detection.rules.CallFields.digits(c.name())) != null;
    }

    /** Weak Kerberos etypes: DES (1, 3), RC4 (23, 24). */
    static boolean weakEtype(int e) {
        return io.impacketsensor.detection.rules.EventField.weakEtype(e);
    }

    static String etypeName(int e) {
        return io.impacketsensor.detection.rules.EventField.etypeName(e);
    }
}
