/**
 * DNS on UDP and TCP port 53, decoded for one purpose only: the responses that name a domain's
 * domain controllers, which DC learning uses.
 *
 * <p>Implemented: the RFC 1035 header (4.1.1) of a response; its question (4.1.2) compared, without
 * allocating, against the DC locator names {@code _ldap._tcp.dc._msdcs.<domain>} and
 * {@code _ldap._tcp.<site>._sites.dc._msdcs.<domain>} (MS-ADTS 6.3.6.1.2); for those only, the SRV
 * records (RFC 2782) of the answer section and the A/AAAA records (RFC 1035 3.4.1, RFC 3596) of any
 * section that give the SRV targets' addresses. Names with compression (4.1.4); the TCP length prefix
 * (4.2.2). Every other message is passed over after its header and question name. Queries are not read.
 *
 * <p>{@link io.impacketsensor.decoders.dns.DnsParser} is the grammar,
 * {@link io.impacketsensor.decoders.dns.DnsAnalyzer} the per-flow state (TCP framing),
 * {@code DnsEvents} builds the events from the parser's fields.
 */
package io.impacketsensor.decoders.dns;
