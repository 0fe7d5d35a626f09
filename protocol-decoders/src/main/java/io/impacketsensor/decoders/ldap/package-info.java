/**
 * LDAP (RFC 4511) on TCP 389 and 3268 and CLDAP on UDP 389.
 *
 * <p>Implemented: RFC 4511 4.1.1 LDAPMessage framing (5.1: definite BER lengths only) and message
 * id pairing; 4.2 BindRequest/BindResponse (simple: only that a password was sent; SASL with
 * RFC 4513 mechanisms; MS-ADTS 5.1.1.1.3 Sicily package discovery, negotiate and response with
 * NTLMSSP, the CHALLENGE returned in matchedDN); 4.5 SearchRequest with the filter rendered as
 * RFC 4515 text, SearchResultEntry/Reference counted and skipped by length, SearchResultDone;
 * 4.6 Modify, 4.7 Add (values kept only for sAMAccountName, servicePrincipalName,
 * userAccountControl, objectClass), 4.8 Delete, 4.9 ModifyDN, 4.12 Extended, 4.3 Unbind; RFC 2696
 * paged results size; RFC 4422 3.7 SASL security layer and 4.14 StartTLS detected and not
 * inspected further.
 *
 * <p>{@link io.impacketsensor.decoders.ldap.LdapParser} is the grammar (with
 * {@code LdapFilterRenderer}), {@link io.impacketsensor.decoders.ldap.LdapAnalyzer} the per-flow
 * framing and state, {@code LdapPending} the request table, {@code LdapEvents} builds the events.
 */
package io.impacketsensor.decoders.ldap;
