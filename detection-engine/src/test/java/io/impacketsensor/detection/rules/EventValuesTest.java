package io.impacketsensor.detection.rules;

import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.detection.bench.EventMix;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A field kept once per event ({@link EventValues}) is one that has one value at most: on the
 * benchmark's synthetic event mix (every protocol the engine reads, Kerberos requests offering
 * several etypes), no field marked {@link EventField#single} hands its visitor a second value, and
 * the kept value is the one the field gives.
 */
class EventValuesTest {

    /** Counts the values a field hands over; never stops early. */
    private static final class Counting implements EventField.Visitor {
        int values;
        long number;
        String text;
        int from;

        @Override
        public boolean text(String v) {
            return text(v, 0);
        }

        @Override
        public boolean text(String v, int start) {
            if (values++ == 0) {
                text = v;
                from = start;
            }
            return false;
        }

        @Override
        public boolean number(long v) {
            if (values++ == 0) {
                number = v;
            }
            return false;
        }
    }

    @Test
    void singleValuedFieldsHandOverOneValueAndAreKeptAsGiven() {
        EventValues kept = new EventValues();
        int multiple = 0;
        for (SensorEvent ev : EventMix.generate(20_000, 500, 7)) {
            kept.reset(ev);
            for (EventField f : EventField.values()) {
                Counting c = new Counting();
                f.visit(ev, c);
                if (!f.single()) {
                    multiple += c.values > 1 ? 1 : 0;
                    continue;
                }
                assertTrue(c.values <= 1, () -> f.id() + " handed over " + c.values + " values: " + ev);
                assertEquals(c.values == 1, kept.has(f), () -> f.id() + ": " + ev);
                if (c.values == 1 && f.kind() == EventField.Kind.NUMBER) {
                    assertEquals(c.number, kept.number(f), f::id);
                } else if (c.values == 1) {
                    assertEquals(c.text, kept.text(f), f::id);
                    assertEquals(c.from, kept.from(f), f::id);
                }
            }
        }
        // The mix has list fields with several values (the check above is about the others).
        assertTrue(multiple > 0);
    }

    @Test
    void aRuleKeepsItsLastFewIndicatorTextsAndGivesEachAgainByContent() {
        EventValues v = new EventValues();
        String a = v.keptIndicator(3, new StringBuilder("Remote registry: winreg OpenLocalMachine"));
        String b = v.keptIndicator(3, new StringBuilder("Remote registry: winreg BaseRegOpenKey"));
        // Alternating texts are given as the strings kept, each reading as asked.
        assertSame(a, v.keptIndicator(3, new StringBuilder("Remote registry: winreg OpenLocalMachine")));
        assertSame(b, v.keptIndicator(3, new StringBuilder("Remote registry: winreg BaseRegOpenKey")));
        // Another rule keeps its own texts; a text another rule kept is not given for this one.
        String other = v.keptIndicator(4, new StringBuilder("Remote registry: winreg OpenLocalMachine"));
        assertNotSame(a, other);
        assertEquals(a, other);
        // Past four new texts the oldest goes: asked again, it is made anew and reads the same.
        for (int i = 0; i < 3; i++) {
            v.keptIndicator(3, new StringBuilder("pipe " + i));
        }
        assertSame(b, v.keptIndicator(3, new StringBuilder("Remote registry: winreg BaseRegOpenKey")));
        String again = v.keptIndicator(3, new StringBuilder("Remote registry: winreg OpenLocalMachine"));
        assertNotSame(a, again);
        assertEquals(a, again);
        // An operator's rule beyond the built-in ones grows the table.
        String far = v.keptIndicator(1000, new StringBuilder("Local rule x"));
        assertSame(far, v.keptIndicator(1000, new StringBuilder("Local rule x")));
        assertSame(again, v.keptIndicator(3, new StringBuilder("Remote registry: winreg OpenLocalMachine")));
    }
}
