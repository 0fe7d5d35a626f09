package io.impacketsensor.fleet;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The sensor's Kafka producer behind a bounded queue. {@link #offer} never blocks and never throws:
 * a record goes into the queue, or, when the queue is full, into the spill file. One sender thread
 * hands queued records to the client, which retries them in order (idempotent, acks=all) for
 * {@code delivery_timeout_seconds}; a record the broker still has not taken then is spilled too.
 * The spill file (JSON lines: topic, key, record) is sent again when the broker takes records again,
 * and at the next start.
 *
 * <p>Counters: sent (acknowledged by the broker), failed (delivery given up by the client), spilled
 * (written to the spill file: queue full or failed), resent (spilled records sent later), lost
 * (neither sent nor spilled: the spill file could not be written).
 */
public final class KafkaOutput implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaOutput.class);
    private static final JsonFactory JSON = new JsonFactory();

    /** A record waiting for the sender thread. */
    record Pending(String topic, String key, byte[] value, String type) {
    }

    private final Producer<String, byte[]> producer;
    private final BlockingQueue<Pending> queue;
    private final Path spillPath;
    private final byte[] sensor;
    private final Thread sender;
    private volatile boolean closing;
    /** Set when close gave up waiting for the broker: the sender stops, the queue goes to the spill file. */
    private volatile boolean aborted;

    private final AtomicLong offered = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong spilled = new AtomicLong();
    private final AtomicLong resent = new AtomicLong();
    private final AtomicLong lost = new AtomicLong();
    /** Spilled records not sent again yet; the sender resends them once the broker takes records. */
    private final AtomicLong spillPending = new AtomicLong();
    private volatile long lastAckNanos;
    private volatile long lastFailureNanos;
    private volatile String lastError = "";
    /** How often the sender tries the spill file again while the broker has not acknowledged anything. */
    static final long PROBE_NANOS = TimeUnit.SECONDS.toNanos(10);
    private long lastProbeNanos = System.nanoTime();

    private OutputStream spill;

    /** Connects with the settings' producer properties; the spill file of an earlier run is resent first. */
    public KafkaOutput(KafkaSettings settings, String sensorName, Path spillFile) {
        this(new KafkaProducer<>(settings.producerProperties("impacket-sensor-" + sensorName)), settings.queueRecords(),
                sensorName, spillFile);
    }

    KafkaOutput(Producer<String, byte[]> producer, int queueRecords, String sensorName, Path spillFile) {
        this.producer = producer;
        this.queue = new ArrayBlockingQueue<>(queueRecords);
        this.spillPath = spillFile;
        this.sensor = sensorName.getBytes(StandardCharsets.UTF_8);
        try {
            if (Files.exists(spillFile) && Files.size(spillFile) > 0) {
                spillPending.set(countLines(spillFile));
            }
        } catch (IOException e) {
            LOG.warn("kafka: cannot read the spill file {}: {}", spillFile, e.getMessage());
        }
        this.sender = new Thread(this::run, "kafka-sender");
        sender.setDaemon(true);
        sender.start();
    }

    /**
     * Queues one record; never blocks. False when it went to the spill file instead (queue full) or
     * was lost (spill file not writable).
     */
    public boolean offer(String topic, String key, byte[] value, String type) {
        offered.incrementAndGet();
        // While spilled records wait for their resend, newer ones queue behind them in the spill
        // file rather than overtake them through the queue.
        if (!closing && spillPending.get() == 0 && queue.offer(new Pending(topic, key, value, type))) {
            return true;
        }
        spill(topic, key, value);
        return false;
    }

    private void run() {
        try {
            resendSpill();
            while (!aborted && (!closing || !queue.isEmpty())) {
                Pending p = queue.poll(200, TimeUnit.MILLISECONDS);
                if (p != null) {
                    send(p.topic, p.key, p.value, p.type, false);
                }
                // Spilled records wait for the broker: resend them once it acknowledges records again,
                // and try every PROBE_NANOS while nothing else is sent (newer records queue behind the
                // spill file then, so without a probe nothing would show that the broker is back).
                long now = System.nanoTime();
                if (spillPending.get() > 0 && !closing
                        && (lastAckNanos > lastFailureNanos || now - lastProbeNanos > PROBE_NANOS)) {
                    lastProbeNanos = now;
                    resendSpill();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.error("kafka: sender stopped: {}", e.toString());
        }
    }

    /** Hands one record to the client; false when the client refused it at once (it is spilled then). */
    private boolean send(String topic, String key, byte[] value, String type, boolean resend) {
        ProducerRecord<String, byte[]> r = new ProducerRecord<>(topic, null, key, value);
        r.headers().add(new RecordHeader("impacket.sensor", sensor));
        if (type != null) {
            r.headers().add(new RecordHeader("impacket.type", type.getBytes(StandardCharsets.US_ASCII)));
        }
        Callback cb = (RecordMetadata md, Exception e) -> {
            if (e == null) {
                sent.incrementAndGet();
                if (resend) {
                    resent.incrementAndGet();
                }
                lastAckNanos = System.nanoTime();
            } else {
                failed.incrementAndGet();
                lastFailureNanos = System.nanoTime();
                lastError = e.getClass().getSimpleName() + ": " + e.getMessage();
                spill(topic, key, value);
            }
        };
        try {
            producer.send(r, cb);
            return true;
        } catch (RuntimeException e) {
            // Metadata not available within max.block.ms, a closed producer: the record is not in the client.
            failed.incrementAndGet();
            lastFailureNanos = System.nanoTime();
            lastError = e.getClass().getSimpleName() + ": " + e.getMessage();
            spill(topic, key, value);
            return false;
        }
    }

    /** Appends one record to the spill file (JSON line: topic, key, the record's JSON bytes as a string). */
    private synchronized void spill(String topic, String key, byte[] value) {
        try {
            if (spill == null) {
                spill = new BufferedOutputStream(Files.newOutputStream(spillPath, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND, StandardOpenOption.WRITE), 1 << 16);
            }
            try (JsonGenerator g = JSON.createGenerator(new NonClosing(spill), JsonEncoding.UTF8)) {
                g.writeStartObject();
                g.writeStringField("topic", topic);
                g.writeStringField("key", key);
                if (value == null) {
                    g.writeNullField("value"); // a tombstone (an unblock on the compacted blocks topic)
                } else {
                    g.writeStringField("value", new String(value, StandardCharsets.UTF_8));
                }
                g.writeEndObject();
            }
            spill.write('\n');
            spilled.incrementAndGet();
            spillPending.incrementAndGet();
        } catch (IOException e) {
            lost.incrementAndGet();
            lastError = "spill file " + spillPath + ": " + e.getMessage();
        }
    }

    /**
     * Sends the spill file's records again: the file is moved aside first (so new spills start a
     * new file), each record is handed to the client, and the moved file is deleted once the client
     * has flushed; records that fail again are spilled again.
     */
    private void resendSpill() {
        Path aside = spillPath.resolveSibling(spillPath.getFileName() + ".resending");
        long n = 0;
        boolean refused = false;
        try {
            synchronized (this) {
                if (spill != null) {
                    spill.close();
                    spill = null;
                }
                if (Files.exists(aside)) {
                    // A resend cut short by a stop: its records go first, the newer spill after them.
                    if (Files.exists(spillPath)) {
                        try (OutputStream o = Files.newOutputStream(aside, StandardOpenOption.APPEND)) {
                            Files.copy(spillPath, o);
                        }
                        Files.delete(spillPath);
                    }
                } else if (Files.exists(spillPath)) {
                    Files.move(spillPath, aside, StandardCopyOption.ATOMIC_MOVE);
                } else {
                    spillPending.set(0);
                    return;
                }
                spillPending.set(0);
            }
            try (InputStream in = Files.newInputStream(aside); JsonParser p = JSON.createParser(in)) {
                while (p.nextToken() == JsonToken.START_OBJECT) {
                    String topic = null;
                    String key = null;
                    String value = null;
                    boolean tombstone = false;
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String f = p.currentName();
                        p.nextToken();
                        switch (f) {
                            case "topic" -> topic = p.getText();
                            case "key" -> key = p.currentToken() == JsonToken.VALUE_NULL ? null : p.getText();
                            case "value" -> {
                                tombstone = p.currentToken() == JsonToken.VALUE_NULL;
                                value = tombstone ? null : p.getText();
                            }
                            default -> p.skipChildren();
                        }
                    }
                    if (topic != null && (value != null || tombstone)) {
                        byte[] v = tombstone ? null : value.getBytes(StandardCharsets.UTF_8);
                        if (refused) {
                            // The broker is still away: keep the rest in order in the new spill file
                            // rather than wait max.block.ms for each.
                            spill(topic, key, v);
                        } else {
                            refused = !send(topic, key, v, null, true);
                            n++;
                        }
                    }
                }
            }
            producer.flush();
            Files.delete(aside);
            if (n > 0) {
                LOG.info("kafka: resent {} spilled records", n);
            }
        } catch (IOException e) {
            lastError = "spill file " + aside + ": " + e.getMessage();
            LOG.warn("kafka: cannot resend the spill file {}: {}", aside, e.getMessage());
        }
    }

    private static long countLines(Path f) throws IOException {
        try (var lines = Files.lines(f, StandardCharsets.UTF_8)) {
            return lines.count();
        }
    }

    /**
     * Sends what is queued and waits for the broker's acknowledgements, up to {@code timeoutMillis};
     * whatever is still unsent then is spilled.
     */
    @Override
    public void close() {
        close(10_000);
    }

    public void close(long timeoutMillis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        closing = true;
        try {
            // A broker that failed a send and has not acknowledged one since will not take the queue
            // in time: do not wait for it.
            boolean away = lastFailureNanos != 0 && lastAckNanos < lastFailureNanos;
            sender.join(away ? Math.min(timeoutMillis, 1_000) : timeoutMillis);
            if (sender.isAlive()) {
                aborted = true;
                // Ends a send() waiting for metadata or buffer space; the record it held is spilled.
                producer.close(java.time.Duration.ZERO);
                sender.join(2_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        spillQueueFirst();
        // Records still in the client when the timeout ends fail their callbacks, which spill them.
        long left = Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
        producer.close(java.time.Duration.ofMillis(aborted ? 0 : left));
        synchronized (this) {
            if (spill != null) {
                try {
                    spill.close();
                } catch (IOException e) {
                    lastError = "spill file " + spillPath + ": " + e.getMessage();
                }
                spill = null;
            }
        }
    }

    /**
     * At close: the records still queued are older than those already spilled (the queue fills
     * first), so they go to the front of the spill file.
     */
    private synchronized void spillQueueFirst() {
        if (queue.isEmpty()) {
            return;
        }
        try {
            if (spill != null) {
                spill.close();
                spill = null;
            }
            Path older = spillPath.resolveSibling(spillPath.getFileName() + ".tmp");
            Files.deleteIfExists(older);
            spill = new BufferedOutputStream(Files.newOutputStream(older, StandardOpenOption.CREATE_NEW), 1 << 16);
            Pending p;
            while ((p = queue.poll()) != null) {
                spill(p.topic, p.key, p.value);
            }
            if (Files.exists(spillPath)) {
                Files.copy(spillPath, spill);
            }
            spill.close();
            spill = null;
            Files.move(older, spillPath, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            lastError = "spill file " + spillPath + ": " + e.getMessage();
            Pending p;
            while ((p = queue.poll()) != null) {
                lost.incrementAndGet();
            }
        }
    }

    /** Flushes the spill file's buffer (the service's periodic work), so a crash loses none of it. */
    public synchronized void flushSpill() {
        if (spill != null) {
            try {
                spill.flush();
            } catch (IOException e) {
                lastError = "spill file " + spillPath + ": " + e.getMessage();
            }
        }
    }

    public long offered() {
        return offered.get();
    }

    public long sent() {
        return sent.get();
    }

    public long failed() {
        return failed.get();
    }

    public long spilled() {
        return spilled.get();
    }

    public long resent() {
        return resent.get();
    }

    public long lost() {
        return lost.get();
    }

    public int queued() {
        return queue.size();
    }

    /** True when the broker acknowledged a record after the last failure (or nothing failed yet). */
    public boolean healthy() {
        return lastFailureNanos == 0 || lastAckNanos > lastFailureNanos;
    }

    public String lastError() {
        return lastError;
    }

    /** The counters by name, as /health, /stats and the EVE stats record show them. */
    public List<Object[]> counters() {
        return List.of(new Object[] {"offered", offered()}, new Object[] {"sent", sent()},
                new Object[] {"failed", failed()}, new Object[] {"spilled", spilled()},
                new Object[] {"resent", resent()}, new Object[] {"lost", lost()},
                new Object[] {"queued", (long) queued()});
    }

    /** An output stream whose close does not close the spill file under it. */
    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }
}
