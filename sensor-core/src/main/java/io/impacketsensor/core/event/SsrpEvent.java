package io.impacketsensor.core.event;

import java.util.List;

/**
 * The SQL Server Resolution Protocol ([MC-SQLR], the SQL Server Browser on UDP 1434): a client asks
 * which SQL Server instances a host runs, or the port of one instance, before it connects with TDS.
 */
public sealed interface SsrpEvent extends SensorEvent {

    /** CLNT_BCAST_EX ([MC-SQLR] 2.2.1): every instance of every server on the subnet. */
    int CLNT_BCAST_EX = 0x02;
    /** CLNT_UCAST_EX (2.2.2): every instance of one server. */
    int CLNT_UCAST_EX = 0x03;
    /** CLNT_UCAST_INST (2.2.3): one named instance of one server. */
    int CLNT_UCAST_INST = 0x04;
    /** CLNT_UCAST_DAC (2.2.4): the dedicated administrator connection port of one instance. */
    int CLNT_UCAST_DAC = 0x0F;

    /**
     * A client's request.
     *
     * @param header   common header (client: the asker; server: the browser, port 1434)
     * @param opcode   the request's first byte ({@link #CLNT_BCAST_EX}, {@link #CLNT_UCAST_EX},
     *                 {@link #CLNT_UCAST_INST}, {@link #CLNT_UCAST_DAC})
     * @param instance INSTANCENAME of CLNT_UCAST_INST and CLNT_UCAST_DAC, else ""
     * @param length   bytes of the datagram (the enumeration requests are one byte, 2.2.1, 2.2.2)
     */
    record SsrpRequest(EventHeader header, int opcode, String instance, int length) implements SsrpEvent {
    }

    /**
     * The server's SVR_RESP (2.2.5).
     *
     * @param header        common header
     * @param instanceCount instances the answer lists (0 for the DAC answer)
     * @param instances     their InstanceName values, in order, at most the decoder's limit
     * @param dacPort       TCP_DAC_PORT of the answer to CLNT_UCAST_DAC, else -1
     */
    record SsrpResponse(EventHeader header, int instanceCount, List<String> instances, int dacPort) implements SsrpEvent {
    }
}
