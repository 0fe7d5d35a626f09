package io.impacketsensor.detection.eve;

/** Names of LDAP wire codes, looked up at output time; unknown codes have no name ({@code null}). */
public final class LdapNames {
    private LdapNames() {
    }

    /** resultCode (RFC 4511 Appendix A.2). */
    public static String resultCode(int code) {
        switch (code) {
            case 0: return "success";
            case 1: return "operationsError";
            case 2: return "protocolError";
            case 3: return "timeLimitExceeded";
            case 4: return "sizeLimitExceeded";
            case 5: return "compareFalse";
            case 6: return "compareTrue";
            case 7: return "authMethodNotSupported";
            case 8: return "strongerAuthRequired";
            case 10: return "referral";
            case 11: return "adminLimitExceeded";
            case 12: return "unavailableCriticalExtension";
            case 13: return "confidentialityRequired";
            case 14: return "saslBindInProgress";
            case 16: return "noSuchAttribute";
            case 17: return "undefinedAttributeType";
            case 18: return "inappropriateMatching";
            case 19: return "constraintViolation";
            case 20: return "attributeOrValueExists";
            case 21: return "invalidAttributeSyntax";
            case 32: return "noSuchObject";
            case 33: return "aliasProblem";
            case 34: return "invalidDNSyntax";
            case 36: return "aliasDereferencingProblem";
            case 48: return "inappropriateAuthentication";
            case 49: return "invalidCredentials";
            case 50: return "insufficientAccessRights";
            case 51: return "busy";
            case 52: return "unavailable";
            case 53: return "unwillingToPerform";
            case 54: return "loopDetect";
            case 64: return "namingViolation";
            case 65: return "objectClassViolation";
            case 66: return "notAllowedOnNonLeaf";
            case 67: return "notAllowedOnRDN";
            case 68: return "entryAlreadyExists";
            case 69: return "objectClassModsProhibited";
            case 71: return "affectsMultipleDSAs";
            case 80: return "other";
            default: return null;
        }
    }

    /** protocolOp application tags of requests (RFC 4511 4.2-4.12) as EVE operation names. */
    public static String operation(int protocolOp) {
        switch (protocolOp) {
            case 0: return "bind";
            case 2: return "unbind";
            case 3: return "search";
            case 6: return "modify";
            case 8: return "add";
            case 10: return "delete";
            case 12: return "modify_dn";
            case 14: return "compare";
            case 16: return "abandon";
            case 23: return "extended";
            default: return null;
        }
    }

    /** SearchRequest scope (RFC 4511 4.5.1.2). */
    public static String scope(int scope) {
        switch (scope) {
            case 0: return "base";
            case 1: return "one";
            case 2: return "sub";
            default: return null;
        }
    }

    /** ModifyRequest operation (RFC 4511 4.6, RFC 4525 increment). */
    public static String modifyOperation(int op) {
        switch (op) {
            case 0: return "add";
            case 1: return "delete";
            case 2: return "replace";
            case 3: return "increment";
            default: return null;
        }
    }
}
