package io.impacketsensor.decoders.template;

import io.impacketsensor.core.capture.FrameSlot;
import io.impacketsensor.core.capture.PcapFileReader;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.core.flow.Expectations;
import io.impacketsensor.core.flow.FlowLimits;
import io.impacketsensor.core.flow.PacketProcessor;
import io.impacketsensor.decoders.DecoderConfig;
import io.impacketsensor.decoders.DecoderLimits;
import io.impacketsensor.decoders.Decoders;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import io.impacketsensor.core.testkit.Captures;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The decoder limits table: documented as defined, every default inside its range, both ends accepted. */
class DecoderLimitsTest {
    private static final Path DOC = Path.of("..", "docs", "user", "decoder-limits.md");
    private static final String BEGIN = "<!-- limits-table:begin -->\n";
    private static final String END = "<!-- limits-table:end -->";

    @Test
    void theDocumentedTableIsTheDefinition() throws Exception {
        String doc = Files.readString(DOC);
        int b = doc.indexOf(BEGIN);
        int e = doc.indexOf(END);
        assertTrue(b >= 0 && e > b, DOC + " lacks the limits-table markers");
        assertEquals(DecoderLimits.markdown(), doc.substring(b + BEGIN.length(), e),
                DOC + " differs from the XxxLimits definitions; paste DecoderLimits.markdown() between the markers");
    }

    @Test
    void everyDefaultIsInsideItsRangeAndKeysAreUnique() {
        Set<String> paths = new HashSet<>();
        List<DecoderLimits.Row> rows = DecoderLimits.rows();
        for (DecoderLimits.Row r : rows) {
            assertTrue(paths.add(r.path()), "duplicate key " + r.path());
            assertTrue(r.min() <= r.defaults() && r.defaults() <= r.max(), r.path() + " default outside its range");
            assertTrue(!r.doc().isBlank(), r.path() + " has no text");
        }
        assertEquals(DecoderLimits.SECTIONS.size(), rows.stream().map(DecoderLimits.Row::section).distinct().count());
    }

    @Test
    void bothEndsOfEveryRangeBuildAConfiguration() {
        for (boolean top : new boolean[] {false, true}) {
            Map<String, Map<String, Long>> values = new HashMap<>();
            for (DecoderLimits.Row r : DecoderLimits.rows()) {
                values.computeIfAbsent(r.section(), k -> new HashMap<>()).put(r.key(), top ? r.max() : r.min());
            }
            DecoderConfig c = DecoderLimits.config(values);
            assertEquals(values, DecoderLimits.values(c), top ? "upper ends" : "lower ends");
        }
    }

    /**
     * The decoders built at both ends of every range decode real captures (SMB2 with DCE/RPC over
     * pipes, SMB1, SMB2 with Kerberos, LDAP with NTLM) without an analyzer exception.
     */
    @Test
    void decodersAtBothEndsOfEveryRangeReplayCapturesWithoutAnException() throws Exception {
        List<Path> captures = List.of(Captures.lab("atk_psexec.pcap"),
                Captures.pub("401trg_detections/pcaps/20171220_smb_net_user.pcap"),
                Captures.lab("atk_silver_ticket.pcap"), Captures.lab("atk_ntlmrelayx_ldap.pcap"));
        for (boolean top : new boolean[] {false, true}) {
            Map<String, Map<String, Long>> values = new HashMap<>();
            for (DecoderLimits.Row r : DecoderLimits.rows()) {
                values.computeIfAbsent(r.section(), k -> new HashMap<>()).put(r.key(), top ? r.max() : r.min());
            }
            DecoderConfig config = DecoderLimits.config(values);
            for (Path file : captures) {
                FlowLimits limits = FlowLimits.DEFAULTS;
                List<SensorEvent> events = new ArrayList<>();
                PacketProcessor p = new PacketProcessor(0, limits, Decoders.forWorker(config), Expectations.of(limits),
                        events::add);
                FrameSlot slot = new FrameSlot();
                try (PcapFileReader reader = PcapFileReader.open(file)) {
                    while (reader.next(slot)) {
                        p.process(slot.linkType, slot.tsNanos, slot.data, slot.caplen, slot.wirelen);
                    }
                }
                p.finish();
                long[] exceptions = {-1};
                p.reportCounters((name, value) -> {
                    if (name.equals("analyzer.exceptions")) {
                        exceptions[0] = value;
                    }
                });
                String where = file.getFileName() + (top ? " at the upper ends" : " at the lower ends");
                assertEquals(0, exceptions[0], where);
                assertTrue(!events.isEmpty(), where);
            }
        }
    }

    @Test
    void defaultsAreTheRecordsDefaults() {
        assertEquals(DecoderConfig.defaults().withPipes(null), DecoderLimits.config(Map.of()));
    }
}
