package io.impacketsensor.detection.rules;

import io.impacketsensor.core.event.SensorEvent;

import java.util.List;

/**
 * A built-in rule written as data: conditions over {@link EventField}s in the catalog instead of
 * Java, and the indicator it quotes, whose {@code {field}} placeholders take the event's (quoted,
 * bounded) value of that field. A part in square brackets is optional: it is left out when a field
 * it names is absent from the event ({@code "Service control: {dcerpc.operation}[ {svcctl.service_name}]"}).
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
        return indicator(ev, null);
    }

    /**
     * As {@link #indicator(SensorEvent)}, a single-valued field's value taken from {@code values}
     * (reset for this event; null: read from the event), where the rules' conditions left it.
     */
    public String indicator(SensorEvent ev, EventValues values) {
        if (indicator.indexOf('{') < 0) {
            return indicator;
        }
        StringBuilder b = new StringBuilder(indicator.length() + 32); // one buffer for the usual short values
        int i = 0;
        while (i < indicator.length()) {
            char c = indicator.charAt(i);
            if (c == '[') {
                int close = indicator.indexOf(']', i);
                int mark = b.length();
                if (!render(indicator, i + 1, close, ev, values, b)) {
                    b.setLength(mark); // a field of the optional part is absent: leave the part out
                }
                i = close + 1;
            } else {
                int next = nextBracket(indicator, i);
                render(indicator, i, next, ev, values, b);
                i = next;
            }
        }
        return b.toString();
    }

    private static int nextBracket(String t, int from) {
        int o = t.indexOf('[', from);
        return o < 0 ? t.length() : o;
    }

    /**
     * Appends {@code t[from, to)} with its placeholders filled; false when a placeholder's field is
     * absent. A field with several values (the strings of a DCOM stub) is quoted by the value a
     * condition of this rule matched, else by its first value.
     */
    private boolean render(String t, int from, int to, SensorEvent ev, EventValues values, StringBuilder b) {
        boolean all = true;
        int open = t.indexOf('{', from);
        while (open >= 0 && open < to) {
            int close = t.indexOf('}', open);
            b.append(t, from, open);
            EventField f = EventField.byId(t, open + 1, close);
            String v = matched(f);
            if (v == null) {
                v = values != null && f.single() ? value(f, values) : first(f, ev);
            }
            if (v == null) {
                all = false;
            } else {
                b.append(Text.quote(v));
            }
            from = close + 1;
            open = t.indexOf('{', from);
        }
        b.append(t, from, to);
        return all;
    }

    /** The text value a condition on {@code f} matched in the event being rendered, or null. */
    private String matched(EventField f) {
        for (int i = 0; i < conditions.size(); i++) {
            LocalRules.Condition c = conditions.get(i);
            if (c.field == f && c.matchedValue() != null) {
                return c.matchedValue();
            }
        }
        return null;
    }

    /** The value of a single-valued field as {@link #first} gives it, from the event's kept values. */
    private static String value(EventField f, EventValues values) {
        if (!values.has(f)) {
            return null;
        }
        if (f.kind() == EventField.Kind.NUMBER) {
            return Long.toString(values.number(f));
        }
        String v = values.text(f);
        return values.from(f) == 0 ? v : v.substring(values.from(f));
    }

    /** The first value of a field in the event, as text, or null. */
    private static String first(EventField f, SensorEvent ev) {
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
        return first[0];
    }
}
