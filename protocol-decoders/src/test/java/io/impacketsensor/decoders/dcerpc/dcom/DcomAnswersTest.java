package io.impacketsensor.decoders.dcerpc.dcom;

import io.impacketsensor.core.event.RpcArgs;
import io.impacketsensor.core.event.RpcInterfaces;
import io.impacketsensor.core.testkit.Captures;
import io.impacketsensor.core.testkit.Replay;
import io.impacketsensor.decoders.dcerpc.DcerpcLimits;
import io.impacketsensor.decoders.dcerpc.ndr.HandleNames;
import io.impacketsensor.decoders.dcerpc.ndr.NdrReader;
import io.impacketsensor.decoders.dcerpc.ndr.StubDecoders;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The DCOM answers read for object tracking, on real stubs of OTRF
 * empire_wmi_dcerpc_wmi_IWbemServices_ExecMethod_WORKSTATION5 (frame 129: RemoteCreateInstance
 * answer of WbemLevel1Login; frames 157/158: RemQueryInterface of IWbemLoginClientID and its answer,
 * PKT integrity, cleartext), then each stub cut at every byte and with bytes flipped: never an
 * exception, and a cut stub gives either nothing or only what its whole form gives.
 */
class DcomAnswersTest {
    static final String CAPTURE = "OTRF_Security-Datasets/datasets/atomic/windows/lateral_movement/network/"
            + "empire_wmi_dcerpc_wmi_IWbemServices_ExecMethod_WORKSTATION5_2020-09-21001437.cap";
    static final UUID WBEM_LEVEL1_LOGIN = RpcInterfaces.uuid(RpcInterfaces.WBEM_LEVEL1_LOGIN);
    static final UUID LOGIN_CLIENT_ID = UUID.fromString("d4781cd6-e5d3-44df-ad94-930efe48a887");
    static final DcerpcLimits L = DcerpcLimits.DEFAULTS;

    /** The stub of the single-fragment DCE/RPC PDU of frame {@code number} (Ethernet, IPv4, TCP, 20-byte headers). */
    static byte[] stub(List<Replay.Frame> frames, int number) {
        byte[] f = frames.get(number - 1).data();
        int pdu = 14 + 20 + 20;
        int fragLen = (f[pdu + 8] & 0xFF) | (f[pdu + 9] & 0xFF) << 8;
        int authLen = (f[pdu + 10] & 0xFF) | (f[pdu + 11] & 0xFF) << 8;
        boolean object = (f[pdu + 3] & 0x80) != 0;
        int start = pdu + 24 + (object ? 16 : 0);
        int end = pdu + fragLen;
        if (authLen > 0) {
            int trailer = end - authLen - 8;
            end = trailer - (f[trailer + 2] & 0xFF);
        }
        return Arrays.copyOfRange(f, start, end);
    }

    static RpcArgs answer(int iface, int opnum, byte[] stub, int len, RpcArgs request) {
        NdrReader r = new NdrReader().wrap(stub, 0, len, L.maxNdrArrayCount(), L.maxNdrStringChars());
        RpcArgs a = StubDecoders.response(iface, opnum, r, request, new HandleNames(4), true, L.maxDcomStrings());
        return r.ok() ? a : null;
    }

    static RpcArgs request(int iface, int opnum, byte[] stub) {
        NdrReader r = new NdrReader().wrap(stub, 0, stub.length, L.maxNdrArrayCount(), L.maxNdrStringChars());
        RpcArgs a = StubDecoders.request(iface, opnum, r, new HandleNames(4), L.maxDcomStrings());
        assertTrue(r.ok());
        return a;
    }

    @Test
    void activationAnswerGivesTheInterfaceTheExportersIRemUnknownAndItsBindings() throws Exception {
        List<Replay.Frame> frames = Replay.frames(Captures.pub(CAPTURE));
        byte[] s = stub(frames, 129);
        RpcArgs.DcomActivation act = new RpcArgs.DcomActivation(4,
                UUID.fromString("8bc3f05e-d86b-11d0-a075-00c04fb68820"), List.of(WBEM_LEVEL1_LOGIN));
        RpcArgs.DcomObjectRefs o = (RpcArgs.DcomObjectRefs) answer(RpcInterfaces.REMOTE_SCM_ACTIVATOR, 4, s, s.length, act);
        assertEquals(act.clsid(), o.clsid());
        assertEquals(List.of(
                new RpcArgs.DcomRef(WBEM_LEVEL1_LOGIN, UUID.fromString("00008013-0bf0-0000-eb1e-714a35318a20"),
                        0x0f982b370edc3e3eL, 0x17d61cb741dad31bL),
                new RpcArgs.DcomRef(RpcInterfaces.uuid(RpcInterfaces.REM_UNKNOWN2),
                        UUID.fromString("0000cc00-0bf0-0000-0022-6e0773191bc1"), 0x0f982b370edc3e3eL, 0)), o.refs());
        assertFalse(o.bindings().isEmpty());
        assertTrue(o.bindings().contains("172.18.39.6[50937]"), o.bindings().toString());
        cutAndFlipped(RpcInterfaces.REMOTE_SCM_ACTIVATOR, 4, s, act, o);
    }

    @Test
    void remQueryInterfaceAnswerTiesEachIidToItsIpid() throws Exception {
        List<Replay.Frame> frames = Replay.frames(Captures.pub(CAPTURE));
        RpcArgs q = request(RpcInterfaces.REM_UNKNOWN2, 3, stub(frames, 157));
        assertEquals(new RpcArgs.DcomQueryInterface(UUID.fromString("00008013-0bf0-0000-eb1e-714a35318a20"),
                List.of(LOGIN_CLIENT_ID)), q);
        byte[] s = stub(frames, 158);
        RpcArgs.DcomObjectRefs o = (RpcArgs.DcomObjectRefs) answer(RpcInterfaces.REM_UNKNOWN2, 3, s, s.length, q);
        assertEquals(1, o.refs().size());
        assertEquals(LOGIN_CLIENT_ID, o.refs().get(0).iid());
        assertEquals(UUID.fromString("0001101d-0bf0-0000-05ea-994a477be6c7"), o.refs().get(0).ipid());
        cutAndFlipped(RpcInterfaces.REM_UNKNOWN2, 3, s, q, o);
    }

    /** Every prefix and 2000 seeded single-byte changes: no exception; a prefix never invents an interface. */
    static void cutAndFlipped(int iface, int opnum, byte[] s, RpcArgs request, RpcArgs.DcomObjectRefs whole) {
        for (int k = 0; k < s.length; k++) {
            RpcArgs a = answer(iface, opnum, s, k, request);
            if (a != null) {
                RpcArgs.DcomObjectRefs o = assertInstanceOf(RpcArgs.DcomObjectRefs.class, a);
                assertTrue(whole.refs().containsAll(o.refs()), "cut at " + k + ": " + o);
            }
        }
        Random random = new Random(15);
        for (int i = 0; i < 2000; i++) {
            byte[] m = s.clone();
            m[random.nextInt(m.length)] = (byte) random.nextInt(256);
            answer(iface, opnum, m, m.length, request);
        }
        assertNull(answer(iface, opnum, s, 0, request));
    }
}
