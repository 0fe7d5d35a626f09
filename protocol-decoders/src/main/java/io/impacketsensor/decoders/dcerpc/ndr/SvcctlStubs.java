package io.impacketsensor.decoders.dcerpc.ndr;

import io.impacketsensor.core.event.RpcArgs;

/** svcctl (MS-SCMR 3.1.4) request and response stubs that matter for service-based execution. */
final class SvcctlStubs {
    private SvcctlStubs() {
    }

    static boolean wantsRequest(int opnum) {
        return opnum == 1 || opnum == 2 || opnum == 11 || opnum == 12 || opnum == 15 || opnum == 16 || opnum == 19;
    }

    static boolean wantsResponse(int opnum) {
        return opnum == 12 || opnum == 16;
    }

    static RpcArgs request(int opnum, NdrReader r, HandleNames handles) {
        switch (opnum) {
            case 15: { // ROpenSCManagerW: [unique,string] lpMachineName, [unique,string] lpDatabaseName, dwDesiredAccess
                String machine = r.stringOrNull(r.uniqueWideString());
                String database = r.stringOrNull(r.uniqueWideString());
                int access = r.i32();
                return new RpcArgs.ScmOpenManager(machine, database, access);
            }
            case 12: { // RCreateServiceW (3.1.4.12)
                r.contextHandle();
                r.varyingString(2); // [in,string,range(0,256)] lpServiceName: a ref pointer, no referent id
                String name = r.string();
                String display = r.stringOrNull(r.uniqueWideString());
                int access = r.i32();
                int type = r.i32();
                int start = r.i32();
                r.i32(); // dwErrorControl
                r.varyingString(2); // [in,string,range(0,8192)] lpBinaryPathName
                String binary = r.string();
                return new RpcArgs.ScmCreateService(name, display, binary, type, start, access);
            }
            case 16: { // ROpenServiceW: hSCManager, [string] lpServiceName, dwDesiredAccess
                r.contextHandle();
                r.varyingString(2);
                String name = r.string();
                return new RpcArgs.ScmOpenService(name, r.i32());
            }
            case 11: { // RChangeServiceConfigW: hService, dwServiceType, dwStartType, dwErrorControl, [unique,string] lpBinaryPathName
                r.contextHandle();
                int type = r.i32();
                int start = r.i32();
                r.i32();
                String binary = r.stringOrNull(r.uniqueWideString());
                return new RpcArgs.ScmChangeServiceConfig(type, start, binary);
            }
            case 1: // RControlService: hService, dwControl
            case 2: // RDeleteService: hService
            case 19: { // RStartServiceW: hService, argc, argv
                int h = r.contextHandle();
                int control = opnum == 1 ? r.i32() : -1;
                return new RpcArgs.ScmServiceAction(opnum, handles.get(r.array(), h), control);
            }
            default:
                return null;
        }
    }

    /** Remembers the service behind the handle an OpenServiceW / CreateServiceW returned. */
    static void response(int opnum, NdrReader r, RpcArgs request, HandleNames handles) {
        if (opnum == 16 && request instanceof RpcArgs.ScmOpenService open) {
            handles.put(r.array(), r.contextHandle(), open.serviceName());
        } else if (opnum == 12 && request instanceof RpcArgs.ScmCreateService create) {
            if (r.pointer() != 0) { // [in,out,unique] lpdwTagId
                r.u32();
            }
            int h = r.contextHandle();
            if (r.ok()) {
                handles.put(r.array(), h, create.serviceName());
            }
        }
    }
}
