package io.impacketsensor.cli;

import io.impacketsensor.core.event.DcerpcEvent;
import io.impacketsensor.core.event.RpcInterfaces;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.core.testkit.Captures;
import io.impacketsensor.core.testkit.Replay;
import io.impacketsensor.decoders.Decoders;
import io.impacketsensor.detection.rules.DataRule;
import io.impacketsensor.detection.rules.DataRuleIndex;
import io.impacketsensor.detection.rules.EventKind;
import io.impacketsensor.detection.rules.EventValues;
import io.impacketsensor.detection.rules.RuleCatalog;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The data-rule index and the per-event field values change which rules fire on nothing: on every
 * event of every lab and public capture, the rules the engine's path selects (event kind; interface
 * and opnum; the first character of a pipe name) and tests (cheapest condition first, each
 * single-valued field read once per event) are the rules that a test of every data rule of the
 * layer, condition by condition in catalog order, finds, in the same order and with the same
 * indicators.
 */
class DataRuleIndexCapturesTest {

    @Test
    void indexedEvaluationFindsWhatEvaluatingEveryRuleFinds() throws Exception {
        List<String> captures = new ArrayList<>(Captures.list("/pcaps/lab"));
        captures.addAll(Captures.list("/pcaps/public"));
        Map<String, DataRuleIndex> layers = Map.of("signature", RuleCatalog.builtin().dataRuleIndex("signature"),
                "anomaly", RuleCatalog.builtin().dataRuleIndex("anomaly"));
        EventValues values = new EventValues();
        Map<String, Integer> hits = new TreeMap<>();
        long events = 0;
        long offered = 0;
        long tested = 0;
        for (String capture : captures) {
            for (SensorEvent ev : Replay.events(Captures.path(capture), Decoders.forWorker())) {
                events++;
                EventKind kind = EventKind.of(ev);
                int iface = ev instanceof DcerpcEvent.DcerpcRequest r ? RpcInterfaces.indexOf(r.interfaceUuid())
                        : RpcInterfaces.UNKNOWN;
                int opnum = ev instanceof DcerpcEvent.DcerpcRequest r ? r.opnum() : -1;
                for (Map.Entry<String, DataRuleIndex> layer : layers.entrySet()) {
                    List<String> every = new ArrayList<>();
                    for (DataRule d : RuleCatalog.builtin().dataRules()) {
                        if (d.rule().layer().equals(layer.getKey())) {
                            tested++;
                            if (d.matches(ev)) {
                                every.add(d.rule().name() + ": " + d.indicator(ev));
                            }
                        }
                    }
                    values.reset(ev);
                    List<String> indexed = new ArrayList<>();
                    DataRuleIndex.Entry[] candidates = layer.getValue().candidates(kind, iface, opnum, values);
                    offered += candidates.length;
                    for (DataRuleIndex.Entry e : candidates) {
                        if (e.matches(values)) {
                            indexed.add(e.rule().rule().name() + ": " + e.indicator(ev, values));
                        }
                    }
                    assertEquals(every, indexed, capture + ": " + ev);
                    for (String h : every) {
                        hits.merge(h.substring(0, h.indexOf(':')), 1, Integer::sum);
                    }
                }
            }
        }
        // Not vacuous: most data rules fired somewhere, and the index offered a small part of the rules.
        assertTrue(hits.size() > RuleCatalog.builtin().dataRules().size() / 2, hits.size() + " rules fired: " + hits);
        assertTrue(offered * 10 < tested, offered + " rules offered against " + tested + " tested, " + events + " events");
    }
}
