package io.impacketsensor.decoders.dcerpc.ndr;

import io.impacketsensor.core.event.RpcArgs;
import io.impacketsensor.core.event.RpcInterfaces;

/**
 * Which cleartext stubs are decoded, and the dispatch to the per-interface decoders. The analyzer
 * buffers a stub only when {@link #wantsRequest}/{@link #wantsResponse} say so; every other stub is
 * skipped by length.
 */
public final class StubDecoders {
    private StubDecoders() {
    }

    /** True when the request stub of this operation is decoded into {@link RpcArgs}. */
    public static boolean wantsRequest(int iface, int opnum) {
        switch (iface) {
            case RpcInterfaces.SVCCTL: return SvcctlStubs.wantsRequest(opnum);
            case RpcInterfaces.WINREG: return WinregStubs.wantsRequest(opnum);
            case RpcInterfaces.LSARPC: return LsarpcStubs.wantsRequest(opnum);
            case RpcInterfaces.SAMR: return SamrStubs.wantsRequest(opnum);
            case RpcInterfaces.SRVSVC: return SrvsvcStubs.wantsRequest(opnum);
            case RpcInterfaces.EPMAPPER: return EpmStubs.wantsRequest(opnum);
            case RpcInterfaces.TSCH: return TaskStubs.wantsTsch(opnum);
            case RpcInterfaces.ATSVC: return opnum == 0;
            case RpcInterfaces.REMOTE_SCM_ACTIVATOR:
            case RpcInterfaces.IACTIVATION: return ActivationStubs.wants(iface, opnum);
            case RpcInterfaces.EFSRPC_LSA:
            case RpcInterfaces.EFSRPC:
            case RpcInterfaces.SPOOLSS:
            case RpcInterfaces.NETDFS:
            case RpcInterfaces.FSRVP:
            case RpcInterfaces.EVENTLOG: return CoercionStubs.wants(iface, opnum);
            case RpcInterfaces.REM_UNKNOWN:
            case RpcInterfaces.REM_UNKNOWN2: return RemUnknownStubs.wants(iface, opnum);
            default: return DcomStubs.wants(iface, opnum);
        }
    }

    /** True when this request's NDR64 encoding equals its NDR 2.0 one, so it is decoded on NDR64 contexts too. */
    public static boolean sameInNdr64(int iface, int opnum) {
        return iface == RpcInterfaces.SAMR && SamrStubs.sameInNdr64(opnum);
    }

    /** True when the request stub of this operation has its own NDR64 decoder (MS-RPCE 2.2.5). */
    public static boolean wantsRequestNdr64(int iface, int opnum) {
        return (iface == RpcInterfaces.ATSVC && opnum == 0)
                || (iface == RpcInterfaces.SAMR && SamrStubs.wantsRequestNdr64(opnum));
    }

    /** Decodes an NDR64 request stub named by {@link #wantsRequestNdr64}; null otherwise. */
    public static RpcArgs requestNdr64(int iface, int opnum, NdrReader r) {
        if (!wantsRequestNdr64(iface, opnum)) {
            return null;
        }
        return iface == RpcInterfaces.SAMR ? SamrStubs.requestNdr64(opnum, r) : TaskStubs.jobAddNdr64(r);
    }

    /** Decodes an NDR64 response stub: the endpoint mapper's ept_map answer; null otherwise. */
    public static RpcArgs responseNdr64(int iface, int opnum, NdrReader r) {
        return iface == RpcInterfaces.EPMAPPER && opnum == 3 ? EpmStubs.responseNdr64(r) : null;
    }

    /** True when the response stub of this operation feeds the handle table or a result record. */
    public static boolean wantsResponse(int iface, int opnum) {
        return wantsResponse(iface, opnum, false);
    }

    /**
     * The same, for a call whose request carried an object UUID ({@code orpc}): the DCOM answers that
     * hand out interface pointers are read too ({@link DcomAnswers}).
     */
    public static boolean wantsResponse(int iface, int opnum, boolean orpc) {
        switch (iface) {
            case RpcInterfaces.SVCCTL: return SvcctlStubs.wantsResponse(opnum);
            case RpcInterfaces.WINREG: return WinregStubs.wantsResponse(opnum);
            case RpcInterfaces.EPMAPPER: return EpmStubs.wantsResponse(opnum);
            default: return DcomAnswers.wants(iface, opnum, orpc);
        }
    }

    /**
     * Arguments of a request that needs no stub (DRSGetNCChanges is recorded even when sealed),
     * or null.
     */
    public static RpcArgs withoutStub(int iface, int opnum) {
        return iface == RpcInterfaces.DRSUAPI && opnum == 3 ? new RpcArgs.DrsGetNcChanges() : null;
    }

    /** Decodes a request stub; null when nothing is decoded (check {@link NdrReader#ok()}). */
    public static RpcArgs request(int iface, int opnum, NdrReader r, HandleNames handles, int maxDcomStrings) {
        switch (iface) {
            case RpcInterfaces.SVCCTL: return SvcctlStubs.request(opnum, r, handles);
            case RpcInterfaces.WINREG: return WinregStubs.request(opnum, r, handles);
            case RpcInterfaces.LSARPC: return LsarpcStubs.request(opnum, r);
            case RpcInterfaces.SAMR: return SamrStubs.request(opnum, r);
            case RpcInterfaces.SRVSVC: return SrvsvcStubs.request(opnum, r);
            case RpcInterfaces.EPMAPPER: return EpmStubs.request(opnum, r);
            case RpcInterfaces.TSCH: return TaskStubs.tsch(opnum, r);
            case RpcInterfaces.ATSVC: return TaskStubs.jobAdd(r);
            case RpcInterfaces.REMOTE_SCM_ACTIVATOR:
            case RpcInterfaces.IACTIVATION:
                return ActivationStubs.wants(iface, opnum) ? ActivationStubs.request(iface, opnum, r, maxDcomStrings) : null;
            case RpcInterfaces.EFSRPC_LSA:
            case RpcInterfaces.EFSRPC:
            case RpcInterfaces.SPOOLSS:
            case RpcInterfaces.NETDFS:
            case RpcInterfaces.FSRVP:
            case RpcInterfaces.EVENTLOG:
                return CoercionStubs.wants(iface, opnum) ? CoercionStubs.request(iface, opnum, r) : null;
            case RpcInterfaces.REM_UNKNOWN:
            case RpcInterfaces.REM_UNKNOWN2:
                return RemUnknownStubs.wants(iface, opnum) ? RemUnknownStubs.request(opnum, r, maxDcomStrings) : null;
            default: return DcomStubs.wants(iface, opnum) ? DcomStubs.request(iface, opnum, r, maxDcomStrings) : null;
        }
    }

    /**
     * Decodes a response stub: records handles, and returns a result record (ept_map) or null
     * (the caller then reports the return status).
     */
    public static RpcArgs response(int iface, int opnum, NdrReader r, RpcArgs request, HandleNames handles) {
        return response(iface, opnum, r, request, handles, false, 0);
    }

    /**
     * The same, for a call whose request carried an object UUID ({@code orpc}); DCOM answers give at
     * most {@code maxRefs} interfaces and bindings.
     */
    public static RpcArgs response(int iface, int opnum, NdrReader r, RpcArgs request, HandleNames handles,
                                   boolean orpc, int maxRefs) {
        switch (iface) {
            case RpcInterfaces.SVCCTL:
                SvcctlStubs.response(opnum, r, request, handles);
                return null;
            case RpcInterfaces.WINREG:
                WinregStubs.response(opnum, r, request, handles);
                return null;
            case RpcInterfaces.EPMAPPER:
                return EpmStubs.response(r, request);
            default:
                return DcomAnswers.wants(iface, opnum, orpc) ? DcomAnswers.response(iface, opnum, r, request, maxRefs) : null;
        }
    }
}
