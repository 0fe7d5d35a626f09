package io.impacketsensor.decoders.dcerpc;

import io.impacketsensor.core.event.DcerpcEvent;
import io.impacketsensor.core.event.RpcArgs;
import io.impacketsensor.core.event.RpcInterfaces;
import io.impacketsensor.core.testkit.Captures;
import io.impacketsensor.core.testkit.Replay;
import io.impacketsensor.decoders.Decoders;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The path arguments of the coercion calls (MS-EFSR, MS-RPRN, MS-DFSNM, MS-FSRVP, MS-EVEN), checked
 * field by field against tshark ({@code tshark -Y efs -V}: operation, FileName) on corelight/PetitPotam's
 * cleartext traces, and the host extraction on the path forms the specifications allow.
 */
class DcerpcCoercionTest {
    private static final String TRACES = "corelight_PetitPotam/testing/Traces/";

    private static List<String> calls(Path pcap) throws Exception {
        return Replay.events(pcap, Decoders.forWorker()).stream()
                .filter(DcerpcEvent.DcerpcRequest.class::isInstance).map(DcerpcEvent.DcerpcRequest.class::cast)
                .filter(r -> r.args() instanceof RpcArgs.UncPath)
                .map(r -> {
                    RpcArgs.UncPath u = (RpcArgs.UncPath) r.args();
                    return r.header().clientIp().getHostAddress() + "->" + r.header().serverIp().getHostAddress() + " "
                            + r.namedPipe() + " " + RpcInterfaces.operation(r.interfaceUuid(), r.opnum()) + " "
                            + u.argument() + "=" + u.path() + " host=" + u.host() + " listener=" + u.listener();
                }).toList();
    }

    /** tshark frame 1995: EfsRpcOpenFileRaw (0), FileName \\192.168.0.15\test\Settings.ini, over \lsarpc. */
    @Test
    void petitPotamOpenFileRawAgainstTheUnpatchedDc() throws Exception {
        assertEquals(List.of("192.168.0.15->192.168.0.85 lsarpc EfsRpcOpenFileRaw FileName=\\\\192.168.0.15\\test\\Settings.ini"
                + " host=192.168.0.15 listener=true"), calls(Captures.pub(TRACES + "UnPatchedDCOpenFileRaw.pcapng")));
    }

    /** tshark frames 574 and 583: EfsRpcOpenFileRaw then EfsRpcEncryptFileSrv (4), both answered ACCESS_DENIED. */
    @Test
    void petitPotamUnauthenticatedTryAgainstThePatchedDc() throws Exception {
        List<String> got = calls(Captures.pub(TRACES + "PatchedDCUnauthenticatedTry.pcapng"));
        assertEquals(2, got.size(), got.toString());
        assertEquals("EfsRpcOpenFileRaw", got.get(0).split(" ")[2]);
        assertEquals("EfsRpcEncryptFileSrv", got.get(1).split(" ")[2]);
        for (String s : got) {
            assertFalse(s.contains("host=null"), s);
        }
    }

    /**
     * The project lab's coerce run with Impacket 0.10 against the Samba DC (pcaps-fixtures README):
     * Samba refuses the EFSRPC binds, so the calls that reach it are tshark frames 112 (OpenPrinter,
     * pPrinterName \\10.99.0.1), 118 (RFFPCNEX, pszLocalMachine \\10.99.0.2) and 156
     * (dfs_RemoveStdRoot, Servername 10.99.0.2, Rootshare test).
     */
    @Test
    void printerBugAndDfsCoerceFromTheLab() throws Exception {
        assertEquals(List.of(
                "10.99.0.2->10.99.0.1 spoolss RpcOpenPrinter pPrinterName=\\\\10.99.0.1 host=10.99.0.1 listener=false",
                "10.99.0.2->10.99.0.1 spoolss RpcRemoteFindFirstPrinterChangeNotificationEx pszLocalMachine=\\\\10.99.0.2"
                        + " host=10.99.0.2 listener=true",
                "10.99.0.2->10.99.0.1 netdfs NetrDfsRemoveStdRoot ServerName=10.99.0.2 host=10.99.0.2 listener=true"),
                calls(Captures.fixture("lab_coerce_i010.pcap")));
    }

    /**
     * suricata-verify smb-dce_iface (PrintNightmare): tshark shows RpcEnumPrinterDrivers (10) twice and
     * RpcAddPrinterDriverEx (89, pDataFile \\ws02.cylera.lab\security\mimilib.dll, answered access
     * denied): a remote driver install, not one of the calls that make the spooler authenticate elsewhere.
     */
    @Test
    void printNightmareDriverInstallIsNoCoercionCall() throws Exception {
        Path pcap = Captures.pub("OISF_suricata-verify/tests/smb-dce_iface/input.pcap");
        assertEquals(List.of(), calls(pcap));
        assertEquals(List.of(10, 10, 89), Replay.events(pcap, Decoders.forWorker()).stream()
                .filter(DcerpcEvent.DcerpcRequest.class::isInstance).map(e -> ((DcerpcEvent.DcerpcRequest) e).opnum()).toList());
    }

    @Test
    void hostOfEveryPathForm() {
        assertEquals("10.0.0.5", RpcArgs.UncPath.hostOf("\\\\10.0.0.5\\share\\x.txt", false));
        assertEquals("attacker", RpcArgs.UncPath.hostOf("\\\\attacker", false));
        assertEquals("attacker", RpcArgs.UncPath.hostOf("\\\\attacker@80\\dav\\x", false));
        assertEquals("relay.lab", RpcArgs.UncPath.hostOf("\\??\\UNC\\relay.lab\\share\\a.evtx", false));
        assertEquals("relay", RpcArgs.UncPath.hostOf("//relay/share", false));
        assertEquals("listener", RpcArgs.UncPath.hostOf("listener", true));
        assertNull(RpcArgs.UncPath.hostOf("C:\\Windows\\x", false));
        assertNull(RpcArgs.UncPath.hostOf("\\??\\C:\\x.evtx", false));
        assertNull(RpcArgs.UncPath.hostOf("\\\\?\\C:\\x", false));
        assertNull(RpcArgs.UncPath.hostOf("", true));
        assertNull(RpcArgs.UncPath.hostOf(null, false));
    }
}
