package io.impacketsensor.core.capture;

import io.impacketsensor.core.pipeline.CapturePipeline;
import io.impacketsensor.core.pipeline.CounterSnapshot;
import io.impacketsensor.core.pipeline.PipelineOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Live capture through libpcap on a veth pair this test creates: one end in a private network
 * namespace (where tcpreplay sends two lab captures), the other end in the test's namespace with
 * no address and IPv6 disabled, where the live source captures. Nothing leaves the pair; the
 * namespace (and with it the pair) is removed afterwards.
 *
 * <p>Needs root (CAP_NET_ADMIN to create the pair, CAP_NET_RAW to capture), libpcap, iproute2 and
 * tcpreplay; without them the tests are skipped with the reason.
 */
class LiveCaptureTest {
    private static VethPair veth;
    private static String capIf;

    @BeforeAll
    static void createPair() throws Exception {
        veth = VethPair.create();
        capIf = veth.captureIf;
    }

    @AfterAll
    static void removePair() throws Exception {
        if (veth != null) {
            veth.close();
        }
    }

    @Test
    void capturesReplayedTrafficAndStopsCleanlyOnAnIdleLink() throws Exception {
        LiveOptions o = new LiveOptions(capIf, "tcp or udp", 65535, true, false, 8 << 20, 50);
        TupleCountingProcessor proc = new TupleCountingProcessor();
        try (LivePcapSource src = LivePcapSource.open(o)) {
            assertEquals(1, src.linkType());
            CapturePipeline pipe = new CapturePipeline(src, (lt, f, at, c) -> 0, (w, n, sink) -> proc,
                    e -> { }, new PipelineOptions(1, 1024, 64, 100));
            pipe.start();
            veth.replay(2000, veth.resource("/pcaps/lab/atk_psexec.pcap"), veth.resource("/pcaps/lab/ben_kinit_kvno.pcap"));
            // Bounded wait for delivery (the kernel hands over a block within the 50-ms timeout).
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (proc.frames < 119 + 58 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            // The link is idle now: pcap_next_ex would block for ever without breakloop.
            pipe.requestStop();
            assertTrue(pipe.awaitEnd(10_000), "drained after stop on an idle link");
            CounterSnapshot s = pipe.snapshot(0);
            assertEquals(119 + 58, s.get("test.frames"), s.asMap().toString());
            assertEquals(119 + 58, s.get("capture.records"));
            assertEquals(1 + 4, s.get("test.tcp_conversations"));
            assertEquals(2, s.get("test.udp_conversations"));
            assertEquals(0, s.get("capture.dropped_ring"));
            assertEquals(0, s.get("capture.kernel_dropped"));
            assertEquals(119 + 58, s.get("capture.kernel_received"));
            assertTrue(proc.finished);
        }
    }

    @Test
    void idleCaptureStopsPromptly() throws Exception {
        try (LivePcapSource src = LivePcapSource.open(LiveOptions.defaults(capIf))) {
            TupleCountingProcessor proc = new TupleCountingProcessor();
            CapturePipeline pipe = new CapturePipeline(src, (lt, f, at, c) -> 0, (w, n, sink) -> proc,
                    e -> { }, new PipelineOptions(1, 64, 64, 50));
            pipe.start();
            CounterSnapshot s = pipe.snapshot(5000); // answered by the workers on a tick: no traffic needed
            assertTrue(s.has("worker.0.packets"), s.asMap().toString());
            pipe.requestStop();
            assertTrue(pipe.awaitEnd(10_000));
            assertTrue(proc.finished);
        }
    }

    @Test
    void unknownInterfaceIsAOneLineError() {
        CaptureException e = assertThrows(CaptureException.class,
                () -> LivePcapSource.open(LiveOptions.defaults("nosuch" + capIf.substring(4))));
        assertTrue(e.getMessage().startsWith("interface nosuch" + capIf.substring(4) + ": "), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void badBpfIsAOneLineError() {
        LiveOptions o = new LiveOptions(capIf, "tcp port smb-please", 65535, true, false, 8 << 20, 50);
        CaptureException e = assertThrows(CaptureException.class, () -> LivePcapSource.open(o));
        assertTrue(e.getMessage().startsWith("bad BPF expression 'tcp port smb-please': "), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), e.getMessage());
    }
}
