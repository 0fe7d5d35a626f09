package io.impacketsensor.core.capture;

import io.impacketsensor.core.pipeline.CapturePipeline;
import io.impacketsensor.core.pipeline.CounterSnapshot;
import io.impacketsensor.core.pipeline.PipelineOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
    private static final String TAG = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xFFFFF));
    private static final String NS = "iscap-" + TAG;
    private static final String SEND_IF = "iscA" + TAG;   // in NS
    private static final String CAP_IF = "iscB" + TAG;    // here, no address
    private static boolean created;
    private static Path pcaps;

    @BeforeAll
    static void createPair() throws Exception {
        assumeTrue(run("id", "-u").trim().equals("0"), "live capture test skipped: not running as root");
        assumeTrue(libpcapLoads(), "live capture test skipped: libpcap cannot be loaded (apt-get install libpcap0.8)");
        assumeTrue(onPath("ip"), "live capture test skipped: iproute2 (ip) not installed");
        assumeTrue(onPath("tcpreplay"), "live capture test skipped: tcpreplay not installed");
        sh("ip", "netns", "add", NS);
        created = true;
        sh("ip", "link", "add", SEND_IF, "netns", NS, "type", "veth", "peer", "name", CAP_IF);
        // No address and no IPv6 on the capture end: nothing of ours talks on the link.
        Files.writeString(Path.of("/proc/sys/net/ipv6/conf/" + CAP_IF + "/disable_ipv6"), "1");
        sh("ip", "netns", "exec", NS, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1");
        sh("ip", "link", "set", CAP_IF, "up");
        sh("ip", "-n", NS, "link", "set", SEND_IF, "up");
        sh("ip", "-n", NS, "link", "set", "lo", "up");
        pcaps = Files.createTempDirectory("iscap");
        for (String f : List.of("atk_psexec.pcap", "ben_kinit_kvno.pcap")) {
            try (InputStream in = LiveCaptureTest.class.getResourceAsStream("/capture/" + f)) {
                Files.copy(in, pcaps.resolve(f));
            }
        }
    }

    @AfterAll
    static void removePair() throws Exception {
        if (created) {
            run("ip", "netns", "del", NS); // deletes SEND_IF and with it its peer CAP_IF
            run("ip", "link", "del", CAP_IF);
        }
        if (pcaps != null) {
            for (String f : List.of("atk_psexec.pcap", "ben_kinit_kvno.pcap")) {
                Files.deleteIfExists(pcaps.resolve(f));
            }
            Files.deleteIfExists(pcaps);
        }
    }

    @Test
    void capturesReplayedTrafficAndStopsCleanlyOnAnIdleLink() throws Exception {
        LiveOptions o = new LiveOptions(CAP_IF, "tcp or udp", 65535, true, false, 8 << 20, 50);
        TupleCountingProcessor proc = new TupleCountingProcessor();
        try (LivePcapSource src = LivePcapSource.open(o)) {
            assertEquals(1, src.linkType());
            CapturePipeline pipe = new CapturePipeline(src, (lt, f, c) -> 0, (w, n, sink) -> proc,
                    e -> { }, new PipelineOptions(1, 1024, 64, 100));
            pipe.start();
            sh("ip", "netns", "exec", NS, "tcpreplay", "-q", "-i", SEND_IF, "--pps=2000",
                    pcaps.resolve("atk_psexec.pcap").toString(), pcaps.resolve("ben_kinit_kvno.pcap").toString());
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
        try (LivePcapSource src = LivePcapSource.open(LiveOptions.defaults(CAP_IF))) {
            TupleCountingProcessor proc = new TupleCountingProcessor();
            CapturePipeline pipe = new CapturePipeline(src, (lt, f, c) -> 0, (w, n, sink) -> proc,
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
                () -> LivePcapSource.open(LiveOptions.defaults("nosuch" + TAG)));
        assertTrue(e.getMessage().startsWith("interface nosuch" + TAG + ": "), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void badBpfIsAOneLineError() {
        LiveOptions o = new LiveOptions(CAP_IF, "tcp port smb-please", 65535, true, false, 8 << 20, 50);
        CaptureException e = assertThrows(CaptureException.class, () -> LivePcapSource.open(o));
        assertTrue(e.getMessage().startsWith("bad BPF expression 'tcp port smb-please': "), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), e.getMessage());
    }

    private static boolean libpcapLoads() {
        try {
            org.pcap4j.core.Pcaps.libVersion();
            return true;
        } catch (Throwable t) {
            return false;
        }
    }

    private static boolean onPath(String cmd) throws Exception {
        return run("sh", "-c", "command -v " + cmd).trim().length() > 0;
    }

    private static void sh(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + out.trim());
        }
    }

    private static String run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(new ArrayList<>(List.of(cmd))).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }
}
