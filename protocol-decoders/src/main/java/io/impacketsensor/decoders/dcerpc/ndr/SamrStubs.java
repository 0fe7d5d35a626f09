package io.impacketsensor.decoders.dcerpc.ndr;

import io.impacketsensor.core.event.RpcArgs;

/** samr (MS-SAMR 3.1.5) connect / lookup / enumerate calls, user creation and SetInformationUser. */
final class SamrStubs {
    private SamrStubs() {
    }

    static boolean wantsRequest(int opnum) {
        switch (opnum) {
            case 0: case 5: case 6: case 7: case 11: case 12: case 13: case 15: case 17: case 19: case 27: case 34:
            case 37: case 50: case 57: case 58: case 62: case 64:
                return true;
            default:
                return false;
        }
    }

    /**
     * Requests made only of a context handle and 32-bit integers: their NDR64 encoding is byte for byte
     * the NDR 2.0 one (a context handle is a 4-byte-aligned 20-byte structure, an unsigned long is 4
     * bytes aligned to 4 in both; MS-RPCE 2.2.5.3.4.1, 2.2.5.3.5), so they are decoded on NDR64 contexts
     * too — Windows clients talking to Windows servers negotiate NDR64.
     */
    static boolean sameInNdr64(int opnum) {
        return opnum == 19 || opnum == 27 || opnum == 34;
    }

    /** Requests with their own NDR64 decoder: LookupDomainInSamServer and the Connect calls' ServerName. */
    static boolean wantsRequestNdr64(int opnum) {
        return opnum == 5 || opnum == 57 || opnum == 62 || opnum == 64;
    }

    /** NDR64 forms (MS-RPCE 2.2.5) of the requests {@link #wantsRequestNdr64} names. */
    static RpcArgs requestNdr64(int opnum, NdrReader r) {
        if (opnum == 5) { // ServerHandle, then the RPC_UNICODE_STRING Name ([in] ref pointer: no wire id)
            r.contextHandle();
            return new RpcArgs.SamrCall(opnum, r.stringOrNull(r.unicodeString64()));
        }
        // SamrConnect2/4/5: [in, unique, string] ServerName first
        return new RpcArgs.SamrCall(opnum, r.stringOrNull(r.pointer64() != 0 && r.varyingString64(2)));
    }

    static RpcArgs request(int opnum, NdrReader r) {
        switch (opnum) {
            case 0: // SamrConnect: [unique] PSAMPR_SERVER_NAME is a pointer to one wchar_t, not a string
                if (r.pointer() != 0) {
                    r.u16();
                }
                return new RpcArgs.SamrCall(opnum, null);
            case 57: // SamrConnect2, Connect4, Connect5: [unique,string] ServerName
            case 62:
            case 64:
                return new RpcArgs.SamrCall(opnum, r.stringOrNull(r.uniqueWideString()));
            case 5: { // SamrLookupDomainInSamServer: ServerHandle, PRPC_UNICODE_STRING Name
                r.contextHandle();
                return new RpcArgs.SamrCall(opnum, r.stringOrNull(r.unicodeString()));
            }
            case 7: { // SamrOpenDomain: ServerHandle, DesiredAccess, PRPC_SID DomainId
                r.contextHandle();
                r.u32();
                r.sid();
                return new RpcArgs.SamrCall(opnum, r.ok() ? r.sidString() : null);
            }
            case 19: // SamrOpenGroup: DomainHandle, DesiredAccess, GroupId (MS-SAMR 3.1.5.1.7)
            case 27: // SamrOpenAlias: DomainHandle, DesiredAccess, AliasId (MS-SAMR 3.1.5.1.8)
            case 34: { // SamrOpenUser: DomainHandle, DesiredAccess, UserId: the RID as the name
                r.contextHandle();
                r.u32();
                return new RpcArgs.SamrCall(opnum, Long.toString(r.u32()));
            }
            case 17: { // SamrLookupNamesInDomain: DomainHandle, Count, [size_is(1000), length_is(Count)] Names
                r.contextHandle();
                long count = r.u32();
                return new RpcArgs.LookupNames(LsarpcStubs.names(r, count, true));
            }
            case 50: { // SamrCreateUser2InDomain: DomainHandle, Name, AccountType, DesiredAccess
                r.contextHandle();
                String name = r.stringOrNull(r.unicodeString());
                int type = r.i32();
                int access = r.i32();
                return new RpcArgs.SamrCreateUser(name, type, access);
            }
            case 12: { // SamrCreateUserInDomain: DomainHandle, Name, DesiredAccess (always USER_NORMAL_ACCOUNT)
                r.contextHandle();
                String name = r.stringOrNull(r.unicodeString());
                int access = r.i32();
                return new RpcArgs.SamrCreateUser(name, 0x10, access);
            }
            case 37: // SamrSetInformationUser(2): UserHandle, USER_INFORMATION_CLASS (an NDR enum: 16 bits)
            case 58:
                r.contextHandle();
                return new RpcArgs.SamrSetUserInfo(r.u16());
            default: // enumerations: the handle only
                return new RpcArgs.SamrCall(opnum, null);
        }
    }
}
