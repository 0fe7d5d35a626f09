package io.impacketsensor.detection.rules;

import io.impacketsensor.core.event.SensorEvent;

import java.util.List;

/**
 * A built-in rule written as data: conditions over {@link EventField}s in the catalog instead of
 * Java, and the indicator it quotes, whose {@code {field}} placeholders take the event's (quoted,
 * bounded) value of that field.
 */
public record DataRule(Rule rule, List<LocalRules.Condition> conditions, String indicator) {

    /** True when every condition holds on the event. */
    public boolean matches(SensorEvent ev) {
        for (int i = 0; i < conditions.size(); i++) {
            if (!conditions.get(i).test(ev)) {
                return false;
            }
        }
        return true;
    }

    /** The indicator for a matching event (allocates: only on a match). */
    public String indicator(SensorEvent ev) {
        int open = indicator.indexOf('{');
        if (open < 0) {
            return indicator;
        }
        StringBuilder b = new StringBuilder();
        int from = 0;
        while (open >= 0) {
            int close = indicator.indexOf('}', open);
            b.append(indicator, from, open);
            EventField f = EventField.byId(indicator.substring(open + 1, close));
            String[] first = new String[1];
            f.visit(ev, new EventField.Visitor() {
                @Override
                public boolean text(String v) {
                    first[0] = v;
                    return true;
                }

                @Override
                public boolean number(long v) {
                    first[0] = Long.toString(v);
                    return true;
                }
            });
            b.append(first[0] == null ? "" : Text.quote(first[0]));
            from = close + 1;
            open = indicator.indexOf('{', from);
        }
        return b.append(indicator, from, indicator.length()).toString();
    }
}
