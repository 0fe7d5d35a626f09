package io.impacketsensor.decoders.dcerpc.ndr;

import io.impacketsensor.core.event.RpcArgs;

/** ITaskSchedulerService (MS-TSCH 3.2.5.4) task paths and XML; atsvc NetrJobAdd (MS-TSCH 3.2.5.2.1) command (NDR and NDR64). */
final class TaskStubs {
    private TaskStubs() {
    }

    static boolean wantsTsch(int opnum) {
        return opnum == 1 || opnum == 2 || opnum == 11 || opnum == 12 || opnum == 13 || opnum == 16 || opnum == 19;
    }

    static RpcArgs tsch(int opnum, NdrReader r) {
        if (opnum == 1) { // SchRpcRegisterTask: [unique,string] path, [string] xml, flags, ...
            String path = r.stringOrNull(r.uniqueWideString());
            String xml = r.varyingString(2) ? r.string() : null;
            return new RpcArgs.TaskRegister(opnum, path, xml);
        }
        // SchRpcRetrieveTask, Stop, Run, Delete, GetLastRunInfo, EnableTask: [string] path first
        return new RpcArgs.TaskRegister(opnum, r.varyingString(2) ? r.string() : null, null);
    }

    /** NetrJobAdd: [unique,string] ServerName, AT_INFO {JobTime, DaysOfMonth, DaysOfWeek, Flags, [string] Command}. */
    static RpcArgs jobAdd(NdrReader r) {
        r.uniqueWideString();
        r.u32();
        r.u32();
        r.u8();
        r.u8();
        long ptr = r.pointer();
        String command = ptr != 0 && r.varyingString(2) ? r.string() : null;
        return new RpcArgs.AtJobAdd(command);
    }

    /**
     * NetrJobAdd over NDR64 (Windows servers accept it when offered): the same arguments with 8-byte
     * pointers and counts, JobTime a DWORD_PTR (8 bytes), the AT_INFO structure 8-aligned.
     */
    static RpcArgs jobAddNdr64(NdrReader r) {
        if (r.pointer64() != 0) {
            r.varyingString64(2); // ServerName
        }
        r.align(8);
        r.u64(); // JobTime
        r.u32(); // DaysOfMonth
        r.u8(); // DaysOfWeek
        r.u8(); // Flags
        long ptr = r.pointer64();
        String command = ptr != 0 && r.varyingString64(2) ? r.string() : null;
        return new RpcArgs.AtJobAdd(command);
    }
}
