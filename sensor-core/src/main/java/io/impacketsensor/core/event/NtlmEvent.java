package io.impacketsensor.core.event;

/**
 * NTLMSSP messages (MS-NLMP 2.2.1), wherever they were carried (SMB2, SMB1, DCE/RPC, LDAP, HTTP), and
 * the same records for SMB1 logins without extended security (challenge from the NEGOTIATE response,
 * responses from SESSION_SETUP_ANDX, MS-CIFS 2.2.4.52.2 and 2.2.4.53).
 */
public sealed interface NtlmEvent extends SensorEvent {

    /** Where the token was carried. */
    Carrier carrier();

    /**
     * The VERSION structure (MS-NLMP 2.2.2.10).
     *
     * @param major    ProductMajorVersion
     * @param minor    ProductMinorVersion
     * @param build    ProductBuild
     * @param revision NTLMRevisionCurrent (15)
     */
    record Version(int major, int minor, int build, int revision) {
        @Override
        public String toString() {
            return major + "." + minor + "." + build + " rev " + revision;
        }
    }

    /**
     * NEGOTIATE_MESSAGE (MS-NLMP 2.2.1.1).
     *
     * @param header      common header
     * @param carrier     where it was carried
     * @param flags       NegotiateFlags (Impacket: 0xE0888235 or 0xA0880205)
     * @param domain      DomainName when supplied, else ""
     * @param workstation Workstation when supplied, else ""
     * @param version     VERSION when NEGOTIATE_VERSION is set, else null
     */
    record NtlmNegotiate(EventHeader header, Carrier carrier, int flags, String domain, String workstation,
                         Version version) implements NtlmEvent {
    }

    /**
     * CHALLENGE_MESSAGE (MS-NLMP 2.2.1.2).
     *
     * @param header           common header
     * @param carrier          where it was carried
     * @param flags            NegotiateFlags; 0 for the Challenge of an SMB1 NEGOTIATE response without
     *                         extended security (then TargetName and the NetBIOS domain are its DomainName,
     *                         the NetBIOS computer its ServerName)
     * @param serverChallenge  the 8-byte ServerChallenge
     * @param targetName       TargetName
     * @param nbDomain         MsvAvNbDomainName, or ""
     * @param nbComputer       MsvAvNbComputerName, or ""
     * @param dnsDomain        MsvAvDnsDomainName, or ""
     * @param dnsComputer      MsvAvDnsComputerName, or ""
     * @param timestampNanos   MsvAvTimestamp as ns since the epoch, or 0 when absent
     * @param version          VERSION, or null (Impacket's smbserver sends FF x 8)
     * @param versionBytes     the 8 raw VERSION bytes, or null
     */
    record NtlmChallenge(EventHeader header, Carrier carrier, int flags, byte[] serverChallenge, String targetName,
                         String nbDomain, String nbComputer, String dnsDomain, String dnsComputer,
                         long timestampNanos, Version version, byte[] versionBytes) implements NtlmEvent {
    }

    /**
     * AUTHENTICATE_MESSAGE (MS-NLMP 2.2.1.3).
     *
     * @param header              common header
     * @param carrier             where it was carried
     * @param flags               NegotiateFlags; 0 for an SMB1 login without extended security (no
     *                            NTLMSSP message: the responses are SESSION_SETUP_ANDX's OEMPassword and
     *                            UnicodePassword, MS-CIFS 2.2.4.53.1)
     * @param lmResponseLength    LmChallengeResponse length
     * @param ntResponseLength    NtChallengeResponse length (24 = NTLMv1, more = NTLMv2, 0 = anonymous)
     * @param ntlmVersion         1 or 2 (an LM response alone counts as 1), or 0 for no challenge
     *                            response (anonymous, or an empty or clear-text SMB1 password)
     * @param domain              DomainName
     * @param user                UserName
     * @param workstation         Workstation (empty for Impacket, and for SMB1 logins without extended security)
     * @param encryptedSessionKey true when EncryptedRandomSessionKey is non-empty
     * @param version             VERSION, or null
     * @param micPresent          true when a non-zero 16-byte MIC is present
     * @param msvAvFlags          MsvAvFlags from the NTLMv2 response's AV pairs, or -1 when absent
     * @param avTargetName        MsvAvTargetName from the NTLMv2 response (e.g. cifs/dc1), or ""
     * @param ntProofStr          the 16-byte NTProofStr of an NTLMv2 response, else null
     * @param serverChallenge     the ServerChallenge seen earlier on this connection, or null
     * @param anonymous           true for an anonymous (null session) authentication
     * @param status              result of the authentication when the carrier shows it (SMB2
     *                            SESSION_SETUP status), else NO_STATUS
     * @param channelBindings     MsvAvChannelBindings of the NTLMv2 response: -1 absent, 0 present and all
     *                            zero (nothing bound: relayable to LDAPS/HTTPS that do not enforce EPA),
     *                            1 a channel-binding hash (MS-NLMP 2.2.2.1, 3.1.5.2.2)
     */
    record NtlmAuthenticate(EventHeader header, Carrier carrier, int flags, int lmResponseLength,
                            int ntResponseLength, int ntlmVersion, String domain, String user, String workstation,
                            boolean encryptedSessionKey, Version version, boolean micPresent, int msvAvFlags,
                            String avTargetName, byte[] ntProofStr, byte[] serverChallenge, boolean anonymous,
                            long status, int channelBindings) implements NtlmEvent {

        /** An AUTHENTICATE whose channel bindings were not read (flat events, SMB1 logins without NTLMSSP). */
        public NtlmAuthenticate(EventHeader header, Carrier carrier, int flags, int lmResponseLength,
                                int ntResponseLength, int ntlmVersion, String domain, String user, String workstation,
                                boolean encryptedSessionKey, Version version, boolean micPresent, int msvAvFlags,
                                String avTargetName, byte[] ntProofStr, byte[] serverChallenge, boolean anonymous,
                                long status) {
            this(header, carrier, flags, lmResponseLength, ntResponseLength, ntlmVersion, domain, user, workstation,
                    encryptedSessionKey, version, micPresent, msvAvFlags, avTargetName, ntProofStr, serverChallenge,
                    anonymous, status, -1);
        }
    }
}
