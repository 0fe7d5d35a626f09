package io.impacketsensor.decoders.malformed;

import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.core.event.Transport;
import io.impacketsensor.core.flow.AnalyzerFactory;
import io.impacketsensor.core.flow.FlowAnalyzer;
import io.impacketsensor.core.testkit.AnalyzerRun;
import io.impacketsensor.core.testkit.Captures;
import io.impacketsensor.core.testkit.EventText;
import io.impacketsensor.core.testkit.Malformed;
import io.impacketsensor.core.testkit.RecordingContext;
import io.impacketsensor.core.testkit.Replay;
import io.impacketsensor.core.testkit.Step;
import io.impacketsensor.decoders.Decoders;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The malformed-input harness over every production analyzer, on the opening of each connection
 * of lab captures: what the real packet path handed the analyzer (recorded through a wrapping
 * factory) becomes the conversation, and a fresh analyzer of the same factory on a recording
 * context gets each variant. Truncated at every byte, then a gap and the close: nothing throws.
 * TCP re-split at every byte (the same bytes in another legal segmentation): the same
 * events and anomalies as the recorded segmentation.
 */
class CaptureConversationsMalformedTest {
    /** The opening of a connection is where framing and handshakes are decoded; it keeps the run short. */
    private static final int MAX_BYTES = 1200;

    private record Conversation(String where, AnalyzerFactory factory, Transport transport, int serverPort,
                                List<Step> steps) {
        AnalyzerRun<AnalyzerFactory> fresh() {
            return new AnalyzerRun<>(factory, new RecordingContext(transport, serverPort));
        }
    }

    private static List<Conversation> conversations(String capture) throws IOException {
        List<Conversation> out = new ArrayList<>();
        List<AnalyzerFactory> factories = new ArrayList<>();
        for (AnalyzerFactory f : Decoders.forWorker()) {
            factories.add(Replay.wrapping(f, (ctx, a) -> {
                List<Step> steps = new ArrayList<>();
                out.add(new Conversation(capture + " " + f.name() + " flow " + ctx.flowId(), f, ctx.transport(),
                        ctx.serverPort(), steps));
                return recording(a, steps);
            }));
        }
        Replay.events(Captures.lab(capture), factories);
        out.removeIf(c -> c.steps().isEmpty());
        return out;
    }

    private static FlowAnalyzer recording(FlowAnalyzer a, List<Step> steps) {
        int[] total = {0};
        return Replay.tapped(a, (dir, bytes) -> {
            int n = Math.min(bytes.length, MAX_BYTES - total[0]);
            if (n > 0) {
                steps.add(new Step(dir, Arrays.copyOf(bytes, n)));
                total[0] += n;
            }
        });
    }

    private static List<String> describe(AnalyzerRun<?> r) {
        List<String> out = new ArrayList<>();
        for (SensorEvent e : r.ctx.events) {
            out.add(EventText.of(e));
        }
        return out;
    }

    @TestFactory
    List<DynamicTest> everyAnalyzerOnTheOpeningOfEachConnection() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        TreeSet<String> analyzers = new TreeSet<>();
        for (String capture : List.of("atk_psexec.pcap", "atk_secretsdump_dcsync.pcap", "atk_GetUserSPNs_compat.pcap",
                "atk_ntlmrelayx_ldap.pcap", "ben_kinit_kvno.pcap")) {
            for (Conversation c : conversations(capture)) {
                analyzers.add(c.factory().name());
                tests.add(DynamicTest.dynamicTest(c.where(), () -> {
                    Malformed.survives(c::fresh, Malformed.truncations(c.steps()));
                    if (c.transport() == Transport.TCP) { // a UDP datagram is not cut by the network
                        Malformed.sameAsWhole(c::fresh, c.steps(), Malformed.splits(c.steps()),
                                CaptureConversationsMalformedTest::describe);
                    }
                }));
            }
        }
        assertFalse(tests.isEmpty());
        tests.add(DynamicTest.dynamicTest("analyzers covered", () ->
                org.junit.jupiter.api.Assertions.assertTrue(analyzers.size() >= 4, analyzers.toString())));
        return tests;
    }
}
