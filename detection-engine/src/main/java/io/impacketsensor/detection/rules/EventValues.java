package io.impacketsensor.detection.rules;

import io.impacketsensor.core.event.SensorEvent;

/**
 * The values of one event's single-valued fields, each read from the event at most once: the first
 * condition on a field reads it through {@link EventField#visit} and every later condition on it (of
 * any rule, signature or anomaly, built-in or operator) and the engine's classification take the
 * kept value. The shapes are the costly ones: {@code smb.file_shape} and {@code ldap.filter_shape}
 * scan the name or filter, {@code smb.pipe_name} and {@code smb.share_name} look for the last path
 * separator, {@code krb5.sname} formats the principal; a busy event kind is offered a dozen rules
 * over the same few fields.
 *
 * <p>One per engine, {@link #reset} for every event (the engine is single-threaded). Nothing is
 * cleared per event: a value counts for the event whose number it carries. No allocation.
 */
public final class EventValues implements EventField.Visitor {
    private static final EventField[] FIELDS = EventField.values();

    private SensorEvent ev;
    private int event = 1;
    /** The number of the event each field's slot was read for. */
    private final int[] readFor = new int[FIELDS.length];
    private final boolean[] present = new boolean[FIELDS.length];
    private final long[] numbers = new long[FIELDS.length];
    private final String[] texts = new String[FIELDS.length];
    private final int[] froms = new int[FIELDS.length];

    /** The indicator text being rendered for a match ({@link DataRule#indicator}), reused. */
    private final StringBuilder indicator = new StringBuilder(128);
    /**
     * The indicator texts a rule rendered lately, {@link #KEPT} per rule index (grown for the operator's
     * rules): a rule's matches alternate among a few texts (winreg OpenLocalMachine and BaseRegOpenKey,
     * a PsExec service's stdin, stdout and stderr pipes). A new text replaces the oldest of its rule's.
     */
    private static final int KEPT = 4;
    private String[] keptIndicators = new String[256 * KEPT];
    /** Per rule index, the slot of {@link #keptIndicators} its next new text goes to. */
    private byte[] nextKept = new byte[256];

    /** What the visitor received while a field was read. */
    private long number;
    private String text;
    private int from;

    /** Starts a new event: the values of the last one no longer count. */
    public void reset(SensorEvent e) {
        ev = e;
        if (++event == 0) {
            // After 2^32 events the numbers come round: forget every slot once.
            java.util.Arrays.fill(readFor, 0);
            event = 1;
        }
    }

    /** The event being looked at. */
    public SensorEvent event() {
        return ev;
    }

    /**
     * True when the event has the field (a {@link EventField#single single-valued} one); its value is
     * then {@link #number} or {@link #text}/{@link #from}.
     */
    public boolean has(EventField f) {
        int i = f.ordinal();
        if (readFor[i] != event) {
            text = null;
            from = 0;
            number = 0;
            boolean p = f.visit(ev, this);
            present[i] = p;
            numbers[i] = number;
            texts[i] = text;
            froms[i] = from;
            readFor[i] = event;
        }
        return present[i];
    }

    /** The engine's indicator buffer, emptied. */
    StringBuilder indicatorBuffer() {
        indicator.setLength(0);
        return indicator;
    }

    /**
     * {@code text} as a string: one of those returned lately for rule {@code rule} when it reads the
     * same, else a new one, kept for the rule's next matches.
     */
    String keptIndicator(int rule, CharSequence text) {
        if (rule >= nextKept.length) {
            int n = Math.max(rule + 1, nextKept.length * 2);
            nextKept = java.util.Arrays.copyOf(nextKept, n);
            keptIndicators = java.util.Arrays.copyOf(keptIndicators, n * KEPT);
        }
        int first = rule * KEPT;
        for (int i = first; i < first + KEPT; i++) {
            String t = keptIndicators[i];
            if (t != null && t.contentEquals(text)) {
                return t;
            }
        }
        String s = text.toString();
        int slot = nextKept[rule];
        keptIndicators[first + slot] = s;
        nextKept[rule] = (byte) ((slot + 1) % KEPT);
        return s;
    }

    /** The value of a number field the event {@link #has}. */
    public long number(EventField f) {
        return numbers[f.ordinal()];
    }

    /** The value of a text field the event {@link #has}; it starts at {@link #from}. */
    public String text(EventField f) {
        return texts[f.ordinal()];
    }

    /** Where the value of a text field starts in {@link #text} (a path's last component). */
    public int from(EventField f) {
        return froms[f.ordinal()];
    }

    @Override
    public boolean number(long v) {
        number = v;
        return true;
    }

    @Override
    public boolean text(String v) {
        return text(v, 0);
    }

    @Override
    public boolean text(String v, int start) {
        text = v;
        from = start;
        return true;
    }
}
