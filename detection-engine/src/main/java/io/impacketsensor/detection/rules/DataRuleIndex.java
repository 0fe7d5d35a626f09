package io.impacketsensor.detection.rules;

import io.impacketsensor.core.event.RpcInterfaces;
import io.impacketsensor.core.event.SensorEvent;

import java.util.ArrayList;
import java.util.List;

/**
 * The data rules of one layer (or the operator's {@code local.rules.yaml} rules), indexed so that an
 * event evaluates only the rules that can match it: by {@link EventKind} (the kinds all of a rule's
 * fields exist on) and, for DCE/RPC requests, by the interface a rule's {@code dcerpc.interface}
 * equals/in condition names and then by the opnums its {@code dcerpc.opnum} and
 * {@code dcerpc.operation} conditions admit; an equals/in on the {@code event} field narrows the
 * kinds. Events of another kind are filed by the first character of the text field most of the
 * kind's rules compare with equals, prefix or in (the pipe name of an SMB pipe event), or, for a
 * kind without one, by the value of the number field most of its rules compare with eq or in (the
 * smb.admin_share of an SMB create, read or write). The
 * conditions the index decided are not tested again, except a text condition whose matched value
 * an indicator may quote; the others are tested cheapest first. Within one kind, interface or slot
 * the rules keep their order, so the findings of an event come in the order of the list. Built
 * once; lookups allocate nothing.
 */
public final class DataRuleIndex {
    /**
     * A rule and the conditions left to test once the index selected it. {@code fixedIndicator} is
     * the indicator of an operator rule (its text is quoted as written, never read as a template);
     * null for a catalog data rule, whose indicator is {@link DataRule#indicator rendered} per match.
     */
    public record Entry(DataRule rule, LocalRules.Condition[] residual, String fixedIndicator) {
        /** The conditions ordered cheapest first ({@link LocalRules.Condition#cost}); a rule fails on its first false one. */
        public Entry {
            residual = cheapestFirst(residual);
        }

        public boolean matches(SensorEvent ev) {
            for (LocalRules.Condition c : residual) {
                if (!c.test(ev)) {
                    return false;
                }
            }
            return true;
        }

        /** As {@link #matches(SensorEvent)}, each single-valued field read once per event for all rules. */
        public boolean matches(EventValues values) {
            for (LocalRules.Condition c : residual) {
                if (!c.test(values)) {
                    return false;
                }
            }
            return true;
        }

        /** The indicator of a matching event (a catalog rule's allocates: only on a match). */
        public String indicator(SensorEvent ev) {
            return fixedIndicator != null ? fixedIndicator : rule.indicator(ev);
        }

        /** As {@link #indicator(SensorEvent)}, with the event's field values kept by {@link #matches(EventValues)}. */
        public String indicator(SensorEvent ev, EventValues values) {
            return fixedIndicator != null ? fixedIndicator : rule.indicator(ev, values);
        }

        /** The same rule without the conditions the index decided for the entries it files it under. */
        Entry without(List<LocalRules.Condition> decided) {
            List<LocalRules.Condition> rest = new ArrayList<>(List.of(residual));
            rest.removeAll(decided);
            return rest.size() == residual.length ? this : new Entry(rule, rest.toArray(new LocalRules.Condition[0]),
                    fixedIndicator);
        }
    }

    /**
     * A stable sort by cost: which condition fails first changes no result (every condition of a
     * matching rule is tested, so what an indicator quotes is the same), only how soon a rule is left.
     */
    private static LocalRules.Condition[] cheapestFirst(LocalRules.Condition[] cs) {
        LocalRules.Condition[] out = cs.clone();
        for (int i = 1; i < out.length; i++) {
            LocalRules.Condition c = out[i];
            int j = i;
            while (j > 0 && out[j - 1].cost() > c.cost()) {
                out[j] = out[j - 1];
                j--;
            }
            out[j] = c;
        }
        return out;
    }

    private static final Entry[] NONE = new Entry[0];

    private final Entry[][] byKind = new Entry[EventKind.values().length][];
    /** DCE/RPC requests by interface index; the last slot is for interfaces the table does not know. */
    private final Entry[][] byInterface = new Entry[RpcInterfaces.count() + 1][];
    /**
     * DCE/RPC requests by interface index and then opnum (the last slot for opnums from
     * {@link #OPNUMS} on), for the interfaces with rules that name their operations; null for the others.
     */
    private final Entry[][][] byOperation = new Entry[RpcInterfaces.count()][][];
    /** Opnums filed one by one; a request with a higher opnum meets every rule of its interface that may match it. */
    static final int OPNUMS = 256;
    /**
     * Events of a kind (other than DCE/RPC requests) by the first character of one text field, the
     * kind's {@link #keyField}: the rules whose equals, prefix or in on that field admits the
     * character, and the rules without such a condition. Slots 0-127 an ASCII character (folded to
     * lower case), {@link #NON_ASCII} another (every rule), {@link #ABSENT} no value or an empty one
     * (the rules without such a condition). Null for a kind with fewer than two rules keyed so.
     */
    private final Entry[][][] byFirst = new Entry[EventKind.values().length][][];
    private final EventField[] keyField = new EventField[EventKind.values().length];
    /**
     * Events of a kind without such a text key by the value of one number field instead, the kind's
     * {@link #numberKey}: the rules whose eq or in on that field admits the value (slots 0-63), and
     * the rules without such a condition (also slot {@link #OTHER_NUMBER}: another value, or none).
     * An SMB create, read or write on an ordinary share meets none of the eight rules for ADMIN$ and
     * drive shares. Null for a kind with fewer than two rules keyed so.
     */
    private final Entry[][][] byNumber = new Entry[EventKind.values().length][][];
    private final EventField[] numberKey = new EventField[EventKind.values().length];
    private static final int OTHER_NUMBER = 64;
    private static final int NON_ASCII = 128;
    private static final int ABSENT = 129;
    private final int size;

    /** Indexes the rules of {@code layer} among {@code rules}, keeping their catalog order. */
    public DataRuleIndex(List<DataRule> rules, String layer) {
        this(only(rules, layer), (List<String>) null);
    }

    /**
     * The rules of {@code layer}, each with conditions of its own: a condition keeps what its last
     * test matched for the indicator, and the catalog's rules are shared by every engine in the
     * process, which may run on different threads.
     */
    private static List<DataRule> only(List<DataRule> rules, String layer) {
        List<DataRule> out = new ArrayList<>();
        for (DataRule d : rules) {
            if (d.rule().layer().equals(layer)) {
                out.add(d.withOwnConditions());
            }
        }
        return out;
    }

    /**
     * Indexes the operator's rules, keeping their order; a match quotes {@code "Local rule <name>:
     * <msg>"}.
     */
    public static DataRuleIndex local(List<LocalRules.LocalRule> rules) {
        List<DataRule> data = new ArrayList<>(rules.size());
        List<String> indicators = new ArrayList<>(rules.size());
        for (LocalRules.LocalRule r : rules) {
            String indicator = "Local rule " + r.rule().name() + ": " + r.rule().msg();
            // Conditions of its own, as for the catalog's (only): engines may share a configuration.
            data.add(new DataRule(r.rule(), r.conditions(), indicator).withOwnConditions());
            indicators.add(indicator);
        }
        return new DataRuleIndex(data, indicators);
    }

    /** {@code indicators}: the fixed indicator of each rule (operator rules), or null (catalog rules). */
    private DataRuleIndex(List<DataRule> rules, List<String> indicators) {
        List<List<Entry>> kinds = new ArrayList<>();
        for (int k = 0; k < byKind.length; k++) {
            kinds.add(new ArrayList<>());
        }
        List<List<Entry>> ifaces = new ArrayList<>();
        for (int i = 0; i < byInterface.length; i++) {
            ifaces.add(new ArrayList<>());
        }
        for (int r = 0; r < rules.size(); r++) {
            DataRule d = rules.get(r);
            String fixed = indicators == null ? null : indicators.get(r);
            long mask = EventKind.ALL;
            LocalRules.Condition key = null;
            List<LocalRules.Condition> rest = new ArrayList<>(d.conditions());
            for (LocalRules.Condition c : d.conditions()) {
                mask &= c.field().kinds();
                if (c.eventKinds() != 0) {
                    mask &= c.eventKinds(); // the index decides it: not tested again
                    rest.remove(c);
                }
                if (key == null && c.interfaces() != null) {
                    key = c;
                }
            }
            Entry general = new Entry(d, rest.toArray(new LocalRules.Condition[0]), fixed);
            rest.remove(key);
            Entry e = new Entry(d, rest.toArray(new LocalRules.Condition[0]), fixed);
            for (EventKind k : EventKind.values()) {
                if ((mask & k.bit) != 0 && k != EventKind.DCERPC_REQUEST) {
                    kinds.get(k.ordinal()).add(general);
                }
            }
            if ((mask & EventKind.DCERPC_REQUEST.bit) != 0) {
                for (int i = 0; i < byInterface.length; i++) {
                    if (key == null) {
                        ifaces.get(i).add(general);
                    } else if (i < RpcInterfaces.count() && key.admits(i)) {
                        ifaces.get(i).add(e);
                    }
                }
            }
        }
        for (int k = 0; k < byKind.length; k++) {
            byKind[k] = kinds.get(k).isEmpty() ? NONE : kinds.get(k).toArray(NONE);
        }
        for (int i = 0; i < byInterface.length; i++) {
            byInterface[i] = ifaces.get(i).isEmpty() ? NONE : ifaces.get(i).toArray(NONE);
        }
        for (int i = 0; i < byOperation.length; i++) {
            byOperation[i] = byOpnum(i, ifaces.get(i));
        }
        for (EventKind k : EventKind.values()) {
            if (k != EventKind.DCERPC_REQUEST) {
                fileByFirst(k);
            }
        }
        this.size = rules.size();
    }

    /**
     * The rules of interface {@code iface} filed by the opnums they can match: a rule with a
     * {@code dcerpc.opnum} condition (eq, in, a range) under the opnums it admits, without that
     * condition (the filing decides it); one with a {@code dcerpc.operation} condition under the
     * opnums whose operation name of this interface satisfies it (the condition stays, so that an
     * indicator quoting the operation reads the event's); others under every opnum. Null when no
     * rule of the interface names operations. Every list keeps the interface's order.
     */
    private static Entry[][] byOpnum(int iface, List<Entry> entries) {
        int n = entries.size();
        boolean[][] admitted = new boolean[n][]; // per rule, by opnum; null: every opnum
        Entry[] decided = new Entry[n];
        boolean any = false;
        for (int r = 0; r < n; r++) {
            Entry e = entries.get(r);
            List<LocalRules.Condition> opnum = new ArrayList<>();
            List<LocalRules.Condition> operation = new ArrayList<>();
            for (LocalRules.Condition c : e.residual()) {
                if (!c.negate() && c.field() == EventField.DCERPC_OPNUM) {
                    opnum.add(c);
                } else if (!c.negate() && c.field() == EventField.DCERPC_OPERATION) {
                    operation.add(c);
                }
            }
            decided[r] = e.without(opnum);
            if (!opnum.isEmpty() || !operation.isEmpty()) {
                any = true;
                admitted[r] = admitted(iface, opnum, operation);
            }
        }
        if (!any) {
            return null;
        }
        Entry[][] out = new Entry[OPNUMS + 1][];
        List<Entry> slot = new ArrayList<>();
        for (int op = 0; op < OPNUMS; op++) {
            slot.clear();
            boolean same = op > 0;
            for (int r = 0; r < n; r++) {
                boolean in = admitted[r] == null || admitted[r][op];
                if (in) {
                    slot.add(decided[r]);
                }
                same &= in == (admitted[r] == null || admitted[r][op - (op > 0 ? 1 : 0)]);
            }
            // Most opnums of an interface meet the same few rules: those share one array.
            out[op] = same ? out[op - 1] : slot.isEmpty() ? NONE : slot.toArray(NONE);
        }
        out[OPNUMS] = entries.toArray(NONE); // higher opnums: every condition is tested
        return out;
    }

    /** The opnums below {@link #OPNUMS} a request of this interface may have and satisfy every opnum and operation condition. */
    private static boolean[] admitted(int iface, List<LocalRules.Condition> opnum, List<LocalRules.Condition> operation) {
        boolean[] out = new boolean[OPNUMS];
        for (int op = 0; op < OPNUMS; op++) {
            boolean ok = true;
            for (int i = 0; ok && i < opnum.size(); i++) {
                ok = opnum.get(i).admitsNumber(op);
            }
            if (ok && !operation.isEmpty()) {
                // dcerpc.operation is RpcInterfaces.operation(interface, opnum): absent (no match) for an unnamed opnum.
                String name = RpcInterfaces.operation(iface, op);
                for (int i = 0; ok && i < operation.size(); i++) {
                    ok = name != null && operation.get(i).admitsText(name);
                }
            }
            out[op] = ok;
        }
        return out;
    }

    /**
     * Files the rules of kind {@code k} by the first character of the text field most of them key
     * on (an SMB pipe event: the pipe name, which seven rules compare), when at least two do. Every
     * slot keeps the kind's order.
     */
    private void fileByFirst(EventKind k) {
        Entry[] entries = byKind[k.ordinal()];
        EventField key = mostKeyedField(entries, c -> c.firstChars() != null);
        if (key == null) {
            fileByNumber(k);
            return;
        }
        List<List<Entry>> slots = new ArrayList<>();
        for (int i = 0; i <= ABSENT; i++) {
            slots.add(new ArrayList<>());
        }
        for (Entry e : entries) {
            char[] firsts = null;
            for (LocalRules.Condition c : e.residual()) {
                if (c.field() == key && c.firstChars() != null) {
                    firsts = c.firstChars();
                    break;
                }
            }
            for (int ch = 0; ch < NON_ASCII; ch++) {
                if (firsts == null || admitsFirst(firsts, (char) ch)) {
                    slots.get(ch).add(e);
                }
            }
            slots.get(NON_ASCII).add(e);
            if (firsts == null) {
                slots.get(ABSENT).add(e);
            }
        }
        Entry[][] out = new Entry[ABSENT + 1][];
        Entry[] unkeyed = slots.get(ABSENT).toArray(NONE);
        for (int i = 0; i <= ABSENT; i++) {
            // Most characters start no keyed rule's value: those slots share the unkeyed rules' array.
            out[i] = slots.get(i).size() == unkeyed.length ? unkeyed : slots.get(i).toArray(NONE);
        }
        byFirst[k.ordinal()] = out;
        keyField[k.ordinal()] = key;
    }

    /**
     * Files the rules of kind {@code k} by the value of the number field most of them compare with
     * eq or in against values 0-63, when at least two do. Every slot keeps the kind's order; the
     * conditions stay in the rules (tested again: the filing only leaves out rules that cannot match).
     */
    private void fileByNumber(EventKind k) {
        Entry[] entries = byKind[k.ordinal()];
        EventField key = mostKeyedField(entries, c -> c.smallNumbers() != 0);
        if (key == null) {
            return;
        }
        List<List<Entry>> slots = new ArrayList<>();
        for (int i = 0; i <= OTHER_NUMBER; i++) {
            slots.add(new ArrayList<>());
        }
        for (Entry e : entries) {
            long admitted = -1L; // every value, for a rule without such a condition on the key
            boolean keyedRule = false;
            for (LocalRules.Condition c : e.residual()) {
                long m = c.field() == key ? c.smallNumbers() : 0;
                if (m != 0) {
                    admitted &= m; // every such condition must hold
                    keyedRule = true;
                }
            }
            for (int v = 0; v < OTHER_NUMBER; v++) {
                if ((admitted & (1L << v)) != 0) {
                    slots.get(v).add(e);
                }
            }
            if (!keyedRule) {
                slots.get(OTHER_NUMBER).add(e);
            }
        }
        Entry[][] out = new Entry[OTHER_NUMBER + 1][];
        Entry[] unkeyed = slots.get(OTHER_NUMBER).toArray(NONE);
        for (int i = 0; i <= OTHER_NUMBER; i++) {
            out[i] = slots.get(i).size() == unkeyed.length ? unkeyed : slots.get(i).toArray(NONE);
        }
        byNumber[k.ordinal()] = out;
        numberKey[k.ordinal()] = key;
    }

    private static boolean admitsFirst(char[] firsts, char ch) {
        for (char f : firsts) {
            if (f == Text.lower(ch)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The rules that can match an event of this kind; for a DCE/RPC request {@code iface} is its
     * interface's {@link RpcInterfaces} index ({@link RpcInterfaces#UNKNOWN} for another interface).
     */
    public Entry[] candidates(EventKind kind, int iface) {
        if (kind == EventKind.DCERPC_REQUEST) {
            return byInterface[iface < 0 ? byInterface.length - 1 : iface];
        }
        return byKind[kind.ordinal()];
    }

    /**
     * As {@link #candidates(EventKind, int)}, narrowed to the rules the event can match: a DCE/RPC
     * request's by its {@code opnum}, another event's by the first character of its kind's key field
     * or by the value of its number key (read through {@code values}, reset for this event, where the
     * rules then find it).
     */
    public Entry[] candidates(EventKind kind, int iface, int opnum, EventValues values) {
        if (kind == EventKind.DCERPC_REQUEST) {
            Entry[][] ops = iface >= 0 ? byOperation[iface] : null;
            return ops != null ? ops[opnum >= 0 && opnum < OPNUMS ? opnum : OPNUMS] : candidates(kind, iface);
        }
        Entry[][] first = byFirst[kind.ordinal()];
        if (first == null) {
            Entry[][] num = byNumber[kind.ordinal()];
            if (num == null) {
                return byKind[kind.ordinal()];
            }
            EventField key = numberKey[kind.ordinal()];
            if (!values.has(key)) {
                return num[OTHER_NUMBER];
            }
            long v = values.number(key);
            return num[v >= 0 && v < OTHER_NUMBER ? (int) v : OTHER_NUMBER];
        }
        EventField key = keyField[kind.ordinal()];
        if (!values.has(key)) {
            return first[ABSENT];
        }
        String v = values.text(key);
        int from = values.from(key);
        if (from >= v.length()) {
            return first[ABSENT];
        }
        char c = v.charAt(from);
        return first[c < NON_ASCII ? c : NON_ASCII];
    }

    /** How many rules the index holds. */
    public int size() {
        return size;
    }

    /**
     * The field that most of the kind's rules (two at least) have a usable condition on, by the test
     * given; the first such field in declaration order wins a tie. Null when no field qualifies.
     */
    private static EventField mostKeyedField(Entry[] entries,
                                             java.util.function.Predicate<LocalRules.Condition> usable) {
        java.util.Map<EventField, Integer> keyed = new java.util.EnumMap<>(EventField.class);
        for (Entry e : entries) {
            for (LocalRules.Condition c : e.residual()) {
                if (usable.test(c)) {
                    keyed.merge(c.field(), 1, Integer::sum);
                }
            }
        }
        EventField key = null;
        for (java.util.Map.Entry<EventField, Integer> x : keyed.entrySet()) {
            if (x.getValue() >= 2 && (key == null || x.getValue() > keyed.get(key))) {
                key = x.getKey();
            }
        }
        return key;
    }
}
