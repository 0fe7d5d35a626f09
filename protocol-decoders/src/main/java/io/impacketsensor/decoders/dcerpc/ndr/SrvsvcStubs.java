package io.impacketsensor.decoders.dcerpc.ndr;

import io.impacketsensor.core.event.RpcArgs;

/** srvsvc (MS-SRVS 3.1.4) share and session enumeration: the information level asked for. */
final class SrvsvcStubs {
    private SrvsvcStubs() {
    }

    static boolean wantsRequest(int opnum) {
        return opnum == 12 || opnum == 15;
    }

    static RpcArgs request(int opnum, NdrReader r) {
        r.uniqueWideString(); // ServerName
        if (opnum == 12) { // NetrSessionEnum: ClientName, UserName
            r.uniqueWideString();
            r.uniqueWideString();
        }
        // SHARE_ENUM_STRUCT / SESSION_ENUM_STRUCT: Level comes first.
        return new RpcArgs.SrvsvcEnum(opnum, r.i32());
    }
}
