package io.impacketsensor.decoders.dcerpc;

import io.impacketsensor.core.event.RpcArgs;
import io.impacketsensor.core.event.RpcInterfaces;

import java.util.UUID;

/**
 * Call sequences of SAMR, WINREG and the Task Scheduler (ITaskSchedulerService) for
 * {@link OpnumInference}: the opnums a tool calls in order on one context, with stub size ranges
 * (bytes, inclusive) that tell them from the same opnums of other interfaces. Every request of
 * these calls carries a 20-byte context handle except the first of a session, so the ranges are
 * narrow where the stub is only handles and counters.
 *
 * <ul>
 *   <li>SAMR (MS-SAMR 3.1.5): SamrConnect (0, server name and access: 12 bytes from Impacket),
 *   SamrEnumerateDomainsInSamServer (6: handle, context, length: 28), SamrLookupDomainInSamServer
 *   (5: handle and name), SamrOpenDomain (7: handle, access and SID), SamrEnumerateUsersInDomain
 *   (13: handle, context, account control, length: 32), SamrOpenUser (34: handle, access and RID:
 *   28), SamrQueryInformationUser2 (47: handle and class: 22) and SamrCloseHandle (1: the handle,
 *   20 and 4 bytes of padding from Impacket). Sizes measured on the lab's samrdump, net, addcomputer,
 *   keylistattack and secretsdump captures: the account listing and the per-account loop of
 *   samrdump.py, and the domain lookup every SAMR client starts with;</li>
 *   <li>WINREG (MS-RRP 3.1.5): OpenLocalMachine (2: server name pointer and access, 8 bytes),
 *   BaseRegOpenKey (15: handle, key name, options, access), BaseRegEnumKey (9) and
 *   BaseRegEnumValue (10: handle, index and name buffers), BaseRegSaveKey (20: handle, file name,
 *   security attributes). Measured on the lab's reg, reg_save, regsecrets and secretsdump
 *   captures. OpenLocalMachine followed by BaseRegOpenKey is a pair that names the interface only
 *   when the BaseRegOpenKey stub is cleartext and decodes as one (secretsdump's boot key reads are
 *   two such pairs and nothing else);</li>
 *   <li>ITaskSchedulerService (MS-TSCH 3.2.5.4): SchRpcRegisterTask (1: path, the task XML,
 *   flags, SDDL, logon type and credentials: hundreds of bytes), SchRpcRun (12: path, arguments,
 *   flags, session and user), SchRpcGetLastRunInfo (16: path) and SchRpcDelete (13: path and
 *   flags), in the order atexec.py calls them (it polls SchRpcGetLastRunInfo until the task ran).
 *   The registration followed by SchRpcRun and a poll is a sequence; any two consecutive calls are
 *   pairs that need the second stub to start with a task path. The ranges follow the IDL (a path
 *   of up to 256 characters); Samba serves no Task Scheduler, so the lab has no capture of it.</li>
 * </ul>
 */
final class MoreInterfaceSequences {
    private MoreInterfaceSequences() {
    }

    static final UUID SAMR = RpcInterfaces.uuid(RpcInterfaces.SAMR);
    static final UUID WINREG = RpcInterfaces.uuid(RpcInterfaces.WINREG);
    static final UUID TSCH = RpcInterfaces.uuid(RpcInterfaces.TSCH);

    private static final OpnumInference.Call SAMR_CONNECT = new OpnumInference.Call(0, 8, 128);
    private static final OpnumInference.Call SAMR_ENUM_DOMAINS = new OpnumInference.Call(6, 28, 28);
    private static final OpnumInference.Call SAMR_LOOKUP_DOMAIN = new OpnumInference.Call(5, 32, 1024);
    private static final OpnumInference.Call SAMR_OPEN_DOMAIN = new OpnumInference.Call(7, 36, 96);
    private static final OpnumInference.Call SAMR_ENUM_USERS = new OpnumInference.Call(13, 32, 32);
    private static final OpnumInference.Call SAMR_OPEN_USER = new OpnumInference.Call(34, 28, 28);
    private static final OpnumInference.Call SAMR_QUERY_USER2 = new OpnumInference.Call(47, 22, 24);
    private static final OpnumInference.Call SAMR_CLOSE = new OpnumInference.Call(1, 20, 24);

    private static final OpnumInference.Call REG_OPEN_HKLM = new OpnumInference.Call(2, 8, 12);
    private static final OpnumInference.Call REG_OPEN_KEY = new OpnumInference.Call(15, 40, 2048);
    private static final OpnumInference.Call REG_ENUM_KEY = new OpnumInference.Call(9, 40, 1024);
    private static final OpnumInference.Call REG_ENUM_VALUE = new OpnumInference.Call(10, 40, 4096);
    private static final OpnumInference.Call REG_SAVE_KEY = new OpnumInference.Call(20, 40, 2048);

    private static final OpnumInference.Call TASK_REGISTER = new OpnumInference.Call(1, 256, 1 << 20);
    private static final OpnumInference.Call TASK_RUN = new OpnumInference.Call(12, 32, 1024);
    private static final OpnumInference.Call TASK_LAST_RUN = new OpnumInference.Call(16, 12, 528);
    private static final OpnumInference.Call TASK_DELETE = new OpnumInference.Call(13, 16, 532);

    static final OpnumInference.Sequence[] SEQUENCES = {
        // samrdump.py, net.py, addcomputer.py: connect, list and look up the domain, open it.
        new OpnumInference.Sequence(SAMR, SAMR_CONNECT, SAMR_ENUM_DOMAINS, SAMR_LOOKUP_DOMAIN),
        new OpnumInference.Sequence(SAMR, SAMR_CONNECT, SAMR_LOOKUP_DOMAIN, SAMR_OPEN_DOMAIN),
        new OpnumInference.Sequence(SAMR, SAMR_ENUM_DOMAINS, SAMR_LOOKUP_DOMAIN, SAMR_OPEN_DOMAIN),
        new OpnumInference.Sequence(SAMR, SAMR_LOOKUP_DOMAIN, SAMR_OPEN_DOMAIN, SAMR_ENUM_USERS),
        // samrdump.py: the account list, then each account opened, read and closed.
        new OpnumInference.Sequence(SAMR, SAMR_OPEN_DOMAIN, SAMR_ENUM_USERS, SAMR_OPEN_USER),
        new OpnumInference.Sequence(SAMR, SAMR_ENUM_USERS, SAMR_OPEN_USER, SAMR_QUERY_USER2),
        new OpnumInference.Sequence(SAMR, SAMR_OPEN_USER, SAMR_QUERY_USER2, SAMR_CLOSE),
        new OpnumInference.Sequence(SAMR, SAMR_QUERY_USER2, SAMR_CLOSE, SAMR_OPEN_USER),
        new OpnumInference.Sequence(SAMR, SAMR_CLOSE, SAMR_OPEN_USER, SAMR_QUERY_USER2),
        // reg.py query -s: keys opened and walked.
        new OpnumInference.Sequence(WINREG, REG_OPEN_HKLM, REG_OPEN_KEY, REG_ENUM_KEY),
        new OpnumInference.Sequence(WINREG, REG_OPEN_KEY, REG_ENUM_KEY, REG_OPEN_KEY),
        new OpnumInference.Sequence(WINREG, REG_OPEN_KEY, REG_ENUM_VALUE, REG_ENUM_KEY),
        new OpnumInference.Sequence(WINREG, REG_ENUM_KEY, REG_OPEN_KEY, REG_ENUM_VALUE),
        new OpnumInference.Sequence(WINREG, REG_ENUM_VALUE, REG_ENUM_KEY, REG_OPEN_KEY),
        new OpnumInference.Sequence(WINREG, REG_ENUM_KEY, REG_ENUM_KEY, REG_OPEN_KEY),
        new OpnumInference.Sequence(WINREG, REG_ENUM_VALUE, REG_ENUM_VALUE, REG_ENUM_KEY),
        new OpnumInference.Sequence(WINREG, REG_OPEN_KEY, REG_ENUM_VALUE, REG_ENUM_VALUE),
        // reg.py save, secretsdump's remote hive saves: a key opened and saved to a file.
        new OpnumInference.Sequence(WINREG, REG_OPEN_HKLM, REG_OPEN_KEY, REG_SAVE_KEY),
        new OpnumInference.Sequence(WINREG, REG_OPEN_KEY, REG_SAVE_KEY, REG_OPEN_HKLM),
        // atexec.py: register (a task XML of hundreds of bytes), run, poll.
        new OpnumInference.Sequence(TSCH, TASK_REGISTER, TASK_RUN, TASK_LAST_RUN),
    };

    /**
     * Pairs that name the interface only when the second call's stub proves it ({@link #proves}).
     * The Task Scheduler's later calls are pairs, not sequences: SchRpcGetLastRunInfo and
     * SchRpcDelete have the opnums and sizes of SVCCTL's ROpenServiceW and REnumDependentServicesW
     * (a Covenant SharpSC capture calls 16, 16, 13), but their stubs start with a task path, not a
     * context handle.
     */
    static final OpnumInference.Pair[] PAIRS = {
        new OpnumInference.Pair(WINREG, REG_OPEN_HKLM, REG_OPEN_KEY),
        new OpnumInference.Pair(TSCH, TASK_REGISTER, TASK_RUN),
        new OpnumInference.Pair(TSCH, TASK_RUN, TASK_LAST_RUN),
        new OpnumInference.Pair(TSCH, TASK_LAST_RUN, TASK_DELETE),
    };

    /**
     * True when {@code args}, the decoded stub of the call that completed a pair naming
     * {@code iface}, proves that interface: a WINREG BaseRegOpenKey with a key name, a Task
     * Scheduler call whose first argument is a task path (MS-TSCH 2.3.11: paths start with
     * {@code \}). Other interfaces' pairs need only a stub that decodes.
     */
    static boolean proves(UUID iface, RpcArgs args) {
        if (TSCH.equals(iface)) {
            return args instanceof RpcArgs.TaskRegister t && t.path() != null && t.path().startsWith("\\");
        }
        if (WINREG.equals(iface)) {
            return args instanceof RpcArgs.RegOpenKey k && k.keyPath() != null && !k.keyPath().isEmpty();
        }
        return args != null;
    }
}
