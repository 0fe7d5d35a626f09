package io.impacketsensor.core.event;

import java.util.List;

/**
 * The Remote Desktop Protocol's connection start on TCP 3389 and by probe ([MS-RDPBCGR] 1.3.1.1):
 * the X.224 Connection Request and Confirm carried in TPKT (RFC 1006, ISO 8073) with the
 * negotiation structures of [MS-RDPBCGR] 2.2.1.1 and 2.2.1.2, and the cleartext part of the TLS
 * handshake that enhanced RDP security (TLS, CredSSP) starts with. What TLS protects (CredSSP's
 * NTLM or Kerberos messages, the MCS connection, the session) is not decoded.
 *
 * <p>{@code txId} numbers the records of one connection from 0, as Suricata's {@code rdp.tx_id}.
 */
public sealed interface RdpEvent extends SensorEvent {

    /** requestedProtocols / selectedProtocol bit: TLS ([MS-RDPBCGR] 2.2.1.1.1 PROTOCOL_SSL). */
    int PROTOCOL_SSL = 0x1;
    /** CredSSP over TLS (PROTOCOL_HYBRID). */
    int PROTOCOL_HYBRID = 0x2;
    /** RDSTLS (PROTOCOL_RDSTLS). */
    int PROTOCOL_RDSTLS = 0x4;
    /** CredSSP with the Early User Authorization Result PDU (PROTOCOL_HYBRID_EX). */
    int PROTOCOL_HYBRID_EX = 0x8;
    /** RDS AAD authentication (PROTOCOL_RDSAAD). */
    int PROTOCOL_RDSAAD = 0x10;

    /**
     * The client's X.224 Connection Request (ISO 8073 13.3, [MS-RDPBCGR] 2.2.1.1): its routing
     * token or cookie and its RDP Negotiation Request.
     *
     * @param header             common header
     * @param txId               0: the first record of the connection
     * @param cookie             the IDENTIFIER of {@code Cookie: mstshash=IDENTIFIER}, or null when there is none
     * @param routingToken       a routing token (a CRLF-terminated line other than the mstshash cookie, such as
     *                           {@code Cookie: msts=...}) without its CRLF, or null
     * @param requestedProtocols requestedProtocols of the RDP_NEG_REQ (2.2.1.1.1), or -1 when the request has none
     *                           (standard RDP security only)
     * @param negFlags           flags of the RDP_NEG_REQ (0x1 restricted admin mode, 0x2 redirected
     *                           authentication, 0x8 correlation info present), 0 when absent
     * @param correlationInfo    the request carries an RDP_NEG_CORRELATION_INFO (2.2.1.1.2)
     * @param trailing           bytes of the TPDU after the structures read (0 for every known client)
     */
    record RdpConnectRequest(EventHeader header, int txId, String cookie, String routingToken, long requestedProtocols,
                             int negFlags, boolean correlationInfo, int trailing) implements RdpEvent {
    }

    /**
     * The server's X.224 Connection Confirm (ISO 8073 13.4, [MS-RDPBCGR] 2.2.1.2) with its RDP
     * Negotiation Response or Failure.
     *
     * @param header           common header
     * @param txId             record number in the connection
     * @param negType          2 RDP_NEG_RSP, 3 RDP_NEG_FAILURE, 0 when the confirm carries neither (standard RDP security)
     * @param flags            flags of the RDP_NEG_RSP (0x1 extended client data, 0x2 graphics pipeline, 0x8 restricted
     *                         admin mode, 0x10 redirected authentication), else 0
     * @param selectedProtocol selectedProtocol of the RDP_NEG_RSP, else -1
     * @param failureCode      failureCode of the RDP_NEG_FAILURE (2.2.1.2.2: 1 SSL required by server ...), else 0
     */
    record RdpConnectConfirm(EventHeader header, int txId, int negType, int flags, long selectedProtocol,
                             int failureCode) implements RdpEvent {
    }

    /**
     * A TLS ClientHello as sent (RFC 5246 7.4.1.2, RFC 8446 4.1.2): the client's TLS fingerprint.
     * Cipher suites, extensions, groups and point formats are in wire order, GREASE values (RFC 8701)
     * included.
     *
     * @param version         legacy_version of the hello (0x0303 for TLS 1.2 and 1.3)
     * @param cipherSuites    the offered cipher suites
     * @param extensions      the extension types
     * @param groups          supported_groups (RFC 8422 5.1.1, RFC 8446 4.2.7), empty when absent
     * @param pointFormats    ec_point_formats (RFC 8422 5.1.2), empty when absent
     * @param versions        supported_versions (RFC 8446 4.2.1), empty when absent
     * @param serverName      host_name of server_name (RFC 6066 3), or "" when absent
     * @param anonymousSuites how many of the offered suites have no server authentication (the DH_anon and
     *                        ECDH_anon suites of the IANA TLS cipher suite registry)
     * @param ja3             the JA3 text of the hello (version, suites, extensions, groups, point formats in
     *                        decimal, GREASE left out)
     * @param ja3Hash         the MD5 of {@code ja3}, lower-case hex
     */
    record ClientHello(int version, List<Integer> cipherSuites, List<Integer> extensions, List<Integer> groups,
                       List<Integer> pointFormats, List<Integer> versions, String serverName, int anonymousSuites,
                       String ja3, String ja3Hash) {
    }

    /**
     * The TLS handshake that follows a Connection Confirm selecting TLS, CredSSP or RDSTLS, as far
     * as it is in clear: emitted when the server's cleartext flight ends (its ServerHelloDone, or
     * its first record after the ServerHello that is not a handshake record), or when the
     * connection ends first. The encrypted rest of the connection is not inspected.
     *
     * @param header        common header
     * @param txId          record number in the connection
     * @param request       the connection's Connection Request, or null when it was not seen
     * @param selectedProtocol selectedProtocol of the connection's RDP_NEG_RSP, or -1 when not seen
     * @param clientHello   the client's hello, or null when it was not seen
     * @param serverVersion the TLS version the server chose (supported_versions, else its legacy_version), or 0
     * @param cipherSuite   the cipher suite the server chose, or -1
     * @param x509Serials   serial numbers of the server's certificates in lower-case hex, in chain order,
     *                      when the Certificate message is in clear (TLS 1.2 and earlier); empty otherwise
     */
    record RdpTlsHandshake(EventHeader header, int txId, RdpConnectRequest request, long selectedProtocol,
                           ClientHello clientHello, int serverVersion, int cipherSuite, List<String> x509Serials)
            implements RdpEvent {
    }
}
