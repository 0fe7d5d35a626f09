package io.impacketsensor.core.event;

import java.util.List;
import java.util.UUID;

/**
 * Connection-oriented DCE/RPC (C706 ch. 12, MS-RPCE) over TCP or an SMB2 named pipe.
 */
public sealed interface DcerpcEvent extends SensorEvent {

    /**
     * The {@link #namedPipe()} of a pipe whose CREATE was not captured (an SMB2 open from before the
     * capture, recognised as a pipe by the DCE/RPC PDUs it carries): the name is unknown.
     */
    String UNKNOWN_PIPE = "";

    /**
     * The named pipe ({@code \PIPE\svcctl} as opened, e.g. "svcctl"), {@link #UNKNOWN_PIPE} when its
     * name is unknown, or null over TCP.
     */
    String namedPipe();

    /**
     * How the interface of a request was found. A context id names an interface only through the
     * BIND or ALTER_CONTEXT that defined it (C706 12.6.4.3); when that PDU was not captured (a
     * connection picked up mid-stream, a connection or context reused from before the capture)
     * the interface comes from what else the sensor knows, and detection weighs it accordingly.
     */
    enum InterfaceSource {
        /** The BIND or ALTER_CONTEXT of this connection or pipe defined the context. */
        BIND("bind"),
        /**
         * What was bound at the same server endpoint (address and TCP port, or address and pipe)
         * on other connections, what the endpoint mapper answered for it, or the one interface its
         * pipe serves.
         */
        ENDPOINT("endpoint"),
        /** The object UUID of an ORPC call is an IPID whose interface an activation or RemQueryInterface answer named. */
        DCOM_IPID("dcom_ipid"),
        /** Inferred from the operations called on the context (their opnums and stub sizes): the least certain. */
        INFERRED("inferred");

        private final String wireName;

        InterfaceSource(String wireName) {
            this.wireName = wireName;
        }

        /** The name written in records ({@code bind}, {@code endpoint}, {@code dcom_ipid}, {@code inferred}). */
        public String wireName() {
            return wireName;
        }
    }

    /**
     * One presentation context of a BIND or ALTER_CONTEXT.
     *
     * @param contextId        p_cont_id
     * @param interfaceUuid    abstract syntax UUID
     * @param versionMajor     interface major version
     * @param versionMinor     interface minor version
     * @param transferSyntaxes transfer syntax UUIDs offered (NDR, NDR64, bind-time feature)
     * @param result           ack result (0 acceptance, 2 provider rejection, 3 negotiate ack), or -1
     * @param reason           p_provider_reason_t of a result other than acceptance (1 abstract syntax
     *                         not supported, 2 proposed transfer syntaxes not supported; C706 12.6.3.1,
     *                         MS-RPCE 2.2.2.4), or -1
     */
    record Context(int contextId, UUID interfaceUuid, int versionMajor, int versionMinor,
                   List<UUID> transferSyntaxes, int result, int reason) {
        /** A context without a rejection reason (not yet answered, or accepted). */
        public Context(int contextId, UUID interfaceUuid, int versionMajor, int versionMinor,
                       List<UUID> transferSyntaxes, int result) {
            this(contextId, interfaceUuid, versionMajor, versionMinor, transferSyntaxes, result, -1);
        }

        /** The server rejected the interface itself: provider rejection, abstract syntax not supported. */
        public boolean abstractSyntaxRejected() {
            return result == 2 && reason == 1;
        }
    }

    /**
     * BIND or ALTER_CONTEXT and its answer.
     *
     * @param header        common header
     * @param namedPipe     pipe name, or null over TCP
     * @param alterContext  true for ALTER_CONTEXT
     * @param callId        call_id
     * @param maxXmitFrag   max_xmit_frag (Impacket: 4280)
     * @param maxRecvFrag   max_recv_frag
     * @param contexts      the presentation contexts, with results once the ack is seen
     * @param authType      sec_trailer auth_type (10 NTLMSSP, 9 SPNEGO, 16 Kerberos, 68 Netlogon), or 0
     * @param authLevel     sec_trailer auth_level (1 none ... 6 privacy), or 0
     * @param authContextId sec_trailer auth_context_id (Impacket: 79231 + ctx), or -1
     * @param nak           true when the server answered BIND_NAK
     * @param rpcVersionMinor rpc_vers_minor (0 or 1) of the last PDU of the exchange (the ack when
     *                      it was seen); rpc_vers is always 5 (C706 12.6.3.1)
     * @param requestLost   true for a BIND_ACK or ALTER_CONTEXT_RESP whose BIND or ALTER_CONTEXT was
     *                      not captured: {@code contexts} is empty (the ack names results, not
     *                      interfaces), {@code maxXmitFrag}/{@code maxRecvFrag} are the server's and
     *                      there is no auth; it is a protocol record, no evidence for the engine
     */
    record DcerpcBind(EventHeader header, String namedPipe, boolean alterContext, int callId, int maxXmitFrag,
                      int maxRecvFrag, List<Context> contexts, int authType, int authLevel, long authContextId,
                      boolean nak, int rpcVersionMinor, boolean requestLost) implements DcerpcEvent {

        /** A bind whose request was seen. */
        public DcerpcBind(EventHeader header, String namedPipe, boolean alterContext, int callId, int maxXmitFrag,
                          int maxRecvFrag, List<Context> contexts, int authType, int authLevel, long authContextId,
                          boolean nak, int rpcVersionMinor) {
            this(header, namedPipe, alterContext, callId, maxXmitFrag, maxRecvFrag, contexts, authType, authLevel,
                    authContextId, nak, rpcVersionMinor, false);
        }

        /** A bind whose PDUs carry rpc_vers_minor 0. */
        public DcerpcBind(EventHeader header, String namedPipe, boolean alterContext, int callId, int maxXmitFrag,
                          int maxRecvFrag, List<Context> contexts, int authType, int authLevel, long authContextId,
                          boolean nak) {
            this(header, namedPipe, alterContext, callId, maxXmitFrag, maxRecvFrag, contexts, authType, authLevel,
                    authContextId, nak, 0);
        }
    }

    /**
     * A REQUEST (reassembled from its fragments).
     *
     * @param header        common header
     * @param namedPipe     pipe name, or null over TCP
     * @param callId        call_id
     * @param contextId     p_cont_id
     * @param interfaceUuid interface bound to that context, or null when the bind was not seen
     * @param opnum         operation number
     * @param objectUuid    object UUID when PFC_OBJECT_UUID is set, else null
     * @param sealed        true when the stub is encrypted (auth level PKT_PRIVACY)
     * @param stubLength    total stub length over all fragments
     * @param fragments     number of fragments
     * @param authType      auth_type of this request, or 0
     * @param authLevel     auth_level of this request, or 0
     * @param args          decoded arguments for the operations that matter, else null
     * @param interfaceSource how {@code interfaceUuid} was found, or null when it is unknown
     * @param clsid         the DCOM class of the object whose IPID is {@code objectUuid}, when an
     *                      activation answer named it, else null
     * @param rpcVersionMinor rpc_vers_minor (0 or 1) of the request's last fragment
     * @param bodyLength    bytes after the request header's opnum (C706 12.6.4.9: object UUID, stub,
     *                      auth padding and verifier), summed over the fragments
     */
    record DcerpcRequest(EventHeader header, String namedPipe, int callId, int contextId, UUID interfaceUuid,
                         int opnum, UUID objectUuid, boolean sealed, int stubLength, int fragments, int authType,
                         int authLevel, RpcArgs args, InterfaceSource interfaceSource, UUID clsid,
                         int rpcVersionMinor, int bodyLength) implements DcerpcEvent {

        /**
         * A request whose fragments carry no auth verifier: its body is the object UUID (one per
         * fragment when PFC_OBJECT_UUID is set) and the stub.
         */
        public DcerpcRequest(EventHeader header, String namedPipe, int callId, int contextId, UUID interfaceUuid,
                             int opnum, UUID objectUuid, boolean sealed, int stubLength, int fragments, int authType,
                             int authLevel, RpcArgs args, InterfaceSource interfaceSource, UUID clsid,
                             int rpcVersionMinor) {
            this(header, namedPipe, callId, contextId, interfaceUuid, opnum, objectUuid, sealed, stubLength, fragments,
                    authType, authLevel, args, interfaceSource, clsid, rpcVersionMinor,
                    stubLength + (objectUuid != null ? 16 * fragments : 0));
        }

        /** A request whose fragments carry rpc_vers_minor 0. */
        public DcerpcRequest(EventHeader header, String namedPipe, int callId, int contextId, UUID interfaceUuid,
                             int opnum, UUID objectUuid, boolean sealed, int stubLength, int fragments, int authType,
                             int authLevel, RpcArgs args, InterfaceSource interfaceSource, UUID clsid) {
            this(header, namedPipe, callId, contextId, interfaceUuid, opnum, objectUuid, sealed, stubLength, fragments,
                    authType, authLevel, args, interfaceSource, clsid, 0);
        }

        /** A request whose interface, when known, came from its context's BIND. */
        public DcerpcRequest(EventHeader header, String namedPipe, int callId, int contextId, UUID interfaceUuid,
                             int opnum, UUID objectUuid, boolean sealed, int stubLength, int fragments, int authType,
                             int authLevel, RpcArgs args) {
            this(header, namedPipe, callId, contextId, interfaceUuid, opnum, objectUuid, sealed, stubLength, fragments,
                    authType, authLevel, args, interfaceUuid == null ? null : InterfaceSource.BIND, null);
        }
    }

    /**
     * A RESPONSE tied to its request by call_id.
     *
     * @param header        common header
     * @param namedPipe     pipe name, or null over TCP
     * @param callId        call_id
     * @param interfaceUuid interface of the request, or null
     * @param opnum         opnum of the request, or -1
     * @param sealed        true when the stub is encrypted
     * @param stubLength    total stub length
     * @param result        decoded results where useful (ept_map port, NTSTATUS/WERROR of the call), else null
     * @param fragments     number of fragments the response came in
     * @param rpcVersionMinor rpc_vers_minor (0 or 1) of the response's last fragment
     * @param bodyLength    bytes after the 16-byte common header (C706 12.6.4.10: alloc_hint,
     *                      p_cont_id, cancel_count, reserved, stub, auth padding and verifier),
     *                      summed over the fragments
     */
    record DcerpcResponse(EventHeader header, String namedPipe, int callId, UUID interfaceUuid, int opnum,
                          boolean sealed, int stubLength, RpcArgs result, int fragments, int rpcVersionMinor,
                          int bodyLength) implements DcerpcEvent {

        /** A response whose fragments carry no auth verifier: 8 header bytes and the stub per fragment. */
        public DcerpcResponse(EventHeader header, String namedPipe, int callId, UUID interfaceUuid, int opnum,
                              boolean sealed, int stubLength, RpcArgs result, int fragments, int rpcVersionMinor) {
            this(header, namedPipe, callId, interfaceUuid, opnum, sealed, stubLength, result, fragments, rpcVersionMinor,
                    stubLength + 8 * fragments);
        }

        /** A response in one fragment with rpc_vers_minor 0. */
        public DcerpcResponse(EventHeader header, String namedPipe, int callId, UUID interfaceUuid, int opnum,
                              boolean sealed, int stubLength, RpcArgs result) {
            this(header, namedPipe, callId, interfaceUuid, opnum, sealed, stubLength, result, 1, 0);
        }
    }

    /**
     * A FAULT tied to its request by call_id.
     *
     * @param header        common header
     * @param namedPipe     pipe name, or null
     * @param callId        call_id
     * @param interfaceUuid interface of the request, or null
     * @param opnum         opnum of the request, or -1
     * @param status        fault status (nca_s_* or a Win32/NTSTATUS code)
     * @param rpcVersionMinor rpc_vers_minor (0 or 1) of the FAULT PDU
     */
    record DcerpcFault(EventHeader header, String namedPipe, int callId, UUID interfaceUuid, int opnum,
                       long status, int rpcVersionMinor) implements DcerpcEvent {

        /** A fault with rpc_vers_minor 0. */
        public DcerpcFault(EventHeader header, String namedPipe, int callId, UUID interfaceUuid, int opnum,
                           long status) {
            this(header, namedPipe, callId, interfaceUuid, opnum, status, 0);
        }
    }
}
