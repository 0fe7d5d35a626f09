package io.impacketsensor.detection.eve;

import java.util.ArrayList;
import java.util.List;

/**
 * Names of Kerberos wire codes, looked up at output time. Unknown codes have no name
 * ({@code null}); the caller keeps the number.
 */
public final class KerberosNames {
    private KerberosNames() {
    }

    /** Message types (RFC 4120 5.10), in Suricata's spelling. */
    public static String msgType(int t) {
        switch (t) {
            case 10: return "KRB_AS_REQ";
            case 11: return "KRB_AS_REP";
            case 12: return "KRB_TGS_REQ";
            case 13: return "KRB_TGS_REP";
            case 14: return "KRB_AP_REQ";
            case 15: return "KRB_AP_REP";
            case 30: return "KRB_ERROR";
            default: return null;
        }
    }

    /** Encryption types (RFC 3961 8, RFC 3962, RFC 4757, RFC 6803, RFC 8009; MS-KILE 2.2.7 negatives). */
    public static String etype(int e) {
        switch (e) {
            case 1: return "des-cbc-crc";
            case 2: return "des-cbc-md4";
            case 3: return "des-cbc-md5";
            case 5: return "des3-cbc-md5";
            case 7: return "des3-cbc-sha1";
            case 16: return "des3-cbc-sha1-kd";
            case 17: return "aes128-cts-hmac-sha1-96";
            case 18: return "aes256-cts-hmac-sha1-96";
            case 19: return "aes128-cts-hmac-sha256-128";
            case 20: return "aes256-cts-hmac-sha384-192";
            case 23: return "rc4-hmac";
            case 24: return "rc4-hmac-exp";
            case 25: return "camellia128-cts-cmac";
            case 26: return "camellia256-cts-cmac";
            case -128: return "rc4-md4";
            case -133: return "rc4-hmac-old";
            case -135: return "rc4-hmac-old-exp";
            default: return null;
        }
    }

    /**
     * Suricata's {@code weak_encryption}: every etype except the AES (RFC 3962, RFC 8009) and
     * Camellia (RFC 6803) families.
     */
    public static boolean weakForSuricata(int e) {
        return !(e >= 17 && e <= 20 || e == 25 || e == 26);
    }

    /** True for the etypes a detection treats as weak (DES and RC4 families). */
    public static boolean weakEtype(int e) {
        return e == 1 || e == 2 || e == 3 || e == 23 || e == 24 || e == -128 || e == -133 || e == -135;
    }

    /** Error codes (RFC 4120 7.5.9, RFC 4556, RFC 6113 5.5). */
    public static String error(int code) {
        switch (code) {
            case 0: return "KDC_ERR_NONE";
            case 1: return "KDC_ERR_NAME_EXP";
            case 2: return "KDC_ERR_SERVICE_EXP";
            case 3: return "KDC_ERR_BAD_PVNO";
            case 4: return "KDC_ERR_C_OLD_MAST_KVNO";
            case 5: return "KDC_ERR_S_OLD_MAST_KVNO";
            case 6: return "KDC_ERR_C_PRINCIPAL_UNKNOWN";
            case 7: return "KDC_ERR_S_PRINCIPAL_UNKNOWN";
            case 8: return "KDC_ERR_PRINCIPAL_NOT_UNIQUE";
            case 9: return "KDC_ERR_NULL_KEY";
            case 10: return "KDC_ERR_CANNOT_POSTDATE";
            case 11: return "KDC_ERR_NEVER_VALID";
            case 12: return "KDC_ERR_POLICY";
            case 13: return "KDC_ERR_BADOPTION";
            case 14: return "KDC_ERR_ETYPE_NOSUPP";
            case 15: return "KDC_ERR_SUMTYPE_NOSUPP";
            case 16: return "KDC_ERR_PADATA_TYPE_NOSUPP";
            case 17: return "KDC_ERR_TRTYPE_NOSUPP";
            case 18: return "KDC_ERR_CLIENT_REVOKED";
            case 19: return "KDC_ERR_SERVICE_REVOKED";
            case 20: return "KDC_ERR_TGT_REVOKED";
            case 21: return "KDC_ERR_CLIENT_NOTYET";
            case 22: return "KDC_ERR_SERVICE_NOTYET";
            case 23: return "KDC_ERR_KEY_EXPIRED";
            case 24: return "KDC_ERR_PREAUTH_FAILED";
            case 25: return "KDC_ERR_PREAUTH_REQUIRED";
            case 26: return "KDC_ERR_SERVER_NOMATCH";
            case 27: return "KDC_ERR_MUST_USE_USER2USER";
            case 28: return "KDC_ERR_PATH_NOT_ACCEPTED";
            case 29: return "KDC_ERR_SVC_UNAVAILABLE";
            case 31: return "KRB_AP_ERR_BAD_INTEGRITY";
            case 32: return "KRB_AP_ERR_TKT_EXPIRED";
            case 33: return "KRB_AP_ERR_TKT_NYV";
            case 34: return "KRB_AP_ERR_REPEAT";
            case 35: return "KRB_AP_ERR_NOT_US";
            case 36: return "KRB_AP_ERR_BADMATCH";
            case 37: return "KRB_AP_ERR_SKEW";
            case 38: return "KRB_AP_ERR_BADADDR";
            case 39: return "KRB_AP_ERR_BADVERSION";
            case 40: return "KRB_AP_ERR_MSG_TYPE";
            case 41: return "KRB_AP_ERR_MODIFIED";
            case 42: return "KRB_AP_ERR_BADORDER";
            case 44: return "KRB_AP_ERR_BADKEYVER";
            case 45: return "KRB_AP_ERR_NOKEY";
            case 46: return "KRB_AP_ERR_MUT_FAIL";
            case 47: return "KRB_AP_ERR_BADDIRECTION";
            case 48: return "KRB_AP_ERR_METHOD";
            case 49: return "KRB_AP_ERR_BADSEQ";
            case 50: return "KRB_AP_ERR_INAPP_CKSUM";
            case 51: return "KRB_AP_PATH_NOT_ACCEPTED";
            case 52: return "KRB_ERR_RESPONSE_TOO_BIG";
            case 60: return "KRB_ERR_GENERIC";
            case 61: return "KRB_ERR_FIELD_TOOLONG";
            case 62: return "KDC_ERR_CLIENT_NOT_TRUSTED";
            case 63: return "KDC_ERR_KDC_NOT_TRUSTED";
            case 64: return "KDC_ERR_INVALID_SIG";
            case 65: return "KDC_ERR_DH_KEY_PARAMETERS_NOT_ACCEPTED";
            case 66: return "KDC_ERR_CERTIFICATE_MISMATCH";
            case 67: return "KRB_AP_ERR_NO_TGT";
            case 68: return "KDC_ERR_WRONG_REALM";
            case 69: return "KRB_AP_ERR_USER_TO_USER_REQUIRED";
            case 70: return "KDC_ERR_CANT_VERIFY_CERTIFICATE";
            case 71: return "KDC_ERR_INVALID_CERTIFICATE";
            case 72: return "KDC_ERR_REVOKED_CERTIFICATE";
            case 73: return "KDC_ERR_REVOCATION_STATUS_UNKNOWN";
            case 74: return "KDC_ERR_REVOCATION_STATUS_UNAVAILABLE";
            case 75: return "KDC_ERR_CLIENT_NAME_MISMATCH";
            case 76: return "KDC_ERR_KDC_NAME_MISMATCH";
            case 90: return "KDC_ERR_PREAUTH_EXPIRED";
            case 91: return "KDC_ERR_MORE_PREAUTH_DATA_REQUIRED";
            case 92: return "KDC_ERR_PREAUTH_BAD_AUTHENTICATION_SET";
            case 93: return "KDC_ERR_UNKNOWN_CRITICAL_FAST_OPTIONS";
            default: return null;
        }
    }

    /** Principal name types (RFC 4120 6.2, RFC 6111, MS-KILE 2.2.1). */
    public static String nameType(int t) {
        switch (t) {
            case 0: return "NT-UNKNOWN";
            case 1: return "NT-PRINCIPAL";
            case 2: return "NT-SRV-INST";
            case 3: return "NT-SRV-HST";
            case 4: return "NT-SRV-XHST";
            case 5: return "NT-UID";
            case 6: return "NT-X500-PRINCIPAL";
            case 7: return "NT-SMTP-NAME";
            case 10: return "NT-ENTERPRISE";
            case 11: return "NT-WELLKNOWN";
            case -128: return "NT-MS-PRINCIPAL";
            case -129: return "NT-MS-PRINCIPAL-AND-ID";
            case -130: return "NT-ENT-PRINCIPAL-AND-ID";
            default: return null;
        }
    }

    /** PA-DATA types (RFC 4120 7.5.2, RFC 4556, RFC 6113, MS-KILE 2.2, MS-SFU 2.2). */
    public static String padata(int t) {
        switch (t) {
            case 1: return "PA-TGS-REQ";
            case 2: return "PA-ENC-TIMESTAMP";
            case 3: return "PA-PW-SALT";
            case 11: return "PA-ETYPE-INFO";
            case 14: return "PA-PK-AS-REQ-OLD";
            case 15: return "PA-PK-AS-REP-OLD";
            case 16: return "PA-PK-AS-REQ";
            case 17: return "PA-PK-AS-REP";
            case 19: return "PA-ETYPE-INFO2";
            case 20: return "PA-SVR-REFERRAL-INFO";
            case 128: return "PA-PAC-REQUEST";
            case 129: return "PA-FOR-USER";
            case 130: return "PA-FOR-X509-USER";
            case 131: return "PA-FOR-CHECK-DUPS";
            case 132: return "PA-AS-CHECKSUM";
            case 133: return "PA-FX-COOKIE";
            case 136: return "PA-FX-FAST";
            case 137: return "PA-FX-ERROR";
            case 138: return "PA-ENCRYPTED-CHALLENGE";
            case 147: return "PA-PKINIT-KX";
            case 149: return "PA-REQ-ENC-PA-REP";
            case 150: return "PA-AS-FRESHNESS";
            case 165: return "PA-SUPPORTED-ENCTYPES";
            case 166: return "PA-EXTENDED-ERROR";
            case 167: return "PA-PAC-OPTIONS";
            default: return null;
        }
    }

    /** KDCOptions bit names (RFC 4120 5.4.1; bit 14 MS-SFU 2.2.5 cname-in-addl-tkt); bit 0 is 0x80000000. */
    public static String kdcOption(int bit) {
        switch (bit) {
            case 1: return "forwardable";
            case 2: return "forwarded";
            case 3: return "proxiable";
            case 4: return "proxy";
            case 5: return "allow-postdate";
            case 6: return "postdated";
            case 8: return "renewable";
            case 11: return "opt-hardware-auth";
            case 14: return "cname-in-addl-tkt";
            case 15: return "canonicalize";
            case 16: return "request-anonymous";
            case 26: return "disable-transited-check";
            case 27: return "renewable-ok";
            case 28: return "enc-tkt-in-skey";
            case 30: return "renew";
            case 31: return "validate";
            default: return null;
        }
    }

    /** The names of the set KDCOptions bits, in bit order; an unnamed set bit appears as {@code bit-N}. */
    public static List<String> kdcOptions(int options) {
        List<String> out = new ArrayList<>();
        for (int bit = 0; bit < 32; bit++) {
            if ((options & (0x80000000 >>> bit)) != 0) {
                String n = kdcOption(bit);
                out.add(n != null ? n : "bit-" + bit);
            }
        }
        return out;
    }
}
