/**
 * The SQL Server Resolution Protocol ([MC-SQLR]): the SQL Server Browser on UDP port 1434, which a
 * client asks for a host's SQL Server instances or for the port of one instance before it connects
 * with TDS.
 *
 * <p>Implemented: the four client requests, CLNT_BCAST_EX (2.2.1) and CLNT_UCAST_EX (2.2.2), one
 * byte each, CLNT_UCAST_INST (2.2.3) and CLNT_UCAST_DAC (2.2.4) with their null-terminated
 * INSTANCENAME of at most 32 bytes; the server's SVR_RESP (2.2.5): RESP_SIZE and the RESP_DATA
 * string of {@code key;value;} pairs, each instance ended by an empty key ({@code ;;}), of which the
 * instances are counted and their InstanceName values kept; and the SVR_RESP to CLNT_UCAST_DAC
 * (RESP_SIZE 6, PROTOCOLVERSION 1, TCP_DAC_PORT). One message per datagram (3.1.5, 3.2.5).
 *
 * <p>{@link io.impacketsensor.decoders.ssrp.SsrpParser} is the grammar,
 * {@link io.impacketsensor.decoders.ssrp.SsrpAnalyzer} the per-flow state (which request an answer
 * belongs to), {@code SsrpEvents} builds the events from the parser's fields.
 */
package io.impacketsensor.decoders.ssrp;
