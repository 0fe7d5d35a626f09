package io.impacketsensor.core.event;

import java.net.InetAddress;
import java.util.List;

/**
 * DNS on UDP and TCP port 53 (RFC 1035), decoded for one purpose only: the answers that name a
 * domain's domain controllers, which DC learning uses. Nothing else of DNS is decoded or logged.
 */
public sealed interface DnsEvent extends SensorEvent {

    /**
     * A response (QR 1, RCODE 0) to a query for a DC locator SRV name, {@code _ldap._tcp.dc._msdcs.<domain>}
     * or its per-site form {@code _ldap._tcp.<site>._sites.dc._msdcs.<domain>} (MS-ADTS 6.3.6.1.2): the DC
     * host names of its SRV answers (RFC 2782) and the addresses the same response gives for those
     * names (A/AAAA records in the answer or additional section).
     *
     * @param header        common header (client: the resolver that asked; server: the DNS server)
     * @param transactionId DNS message ID
     * @param query         the question's name, as asked
     * @param targets       the SRV targets (DC host names), in answer order
     * @param addresses     addresses of those targets given in the same response
     */
    record DcLocatorAnswer(EventHeader header, int transactionId, String query, List<String> targets,
                           List<InetAddress> addresses) implements DnsEvent {
    }
}
