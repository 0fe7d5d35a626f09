package io.impacketsensor.decoders.dcerpc.ndr;

import io.impacketsensor.core.event.RpcArgs;

/** svcctl (MS-SCMR 3.1.4) request and response stubs that matter for service-based execution. */
final class SvcctlStubs {
    private SvcctlStubs() {
    }

    /** MS-SCMR 3.1.4.12 RCreateServiceW. */
    static final int CREATE_SERVICE_W = 12;
    /** MS-SCMR 3.1.4.20 RCreateServiceA: the same arguments with ANSI strings. */
    static final int CREATE_SERVICE_A = 24;
    /** MS-SCMR 3.1.4.41 RCreateServiceWOW64A (32-bit service on a 64-bit host), ANSI strings. */
    static final int CREATE_SERVICE_WOW64_A = 44;
    /** MS-SCMR 3.1.4.42 RCreateServiceWOW64W: the same arguments as RCreateServiceW (Sysinternals PsExec uses it). */
    static final int CREATE_SERVICE_WOW64_W = 45;

    static boolean wantsRequest(int opnum) {
        return opnum == 1 || opnum == 2 || opnum == 11 || opnum == 15 || opnum == 16 || opnum == 19
                || createService(opnum);
    }

    static boolean wantsResponse(int opnum) {
        return opnum == 16 || createService(opnum);
    }

    /** The four service-creating operations, which share one NDR layout (MS-SCMR 3.1.4.12/20/41/42). */
    static boolean createService(int opnum) {
        return opnum == CREATE_SERVICE_W || opnum == CREATE_SERVICE_A || opnum == CREATE_SERVICE_WOW64_A
                || opnum == CREATE_SERVICE_WOW64_W;
    }

    static RpcArgs request(int opnum, NdrReader r, HandleNames handles) {
        switch (opnum) {
            case 15: { // ROpenSCManagerW: [unique,string] lpMachineName, [unique,string] lpDatabaseName, dwDesiredAccess
                String machine = r.stringOrNull(r.uniqueWideString());
                String database = r.stringOrNull(r.uniqueWideString());
                int access = r.i32();
                return new RpcArgs.ScmOpenManager(machine, database, access);
            }
            case CREATE_SERVICE_W:
            case CREATE_SERVICE_A:
            case CREATE_SERVICE_WOW64_A:
            case CREATE_SERVICE_WOW64_W: { // RCreateServiceW (3.1.4.12) and its A / WOW64 variants
                int charSize = opnum == CREATE_SERVICE_W || opnum == CREATE_SERVICE_WOW64_W ? 2 : 1;
                r.contextHandle();
                r.varyingString(charSize); // [in,string,range(0,256)] lpServiceName: a ref pointer, no referent id
                String name = r.string();
                String display = r.stringOrNull(r.uniqueString(charSize));
                int access = r.i32();
                int type = r.i32();
                int start = r.i32();
                r.i32(); // dwErrorControl
                r.varyingString(charSize); // [in,string,range(0,8192)] lpBinaryPathName
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
        } else if (createService(opnum) && request instanceof RpcArgs.ScmCreateService create) {
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
