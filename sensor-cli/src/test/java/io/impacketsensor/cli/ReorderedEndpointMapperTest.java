package io.impacketsensor.cli;

import io.impacketsensor.core.testkit.Captures;
import io.impacketsensor.detection.config.EngineConfig;
import io.impacketsensor.detection.engine.Alert;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Zeek's benign Outlook capture (dce-rpc/mapi.pcap) under {@code reorder:16}, seed 1. Its second
 * endpoint-mapper connection loses its BIND (moved behind both FINs), so that association's
 * BIND_ACK is read without its BIND and its secondary address names port 135. The decode worker
 * then hands the same analyzer to an EMSMDB connection on port 1032, picked up mid-stream, whose
 * first answer arrives ahead of its request. That answer has only its own association to name it:
 * nothing of the endpoint mapper's association may carry over, else the EMSMDB calls (opnum 2,
 * EcDoRpc) are read as ept_lookup and their stubs as "every entry, hundreds of millions per call"
 * (rpc_enumeration). The capture holds no attack, so it stays silent as read and reordered.
 */
class ReorderedEndpointMapperTest {
    private static final Path MAPI = Captures.pub("zeek_zeek/testing/btest/Traces/dce-rpc/mapi.pcap");

    private static List<Alert> run(Perturbation perturbation) throws Exception {
        CaptureDetection.Result r = CaptureDetection.run(List.of(MAPI), CaptureConfig.DEFAULTS, EngineConfig.defaults(),
                p -> { }, perturbation, 1);
        assertNull(r.failure());
        return r.alerts();
    }

    private static List<String> types(List<Alert> alerts) {
        return alerts.stream().map(a -> a.analysis().attackType().id() + " " + a.analysis().indicators()).toList();
    }

    @Test
    void outlookSessionStaysSilentAsRead() throws Exception {
        assertEquals(List.of(), types(run(null)));
    }

    @Test
    void outlookSessionStaysSilentReordered() throws Exception {
        assertEquals(List.of(), types(run(Perturbation.parse("reorder:16"))));
    }
}
