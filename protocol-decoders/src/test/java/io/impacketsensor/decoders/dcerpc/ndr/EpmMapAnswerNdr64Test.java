package io.impacketsensor.decoders.dcerpc.ndr;

import io.impacketsensor.core.event.RpcArgs;
import org.junit.jupiter.api.Test;

import java.util.HexFormat;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The endpoint mapper's ept_map answer in NDR64, read without its request. The stub is that of the
 * answer on port 135 in OTRF Security-Datasets' covenant_dcsync_dcerpc_drsuapi_DsGetNCChanges_2020-08-05020926.cap
 * (Windows DC 172.18.38.5, frame 258, 244 bytes): tshark reads two towers, each DRSUAPI
 * (e3514235-4b06-11d1-ab04-00c04fc2dcd2) over TCP, ports 49674 and 49667, host 172.18.38.5.
 */
class EpmMapAnswerNdr64Test {
    private static final String STUB = "000000000000000000000000000000000000000002000000040000000000000000000000000000000200000000000000"
            + "030000000000000004000000000000004b000000000000004b000000050013000d354251e3064bd111ab0400c04fc2dc"
            + "d204000200000013000d045d888aeb1cc9119fe808002b10486002000200000001000b020000000100070200c20a0100"
            + "090400ac122605004b000000000000004b000000050013000d354251e3064bd111ab0400c04fc2dcd204000200000013"
            + "000d045d888aeb1cc9119fe808002b10486002000200000001000b020000000100070200c2030100090400ac12260500"
            + "00000000";

    private static RpcArgs read(byte[] stub, int len) {
        NdrReader r = new NdrReader().wrap(stub, 0, len, 1024, 4096);
        return EpmStubs.responseNdr64(r);
    }

    @Test
    void firstTowerNamesTheInterfaceItsPortAndHost() {
        byte[] stub = HexFormat.of().parseHex(STUB);
        assertEquals(244, stub.length);
        assertEquals(new RpcArgs.EpmMapResult(UUID.fromString("e3514235-4b06-11d1-ab04-00c04fc2dcd2"), 49674, "172.18.38.5"),
                read(stub, stub.length));
    }

    @Test
    void aTruncatedAnswerIsNotRead() {
        // synthetic: the same stub cut inside the first tower's octets
        byte[] stub = HexFormat.of().parseHex(STUB);
        assertNull(read(stub, 100));
    }
}
