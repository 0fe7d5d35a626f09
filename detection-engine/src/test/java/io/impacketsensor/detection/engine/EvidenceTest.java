package io.impacketsensor.detection.engine;

import io.impacketsensor.core.event.EventHeader;
import io.impacketsensor.core.event.ProtocolAnomaly;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.core.event.Transport;
import io.impacketsensor.detection.response.AllowListMatcher;
import io.impacketsensor.detection.rules.Rule;
import io.impacketsensor.detection.rules.RuleCatalog;
import io.impacketsensor.detection.rules.Text;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Indicators left to be made when read are the texts that would have been given (synthetic events). */
class EvidenceTest {
    private static final EventHeader H = new EventHeader(1, 1, AllowListMatcher.parseAddress("10.1.0.1"), 50000,
            AllowListMatcher.parseAddress("10.1.0.2"), 445, Transport.TCP);

    private static String text(SensorEvent ev) {
        return "made from " + ((ProtocolAnomaly) ev).name();
    }

    @Test
    void aDeferredIndicatorIsMadeOnReadAndFollowsItsFindingThroughSortsAndMoves() {
        List<Rule> rules = new ArrayList<>(List.of(Rules.DCSYNC, Rules.IMPACKET_SMBSERVER, Rules.PASS_THE_HASH));
        rules.sort(java.util.Comparator.comparingInt(Rule::index));
        Rule early = rules.get(0);
        Rule mid = rules.get(1);
        Rule late = rules.get(2);
        Evidence e = new Evidence();
        e.active = new ActiveRules(RuleCatalog.builtin(), List.of());
        List<String> made = new ArrayList<>();
        Evidence.EventText counted = ev -> {
            made.add("x");
            return text(ev);
        };
        e.add(late, counted, new ProtocolAnomaly(H, "late.one", "d"));
        e.add(mid, "given");
        e.add(early, counted, new ProtocolAnomaly(H, "early.one", "d"));
        e.sortByRule(0);
        assertEquals(0, made.size(), "nothing is made before it is read");
        assertEquals("made from early.one", e.indicator(0));
        assertEquals("given", e.indicator(1));
        assertEquals("made from late.one", e.indicator(2));
        e.indicator(0);
        assertEquals(2, made.size(), "each is made once");

        e.clear();
        String longText = "y".repeat(Text.INDICATOR_LIMIT + 10);
        e.add(early, ev -> longText, new ProtocolAnomaly(H, "a.b", "d"));
        e.add(late, counted, new ProtocolAnomaly(H, "dropped.one", "d"));
        e.weaken(0.5, " (why)");
        assertEquals(Text.bound(Text.bound(longText, Text.INDICATOR_LIMIT) + " (why)", Text.INDICATOR_LIMIT), e.indicator(0));
        assertEquals("made from dropped.one (why)", e.indicator(1));
        e.truncate(1);
        e.clear();
        assertNull(e.texts[0]);
        assertNull(e.textEvents[1]);
    }
}
