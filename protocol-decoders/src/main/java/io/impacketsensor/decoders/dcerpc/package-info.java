/**
 * Connection-oriented DCE/RPC v5 (C706 chapter 12, MS-RPCE 2.2.2) over TCP (port 135, endpoint-mapper
 * learned ports, any port the header probe matches) and over SMB2 named pipes.
 *
 * <ul>
 *   <li>{@link io.impacketsensor.decoders.dcerpc.DcerpcParser}: the common header (C706 12.6.3.1), the
 *       BIND/ALTER_CONTEXT context lists (12.6.4.3), BIND_ACK results (12.6.4.4), REQUEST/RESPONSE/FAULT
 *       headers (12.6.4.9, 12.6.4.10, 12.6.4.7) and the sec_trailer (13.2.6.1).</li>
 *   <li>{@link io.impacketsensor.decoders.dcerpc.DcerpcAnalyzer}: PDU framing per direction, the
 *       presentation-context table, call-id map, fragment reassembly, auth values to the shared token
 *       decoder; {@code DcerpcEvents} builds the events.</li>
 *   <li>{@code ndr}: an NDR 2.0 reader (C706 chapter 14) and one small stub decoder per interface.</li>
 * </ul>
 */
package io.impacketsensor.decoders.dcerpc;
