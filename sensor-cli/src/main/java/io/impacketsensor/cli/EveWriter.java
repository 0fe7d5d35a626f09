package io.impacketsensor.cli;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.impacketsensor.core.event.DcerpcEvent;
import io.impacketsensor.core.event.KerberosEvent;
import io.impacketsensor.core.event.LdapEvent;
import io.impacketsensor.core.event.NtlmEvent;
import io.impacketsensor.core.event.ProtocolAnomaly;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.core.event.SmbEvent;
import io.impacketsensor.core.event.EventSink;
import io.impacketsensor.detection.engine.Alert;
import io.impacketsensor.detection.eve.EveAlertWriter;
import io.impacketsensor.detection.eve.EveCommon;
import io.impacketsensor.detection.eve.ProtocolRecordWriter;

import java.io.Closeable;
import java.io.Flushable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.RecordComponent;
import java.net.InetAddress;
import java.util.Collection;
import java.util.Map;

/**
 * EVE JSON lines (one object per line, Jackson streaming): protocol records for the events the
 * analyzers emit, the detection engine's {@code alert} records and the {@code stats} records, all
 * into one output in the order they happen. Alerts are written by {@link EveAlertWriter} on the same
 * stream: the protocol-record generator is flushed first, so lines never interleave.
 * Called from the event thread and, for live stats, from the stats thread: methods are synchronized.
 *
 * <p>A protocol record is the common header ({@link EveCommon#writeHeader}) followed by one object
 * named after the event type holding the record's own fields: {@code "smb":{"type":"...",...}}.
 */
final class EveWriter implements EventSink, Flushable, Closeable {
    /** Nesting depth written for nested records and lists; deeper values are cut. */
    private static final int MAX_DEPTH = 6;

    private final JsonGenerator g;
    private final boolean closeTarget;
    private long records;
    private IOException failure;

    /** False: protocol records are not written (replay without --protocol-records). */
    private final boolean protocolRecords;

    EveWriter(OutputStream out, boolean closeTarget) throws IOException {
        this(out, closeTarget, true);
    }

    EveWriter(OutputStream out, boolean closeTarget, boolean protocolRecords) throws IOException {
        this.protocolRecords = protocolRecords;
        // One object per line: no separator between root values, a newline written after each.
        this.g = new JsonFactory().setRootValueSeparator(null).createGenerator(out, JsonEncoding.UTF8);
        g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        this.closeTarget = closeTarget;
        this.out = out;
        this.alerts = new EveAlertWriter(out);
    }

    private final OutputStream out;
    /** Alert records: their own generator on the same stream, written after flushing {@link #g}. */
    private final EveAlertWriter alerts;

    /** EVE event_type of a family. */
    static String eventType(SensorEvent e) {
        if (e instanceof SmbEvent) {
            return "smb";
        } else if (e instanceof NtlmEvent) {
            return "ntlm";
        } else if (e instanceof DcerpcEvent) {
            return "dcerpc";
        } else if (e instanceof KerberosEvent) {
            return "krb5";
        } else if (e instanceof LdapEvent) {
            return "ldap";
        }
        return "anomaly";
    }

    @Override
    public synchronized void accept(SensorEvent e) {
        if (protocolRecords) {
            write(e);
        }
    }

    /** Writes the event's record even without {@code -P} (the "encrypted, not inspected" anomaly). */
    synchronized void writeAlways(SensorEvent e) {
        write(e);
    }

    private void write(SensorEvent e) {
        try {
            // Families with a typed EVE writer (smb, ntlm, dcerpc, krb5, ldap, anomaly) use it; the rest are generic.
            if (ProtocolRecordWriter.write(g, e)) {
                g.writeRaw('\n');
                records++;
                return;
            }
            String type = eventType(e);
            String appProto = type;
            if (e instanceof ProtocolAnomaly a) {
                int dot = a.name().indexOf('.');
                appProto = dot > 0 ? a.name().substring(0, dot) : null;
            }
            g.writeStartObject();
            EveCommon.writeHeader(g, e.header(), type, appProto);
            g.writeFieldName(type);
            g.writeStartObject();
            g.writeStringField("type", e.getClass().getSimpleName());
            if (e instanceof Record r) {
                writeComponents(r, 1);
            }
            g.writeEndObject();
            g.writeEndObject();
            g.writeRaw('\n');
            records++;
        } catch (IOException ex) {
            failure = ex;
            throw new UncheckedIOException(ex);
        }
    }

    private void writeComponents(Record r, int depth) throws IOException {
        for (RecordComponent c : r.getClass().getRecordComponents()) {
            if (c.getName().equals("header")) {
                continue;
            }
            Object v;
            try {
                v = c.getAccessor().invoke(r);
            } catch (ReflectiveOperationException ex) {
                continue;
            }
            if (v == null) {
                continue;
            }
            g.writeFieldName(snake(c.getName()));
            writeValue(v, depth);
        }
    }

    private void writeValue(Object v, int depth) throws IOException {
        if (v == null) {
            g.writeNull();
        } else if (v instanceof String s) {
            g.writeString(s);
        } else if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            g.writeNumber(((Number) v).longValue());
        } else if (v instanceof Number n) {
            g.writeNumber(n.doubleValue());
        } else if (v instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (v instanceof InetAddress a) {
            g.writeString(a.getHostAddress());
        } else if (v instanceof byte[] b) {
            g.writeString(io.impacketsensor.core.wire.Hex.encode(b));
        } else if (v instanceof Enum<?> en) {
            g.writeString(en.name().toLowerCase(java.util.Locale.ROOT));
        } else if (depth >= MAX_DEPTH) {
            g.writeString(String.valueOf(v));
        } else if (v instanceof Record rec) {
            g.writeStartObject();
            writeComponents(rec, depth + 1);
            g.writeEndObject();
        } else if (v instanceof Collection<?> col) {
            g.writeStartArray();
            for (Object o : col) {
                writeValue(o, depth + 1);
            }
            g.writeEndArray();
        } else if (v instanceof Map<?, ?> m) {
            g.writeStartObject();
            for (Map.Entry<?, ?> en : m.entrySet()) {
                g.writeFieldName(String.valueOf(en.getKey()));
                writeValue(en.getValue(), depth + 1);
            }
            g.writeEndObject();
        } else if (v instanceof java.util.Optional<?> o) {
            writeValue(o.orElse(null), depth);
        } else {
            g.writeString(String.valueOf(v));
        }
    }

    /** {@code clientIp} → {@code client_ip}. */
    static String snake(String camel) {
        StringBuilder sb = new StringBuilder(camel.length() + 4);
        for (int i = 0; i < camel.length(); i++) {
            char ch = camel.charAt(i);
            if (Character.isUpperCase(ch)) {
                if (i > 0) {
                    sb.append('_');
                }
                sb.append(Character.toLowerCase(ch));
            } else {
                sb.append(ch);
            }
        }
        return sb.toString();
    }

    /** Writes one alert record (schema {@code eve.schema.json}, {@link EveAlertWriter}). */
    synchronized void writeAlert(Alert alert) {
        try {
            g.flush();
        } catch (IOException ex) {
            failure = ex;
            throw new UncheckedIOException(ex);
        }
        try {
            alerts.accept(alert);
        } catch (UncheckedIOException ex) {
            failure = ex.getCause();
            throw ex;
        }
        records++;
    }

    /** Writes one stats record (see {@link StatsRecord}). */
    synchronized void writeStats(StatsRecord stats) throws IOException {
        stats.write(g);
        g.writeRaw('\n');
        records++;
        g.flush();
    }

    /** Records written so far. */
    synchronized long records() {
        return records;
    }

    @Override
    public synchronized void flush() throws IOException {
        g.flush();
    }

    @Override
    public synchronized void close() throws IOException {
        g.flush();
        g.close();
        out.flush();
        if (closeTarget) {
            out.close();
        }
        if (failure != null) {
            throw failure;
        }
    }
}
