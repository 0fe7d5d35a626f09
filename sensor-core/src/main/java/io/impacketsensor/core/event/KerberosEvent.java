package io.impacketsensor.core.event;

import java.util.List;

/**
 * Kerberos V5 (RFC 4120, MS-KILE, MS-SFU). Encrypted parts stay opaque: only what travels in
 * clear is here. Times are seconds since the epoch, or {@link #NO_TIME}.
 */
public sealed interface KerberosEvent extends SensorEvent {

    /** Value of an absent KerberosTime. */
    long NO_TIME = Long.MIN_VALUE;

    /**
     * A PrincipalName (RFC 4120 5.2.2).
     *
     * @param nameType   name-type (1 NT-PRINCIPAL, 2 NT-SRV-INST, 10 NT-ENTERPRISE, -128 NT-MS-PRINCIPAL ...)
     * @param components name-string components
     */
    record PrincipalName(int nameType, List<String> components) {
        /** Components joined with '/', e.g. {@code cifs/dc1.lab.test}. */
        @Override
        public String toString() {
            // The decoders share a name among the events that carry it, and detection asks for its
            // text on each of them: the text of the last few names asked is given again.
            Text[] kept = TEXTS;
            for (Text t : kept) {
                if (t != null && t.name == this) {
                    return t.text;
                }
            }
            String text = String.join("/", components);
            int i = nextText;
            kept[i] = new Text(this, text);
            nextText = (i + 1) % kept.length;
            return text;
        }

        /** A name and its text: immutable, so a thread reading one another thread wrote sees both. */
        private record Text(PrincipalName name, String text) {
        }

        /** The names whose text was made lately, replaced in turn (a lost race only loses an entry). */
        private static final Text[] TEXTS = new Text[4];
        private static int nextText;
    }

    /**
     * The cleartext part of a Ticket (RFC 4120 5.3).
     *
     * @param realm realm
     * @param sname server name
     * @param etype enc-part etype (23 rc4-hmac, 18 aes256 ...)
     * @param kvno  enc-part kvno, or -1 when absent
     * @param cipherDigest 64-bit FNV-1a digest of the enc-part cipher octets, or {@link #NO_DIGEST}:
     *              a ticket travels byte for byte from the KDC's reply to every request that presents
     *              it, so equal digests tie a presented ticket to the reply that issued it (a forged
     *              ticket matches no issued one)
     */
    record TicketInfo(String realm, PrincipalName sname, int etype, int kvno, long cipherDigest) {
        /** A ticket whose cipher was not digested (built from a JSON event, tests). */
        public TicketInfo(String realm, PrincipalName sname, int etype, int kvno) {
            this(realm, sname, etype, kvno, NO_DIGEST);
        }
    }

    /** {@link TicketInfo#cipherDigest()} when the cipher was not digested. */
    long NO_DIGEST = 0L;

    /**
     * AS-REQ (msg-type 10) or TGS-REQ (12) (RFC 4120 5.4.1).
     *
     * @param header            common header
     * @param msgType           10 or 12
     * @param padataTypes       PA-DATA types in order
     * @param encTimestampEtype PA-ENC-TIMESTAMP etype, or -1 when there is no PA-ENC-TIMESTAMP
     * @param pacRequest        PA-PAC-REQUEST include-pac: 1 true, 0 false, -1 absent
     * @param forUserName       PA-FOR-USER user name (S4U2self), or null
     * @param forUserRealm      PA-FOR-USER realm, or null
     * @param forUserChecksumType PA-FOR-USER cksumtype (-138 HMAC-MD5, as Impacket and Windows send), or 0 when absent
     * @param s4uX509User       true when PA-S4U-X509-USER is present
     * @param pacOptions        PA-PAC-OPTIONS flags, or -1
     * @param fast              true when PA-FX-FAST is present
     * @param tgsTicket         the ticket of the PA-TGS-REQ AP-REQ (TGS-REQ), else null
     * @param kdcOptions        KDCOptions as a 32-bit number (bit 0 = 0x80000000)
     * @param cname             client name, or null (absent in TGS-REQ)
     * @param realm             realm of the req-body
     * @param sname             server name, or null
     * @param from              from, or NO_TIME
     * @param till              till, or NO_TIME
     * @param rtime             rtime, or NO_TIME
     * @param nonce             nonce
     * @param etypes            requested etypes in order
     * @param addressesPresent  true when HostAddresses are present
     * @param additionalTickets additional-tickets (S4U2proxy evidence ticket, U2U)
     */
    record KerberosRequest(EventHeader header, int msgType, List<Integer> padataTypes, int encTimestampEtype,
                           int pacRequest, String forUserName, String forUserRealm, int forUserChecksumType,
                           boolean s4uX509User,
                           int pacOptions, boolean fast, TicketInfo tgsTicket, int kdcOptions, PrincipalName cname,
                           String realm, PrincipalName sname, long from, long till, long rtime, long nonce,
                           List<Integer> etypes, boolean addressesPresent,
                           List<TicketInfo> additionalTickets) implements KerberosEvent {
    }

    /**
     * AS-REP (11) or TGS-REP (13) (RFC 4120 5.4.2), tied to its request on the same flow.
     *
     * @param header       common header
     * @param msgType      11 or 13
     * @param crealm       client realm
     * @param cname        client name
     * @param ticket       the issued ticket's cleartext part
     * @param encPartEtype the reply enc-part etype (the key the client must know)
     * @param request      the request this answers, or null when it was not seen
     * @param padataTypes  PA-DATA types of the reply in order (RFC 4120 5.4.2 padata: PA-ETYPE-INFO2 after
     *                     pre-authentication; a KDC answering without it may list the methods it accepts)
     */
    record KerberosReply(EventHeader header, int msgType, String crealm, PrincipalName cname, TicketInfo ticket,
                         int encPartEtype, KerberosRequest request, List<Integer> padataTypes) implements KerberosEvent {
        public KerberosReply {
            padataTypes = padataTypes == null ? List.of() : padataTypes;
        }

        /** A reply whose PA-DATA were not decoded (built from a JSON event, tests). */
        public KerberosReply(EventHeader header, int msgType, String crealm, PrincipalName cname, TicketInfo ticket,
                             int encPartEtype, KerberosRequest request) {
            this(header, msgType, crealm, cname, ticket, encPartEtype, request, List.of());
        }
    }

    /**
     * KRB-ERROR (30) (RFC 4120 5.9.1), tied to its request on the same flow.
     *
     * @param header    common header
     * @param errorCode error-code (6 C_PRINCIPAL_UNKNOWN, 24 PREAUTH_FAILED, 25 PREAUTH_REQUIRED ...)
     * @param eText     e-text, or null
     * @param realm     realm
     * @param sname     server name
     * @param cname     client name, or null
     * @param request   the request this answers, or null
     */
    record KerberosError(EventHeader header, int errorCode, String eText, String realm, PrincipalName sname,
                         PrincipalName cname, KerberosRequest request) implements KerberosEvent {
    }

    /**
     * AP-REQ (14) found in a GSS token (RFC 4120 5.5.1, RFC 4121 4.1).
     *
     * @param header              common header
     * @param carrier             where it was carried
     * @param apOptions           APOptions as a 32-bit number
     * @param ticket              the ticket's cleartext part
     * @param authenticatorEtype  the authenticator enc-part etype
     */
    record KerberosApRequest(EventHeader header, Carrier carrier, int apOptions, TicketInfo ticket,
                             int authenticatorEtype) implements KerberosEvent {
    }

    /**
     * A ticket's lifetime as an integration reports it (a flat event's {@code ticket_lifetime}). The
     * wire never shows it: a ticket's starttime and endtime travel in its encrypted part (RFC 4120
     * 5.3, EncTicketPart), so no decoder produces this record.
     *
     * @param header          common header
     * @param sname           the ticket's service name, or null when the integration gave none
     * @param ticketType      the ticket type the integration named (TGT, TGS ...), or null
     * @param lifetimeSeconds the lifetime in seconds, at least 0
     */
    record KerberosTicketLifetime(EventHeader header, PrincipalName sname, String ticketType, long lifetimeSeconds)
            implements KerberosEvent {
    }
}
