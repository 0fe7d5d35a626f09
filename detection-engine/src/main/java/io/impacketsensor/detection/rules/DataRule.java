package io.impacketsensor.detection.rules;

import io.impacketsensor.core.event.SensorEvent;

import java.util.List;

/**
 * A built-in rule written as data: conditions over {@link EventField}s in the catalog instead of
 * Java, and the indicator it quotes, whose {@code {field}} placeholders take the event's (quoted,
 * bounded) value of that field. A part in square brackets is optional: it is left out when a field
 * it names is absent from the event ({@code "Service control: {dcerpc.operation}[ {svcctl.service_name}]"}).
 */
public record DataRule(Rule rule, List<LocalRules.Condition> conditions, String indicator, Template template) {

    /** A rule whose indicator is parsed here, once, into its {@link Template}. */
    /** This rule with conditions of its own ({@link LocalRules.Condition#copy}): for one engine's index. */
    DataRule withOwnConditions() {
        List<LocalRules.Condition> own = new java.util.ArrayList<>(conditions.size());
        for (LocalRules.Condition c : conditions) {
            own.add(c.copy());
        }
        return new DataRule(rule, List.copyOf(own), indicator, template);
    }

    public DataRule(Rule rule, List<LocalRules.Condition> conditions, String indicator) {
        this(rule, conditions, indicator, Template.of(indicator));
    }

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
        // The engine's buffer, and its last text of this rule when the new one reads the same: a
        // repeated finding (the common case of a long attack) allocates nothing here, and its
        // instance's indicator set finds the kept string by identity, its hash already computed.
        StringBuilder b = values != null ? values.indicatorBuffer()
                : new StringBuilder(indicator.length() + 32); // one buffer for the usual short values
        if (template != null) {
            template.render(this, ev, values, b);
            return values != null ? values.keptIndicator(rule.index(), b) : b.toString();
        }
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
        return values != null ? values.keptIndicator(rule.index(), b) : b.toString();
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
            String v = value(EventField.byId(t, open + 1, close), ev, values);
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

    /** The text a placeholder of field {@code f} quotes, or null when the event lacks the field. */
    private String value(EventField f, SensorEvent ev, EventValues values) {
        String v = matched(f);
        if (v == null) {
            v = values != null && f.single() ? value(f, values) : first(f, ev);
        }
        return v;
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

    /**
     * An indicator parsed into its pieces: text, placeholders (their field looked up once, not per
     * match) and the bounds of optional parts. Rendering walks the pieces as {@link #indicator}
     * walks the text, so the result is the same string. Null for an indicator without placeholders
     * (quoted as it is) and for one this parse cannot follow (an unclosed bracket or brace, an
     * unknown field): those take the text walk, with its outcome.
     */
    public static final class Template {
        private static final byte TEXT = 0;
        private static final byte FIELD = 1;
        private static final byte OPEN = 2;
        private static final byte CLOSE = 3;

        private final String source;
        private final byte[] kinds;
        private final String[] texts;
        private final EventField[] fields;

        private Template(String source, List<Byte> kinds, List<String> texts, List<EventField> fields) {
            this.source = source;
            this.kinds = new byte[kinds.size()];
            for (int i = 0; i < this.kinds.length; i++) {
                this.kinds[i] = kinds.get(i);
            }
            this.texts = texts.toArray(new String[0]);
            this.fields = fields.toArray(new EventField[0]);
        }

        static Template of(String t) {
            if (t == null || t.indexOf('{') < 0) {
                return null;
            }
            List<Byte> kinds = new java.util.ArrayList<>();
            List<String> texts = new java.util.ArrayList<>();
            List<EventField> fields = new java.util.ArrayList<>();
            int i = 0;
            while (i < t.length()) {
                if (t.charAt(i) == '[') {
                    int close = t.indexOf(']', i);
                    if (close < 0) {
                        return null;
                    }
                    add(kinds, texts, fields, OPEN, null, null);
                    if (!parse(t, i + 1, close, kinds, texts, fields)) {
                        return null;
                    }
                    add(kinds, texts, fields, CLOSE, null, null);
                    i = close + 1;
                } else {
                    int next = nextBracket(t, i);
                    if (!parse(t, i, next, kinds, texts, fields)) {
                        return null;
                    }
                    i = next;
                }
            }
            return new Template(t, kinds, texts, fields);
        }

        /** The pieces of {@code t[from, to)} as {@link DataRule#render} reads them; false where it could not. */
        private static boolean parse(String t, int from, int to, List<Byte> kinds, List<String> texts,
                                     List<EventField> fields) {
            int open = t.indexOf('{', from);
            while (open >= 0 && open < to) {
                int close = t.indexOf('}', open);
                EventField f = close < 0 ? null : EventField.byId(t, open + 1, close);
                if (f == null) {
                    return false;
                }
                if (open > from) {
                    add(kinds, texts, fields, TEXT, t.substring(from, open), null);
                }
                add(kinds, texts, fields, FIELD, null, f);
                from = close + 1;
                open = t.indexOf('{', from);
            }
            if (from > to) {
                return false;
            }
            if (to > from) {
                add(kinds, texts, fields, TEXT, t.substring(from, to), null);
            }
            return true;
        }

        private static void add(List<Byte> kinds, List<String> texts, List<EventField> fields, byte kind, String text,
                                EventField field) {
            kinds.add(kind);
            texts.add(text);
            fields.add(field);
        }

        /** Appends the indicator of a matching event to {@code b} (empty), which it returns. */
        StringBuilder render(DataRule rule, SensorEvent ev, EventValues values, StringBuilder b) {
            int mark = 0;
            boolean all = true;
            for (int i = 0; i < kinds.length; i++) {
                switch (kinds[i]) {
                    case TEXT -> b.append(texts[i]);
                    case FIELD -> {
                        String v = rule.value(fields[i], ev, values);
                        if (v == null) {
                            all = false;
                        } else {
                            b.append(Text.quote(v));
                        }
                    }
                    case OPEN -> {
                        mark = b.length();
                        all = true;
                    }
                    default -> {
                        if (!all) {
                            b.setLength(mark); // a field of the optional part is absent: leave the part out
                        }
                    }
                }
            }
            return b;
        }

        /** Two templates of the same indicator are equal (the pieces follow from the text). */
        @Override
        public boolean equals(Object o) {
            return o instanceof Template x && x.source.equals(source);
        }

        @Override
        public int hashCode() {
            return source.hashCode();
        }

        @Override
        public String toString() {
            return source;
        }
    }
}
