package io.impacketsensor.detection.eve;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.ObjectCodec;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.IOContext;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.json.UTF8JsonGenerator;

import java.io.IOException;
import java.io.OutputStream;

/**
 * The JSON generator of the EVE records (alerts and protocol records): Jackson's UTF-8 generator, except that the
 * quoted UTF-8 form of a field name is kept after its first use. The records repeat a few hundred
 * names (the writers' string constants) on every record, and Jackson encodes a name character by
 * character each time; with the C1-compiled code the batch commands run, that loop is the largest
 * part of writing a protocol record where names are not kept. A kept name is written as Jackson
 * writes any {@link SerializableString} name, so the output is the same byte for byte.
 *
 * <p>A name is found by its cached {@link String#hashCode} and its identity, never by comparing
 * characters; a name made at run time (not a constant) only fills a free slot or is written as
 * before. At most {@link #SLOTS} names are kept, each made once.
 *
 * <p>The same holds for values the writers pass as constants ({@link #kept}: event types, request
 * and response names, interface and operation names, the catalog's rule texts and an alert's
 * indicators), for UUIDs ({@link #uuid}), and for what the common header repeats per flow
 * (addresses, flow_id, Community ID) and per second (the timestamp's date): each is quoted once and
 * copied after, so a record costs a byte copy per such field instead of a character loop.
 */
public final class EveJson {
    /** Slots of the name table (a power of two; the writers use a few hundred names). */
    static final int SLOTS = 2048;
    /** Slots of the constant-value table (event types, app_proto, the catalog's messages, names and recommendations). */
    static final int VALUE_SLOTS = 4096;
    /** Slots of the UUID table. */
    static final int UUID_SLOTS = 256;
    /** Slots of the flow table: the flows whose records interleave at one time. */
    static final int FLOW_SLOTS = 1024;
    /** Slots of the IPv4 address text table ({@link NameKeeping#addressText}): 2^{@value #ADDRESS_BITS}. */
    static final int ADDRESS_BITS = 8;
    static final int ADDRESS_SLOTS = 1 << ADDRESS_BITS;
    /** Slots for the text of numbers with a fraction ({@link NameKeeping#writeNumber(double)}). */
    static final int DOUBLE_SLOTS = 64;

    private EveJson() {
    }

    /** A generator writing one object per line (no separator between root values) to {@code out}. */
    public static JsonGenerator generator(OutputStream out) throws IOException {
        return new Factory().setRootValueSeparator(null).createGenerator(out, JsonEncoding.UTF8);
    }

    /**
     * Writes field {@code name} with a value that is a string constant (a literal, or a name from a
     * fixed table such as an interface's or operation's): from its kept form on an EVE generator,
     * as Jackson writes it on another. The same bytes either way.
     */
    public static void kept(JsonGenerator g, String name, String value) throws IOException {
        g.writeFieldName(name);
        if (g instanceof NameKeeping k) {
            k.writeKept(value);
        } else {
            g.writeString(value);
        }
    }

    /** Writes field {@code name} with a UUID's text, kept per UUID on an EVE generator (interfaces repeat). */
    public static void uuid(JsonGenerator g, String name, java.util.UUID value) throws IOException {
        g.writeFieldName(name);
        uuid(g, value);
    }

    /** Writes a UUID's text as a value (see {@link #uuid(JsonGenerator, String, java.util.UUID)}). */
    public static void uuid(JsonGenerator g, java.util.UUID value) throws IOException {
        if (g instanceof NameKeeping k) {
            k.writeUuid(value);
        } else {
            g.writeString(value.toString());
        }
    }

    /** Writes field {@code name} with an array of the strings of {@code values}, by index (no iterator per list). */
    public static void strings(JsonGenerator g, String name, java.util.List<String> values) throws IOException {
        g.writeArrayFieldStart(name);
        for (int i = 0; i < values.size(); i++) {
            g.writeString(values.get(i));
        }
        g.writeEndArray();
    }

    /** Makes {@link NameKeeping} generators with the settings Jackson's factory gives its own. */
    private static final class Factory extends JsonFactory {
        @Override
        protected JsonGenerator _createUTF8Generator(OutputStream out, IOContext ctxt) throws IOException {
            UTF8JsonGenerator gen = new NameKeeping(ctxt, _generatorFeatures, _objectCodec, out, _quoteChar);
            if (_maximumNonEscapedChar > 0) {
                gen.setHighestNonEscapedChar(_maximumNonEscapedChar);
            }
            if (_characterEscapes != null) {
                gen.setCharacterEscapes(_characterEscapes);
            }
            SerializableString sep = _rootValueSeparator;
            if (sep != DEFAULT_ROOT_VALUE_SEPARATOR) {
                gen.setRootValueSeparator(sep);
            }
            return _decorate(gen);
        }
    }

    /** Jackson's UTF-8 generator that writes the names it has seen before from their kept form. */
    public static final class NameKeeping extends UTF8JsonGenerator {
        private final String[] names = new String[SLOTS];
        private final SerializedString[] quoted = new SerializedString[SLOTS];
        private long keptWrites;
        /** Constant values (event types, app_proto, transport names, catalog texts, indicators), kept as the names are. */
        private final String[] values = new String[VALUE_SLOTS];
        private final SerializedString[] quotedValues = new SerializedString[VALUE_SLOTS];
        /** UUIDs (interfaces, transfer syntaxes, object UUIDs), kept with their text. */
        private final java.util.UUID[] uuids = new java.util.UUID[UUID_SLOTS];
        private final SerializedString[] quotedUuids = new SerializedString[UUID_SLOTS];
        /** The timestamp bytes of the records this generator writes ({@link EveCommon#writeTimestamp}). */
        final EveCommon.Stamp stamp = new EveCommon.Stamp();
        /** The header text of recent flows ({@link EveCommon#writeHeader}), by flow. */
        private final EveCommon.FlowText[] flows = new EveCommon.FlowText[FLOW_SLOTS];
        private final CommunityId communityId = new CommunityId();

        NameKeeping(IOContext ctxt, int features, ObjectCodec codec, OutputStream out, char quoteChar) {
            super(ctxt, features, codec, out, quoteChar);
        }

        /** Numbers with a fraction (confidences, scores) repeat: their text, by their bits. */
        private final long[] doubleBits = new long[DOUBLE_SLOTS];
        private final String[] doubleTexts = new String[DOUBLE_SLOTS];

        /**
         * Jackson's {@code writeNumber(double)}, with the text of a value written before taken from
         * its slot instead of formatted again: the same text (Jackson's own formatting of the value
         * made it), written the same way. Values it would quote are left to Jackson.
         */
        @Override
        public void writeNumber(double d) throws IOException {
            if (_cfgNumbersAsStrings || !Double.isFinite(d) || isEnabled(JsonGenerator.Feature.USE_FAST_DOUBLE_WRITER)) {
                super.writeNumber(d);
                return;
            }
            long bits = Double.doubleToRawLongBits(d);
            int i = (int) ((bits ^ bits >>> 29) * 0x9E3779B97F4A7C15L >>> 58) & (DOUBLE_SLOTS - 1);
            String t = doubleTexts[i];
            if (t == null || doubleBits[i] != bits) {
                t = com.fasterxml.jackson.core.io.NumberOutput.toString(d, false);
                doubleTexts[i] = t;
                doubleBits[i] = bits;
            }
            _verifyValueWrite("write a number");
            writeRaw(t);
        }

        @Override
        public void writeFieldName(String name) throws IOException {
            int i = name.hashCode() & (SLOTS - 1);
            String kept = names[i];
            if (kept == name) {
                keptWrites++;
                writeFieldName(quoted[i]);
                return;
            }
            if (kept == null) {
                SerializedString q = new SerializedString(name);
                names[i] = name;
                quoted[i] = q;
                writeFieldName(q);
                return;
            }
            super.writeFieldName(name);
        }

        /**
         * Writes a value that is a string constant of the writers (an event type, an app_proto, a
         * transport's name, a rule's message) from its kept quoted form, found like a name by hash
         * and identity; any other string is written as Jackson writes it, null as null.
         */
        void writeKept(String value) throws IOException {
            if (value == null) {
                writeNull();
                return;
            }
            int i = value.hashCode() & (VALUE_SLOTS - 1);
            String kept = values[i];
            if (kept == value) {
                writeString(quotedValues[i]);
                return;
            }
            if (kept == null) {
                SerializedString q = new SerializedString(value);
                values[i] = value;
                quotedValues[i] = q;
                writeString(q);
                return;
            }
            writeString(value);
        }

        /** Writes a UUID's text from its kept quoted form (made at its first use, or when another UUID took its slot). */
        void writeUuid(java.util.UUID value) throws IOException {
            int i = value.hashCode() & (UUID_SLOTS - 1);
            java.util.UUID kept = uuids[i];
            if (kept == null || !kept.equals(value)) {
                uuids[i] = value;
                quotedUuids[i] = new SerializedString(value.toString());
            }
            writeString(quotedUuids[i]);
        }

        /** The kept header text of the flow of {@code h}, made on its first record (or after another flow took its slot). */
        EveCommon.FlowText flowText(io.impacketsensor.core.event.EventHeader h) {
            int i = EveCommon.FlowText.slot(h, FLOW_SLOTS);
            EveCommon.FlowText t = flows[i];
            if (t == null || !t.of(h)) {
                t = new EveCommon.FlowText(h, communityId, this);
                flows[i] = t;
            }
            return t;
        }

        /** Recent IPv4 addresses and their quoted text: the flows of a capture are among a few hosts. */
        private final java.net.InetAddress[] addresses = new java.net.InetAddress[ADDRESS_SLOTS];
        private final SerializedString[] addressTexts = new SerializedString[ADDRESS_SLOTS];

        /**
         * {@code new SerializedString(a.getHostAddress())}, the one made before for an equal IPv4
         * address (its text and quoted bytes are the same); other addresses are made anew (an IPv6
         * address's text may name a scope that equality ignores).
         */
        SerializedString addressText(java.net.InetAddress a) {
            if (!(a instanceof java.net.Inet4Address)) {
                return new SerializedString(a.getHostAddress());
            }
            // An IPv4 address's hash code is the address itself.
            int i = a.hashCode() * 0x9E3779B9 >>> 32 - ADDRESS_BITS;
            java.net.InetAddress k = addresses[i];
            if (k != null && (k == a || k.equals(a))) {
                return addressTexts[i];
            }
            SerializedString text = new SerializedString(a.getHostAddress());
            addresses[i] = a;
            addressTexts[i] = text;
            return text;
        }

        /** Names written from their kept form so far (for tests). */
        public long keptWrites() {
            return keptWrites;
        }
    }
}
