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
 */
public final class EveJson {
    /** Slots of the name table (a power of two; the writers use a few hundred names). */
    static final int SLOTS = 2048;

    private EveJson() {
    }

    /** A generator writing one object per line (no separator between root values) to {@code out}. */
    public static JsonGenerator generator(OutputStream out) throws IOException {
        return new Factory().setRootValueSeparator(null).createGenerator(out, JsonEncoding.UTF8);
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

        NameKeeping(IOContext ctxt, int features, ObjectCodec codec, OutputStream out, char quoteChar) {
            super(ctxt, features, codec, out, quoteChar);
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

        /** Names written from their kept form so far (for tests). */
        public long keptWrites() {
            return keptWrites;
        }
    }
}
