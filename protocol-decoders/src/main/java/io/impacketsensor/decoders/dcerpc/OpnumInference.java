package io.impacketsensor.decoders.dcerpc;

import java.util.UUID;

/**
 * The interface of a presentation context whose BIND was not captured and which nothing else
 * names ({@link EndpointInterfaces}), inferred from the operations called on it: the last three
 * requests on the context (opnum and stub size, in order) against a table of call sequences that
 * one interface makes. A sequence decides only when every triple that fits names the same
 * interface; two interfaces fitting, or none, leave the context unnamed. The stub size ranges are
 * wide (they hold sealed and signed stubs, NTLM and Kerberos, Impacket and Windows clients) and
 * serve to tell apart calls that share an opnum.
 *
 * <p>The sequences, from the lab and public captures and the protocol specifications:
 * <ul>
 *   <li>DRSUAPI (MS-DRSR 4.1): IDL_DRSBind (0), IDL_DRSDomainControllerInfo (16), IDL_DRSCrackNames
 *   (12), IDL_DRSGetNCChanges (3): secretsdump's DCSync and mimikatz lsadump::dcsync (which binds
 *   twice), and their tails once the first call is lost;</li>
 *   <li>LSARPC (MS-LSAT 3.1.4): LsarOpenPolicy2 (44), LsarQueryInformationPolicy2 (46) or
 *   LsarQueryInformationPolicy (7), LsarLookupSids (15): lookupsid's SID walk;</li>
 *   <li>SVCCTL (MS-SCMR 3.1.4): ROpenSCManagerW (15), ROpenServiceW (16), RCreateServiceW (12),
 *   RStartServiceW (19): a service created and started remotely (psexec, smbexec, services); and
 *   without RCreateServiceW, ROpenSCManagerW or ROpenSCManager2 (64) then ROpenServiceW, both with
 *   their stubs' layouts ({@link ScmrShapes}), then RStartServiceW, RControlService (1),
 *   RDeleteService (2) or RQueryServiceStatus (6): a service started, stopped, deleted or watched
 *   (sc.exe, SharpSC);</li>
 *   <li>SAMR, WINREG and ITaskSchedulerService: {@link MoreInterfaceSequences}.</li>
 * </ul>
 *
 * <p>One instance per association, a few fixed arrays; used only when a request arrives on a
 * context with no known interface.
 */
final class OpnumInference {
    /** Unknown contexts followed per association; more are left unnamed. */
    static final int MAX_CONTEXTS = 4;
    private static final int WINDOW = 3;

    private static final UUID DRSUAPI = UUID.fromString("e3514235-4b06-11d1-ab04-00c04fc2dcd2");
    private static final UUID LSARPC = UUID.fromString("12345778-1234-abcd-ef00-0123456789ab");
    private static final UUID SVCCTL = UUID.fromString("367abb81-9844-35f1-ad32-98f038001003");

    /**
     * A call of a sequence: the opnum and the stub size range (bytes, inclusive); when
     * {@code shaped}, only a cleartext stub whose NDR layout is that operation's fits
     * ({@link ScmrShapes}).
     */
    record Call(int opnum, int minStub, int maxStub, boolean shaped) {
        Call(int opnum, int minStub, int maxStub) {
            this(opnum, minStub, maxStub, false);
        }

        boolean fits(int op, long stub) {
            return fits(op, stub, false);
        }

        boolean fits(int op, long stub, boolean shape) {
            return op == opnum && stub >= minStub && stub <= maxStub && (shape || !shaped);
        }
    }

    record Sequence(UUID iface, Call a, Call b, Call c) {
    }

    /**
     * Two calls that name an interface only when the second one's cleartext stub also decodes as
     * that operation ({@link #needsProof()}): too few calls to decide on opnums and sizes alone.
     */
    record Pair(UUID iface, Call a, Call b) {
    }

    // MS-DRSR 4.1.3 IDL_DRSBind: client UUID pointer and DRS_EXTENSIONS (impacket 84 bytes signed
    // and sealed, mimikatz under Kerberos ~200); 4.1.5 IDL_DRSDomainControllerInfo: handle and a
    // small request; 4.1.4 IDL_DRSCrackNames: handle and names; 4.1.10 IDL_DRSGetNCChanges: handle
    // and a DRS_MSG_GETCHGREQ_V8/V10 (about 300 bytes and more).
    private static final Call DRS_BIND = new Call(0, 40, 512);
    private static final Call DRS_DC_INFO = new Call(16, 8, 256);
    private static final Call DRS_CRACK = new Call(12, 24, 4096);
    private static final Call DRS_GET_NC_CHANGES = new Call(3, 100, 16384);
    // MS-LSAT 3.1.4.4.1 LsarOpenPolicy2: server name and attributes; 3.1.4.4.3/4
    // LsarQueryInformationPolicy(2): handle and class; 3.1.4.9.4 LsarLookupSids: handle, SIDs.
    private static final Call LSA_OPEN2 = new Call(44, 20, 512);
    private static final Call LSA_QUERY2 = new Call(46, 20, 64);
    private static final Call LSA_QUERY = new Call(7, 20, 64);
    private static final Call LSA_LOOKUP_SIDS = new Call(15, 40, 1 << 20);
    // MS-SCMR 3.1.4.15 ROpenSCManagerW: machine and database names; 3.1.4.16 ROpenServiceW:
    // handle and service name; 3.1.4.12 RCreateServiceW: handle, names, binary path;
    // 3.1.4.19 RStartServiceW: handle and arguments.
    private static final Call SC_OPEN_MANAGER = new Call(15, 20, 1024);
    private static final Call SC_OPEN_SERVICE = new Call(16, 28, 1024);
    private static final Call SC_CREATE = new Call(12, 60, 16384);
    private static final Call SC_START = new Call(19, 20, 16384);
    // The same opening calls proven by their stubs' layouts (ScmrShapes), with 3.1.4.56
    // ROpenSCManager2 (Windows' own client: the database name pointer and the access only), then
    // what a service controller does with a service it opened: 3.1.4.19 RStartServiceW,
    // 3.1.4.2 RControlService (handle and control code), 3.1.4.3 RDeleteService and
    // 3.1.4.6 RQueryServiceStatus (the handle alone). Without the layouts the opnums and sizes
    // are also SAMR's, LSARPC's and the Task Scheduler's.
    private static final Call SC_OPEN_MANAGER_SHAPED = new Call(15, 12, 1024, true);
    private static final Call SC_OPEN_MANAGER2_SHAPED = new Call(64, 8, 1024, true);
    private static final Call SC_OPEN_SERVICE_SHAPED = new Call(16, 40, 1024, true);
    private static final Call SC_CONTROL = new Call(1, 24, 32);
    private static final Call SC_DELETE = new Call(2, 20, 32);
    private static final Call SC_QUERY_STATUS = new Call(6, 20, 32);

    private static final Sequence[] OWN_SEQUENCES = {
        new Sequence(DRSUAPI, DRS_BIND, DRS_DC_INFO, DRS_CRACK),
        new Sequence(DRSUAPI, DRS_DC_INFO, DRS_CRACK, DRS_GET_NC_CHANGES),
        new Sequence(DRSUAPI, DRS_BIND, DRS_CRACK, DRS_GET_NC_CHANGES),
        new Sequence(DRSUAPI, DRS_DC_INFO, DRS_CRACK, DRS_BIND),
        new Sequence(DRSUAPI, DRS_CRACK, DRS_BIND, DRS_GET_NC_CHANGES),
        new Sequence(DRSUAPI, DRS_CRACK, DRS_GET_NC_CHANGES, DRS_GET_NC_CHANGES),
        new Sequence(LSARPC, LSA_OPEN2, LSA_QUERY2, LSA_LOOKUP_SIDS),
        new Sequence(LSARPC, LSA_OPEN2, LSA_QUERY, LSA_LOOKUP_SIDS),
        new Sequence(SVCCTL, SC_OPEN_MANAGER, SC_OPEN_SERVICE, SC_CREATE),
        new Sequence(SVCCTL, SC_OPEN_MANAGER, SC_CREATE, SC_START),
        new Sequence(SVCCTL, SC_OPEN_SERVICE, SC_CREATE, SC_START),
        new Sequence(SVCCTL, SC_CREATE, SC_OPEN_SERVICE, SC_START),
        // sc start / stop / delete / query, SharpSC, PsExec's later sessions: no RCreateServiceW.
        new Sequence(SVCCTL, SC_OPEN_MANAGER_SHAPED, SC_OPEN_SERVICE_SHAPED, SC_START),
        new Sequence(SVCCTL, SC_OPEN_MANAGER_SHAPED, SC_OPEN_SERVICE_SHAPED, SC_CONTROL),
        new Sequence(SVCCTL, SC_OPEN_MANAGER_SHAPED, SC_OPEN_SERVICE_SHAPED, SC_DELETE),
        new Sequence(SVCCTL, SC_OPEN_MANAGER_SHAPED, SC_OPEN_SERVICE_SHAPED, SC_QUERY_STATUS),
        new Sequence(SVCCTL, SC_OPEN_MANAGER2_SHAPED, SC_OPEN_SERVICE_SHAPED, SC_START),
        new Sequence(SVCCTL, SC_OPEN_MANAGER2_SHAPED, SC_OPEN_SERVICE_SHAPED, SC_CONTROL),
        new Sequence(SVCCTL, SC_OPEN_MANAGER2_SHAPED, SC_OPEN_SERVICE_SHAPED, SC_DELETE),
        new Sequence(SVCCTL, SC_OPEN_MANAGER2_SHAPED, SC_OPEN_SERVICE_SHAPED, SC_QUERY_STATUS),
    };

    // smbexec: ROpenSCManagerW then RCreateServiceW, and nothing else before the service runs.
    // An SCM opened and then a service by name, both stubs with their layouts: the second stub is
    // decoded as ROpenServiceW before the name stands, so the service's name reaches the rules
    // (a service stopped right after is named too late otherwise).
    private static final Pair[] OWN_PAIRS = {
        new Pair(SVCCTL, SC_OPEN_MANAGER, SC_CREATE),
        new Pair(SVCCTL, SC_OPEN_MANAGER_SHAPED, SC_OPEN_SERVICE_SHAPED),
        new Pair(SVCCTL, SC_OPEN_MANAGER2_SHAPED, SC_OPEN_SERVICE_SHAPED),
    };

    // SAMR, WINREG and the Task Scheduler: MoreInterfaceSequences.
    private static final Sequence[] SEQUENCES = concat(OWN_SEQUENCES, MoreInterfaceSequences.SEQUENCES);
    private static final Pair[] PAIRS = concat(OWN_PAIRS, MoreInterfaceSequences.PAIRS);

    private static <T> T[] concat(T[] a, T[] b) {
        T[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    private boolean needsProof;
    private final int[] contextIds = new int[MAX_CONTEXTS];
    private final int[][] opnums = new int[MAX_CONTEXTS][WINDOW];
    private final long[][] stubs = new long[MAX_CONTEXTS][WINDOW];
    private final boolean[][] shapes = new boolean[MAX_CONTEXTS][WINDOW];
    private final int[] counts = new int[MAX_CONTEXTS];
    private int size;

    /**
     * Records a request on an unknown context and returns the interface the last three requests on
     * it single out, or null.
     */
    UUID observe(int contextId, int opnum, long stubLength) {
        return observe(contextId, opnum, stubLength, false);
    }

    /**
     * As {@link #observe(int, int, long)}, {@code shape} saying whether the request's cleartext stub
     * has the NDR layout of the SVCCTL operation of its opnum ({@link ScmrShapes}).
     */
    UUID observe(int contextId, int opnum, long stubLength, boolean shape) {
        needsProof = false;
        int s = slot(contextId);
        if (s < 0) {
            return null;
        }
        int[] ops = opnums[s];
        long[] st = stubs[s];
        boolean[] sh = shapes[s];
        if (counts[s] == WINDOW) {
            ops[0] = ops[1];
            ops[1] = ops[2];
            st[0] = st[1];
            st[1] = st[2];
            sh[0] = sh[1];
            sh[1] = sh[2];
            counts[s] = WINDOW - 1;
        }
        ops[counts[s]] = opnum;
        st[counts[s]] = stubLength;
        sh[counts[s]] = shape;
        counts[s]++;
        UUID u = counts[s] < WINDOW ? null : decide(ops, st, sh);
        if (u == null && counts[s] >= 2) {
            int i = counts[s] - 2;
            for (Pair q : PAIRS) {
                if (q.a().fits(ops[i], st[i], sh[i]) && q.b().fits(ops[i + 1], st[i + 1], sh[i + 1])) {
                    needsProof = true;
                    return q.iface();
                }
            }
        }
        return u;
    }

    /**
     * True when the interface {@link #observe} just returned came from a {@link Pair}: it stands only
     * if the deciding request's stub is cleartext and decodes as that operation.
     */
    boolean needsProof() {
        return needsProof;
    }

    /**
     * The interface every fitting sequence names, or null when none or two different ones fit;
     * {@code sh} says which calls' stubs have their SVCCTL layout.
     */
    static UUID decide(int[] ops, long[] st, boolean[] sh) {
        UUID found = null;
        for (Sequence q : SEQUENCES) {
            if (q.a().fits(ops[0], st[0], sh[0]) && q.b().fits(ops[1], st[1], sh[1])
                    && q.c().fits(ops[2], st[2], sh[2])) {
                if (found != null && !found.equals(q.iface())) {
                    return null;
                }
                found = q.iface();
            }
        }
        return found;
    }

    /** The slot following {@code contextId}, taken when new; -1 when every slot is taken. */
    private int slot(int contextId) {
        for (int i = 0; i < size; i++) {
            if (contextIds[i] == contextId) {
                return i;
            }
        }
        if (size == MAX_CONTEXTS) {
            return -1;
        }
        contextIds[size] = contextId;
        counts[size] = 0;
        return size++;
    }
}
