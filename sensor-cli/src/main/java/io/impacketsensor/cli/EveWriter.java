package io.impacketsensor.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.core.event.EventSink;
import io.impacketsensor.core.event.PacketTiming;
import io.impacketsensor.detection.engine.Alert;
import io.impacketsensor.detection.eve.EveAlertWriter;
import io.impacketsensor.detection.eve.EveCommon;
import io.impacketsensor.detection.eve.EveJson;
import io.impacketsensor.detection.eve.ProtocolRecordWriter;

import java.io.Closeable;
import java.io.Flushable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * EVE JSON lines (one object per line, Jackson streaming): protocol records for the events the
 * analyzers emit, the detection engine's {@code alert} records and the {@code stats} records, all
 * into one output in the order they happen. Alerts are written by {@link EveAlertWriter} on the same
 * stream: the protocol-record generator is flushed first, so lines never interleave.
 * Called from the event thread and, for live stats, from the stats thread: methods are synchronized.
 *
 * <p>A protocol record is written by {@link ProtocolRecordWriter}: the common header
 * ({@link EveCommon#writeHeader}) followed by one object named after the event type.
 */
final class EveWriter implements EventSink, PacketTiming, Flushable, Closeable {
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
        this.g = EveJson.generator(out);
        g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        // Both generators hand their bytes to the stream (in turn, so lines never interleave) without
        // flushing it: the event ring flushes this writer when it has nothing to take (a batch end),
        // so a replay writes its buffer when full instead of a system call or two for each alert.
        g.disable(JsonGenerator.Feature.FLUSH_PASSED_TO_STREAM);
        this.closeTarget = closeTarget;
        this.out = out;
        this.alerts = new EveAlertWriter(out, false);
    }

    private final OutputStream out;
    /** Protocol records, with the per-flow pairing state Suricata's transaction granularity needs. */
    private final ProtocolRecordWriter protocol = new ProtocolRecordWriter();
    /** Records waiting for their packet number's acknowledgement; null until the pipeline says a packet. */
    private AckTimedRecords timed;
    /** Alert records: their own generator on the same stream, written after flushing {@link #g}. */
    private final EveAlertWriter alerts;

    /** Alerts say {@code blocked} only while this says blocks are enforced (see {@link EveAlertWriter}). */
    void enforcement(java.util.function.BooleanSupplier enforcing) {
        alerts.enforcement(enforcing);
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
        if (timed != null) {
            timed.offer(e);
        } else {
            writeNow(e, 0);
        }
    }

    /** Writes the records of {@code e}, stating {@code packet} as their {@code pcap_cnt} (0: none). */
    private void writeNow(SensorEvent e, long packet) {
        EveCommon.packet(packet);
        try {
            // Every event family has a typed EVE writer (smb, ntlm, dcerpc, krb5, ldap, http, mssql, rdp, anomaly).
            records += protocol.writeRecords(g, e);
        } catch (IOException ex) {
            failure = ex;
            throw new UncheckedIOException(ex);
        } finally {
            EveCommon.packet(0);
        }
        if (fleetRecords != null) {
            fleetRecords.records(e, packet);
        }
    }

    /** The Kafka output's protocol records, written with this file's (same event, same packet number). */
    private io.impacketsensor.fleet.FleetPublisher fleetRecords;

    synchronized void fleetRecords(io.impacketsensor.fleet.FleetPublisher publisher) {
        this.fleetRecords = publisher;
    }

    /**
     * Replay with protocol records: records carry Suricata's packet numbers ({@code pcap_cnt}),
     * and wait for the packet Suricata would log them on ({@link AckTimedRecords}).
     */
    @Override
    public boolean packetTiming() {
        return protocolRecords;
    }

    @Override
    public synchronized void produced(long packet, long awaitAck) {
        if (timed == null) {
            timed = new AckTimedRecords(this::writeNow);
            // An answer can now be written long after its request: requests wait for their flow's end.
            protocol.untilFlowEnd();
            if (fleetRecords != null) {
                fleetRecords.recordsUntilFlowEnd();
            }
        }
        timed.produced(packet, awaitAck);
    }

    @Override
    public synchronized void acknowledged(long flowId, int direction, int ack, long packet) {
        if (timed != null) {
            timed.acknowledged(flowId, direction, ack, packet);
        }
    }

    @Override
    public synchronized void flowEnded(long flowId, long packet) {
        if (timed != null) {
            timed.flowEnded(flowId, packet);
            EveCommon.packet(packet);
            try {
                records += protocol.flowEnded(g, flowId);
            } catch (IOException ex) {
                failure = ex;
                throw new UncheckedIOException(ex);
            } finally {
                EveCommon.packet(0);
            }
            if (fleetRecords != null) {
                fleetRecords.recordsFlowEnded(flowId, packet);
            }
        }
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
        out.flush();
    }

    /** Records written so far. */
    synchronized long records() {
        return records;
    }

    @Override
    public synchronized void flush() throws IOException {
        g.flush();
        out.flush();
    }

    @Override
    public synchronized void close() throws IOException {
        // DCE/RPC requests still waiting for an answer are written as UNREPLIED.
        if (failure == null) {
            if (timed != null) {
                timed.releaseAll();
            }
            records += protocol.flush(g);
        }
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
