package io.impacketsensor.detection.rules;

import com.fasterxml.jackson.databind.JsonNode;
import io.impacketsensor.core.event.DcerpcEvent;
import io.impacketsensor.core.event.RpcInterfaces;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.detection.model.AttackType;
import io.impacketsensor.detection.model.Severity;
import io.impacketsensor.detection.response.AllowListMatcher;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The operator's {@code local.rules.yaml}: rules in the catalog's language plus a {@code match}
 * list of conditions over {@link EventField}s, all of which must hold on one decoded event.
 *
 * <pre>
 * rules:
 *   - sid: 9200001
 *     rev: 1
 *     name: service_from_temp
 *     attack_type: psexec
 *     confidence: 0.7
 *     msg: "Service binary under a Temp directory"
 *     match:
 *       - field: svcctl.binary_path
 *         op: contains            # equals prefix suffix contains regex in | eq ne lt le gt ge
 *         value: "\\temp\\"       #   bits_all bits_any bits_none | cidr (src_ip, dest_ip)
 * </pre>
 * A text operator or {@code in} prefixed {@code not_} holds when no value of the field satisfies it.
 * Text comparisons ignore case (a regex is as written); sids are 9200000..9999999.
 */
public final class LocalRules {
    public static final int MIN_SID = 9_200_000;
    private static final Set<String> KEYS = Set.of("sid", "rev", "name", "attack_type", "confidence", "severity", "mitre",
            "msg", "description", "match");

    private LocalRules() {
    }

    /** One operator rule: its {@link Rule} and its conditions. */
    public record LocalRule(Rule rule, List<Condition> conditions) {
        /** True when every condition holds on the event. */
        public boolean matches(SensorEvent ev) {
            for (int i = 0; i < conditions.size(); i++) {
                if (!conditions.get(i).test(ev)) {
                    return false;
                }
            }
            return true;
        }
    }

    /** Operators. */
    public enum Op { EQUALS, PREFIX, SUFFIX, CONTAINS, REGEX, IN, EQ, NE, LT, LE, GT, GE, BITS_ALL, BITS_ANY, BITS_NONE, CIDR }

    /** One condition: field, operator, operand; it is its own value visitor (no allocation per event). */
    public static final class Condition implements EventField.Visitor {
        final EventField field;
        final Op op;
        private final String text;
        private final List<String> list;
        private final Pattern regex;
        private final long number;
        private final AllowListMatcher cidr;
        /** The text value the last successful test matched, and where in it (for an indicator that quotes it). */
        private String matched;
        private int matchedFrom;
        /** The regex's matcher, made at the first test and reset for every value after. */
        private Matcher matcher;
        /** An {@code in} list of a number field, parsed once. */
        private final long[] numbers;
        /**
         * The known interfaces ({@link RpcInterfaces} indexes) a {@code dcerpc.interface} equals/in
         * names, or null: the request's interface is then compared by index, without formatting its UUID.
         */
        private final int[] interfaces;
        private final long eventKinds;
        /** The needle's first character in both cases (contains): folded once, not per event. */
        private final char first;
        private final char firstLower;
        private final char firstUpper;
        /**
         * True when the operand (the text, every list entry) is ASCII: it is then compared with
         * {@link Text#regionMatches}, which folds ASCII by a range test and gives the JDK's answer.
         */
        private final boolean ascii;
        /** {@link Text#anchor} of an ASCII contains needle: where the search jumps between occurrences. */
        private final int anchor;
        private final boolean address;
        /** The field has one value per event at most: read once per event through {@link EventValues}. */
        private final boolean single;
        private final boolean numeric;

        /** The operand as written, for {@link #toString} and {@link CompiledRules}. */
        private final String value;
        /**
         * A {@code not_} operator: the condition holds when no value of the field satisfies the operator
         * ({@code dcom.string not_contains ExecuteShellCommand}: none of the strings names it), also when
         * the event has no value of the field.
         */
        private final boolean negate;

        Condition(EventField field, Op op, String text, List<String> list, Pattern regex, long number, AllowListMatcher cidr,
                  String value) {
            this(field, op, false, text, list, regex, number, cidr, value);
        }

        Condition(EventField field, Op op, boolean negate, String text, List<String> list, Pattern regex, long number,
                  AllowListMatcher cidr, String value) {
            this.negate = negate;
            this.value = value;
            this.field = field;
            this.op = op;
            this.text = text;
            this.list = list;
            this.regex = regex;
            this.number = number;
            this.cidr = cidr;
            long[] nums = null;
            if (op == Op.IN && field.kind() == EventField.Kind.NUMBER) {
                nums = new long[list.size()];
                for (int i = 0; i < nums.length; i++) {
                    nums[i] = Long.parseLong(list.get(i));
                }
            }
            this.numbers = nums;
            this.interfaces = field == EventField.DCERPC_INTERFACE && !negate ? interfaceIndexes(op, text, list) : null;
            long kinds = 0;
            if (field == EventField.EVENT && !negate && (op == Op.EQUALS || op == Op.IN)) {
                for (String k : op == Op.EQUALS ? List.of(text) : list) {
                    kinds |= EventKind.byId(k).bit; // validated by condition()
                }
            }
            this.eventKinds = kinds;
            this.first = text == null || text.isEmpty() ? 0 : text.charAt(0);
            this.firstLower = Character.toLowerCase(first);
            this.firstUpper = Character.toUpperCase(first);
            boolean a = text == null || Text.isAscii(text);
            if (list != null) {
                for (String x : list) {
                    a &= Text.isAscii(x);
                }
            }
            this.ascii = a;
            this.anchor = text == null || text.isEmpty() ? -1 : Text.anchor(text);
            this.address = field.kind() == EventField.Kind.ADDRESS;
            this.single = field.single() && interfaces == null && !address;
            this.numeric = field.kind() == EventField.Kind.NUMBER;
        }

        /**
         * How costly the condition is to test, for testing a rule's cheapest conditions first: 0 a
         * number read once per event, 1 a comparison of one text value (or an address, or the
         * interface by its index), 2 a search in one text value, 3 a field with several values, 4 a
         * regular expression.
         */
        int cost() {
            if (op == Op.REGEX) {
                return 4;
            }
            if (address || interfaces != null) {
                return 1;
            }
            if (!single) {
                return 3;
            }
            return numeric ? 0 : op == Op.CONTAINS ? 2 : 1;
        }

        /** The event kinds an equals/in on {@code event} admits, as a mask; 0 for any other condition. */
        long eventKinds() {
            return eventKinds;
        }

        /** The interface indexes named by an equals/in on dcerpc.interface, or null when one is not a known interface. */
        private static int[] interfaceIndexes(Op op, String text, List<String> list) {
            List<String> names = op == Op.EQUALS ? List.of(text) : op == Op.IN ? list : null;
            if (names == null) {
                return null;
            }
            // A name may stand for several UUIDs (efsrpc is reached through two): every one is admitted.
            int[] out = new int[RpcInterfaces.count()];
            int n = 0;
            for (String s : names) {
                boolean known = false;
                for (int i = 0; i < RpcInterfaces.count(); i++) {
                    // A UUID's text has 36 characters: formatting every interface's UUID for a name costs start-up.
                    if (s.equalsIgnoreCase(RpcInterfaces.name(i))
                            || s.length() == 36 && s.equalsIgnoreCase(RpcInterfaces.uuid(i).toString())) {
                        known = true;
                        boolean dup = false;
                        for (int j = 0; j < n; j++) {
                            dup |= out[j] == i;
                        }
                        if (!dup) {
                            out[n++] = i;
                        }
                    }
                }
                if (!known) {
                    return null;
                }
            }
            return java.util.Arrays.copyOf(out, n);
        }

        public EventField field() {
            return field;
        }

        /**
         * Rebuilds a condition from what {@link CompiledRules} wrote of one: the operands as the
         * validating reader produced them, so the result is the same condition without checking again.
         */
        static Condition compiled(EventField field, Op op, boolean negate, String text, List<String> list, long number,
                                  String value) {
            Pattern regex = op == Op.REGEX ? Pattern.compile(text) : null;
            AllowListMatcher cidr = op == Op.CIDR ? new AllowListMatcher(list, List.of()) : null;
            return new Condition(field, op, negate, text, list, regex, number, cidr, value);
        }

        boolean negate() {
            return negate;
        }

        String text() {
            return text;
        }

        List<String> list() {
            return list;
        }

        long number() {
            return number;
        }

        String value() {
            return value;
        }

        /**
         * The condition as written ({@code dcerpc.opnum in [12, 24]}), for rules show and docs/rules.md;
         * formatted when asked, not for each of the catalog's conditions at start.
         */
        @Override
        public String toString() {
            return field.id() + " " + (negate ? "not_" : "") + op.name().toLowerCase(Locale.ROOT) + " " + value;
        }

        /** The interfaces this condition admits (see {@link #interfaces}), or null. */
        int[] interfaces() {
            return interfaces;
        }

        /**
         * As {@link #test(SensorEvent)} on {@code values}' event, a single-valued field read once
         * for all the conditions of the event that test it.
         */
        boolean test(EventValues values) {
            if (!single) {
                return test(values.event());
            }
            boolean any = values.has(field) && (numeric ? number(values.number(field))
                    : text(values.text(field), values.from(field)));
            if (negate) {
                matched = null; // nothing of this event to quote
                return !any;
            }
            return any;
        }

        /**
         * True when {@code v}, as the whole value of the field, satisfies the operator (the negation
         * aside); for deciding at start which values a rule can match. Changes nothing.
         */
        boolean admitsText(String v) {
            return matches(v, 0);
        }

        /**
         * The first characters (ASCII, lower case) a value of the field must start with for this
         * condition to hold, or null when it holds on other values too: set for an equals, prefix or
         * in of ASCII operands, none empty, on a single-valued text field. Text comparison folds an
         * ASCII character of the value by its case only, so a value starting with another ASCII
         * character never matches; a value starting with a non-ASCII one may (the Kelvin sign is a k).
         */
        char[] firstChars() {
            if (negate || !single || numeric || !ascii || !(op == Op.EQUALS || op == Op.PREFIX || op == Op.IN)) {
                return null;
            }
            List<String> operands = op == Op.IN ? list : List.of(text);
            char[] out = new char[operands.size()];
            for (int i = 0; i < out.length; i++) {
                if (operands.get(i).isEmpty()) {
                    return null;
                }
                out[i] = Text.lower(operands.get(i).charAt(0));
            }
            return out;
        }

        /**
         * The values a number field must have for this condition to hold, as a mask (bit v: value v),
         * when they are all below 64: set for an eq or in (not negated) on a single-valued number
         * field whose operands are 0-63; 0 for any other condition.
         */
        long smallNumbers() {
            if (negate || !single || !numeric || !(op == Op.EQ || op == Op.IN)) {
                return 0;
            }
            long[] operands = op == Op.IN ? numbers : new long[]{number};
            long mask = 0;
            for (long x : operands) {
                if (x < 0 || x >= 64) {
                    return 0;
                }
                mask |= 1L << x;
            }
            return mask;
        }

        /** As {@link #admitsText} for a number. */
        boolean admitsNumber(long v) {
            return number(v);
        }

        /**
         * The same condition with match state of its own: what a test matched is kept in the
         * condition for the indicator read right after, and a regex's matcher is reused, so
         * conditions are not shared by engines that may run on different threads.
         */
        Condition copy() {
            return new Condition(field, op, negate, text, list, regex, number, cidr, value);
        }

        boolean test(SensorEvent ev) {
            if (negate) {
                boolean any = holds(ev);
                matched = null; // nothing of this event to quote
                return !any;
            }
            return holds(ev);
        }

        private boolean holds(SensorEvent ev) {
            if (address) {
                InetAddress a = field == EventField.SRC_IP ? ev.header().clientIp() : ev.header().serverIp();
                return a != null && cidr.isAdmin(a);
            }
            if (interfaces != null) {
                return ev instanceof DcerpcEvent.DcerpcRequest r && r.interfaceUuid() != null
                        && admits(RpcInterfaces.indexOf(r.interfaceUuid()));
            }
            return field.visit(ev, this);
        }

        /** True when the condition admits the interface of this index (for a condition with {@link #interfaces}). */
        boolean admits(int iface) {
            for (int x : interfaces) {
                if (x == iface) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public boolean text(String v) {
            return text(v, 0);
        }

        /** Compares {@code v} from offset {@code from} on (a path's last component) without copying it. */
        @Override
        public boolean text(String v, int from) {
            if (matches(v, from)) {
                matched = v;
                matchedFrom = from;
                return true;
            }
            return false;
        }

        /**
         * The whole text value the last test that held matched (null when it was not a text), for a
         * field with several values: which of them the condition held on.
         */
        String matchedValue() {
            return matched;
        }

        /**
         * The text value the last test that held matched (null when it was not a text): read right after
         * {@link LocalRule#matches}; copies only then, when an indicator quotes it.
         */
        public String matchedText() {
            return matched == null ? null : matchedFrom == 0 ? matched : matched.substring(matchedFrom);
        }

        private boolean matches(String v, int from) {
            int n = v.length() - from;
            if (!ascii) {
                return matchesUnicode(v, from, n);
            }
            return switch (op) {
                case EQUALS -> n == text.length() && Text.regionMatches(v, from, text, 0, n);
                case PREFIX -> Text.regionMatches(v, from, text, 0, text.length());
                case SUFFIX -> n >= text.length() && Text.regionMatches(v, v.length() - text.length(), text, 0,
                        text.length());
                case CONTAINS -> contains(v, from);
                case REGEX -> find(v, from);
                case IN -> {
                    for (int i = 0; i < list.size(); i++) {
                        String x = list.get(i);
                        if (n == x.length() && Text.regionMatches(v, from, x, 0, n)) {
                            yield true;
                        }
                    }
                    yield false;
                }
                default -> false;
            };
        }

        /** True when the regex is found in {@code v} from {@code from} on. */
        private boolean find(String v, int from) {
            Matcher m = matcher == null ? (matcher = regex.matcher(v)) : matcher.reset(v);
            return m.region(from, v.length()).find();
        }

        /** {@link #matches} for an operand with non-ASCII characters: the JDK's case-insensitive comparison. */
        private boolean matchesUnicode(String v, int from, int n) {
            return switch (op) {
                case EQUALS -> n == text.length() && v.regionMatches(true, from, text, 0, n);
                case PREFIX -> v.regionMatches(true, from, text, 0, text.length());
                case SUFFIX -> n >= text.length() && v.regionMatches(true, v.length() - text.length(), text, 0,
                        text.length());
                case CONTAINS -> containsUnicode(v, from);
                case REGEX -> find(v, from);
                case IN -> {
                    for (int i = 0; i < list.size(); i++) {
                        String x = list.get(i);
                        if (n == x.length() && v.regionMatches(true, from, x, 0, n)) {
                            yield true;
                        }
                    }
                    yield false;
                }
                default -> false;
            };
        }

        @Override
        public boolean number(long v) {
            return switch (op) {
                case EQ -> v == number;
                case NE -> v != number;
                case LT -> v < number;
                case LE -> v <= number;
                case GT -> v > number;
                case GE -> v >= number;
                case BITS_ALL -> (v & number) == number;
                case BITS_ANY -> (v & number) != 0;
                case BITS_NONE -> (v & number) == 0;
                case IN -> {
                    for (long x : numbers) {
                        if (v == x) {
                            yield true;
                        }
                    }
                    yield false;
                }
                default -> false;
            };
        }

        /**
         * Case-insensitive search from {@code from} for an ASCII needle ({@link Text#contains(String, int, String, int)}):
         * on the event path for the file names of every SMB read and write.
         */
        private boolean contains(String s, int from) {
            return Text.contains(s, from, text, anchor);
        }

        /** {@link #contains} for a needle with non-ASCII characters. */
        private boolean containsUnicode(String s, int from) {
            String needle = text;
            int n = needle.length();
            for (int i = from, last = s.length() - n; i <= last; i++) {
                char c = s.charAt(i);
                if ((c == firstLower || c == firstUpper || c == first) && s.regionMatches(true, i + 1, needle, 1, n - 1)) {
                    return true;
                }
            }
            return false;
        }
    }

    /**
     * A text condition built in code rather than read from a file (the configuration's
     * {@code custom_signatures}, mapped onto the field registry): {@code op} is one of the text operators.
     */
    public static Condition textCondition(EventField field, Op op, String value) {
        if (field.kind() != EventField.Kind.TEXT || op.ordinal() > Op.REGEX.ordinal()) {
            throw new IllegalArgumentException(field.id() + " " + op + ": not a text field and operator");
        }
        return new Condition(field, op, value, null, op == Op.REGEX ? Pattern.compile(value) : null, 0, null, value);
    }

    /**
     * Parses operator rules; {@code existing} are the rules already in force (their sids and names
     * must not be reused); the new rules are numbered from {@code firstIndex}.
     */
    public static List<LocalRule> parse(String text, String source, List<Rule> existing, int firstIndex) {
        YamlDoc doc = YamlDoc.parse(text, source);
        JsonNode root = doc.root();
        List<LocalRule> out = new ArrayList<>();
        if (root.isNull()) {
            return out;
        }
        if (!root.isObject() || !root.path("rules").isArray() || root.size() != 1) {
            throw doc.error(root, "local rules are a mapping with one list 'rules'");
        }
        Set<Integer> sids = new HashSet<>();
        Set<String> names = new HashSet<>();
        for (Rule r : existing) {
            sids.add(r.sid());
            names.add(r.name());
        }
        for (JsonNode n : root.get("rules")) {
            if (!n.isObject()) {
                throw doc.error(n, "a rule is a mapping");
            }
            for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (!KEYS.contains(k)) {
                    throw doc.error(n.get(k), "unknown rule key '" + k + "' (known: " + String.join(", ", new java.util.TreeSet<>(KEYS)) + ")");
                }
            }
            int sid = (int) RuleCatalog.integer(doc, n, "sid", MIN_SID, 9_999_999);
            if (!sids.add(sid)) {
                throw doc.error(n.get("sid"), "sid " + sid + " is already used");
            }
            int rev = n.has("rev") ? (int) RuleCatalog.integer(doc, n, "rev", 1, 1_000_000) : 1;
            String name = RuleCatalog.text(doc, n, "name");
            if (!RuleCatalog.SNAKE.matcher(name).matches()) {
                throw doc.error(n.get("name"), "rule name must be snake_case: " + name);
            }
            if (!names.add(name)) {
                throw doc.error(n.get("name"), "rule name " + name + " is already used");
            }
            AttackType type = AttackType.byId(RuleCatalog.text(doc, n, "attack_type"));
            if (type == null) {
                throw doc.error(n.get("attack_type"), "unknown attack type '" + n.get("attack_type").asText() + "'");
            }
            JsonNode c = n.get("confidence");
            if (c == null || !c.isNumber() || !(c.asDouble() >= 0 && c.asDouble() <= 1)) {
                throw doc.error(c == null ? n : c, "confidence must be a number in 0..1");
            }
            Severity sev = RuleCatalog.severity(doc, n.get("severity"));
            List<String> mitre = new ArrayList<>(type.mitreTechniques());
            if (n.has("mitre")) {
                mitre.clear();
                for (JsonNode x : n.get("mitre")) {
                    if (!x.asText().matches("T\\d{4}(\\.\\d{3})?")) {
                        throw doc.error(x, "not a MITRE ATT&CK technique id: " + x.asText());
                    }
                    mitre.add(x.asText());
                }
            }
            String msg = RuleCatalog.text(doc, n, "msg");
            JsonNode m = n.get("match");
            if (m == null || !m.isArray() || m.isEmpty()) {
                throw doc.error(m == null ? n : m, "match must be a non-empty list of conditions");
            }
            List<Condition> conds = new ArrayList<>();
            for (JsonNode x : m) {
                conds.add(condition(doc, x));
            }
            Rule r = new Rule(sid, rev, name, name, type, c.asDouble(), sev == null ? type.severity() : sev, List.copyOf(mitre),
                    "local", null, msg, n.path("description").asText("Operator rule from " + source), "", firstIndex + out.size());
            out.add(new LocalRule(r, List.copyOf(conds)));
        }
        return out;
    }

    /** A condition's value as written: a scalar, or a list in brackets. */
    private static String shown(JsonNode v) {
        if (!v.isArray()) {
            return v.asText();
        }
        StringBuilder b = new StringBuilder("[");
        for (JsonNode y : v) {
            b.append(b.length() == 1 ? "" : ", ").append(y.asText());
        }
        return b.append(']').toString();
    }

    static Condition condition(YamlDoc doc, JsonNode x) {
        if (!x.isObject()) {
            throw doc.error(x, "a condition is a mapping: field, op, value");
        }
        for (Iterator<String> it = x.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!Set.of("field", "op", "value").contains(k)) {
                throw doc.error(x.get(k), "unknown condition key '" + k + "' (known: field, op, value)");
            }
        }
        String fname = RuleCatalog.text(doc, x, "field");
        EventField f = EventField.byId(fname);
        if (f == null) {
            StringBuilder b = new StringBuilder();
            for (EventField e : EventField.values()) {
                b.append(b.length() == 0 ? "" : ", ").append(e.id());
            }
            throw doc.error(x.get("field"), "unknown field '" + fname + "' (known: " + b + ")");
        }
        String opText = RuleCatalog.text(doc, x, "op");
        // not_equals, not_prefix, not_suffix, not_contains, not_regex, not_in: no value of the field satisfies the operator.
        boolean negate = opText.toLowerCase(Locale.ROOT).startsWith("not_");
        Op op;
        try {
            op = Op.valueOf(opText.substring(negate ? 4 : 0).toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw doc.error(x.get("op"), "unknown operator '" + opText + "'");
        }
        if (negate && op.ordinal() > Op.IN.ordinal()) {
            throw doc.error(x.get("op"), "not_ goes with equals, prefix, suffix, contains, regex or in, not with " + opText.substring(4));
        }
        JsonNode v = x.get("value");
        if (v == null || v.isNull()) {
            throw doc.error(x, "'value' is required");
        }
        boolean textOp = op.ordinal() <= Op.IN.ordinal();
        boolean numOp = op.ordinal() >= Op.EQ.ordinal() && op.ordinal() <= Op.BITS_NONE.ordinal() || op == Op.IN;
        switch (f.kind()) {
            case TEXT -> {
                if (!textOp) {
                    throw doc.error(x.get("op"), "field " + fname + " is text: equals, prefix, suffix, contains, regex or in");
                }
            }
            case NUMBER -> {
                if (!numOp) {
                    throw doc.error(x.get("op"), "field " + fname + " is a number: eq, ne, lt, le, gt, ge, bits_all, bits_any, bits_none or in");
                }
            }
            case ADDRESS -> {
                if (op != Op.CIDR) {
                    throw doc.error(x.get("op"), "field " + fname + " is an address: cidr");
                }
            }
        }
        if (f == EventField.EVENT) {
            if (op != Op.EQUALS && op != Op.IN) {
                throw doc.error(x.get("op"), "field event takes equals or in");
            }
            for (JsonNode y : op == Op.IN && v.isArray() ? v : List.of(v)) {
                if (EventKind.byId(y.asText()) == null) {
                    StringBuilder b = new StringBuilder();
                    for (EventKind k : EventKind.values()) {
                        b.append(b.length() == 0 ? "" : ", ").append(k.id);
                    }
                    throw doc.error(y, "unknown event kind '" + y.asText() + "' (known: " + b + ")");
                }
            }
        }
        if (op == Op.IN) {
            if (!v.isArray() || v.isEmpty()) {
                throw doc.error(v, "'in' takes a non-empty list");
            }
            List<String> l = new ArrayList<>();
            for (JsonNode y : v) {
                if (f.kind() == EventField.Kind.NUMBER && !y.isIntegralNumber()) {
                    throw doc.error(y, "field " + fname + " is a number: list integers");
                }
                l.add(y.asText());
            }
            return new Condition(f, op, negate, null, List.copyOf(l), null, 0, null, shown(v));
        }
        if (op == Op.CIDR) {
            List<String> nets = new ArrayList<>();
            if (v.isArray()) {
                v.forEach(y -> nets.add(y.asText()));
            } else {
                nets.add(v.asText());
            }
            for (String s : nets) {
                String err = AllowListMatcher.checkNetwork(s);
                if (err != null) {
                    throw doc.error(v, err);
                }
            }
            // The networks also go in as the list: CompiledRules writes them from there.
            return new Condition(f, op, negate, null, List.copyOf(nets), null, 0, new AllowListMatcher(nets, List.of()), shown(v));
        }
        if (f.kind() == EventField.Kind.NUMBER) {
            long num;
            if (v.isIntegralNumber()) {
                num = v.asLong();
            } else if (v.isTextual() && v.asText().matches("0[xX][0-9a-fA-F]{1,16}")) {
                num = Long.parseUnsignedLong(v.asText().substring(2), 16);
            } else {
                throw doc.error(v, "value must be an integer (or 0x hex)");
            }
            return new Condition(f, op, negate, null, null, null, num, null, shown(v));
        }
        if (!v.isTextual() || v.asText().isEmpty()) {
            throw doc.error(v, "value must be a non-empty string");
        }
        Pattern p = null;
        if (op == Op.REGEX) {
            try {
                p = Pattern.compile(v.asText());
            } catch (PatternSyntaxException e) {
                throw doc.error(v, "invalid regex: " + e.getDescription());
            }
        }
        return new Condition(f, op, negate, v.asText(), null, p, 0, null, shown(v));
    }
}
