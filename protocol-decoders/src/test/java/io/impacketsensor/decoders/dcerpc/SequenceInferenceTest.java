package io.impacketsensor.decoders.dcerpc;

import io.impacketsensor.core.event.DcerpcEvent.DcerpcRequest;
import io.impacketsensor.core.event.DcerpcEvent.InterfaceSource;
import io.impacketsensor.core.event.RpcArgs;
import io.impacketsensor.core.event.RpcInterfaces;
import io.impacketsensor.core.testkit.Captures;
import io.impacketsensor.core.testkit.Cuts;
import io.impacketsensor.core.testkit.Replay;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SAMR, WINREG and Task Scheduler interfaces inferred from the calls on a context whose BIND (and
 * pipe CREATE) were not captured ({@link MoreInterfaceSequences}), on the lab's captures with those
 * frames left out ({@link Cuts}) or with their first 0.1 s dropped (a sensor joining late).
 */
class SequenceInferenceTest {
    private static final UUID SAMR = RpcInterfaces.uuid(RpcInterfaces.SAMR);
    private static final UUID WINREG = RpcInterfaces.uuid(RpcInterfaces.WINREG);
    private static final UUID SVCCTL = RpcInterfaces.uuid(RpcInterfaces.SVCCTL);
    private static final UUID TSCH = RpcInterfaces.uuid(RpcInterfaces.TSCH);
    private static final String SHARPSC_STOP = "OTRF_Security-Datasets/datasets/atomic/windows/lateral_movement/"
            + "network/covenant_sharpsc_stop_dcerpc_smb_svcctl_2020-08-06031938.cap";
    private static final String AT_SCHEDULE = "401trg_detections/pcaps/20171220_smb_at_schedule.pcap";

    /** The BIND and BIND_ACK of every connection and pipe, and every SMB2 CREATE: nothing names a pipe. */
    private static final Predicate<Replay.Frame> NAMING = Cuts.rpcAnywhere(Cuts.RPC_BIND)
            .or(Cuts.rpcAnywhere(Cuts.RPC_BIND_ACK)).or(Cuts.smb2(Cuts.SMB2_CREATE, false))
            .or(Cuts.smb2(Cuts.SMB2_CREATE, true));

    /** "opnum interface source" of each request. */
    private static List<String> named(List<DcerpcRequest> requests) {
        List<String> out = new ArrayList<>();
        for (DcerpcRequest r : requests) {
            out.add(r.opnum() + " " + (r.interfaceUuid() == null ? "-" : RpcInterfaces.name(r.interfaceUuid()))
                    + " " + (r.interfaceSource() == null ? "-" : r.interfaceSource().wireName()));
        }
        return out;
    }

    /** The frames from 0.1 s after the first on, as {@code evaluate --perturb late-join:0.1} replays them. */
    private static List<Replay.Frame> lateJoin(List<Replay.Frame> frames) {
        long start = frames.get(0).tsNanos() + 100_000_000L;
        return Cuts.without(frames, f -> f.tsNanos() < start);
    }

    @Test
    void samrdumpWithoutItsBindAndPipeIsSamrFromItsThirdCall() throws Exception {
        // SamrConnect, SamrEnumerateDomainsInSamServer, SamrLookupDomainInSamServer single out SAMR;
        // the account listing and the per-account loop that follow are named.
        List<DcerpcRequest> rs =
                DcerpcLateJoinTest.requests(Cuts.without(Replay.frames(Captures.lab("atk_samrdump.pcap")), NAMING));
        List<String> n = named(rs);
        assertEquals(List.of("0 - -", "6 - -", "5 samr inferred", "7 samr inferred", "13 samr inferred"), n.subList(0, 5));
        assertEquals(32, n.size());
        assertTrue(n.subList(2, 32).stream().allMatch(s -> s.endsWith(" samr inferred")), n.toString());
    }

    @Test
    void samrdumpJoinedInItsPerAccountLoopIsSamr() throws Exception {
        // Late join: SamrOpenUser, SamrQueryInformationUser2, SamrCloseHandle per account.
        List<String> n =
                named(DcerpcLateJoinTest.requests(lateJoin(Replay.frames(Captures.lab("atk_samrdump.pcap")))));
        assertEquals(List.of("34 - -", "47 - -", "1 samr inferred", "34 samr inferred"), n.subList(0, 4));
    }

    @Test
    void secretsdumpsBootKeyReadIsWinregFromTheKeyItOpens() throws Exception {
        // Late join after the winreg BIND: OpenLocalMachine, then BaseRegOpenKey of the LSA key that
        // holds part of the boot key. The pair names WINREG because the second stub decodes as
        // BaseRegOpenKey; the SAMR pipe that follows has its own BIND.
        List<DcerpcRequest> rs =
                DcerpcLateJoinTest.requests(lateJoin(Replay.frames(Captures.lab("atk_secretsdump_pth.pcap"))));
        List<String> n = named(rs);
        assertEquals(List.of("2 - -", "15 winreg inferred", "0 samr bind"), n.subList(0, 3));
        RpcArgs args = rs.get(1).args();
        assertTrue(args != null && args.toString().contains("SYSTEM\\CurrentControlSet\\Control\\Lsa\\JD"), String.valueOf(args));
    }

    @Test
    void aRunKeyWrittenOverAPipeWithoutItsBindIsWinreg() throws Exception {
        // suricata-verify dcerpc-dce-stub-data-05: OpenLocalMachine, BaseRegOpenKey of the Run key,
        // BaseRegSetValue, on a pipe whose BIND the capture does not hold (tshark names none of them).
        List<DcerpcRequest> rs =
                DcerpcLateJoinTest.requests(Replay.frames(Captures.pub(
                "OISF_suricata-verify/tests/dcerpc/dcerpc-dce-stub-data-05/input.pcap")));
        assertEquals(List.of("2 - -", "15 winreg inferred", "22 winreg inferred"), named(rs));
        assertEquals(new RpcArgs.RegOpenKey(false, "SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run"), rs.get(1).args());
    }

    @Test
    void regQueryWithoutItsBindAndPipeIsWinreg() throws Exception {
        List<String> n =
                named(DcerpcLateJoinTest.requests(Cuts.without(Replay.frames(Captures.lab("atk_reg.pcap")), NAMING)));
        List<String> winreg = n.stream().filter(s -> s.contains("winreg")).toList();
        assertTrue(n.indexOf("15 winreg inferred") >= 0, n.toString());
        assertTrue(winreg.stream().allMatch(s -> s.endsWith(" winreg inferred")), n.toString());
        assertEquals(n.size() - n.indexOf("15 winreg inferred"), winreg.size(), "every call after the pair: " + n);
    }

    @Test
    void everyInferredInterfaceOfTheLabAndPublicCapturesIsTheOneItsBindNamed() throws Exception {
        // Each lab and public capture with every BIND, BIND_ACK and CREATE left out: a request named
        // by inference must have the interface the whole capture's BIND or pipe gives it. Inference
        // never contradicts the truth on the lab's SAMR, WINREG, LSARPC, SVCCTL and DRSUAPI sessions
        // (Impacket's and the benign admin tools') nor on the public Windows captures (among them a
        // Covenant SharpSC session whose SVCCTL opnums 16, 16, 13 are also the Task Scheduler's).
        int inferred = 0;
        List<String> all = new ArrayList<>(Captures.list("/pcaps/lab"));
        all.addAll(Captures.list("/pcaps/public"));
        for (String c : all) {
            inferred += checkAgainstTruth(c);
        }
        assertTrue(inferred > 100, "inferred requests checked: " + inferred);
    }

    /** Checks one capture (see above); returns how many inferred requests it compared. */
    private static int checkAgainstTruth(String resource) throws Exception {
        int inferred = 0;
        List<Replay.Frame> frames = Replay.frames(Captures.path(resource));
        // The same request in both replays: connection, call id, opnum, context and stub size
        // (the order of requests on different pipes of one connection may differ once a pipe is
        // recognised only by its first PDUs).
        Map<String, ArrayDeque<DcerpcRequest>> whole = new HashMap<>();
        for (DcerpcRequest r : DcerpcLateJoinTest.requests(frames)) {
            whole.computeIfAbsent(key(r), k -> new ArrayDeque<>()).add(r);
        }
        for (DcerpcRequest r : DcerpcLateJoinTest.requests(Cuts.without(frames, NAMING))) {
            ArrayDeque<DcerpcRequest> same = whole.get(key(r));
            DcerpcRequest w = same == null ? null : same.poll();
            if (r.interfaceSource() == InterfaceSource.INFERRED && w != null && w.interfaceUuid() != null) {
                inferred++;
                assertEquals(w.interfaceUuid(), r.interfaceUuid(), resource + " " + key(r));
            }
        }
        return inferred;
    }

    private static String key(DcerpcRequest r) {
        return r.header().clientPort() + "/" + r.callId() + "/" + r.opnum() + "/" + r.contextId() + "/" + r.stubLength();
    }

    /**
     * The Task Scheduler calls of atexec.py in order (MS-TSCH 3.2.5.4; the lab has no capture of
     * them: Samba serves no Task Scheduler), as opnum and stub length: SchRpcRegisterTask with its
     * task XML, SchRpcRun, SchRpcGetLastRunInfo polled, SchRpcDelete. Two calls name the interface
     * only with the second stub's proof (a task path), three starting with the registration alone.
     */
    @Test
    void atexecsTaskSchedulerCallsNameTheInterface() {
        OpnumInference inf = new OpnumInference();
        assertNull(inf.observe(0, 1, 2400));
        assertEquals(TSCH, inf.observe(0, 12, 56));
        assertTrue(inf.needsProof());
        assertEquals(TSCH, inf.observe(0, 16, 36));
        assertFalse(inf.needsProof(), "register, run, poll: the sequence decides");
        OpnumInference late = new OpnumInference();
        assertNull(late.observe(0, 16, 36));
        assertEquals(TSCH, late.observe(0, 13, 40));
        assertTrue(late.needsProof());
    }

    @Test
    void aTaskSchedulerPairNeedsATaskPath() {
        // SVCCTL's ROpenServiceW and REnumDependentServicesW have the Task Scheduler's opnums 16 and
        // 13 and its sizes; their stubs start with a context handle, which decodes as no path.
        assertFalse(MoreInterfaceSequences.proves(TSCH, new RpcArgs.TaskRegister(13, null, null)));
        assertFalse(MoreInterfaceSequences.proves(TSCH, new RpcArgs.TaskRegister(13, "abc", null)));
        assertTrue(MoreInterfaceSequences.proves(TSCH, new RpcArgs.TaskRegister(13, "\\hQxvLSaR", null)));
        assertFalse(MoreInterfaceSequences.proves(WINREG, new RpcArgs.RegOpenKey(false, null)));
        assertTrue(MoreInterfaceSequences.proves(WINREG, new RpcArgs.RegOpenKey(false, "SYSTEM\\Select")));
    }

    @Test
    void aSamrCloseIsNoTaskRegistration() {
        // Opnum 1 is SamrCloseHandle (a 20-byte handle) in SAMR and SchRpcRegisterTask (hundreds of
        // bytes) in the Task Scheduler: the stub size keeps them apart.
        OpnumInference inf = new OpnumInference();
        inf.observe(0, 1, 24);
        assertNull(inf.observe(0, 12, 56));
        OpnumInference samr = new OpnumInference();
        samr.observe(0, 34, 28);
        samr.observe(0, 47, 22);
        assertEquals(SAMR, samr.observe(0, 1, 24));
    }

    @Test
    void sharpScStoppingAServiceWithoutItsBindIsSvcctlFromTheServiceItOpens() throws Exception {
        // Covenant SharpSC, the pipe's CREATE and BIND left out: ROpenSCManager2 (64) then ROpenServiceW
        // (16), both with their layouts, name SVCCTL at the second call, whose service name is read;
        // the ControlService (stop) that follows is named. The first session's 64, 21, 20, 16 fits no
        // sequence and stays unnamed.
        List<DcerpcRequest> rs =
                DcerpcLateJoinTest.requests(Cuts.without(Replay.frames(Captures.pub(SHARPSC_STOP)), NAMING));
        List<String> n = named(rs);
        int second = n.indexOf("16 svcctl inferred");
        assertTrue(second > 0, n.toString());
        assertEquals("64 - -", n.get(second - 1), n.toString());
        assertTrue(n.subList(0, second - 1).stream().allMatch(s -> s.endsWith(" - -")), n.toString());
        assertTrue(n.contains("1 svcctl inferred"), n.toString());
        assertTrue(String.valueOf(rs.get(second).args()).contains("XboxNetApiSvc"), String.valueOf(rs.get(second).args()));
    }

    @Test
    void svcctlOpeningCallsNeedTheirLayouts() {
        // The same opnums and sizes without the stub's layout (sealed, or another interface's call):
        // nothing is named.
        OpnumInference sealed = new OpnumInference();
        assertNull(sealed.observe(0, 15, 96));
        assertNull(sealed.observe(0, 16, 64));
        assertNull(sealed.observe(0, 1, 32));
        OpnumInference shaped = new OpnumInference();
        assertNull(shaped.observe(0, 15, 96, true));
        assertEquals(SVCCTL, shaped.observe(0, 16, 64, true));
        assertTrue(shaped.needsProof(), "the ROpenServiceW stub must decode");
        OpnumInference half = new OpnumInference();
        assertNull(half.observe(0, 64, 8, true));
        assertNull(half.observe(0, 16, 64, false));
        assertNull(half.observe(0, 1, 24, false));
    }

    @Test
    void openServiceLayoutIsExact() {
        // synthetic: ROpenServiceW (handle, "ikeext", SERVICE_QUERY_STATUS), then the same bytes with
        // one change each that another call's stub would show.
        byte[] ok = openService(0, 7, 7, 4, 0);
        assertTrue(ScmrShapes.openServiceW(ok, 0, ok.length));
        byte[] offset = openService(1, 7, 7, 4, 0);
        assertFalse(ScmrShapes.openServiceW(offset, 0, offset.length), "offset is not 0");
        byte[] actual = openService(0, 6, 7, 4, 0);
        assertFalse(ScmrShapes.openServiceW(actual, 0, actual.length), "actual above max");
        byte[] access = openService(0, 7, 7, 0x400, 0);
        assertFalse(ScmrShapes.openServiceW(access, 0, access.length), "no service access right 0x400");
        byte[] tail = openService(0, 7, 7, 4, 4);
        assertFalse(ScmrShapes.openServiceW(tail, 0, tail.length), "bytes after the access mask");
        // SchRpcGetLastRunInfo (Task Scheduler opnum 16): a task path first, no handle.
        byte[] task = new byte[36];
        put(task, 0, 12);
        put(task, 8, 12);
        for (int i = 0; i < 11; i++) {
            task[12 + 2 * i] = (byte) "\\abcdefghij".charAt(i);
        }
        assertFalse(ScmrShapes.fits(16, task, 0, task.length));
    }

    @Test
    void atSchedulesJobAddWithoutItsPipeAndBindIsAtsvcFromTheOneCall() throws Exception {
        // Windows at.exe: the atsvc pipe's CREATE and the BIND left out, the one NetrJobAdd (NDR64, as
        // at.exe negotiates it) is read as one by its layout, and its command decoded.
        List<DcerpcRequest> rs =
                DcerpcLateJoinTest.requests(Cuts.without(Replay.frames(Captures.pub(AT_SCHEDULE)), NAMING));
        assertEquals(List.of("0 atsvc inferred"), named(rs));
        assertEquals(new RpcArgs.AtJobAdd("c:\\mimikatz.exe"), rs.get(0).args());
    }

    @Test
    void aJobAddLayoutIsExact() {
        // synthetic NetrJobAdd stubs in NDR 2.0: no server name, AT_INFO, "cmd" + NUL.
        assertEquals(AtsvcJobShape.NDR, AtsvcJobShape.of(jobAdd(3_600_000, 0, 0x10, 0), 0, 40));
        assertEquals(AtsvcJobShape.NONE, AtsvcJobShape.of(jobAdd(86_400_000, 0, 0x10, 0), 0, 40), "JobTime past a day");
        assertEquals(AtsvcJobShape.NONE, AtsvcJobShape.of(jobAdd(0, 0x80, 0, 0), 0, 40), "DaysOfWeek bit 7");
        assertEquals(AtsvcJobShape.NONE, AtsvcJobShape.of(jobAdd(0, 0, 0x20, 0), 0, 40), "Flags beyond JOB_*");
        assertEquals(AtsvcJobShape.NONE, AtsvcJobShape.of(jobAdd(0, 0, 0, 4), 0, 44), "bytes after the command");
        // SamrConnect (opnum 0): a server name pointer, then an access mask, no AT_INFO.
        byte[] samr = new byte[12];
        put(samr, 8, 0x30);
        assertEquals(AtsvcJobShape.NONE, AtsvcJobShape.of(samr, 0, samr.length));
    }

    /** synthetic NetrJobAdd stub (NDR 2.0): null ServerName, AT_INFO, Command "cmd", extra bytes. */
    private static byte[] jobAdd(int jobTime, int daysOfWeek, int flags, int extra) {
        byte[] b = new byte[40 + extra];
        put(b, 4, jobTime);
        b[12] = (byte) daysOfWeek;
        b[13] = (byte) flags;
        put(b, 16, 0x20000);
        put(b, 20, 4);
        put(b, 28, 4);
        b[32] = 'c';
        b[34] = 'm';
        b[36] = 'd';
        return b;
    }

    /** synthetic ROpenServiceW stub: a context handle, "ikeext" + NUL, an access mask, extra bytes. */
    private static byte[] openService(int offset, int max, int actual, int access, int extra) {
        int chars = 20 + 12 + 14;
        int at = (chars + 3) & ~3;
        byte[] b = new byte[at + 4 + extra];
        b[4] = 1;
        b[19] = 7;
        put(b, 20, max);
        put(b, 24, offset);
        put(b, 28, actual);
        String name = "ikeext";
        for (int i = 0; i < name.length(); i++) {
            b[32 + 2 * i] = (byte) name.charAt(i);
        }
        put(b, at, access);
        return b;
    }

    private static void put(byte[] b, int at, int v) {
        b[at] = (byte) v;
        b[at + 1] = (byte) (v >>> 8);
        b[at + 2] = (byte) (v >>> 16);
        b[at + 3] = (byte) (v >>> 24);
    }
}
