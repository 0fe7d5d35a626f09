package io.impacketsensor.core.event;

import java.util.List;

/**
 * LDAP (RFC 4511) on 389/3268 and CLDAP on UDP 389. Request and result are paired by message id;
 * {@code resultCode} is -1 while no result was seen.
 */
public sealed interface LdapEvent extends SensorEvent {

    /** Kinds of bind. */
    enum BindType {
        SIMPLE, SASL, SICILY_DISCOVERY, SICILY_NEGOTIATE, SICILY_RESPONSE
    }

    /**
     * BindRequest and BindResponse (RFC 4511 4.2; Sicily: MS-ADTS 5.1.1.1.3). The password of a
     * simple bind is never kept: only that one was sent.
     *
     * @param header            common header
     * @param messageId         message id
     * @param version           protocol version (3)
     * @param name              bind DN / name
     * @param bindType          kind of bind
     * @param saslMechanism     SASL mechanism (GSS-SPNEGO, GSSAPI, EXTERNAL, DIGEST-MD5), or null
     * @param cleartextPassword true when a simple bind carried a non-empty password
     * @param resultCode        BindResponse resultCode, or -1
     * @param diagnosticMessage diagnosticMessage, or null
     */
    record LdapBind(EventHeader header, int messageId, int version, String name, BindType bindType,
                    String saslMechanism, boolean cleartextPassword, int resultCode,
                    String diagnosticMessage) implements LdapEvent {
    }

    /**
     * SearchRequest with its SearchResultDone (RFC 4511 4.5).
     *
     * @param header      common header
     * @param messageId   message id
     * @param base        baseObject
     * @param scope       0 base, 1 one level, 2 subtree
     * @param deref       derefAliases
     * @param sizeLimit   sizeLimit
     * @param timeLimit   timeLimit
     * @param typesOnly   typesOnly
     * @param filter      the filter as RFC 4515 text
     * @param attributes  requested attributes
     * @param controls    control OIDs
     * @param pagedSize   paged results size (1.2.840.113556.1.4.319), or -1
     * @param resultCode  SearchResultDone resultCode, or -1
     * @param entries     SearchResultEntry count
     * @param cldap       true when carried over UDP (CLDAP)
     * @param resultEntries the first SearchResultEntries, in order, as far as the decoder's
     *                    {@code max_kept_entry_bytes} allows ({@code entries} counts them all)
     * @param matchedDn   SearchResultDone matchedDN, or null when no result was seen
     * @param diagnosticMessage SearchResultDone diagnosticMessage, or null when no result was seen
     */
    record LdapSearch(EventHeader header, int messageId, String base, int scope, int deref, int sizeLimit,
                      int timeLimit, boolean typesOnly, String filter, List<String> attributes,
                      List<String> controls, int pagedSize, int resultCode, int entries,
                      boolean cldap, List<SearchEntry> resultEntries, String matchedDn,
                      String diagnosticMessage) implements LdapEvent {

        /** A search whose result entries and result text were not kept. */
        public LdapSearch(EventHeader header, int messageId, String base, int scope, int deref, int sizeLimit,
                          int timeLimit, boolean typesOnly, String filter, List<String> attributes,
                          List<String> controls, int pagedSize, int resultCode, int entries, boolean cldap) {
            this(header, messageId, base, scope, deref, sizeLimit, timeLimit, typesOnly, filter, attributes, controls,
                    pagedSize, resultCode, entries, cldap, List.of(), null, null);
        }
    }

    /**
     * A SearchResultEntry (RFC 4511 4.5.2): the entry's DN and its attributes, every value as text
     * (UTF-8, malformed bytes replaced, as Suricata logs them).
     *
     * <p>Only a search's protocol record reads the entries, and an enumeration of a directory
     * returns thousands of them: as text they would be the largest allocation of a replay. A decoder
     * therefore hands over a {@link #deferred} entry, a copy of its bytes that becomes text the
     * first time {@link #dn()} or {@link #attributes()} is called (on the thread that writes the
     * record); an alert-only run never pays for it. The one exception is the binary {@code netlogon}
     * attribute of an LDAP ping answer (MS-ADTS 6.3.3.2): detection reads it for every such answer,
     * so the decoder decodes it at once into {@link #netlogon()}, and only for entries that carry
     * that attribute. Equality is by DN, attributes and netlogon, as for a record.
     */
    final class SearchEntry {
        /** Turns a deferred entry's bytes into its DN and attributes; called at most once. */
        @FunctionalInterface
        public interface Decoder {
            SearchEntry decode();

            /**
             * Passes the entry's DN, types and values to {@code sink} as the UTF-8 bytes that
             * {@link #decode} would make text of, making none; false when this decoder cannot.
             */
            default boolean stream(Sink sink) throws java.io.IOException {
                return false;
            }
        }

        /**
         * Receives a deferred entry's text, in order: the DN, then per attribute its type and its
         * values. Each string comes either as UTF-8 bytes that are well-formed and hold characters
         * of the Basic Multilingual Plane only ({@code text} null), which a writer copies out
         * without making a String, or, for any other bytes, as the decoded {@code text}
         * ({@code b} null).
         */
        public interface Sink {
            void dn(byte[] b, int off, int len, String text) throws java.io.IOException;

            void type(byte[] b, int off, int len, String text) throws java.io.IOException;

            void value(byte[] b, int off, int len, String text) throws java.io.IOException;
        }

        private String dn;
        private List<Attribute> attributes;
        private Decoder decoder;
        private final NetlogonResponse netlogon;

        /**
         * An entry without a decoded {@code netlogon} attribute.
         *
         * @param dn         objectName
         * @param attributes the PartialAttributeList
         */
        public SearchEntry(String dn, List<Attribute> attributes) {
            this(dn, attributes, null);
        }

        /**
         * @param dn         objectName
         * @param attributes the PartialAttributeList
         * @param netlogon   the entry's {@code netlogon} attribute decoded, or null
         */
        public SearchEntry(String dn, List<Attribute> attributes, NetlogonResponse netlogon) {
            this.dn = dn;
            this.attributes = attributes;
            this.netlogon = netlogon;
        }

        private SearchEntry(Decoder decoder, NetlogonResponse netlogon) {
            this.decoder = decoder;
            this.netlogon = netlogon;
        }

        /** An entry decoded by {@code decoder} when first read, without a {@code netlogon} attribute. */
        public static SearchEntry deferred(Decoder decoder) {
            return new SearchEntry(decoder, null);
        }

        /**
         * An entry decoded by {@code decoder} when first read, whose {@code netlogon} attribute
         * was decoded already ({@code netlogon} may be null).
         */
        public static SearchEntry deferred(Decoder decoder, NetlogonResponse netlogon) {
            return new SearchEntry(decoder, netlogon);
        }

        /** objectName. */
        public String dn() {
            decode();
            return dn;
        }

        /** The PartialAttributeList. */
        public List<Attribute> attributes() {
            decode();
            return attributes;
        }

        /** The entry's {@code netlogon} attribute decoded, or null; reading it makes no text. */
        public NetlogonResponse netlogon() {
            return netlogon;
        }

        /**
         * Passes a still undecoded entry's text to {@code sink} without decoding it (the same text
         * {@link #dn()} and {@link #attributes()} give); false, passing nothing, when the entry was
         * decoded or built from text already.
         */
        public synchronized boolean stream(Sink sink) throws java.io.IOException {
            return decoder != null && decoder.stream(sink);
        }

        // synchronized: the entry is made on a decode worker and read on another thread
        private synchronized void decode() {
            if (decoder != null) {
                SearchEntry e = decoder.decode();
                dn = e.dn();
                attributes = e.attributes();
                decoder = null;
            }
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof SearchEntry e && java.util.Objects.equals(dn(), e.dn())
                    && java.util.Objects.equals(attributes(), e.attributes())
                    && java.util.Objects.equals(netlogon, e.netlogon);
        }

        @Override
        public int hashCode() {
            return 31 * (31 * java.util.Objects.hashCode(dn()) + java.util.Objects.hashCode(attributes()))
                    + java.util.Objects.hashCode(netlogon);
        }

        @Override
        public String toString() {
            return "SearchEntry[dn=" + dn() + ", attributes=" + attributes() + ", netlogon=" + netlogon + "]";
        }
    }

    /**
     * The {@code netlogon} attribute of an LDAP ping answer (CLDAP or LDAP rootDSE search with an
     * NtVer filter, MS-ADTS 6.3.3): a NETLOGON_SAM_LOGON_RESPONSE_EX (MS-ADTS 6.3.1.9), the form DCs
     * answer when the client asks for version 5EX. The names are RFC 1035 (compressed) names.
     *
     * @param opcode          23 LOGON_SAM_LOGON_RESPONSE_EX, 24 LOGON_SAM_PAUSE_RESPONSE_EX, 25 LOGON_SAM_USER_UNKNOWN_EX
     * @param flags           the DS_FLAG bits (MS-ADTS 6.3.1.2): 0x10 DS_DS_FLAG the server is a DC, 0x20 KDC ...
     * @param dnsForestName   DnsForestName
     * @param dnsDomainName   DnsDomainName
     * @param dnsHostName     DnsHostName of the answering DC
     * @param netbiosDomain   NetbiosDomainName
     * @param netbiosComputer NetbiosComputerName
     * @param userName        UserName ("" when the ping named none)
     * @param dcSiteName      DcSiteName
     * @param clientSiteName  ClientSiteName
     */
    record NetlogonResponse(int opcode, long flags, String dnsForestName, String dnsDomainName, String dnsHostName,
                            String netbiosDomain, String netbiosComputer, String userName, String dcSiteName,
                            String clientSiteName) {
    }

    /**
     * An attribute with the values kept for detection (sAMAccountName, servicePrincipalName,
     * userAccountControl, objectClass); other attributes have an empty value list.
     *
     * @param name   attribute description
     * @param values kept values
     */
    record Attribute(String name, List<String> values) {
    }

    /**
     * AddRequest (RFC 4511 4.7).
     *
     * @param header     common header
     * @param messageId  message id
     * @param dn         entry DN
     * @param attributes attributes with the kept values
     * @param resultCode AddResponse resultCode, or -1
     */
    record LdapAdd(EventHeader header, int messageId, String dn, List<Attribute> attributes,
                   int resultCode) implements LdapEvent {
    }

    /**
     * One change of a ModifyRequest.
     *
     * @param operation 0 add, 1 delete, 2 replace, 3 increment
     * @param attribute the attribute (values kept as for {@link Attribute}; presence of
     *                  msDS-AllowedToActOnBehalfOfOtherIdentity, msDS-KeyCredentialLink,
     *                  nTSecurityDescriptor is shown by the name)
     */
    record Modification(int operation, Attribute attribute) {
    }

    /**
     * ModifyRequest (RFC 4511 4.6).
     *
     * @param header        common header
     * @param messageId     message id
     * @param dn            object DN
     * @param modifications the changes
     * @param resultCode    ModifyResponse resultCode, or -1
     */
    record LdapModify(EventHeader header, int messageId, String dn, List<Modification> modifications,
                      int resultCode) implements LdapEvent {
    }

    /**
     * DelRequest (protocolOp 10), ModifyDNRequest (12), ExtendedRequest (23), Unbind (2).
     *
     * @param header     common header
     * @param messageId  message id
     * @param protocolOp the request's application tag number
     * @param target     DN (delete, modify DN) or request OID (extended), or ""
     * @param resultCode resultCode, or -1
     */
    record LdapOperation(EventHeader header, int messageId, int protocolOp, String target,
                         int resultCode) implements LdapEvent {
    }

    /**
     * The flow switched to SASL-wrapped (signed or sealed) PDUs: content not inspected any more.
     *
     * @param header    common header
     * @param mechanism the SASL mechanism that negotiated the protection
     */
    record LdapSealed(EventHeader header, String mechanism) implements LdapEvent {
    }

    /**
     * StartTLS (1.3.6.1.4.1.1466.20037) succeeded or was requested: content not inspected any more.
     *
     * @param header common header
     */
    record LdapStartTls(EventHeader header) implements LdapEvent {
    }

    /**
     * An LDAP answer whose request the copy does not hold (a copy of the server's side only, or a
     * flow picked up after its requests): a BindResponse, a search's SearchResultEntries and its
     * SearchResultDone, or the response of a modify, add, delete, modify DN or extended request.
     * The answer repeats the request's message id (RFC 4511 4.1.1.1), not what was asked; what
     * it returned is summarised in {@code shape}.
     *
     * @param header            common header
     * @param messageId         message id of the answer (the request's)
     * @param protocolOp        the answer's application tag number (1 BindResponse, 5 SearchResultDone ...);
     *                          5 also for a search's entries whose SearchResultDone the flow did not carry
     * @param resultCode        the LDAPResult's resultCode, or -1 when the flow ended before it
     * @param previousBindId    for a BindResponse: the message id of the previous BindResponse of this flow
     *                          when that one answered saslBindInProgress (14), else -1
     * @param shape             for a search: what its entries returned; {@link ReplyShape#NONE} otherwise
     * @param resultEntries     for a search: its first entries as far as {@code max_kept_entry_bytes} allows,
     *                          kept only when protocol records are written; else empty
     * @param matchedDn         the LDAPResult's matchedDN, or null
     * @param diagnosticMessage the LDAPResult's diagnosticMessage, or null
     */
    record LdapReply(EventHeader header, int messageId, int protocolOp, int resultCode, int previousBindId,
                     ReplyShape shape, List<SearchEntry> resultEntries, String matchedDn,
                     String diagnosticMessage) implements LdapEvent {
    }

    /**
     * What the entries of a search answered without its request returned, counted from the
     * attribute names and the few values detection reads (the shapes are the attribute sets the
     * Impacket LDAP examples ask for: GetADUsers, GetUserSPNs, GetNPUsers, findDelegation,
     * GetLAPSPassword).
     *
     * @param entries           SearchResultEntries
     * @param references        SearchResultReferences
     * @param inspected         entries whose attributes were read (the first 256 of a search)
     * @param userListing       entries carrying sAMAccountName with pwdLastSet or lastLogon, and no attribute
     *                          besides sAMAccountName, pwdLastSet, mail and lastLogon (GetADUsers' attribute set)
     * @param spnUsers          entries of a user account (sAMAccountName not ending in $) carrying
     *                          servicePrincipalName, with no attribute besides servicePrincipalName,
     *                          sAMAccountName, pwdLastSet, memberOf, userAccountControl and lastLogon (GetUserSPNs')
     * @param noPreauth         entries whose userAccountControl has DONT_REQ_PREAUTH (0x400000, MS-ADTS 2.2.16),
     *                          with no attribute besides sAMAccountName, userAccountControl, memberOf, pwdLastSet
     *                          and lastLogon (GetNPUsers')
     * @param delegation        entries with userAccountControl TRUSTED_FOR_DELEGATION (0x80000) or
     *                          TRUSTED_TO_AUTH_FOR_DELEGATION (0x1000000), or a msDS-AllowedToDelegateTo or
     *                          msDS-AllowedToActOnBehalfOfOtherIdentity value, with no attribute besides those,
     *                          sAMAccountName, pwdLastSet and objectCategory (findDelegation's)
     * @param lapsPasswords     entries carrying a value of ms-Mcs-AdmPwd, msLAPS-Password or
     *                          msLAPS-EncryptedPassword (a LAPS password returned)
     */
    record ReplyShape(int entries, int references, int inspected, int userListing, int spnUsers, int noPreauth,
                      int delegation, int lapsPasswords) {
        /** An answer that is no search. */
        public static final ReplyShape NONE = new ReplyShape(0, 0, 0, 0, 0, 0, 0, 0);
    }
}
