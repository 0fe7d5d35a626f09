package io.impacketsensor.decoders.dcerpc.dcom;

import io.impacketsensor.core.event.DcerpcEvent;
import io.impacketsensor.core.event.DcerpcEvent.InterfaceSource;
import io.impacketsensor.core.event.RpcInterfaces;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.core.flow.FlowLimits;
import io.impacketsensor.core.testkit.Captures;
import io.impacketsensor.core.testkit.Replay;
import io.impacketsensor.decoders.DecoderConfig;
import io.impacketsensor.decoders.Decoders;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DCOM object tracking on the public DCOM/WMI captures (OTRF Security-Datasets lateral movement,
 * suricata-verify dcerpc-ctxids): the interface and operation of every DCOM request (an ORPC request,
 * which carries an IPID as its object UUID, or an activation / OXID resolver call) equal tshark's
 * where tshark names them ({@code <capture>.expected.txt} from scripts/dcom/tshark_orpc_expect.py) —
 * on the whole capture, and on the capture with every BIND and ALTER_CONTEXT of the object
 * exporters' connections cut out ({@link BindCut}), where the ORPC requests can only be named by the
 * IPIDs the activation and RemQueryInterface answers handed out (and without DCOM object tracking
 * none of them is).
 */
class DcomPublicCaptureTest {
    static final String INDEX = "/dcom/orpc/CAPTURES.tsv";

    /** tshark's names for the interfaces it has a DCOM dissector for, as the expected files spell them. */
    static final Map<String, UUID> TSHARK_INTERFACES = Map.of(
            "ISystemActivator_ISystemActivator_Resolver", RpcInterfaces.uuid(RpcInterfaces.REMOTE_SCM_ACTIVATOR),
            "DCOM_OXID_Resolver", RpcInterfaces.uuid(RpcInterfaces.OBJECT_EXPORTER),
            "IRemUnknown", RpcInterfaces.uuid(RpcInterfaces.REM_UNKNOWN),
            "IRemUnknown2", RpcInterfaces.uuid(RpcInterfaces.REM_UNKNOWN2),
            "DCOM_IDispatch", RpcInterfaces.uuid(RpcInterfaces.IDISPATCH),
            "DCOM_ITypeInfo", RpcInterfaces.uuid(RpcInterfaces.ITYPEINFO),
            "DCOM_IProvideClassInfo", RpcInterfaces.uuid(RpcInterfaces.IPROVIDECLASSINFO),
            "IClassFactory", RpcInterfaces.uuid(RpcInterfaces.ICLASSFACTORY));

    /**
     * ORPC requests named by their IPID per capture once the exporter binds are cut: those on IPIDs
     * handed out in cleartext answers (what tshark also decodes, plus the IWbemServices pointer of
     * NTLMLogin's answer, found by its OBJREF), not those whose IPID came in a sealed answer.
     */
    static final Map<String, Integer> EXPECTED_CUT = new HashMap<>();

    static {
        EXPECTED_CUT.put("sv_dcerpc-ctxids", 213);
        EXPECTED_CUT.put("covenant_dcom_iertutil_dll_hijack_WORKSTATION5_2020-10-09183000", 6);
        EXPECTED_CUT.put("covenant_dcom_iertutil_dll_hijack_WORKSTATION6_2020-10-09183000", 6);
        EXPECTED_CUT.put("covenant_dcom_registerxll_2020-09-18145959", 10);
        EXPECTED_CUT.put("covenant_sharpwmi_create_dcerpc_wmi_2020-08-06035621", 10);
        EXPECTED_CUT.put("covenant_wmi_wbemcomn_dll_hijack_WORKSTATION6_2020-10-09173318", 13);
        EXPECTED_CUT.put("empire_dcom_shellwindows_WORKSTATION5_2020-09-18130751", 52);
        EXPECTED_CUT.put("empire_dcom_shellwindows_WORKSTATION6_2020-09-18130751", 52);
        EXPECTED_CUT.put("empire_msbuild_dcerpc_wmi_smb_WORKSTATION5_2020-09-20173857", 51);
        EXPECTED_CUT.put("empire_msbuild_dcerpc_wmi_smb_WORKSTATION6_2020-09-20173857", 51);
        EXPECTED_CUT.put("empire_wmi_dcerpc_wmi_IWbemServices_ExecMethod_WORKSTATION5_2020-09-21001437", 10);
        EXPECTED_CUT.put("empire_wmi_dcerpc_wmi_IWbemServices_ExecMethod_WORKSTATION6_2020-09-21001437", 10);
    }

    /** One request as tshark sees it. */
    record Want(int clientPort, int serverPort, int callId, int opnum, UUID object, UUID iface, String op) {
        /** The request, or null for one that is not DCOM (svcctl, samr, epmapper ... over SMB or TCP). */
        static Want parse(String line) {
            String[] f = line.split(" ");
            UUID iface = null;
            if (f[5].length() == 36 && f[5].charAt(8) == '-') {
                iface = UUID.fromString(f[5]);
            } else if (!f[5].equals("-")) {
                iface = TSHARK_INTERFACES.get(f[5]);
                if (iface == null && f[4].equals("-")) {
                    return null;
                }
                Objects.requireNonNull(iface, "tshark name of a DCOM interface not mapped: " + f[5]);
            }
            return new Want(Integer.parseInt(f[0]), Integer.parseInt(f[1]), Integer.parseInt(f[2]),
                    Integer.parseInt(f[3]), f[4].equals("-") ? null : UUID.fromString(f[4]), iface, f[6]);
        }

        boolean dcom() {
            return object != null || RpcInterfaces.uuid(RpcInterfaces.REMOTE_SCM_ACTIVATOR).equals(iface)
                    || RpcInterfaces.uuid(RpcInterfaces.OBJECT_EXPORTER).equals(iface);
        }

        String key() {
            return clientPort + ">" + serverPort + "#" + callId;
        }
    }

    static Stream<String> captures() {
        return Captures.index(INDEX).keySet().stream();
    }

    /** The expected file's DCOM requests, and the IPIDs tshark saw handed out into {@code handed}. */
    static List<Want> wanted(String capture, Set<UUID> handed) throws IOException {
        try (InputStream in = DcomPublicCaptureTest.class.getResourceAsStream("/dcom/orpc/" + capture + ".expected.txt")) {
            List<Want> out = new ArrayList<>();
            for (String line : new String(Objects.requireNonNull(in).readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.startsWith("handed ")) {
                    handed.add(UUID.fromString(line.substring(7)));
                } else if (!line.isBlank()) {
                    Want w = Want.parse(line);
                    if (w != null && w.dcom()) {
                        out.add(w);
                    }
                }
            }
            return out;
        }
    }

    static Map<String, DcerpcEvent.DcerpcRequest> requests(List<Replay.Frame> frames, DecoderConfig config) {
        List<SensorEvent> events = new ArrayList<>();
        Replay.run(frames, Decoders.forWorker(config), FlowLimits.DEFAULTS, events::add, (n, v) -> { });
        Map<String, DcerpcEvent.DcerpcRequest> out = new HashMap<>();
        for (SensorEvent e : events) {
            if (e instanceof DcerpcEvent.DcerpcRequest r && r.namedPipe() == null) {
                out.put(r.header().clientPort() + ">" + r.header().serverPort() + "#" + r.callId(), r);
            }
        }
        return out;
    }

    static DecoderConfig withoutTracking() {
        DecoderConfig d = DecoderConfig.defaults();
        return d.withLimits(d.smb(), d.smb1(), d.smb2(), d.dcerpc().withMaxDcomObjects(0), d.gssapi(), d.ntlmssp(),
                d.kerberosLimits(), d.ldap());
    }

    /**
     * Ours equals tshark's for every DCOM request tshark names; returns how many ORPC requests we
     * named. With {@code handed} (a cut capture with tracking), every ORPC request whose IPID tshark
     * saw handed out in a cleartext answer must be named by that IPID.
     */
    static int compare(String capture, String how, List<Want> wanted, Map<String, DcerpcEvent.DcerpcRequest> ours,
                       Set<UUID> handed) {
        int named = 0;
        for (Want w : wanted) {
            if (w.iface() == null) {
                continue;
            }
            DcerpcEvent.DcerpcRequest r = ours.get(w.key());
            String at = capture + " " + how + " request " + w.key();
            assertNotNull(r, at + " missing");
            assertEquals(w.opnum(), r.opnum(), at);
            assertEquals(w.object(), r.objectUuid(), at);
            if (w.object() != null && r.interfaceUuid() != null) {
                named++;
            }
            if (handed != null && w.object() != null && handed.contains(w.object())) {
                assertEquals(InterfaceSource.DCOM_IPID, r.interfaceSource(), at + " named by its IPID");
            }
            if (r.interfaceUuid() == null) {
                continue;
            }
            assertEquals(w.iface(), r.interfaceUuid(), at);
            String op = RpcInterfaces.operation(r.interfaceUuid(), r.opnum());
            if (!w.op().equals("-") && op != null) {
                assertEquals(w.op(), op, at);
            }
        }
        return named;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("captures")
    void everyDcomRequestIsNamedAsTsharkNamesItWithAndWithoutItsBind(String capture) throws Exception {
        Set<UUID> handed = new HashSet<>();
        List<Want> wanted = wanted(capture, handed);
        List<Replay.Frame> frames = Replay.frames(Captures.index(INDEX).get(capture));
        int orpc = (int) wanted.stream().filter(w -> w.object() != null && w.iface() != null).count();
        int full = compare(capture, "whole", wanted, requests(frames, DecoderConfig.defaults()), null);
        assertEquals(orpc, full, capture + ": every ORPC request tshark names is named on the whole capture");

        BindCut cut = BindCut.of(frames, 135);
        assertTrue(cut.removed() > 0 || orpc == 0, capture + ": binds of the exporter connections cut");
        int before = compare(capture, "cut, untracked", wanted, requests(cut.frames(), withoutTracking()), null);
        int after = compare(capture, "cut", wanted, requests(cut.frames(), DecoderConfig.defaults()), handed);
        int learnable = (int) wanted.stream().filter(w -> w.object() != null && w.iface() != null
                && handed.contains(w.object())).count();
        System.out.printf("%s: ORPC requests tshark names %d (%d on IPIDs tshark sees handed out in cleartext); "
                + "named on the whole capture %d; with the exporter binds cut: %d without DCOM tracking, %d with%n",
                capture, orpc, learnable, full, before, after);
        assertEquals(0, before, capture + ": without tracking nothing names a request whose bind was cut");
        assertTrue(after >= learnable, capture + ": every request on an IPID handed out in cleartext is named");
        assertEquals(EXPECTED_CUT.get(capture), after, capture + ": requests named by IPID once the binds are cut");
    }
}
