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
import java.util.ArrayList;
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
 * <p>Order: a record that must be spilled while older records are still queued or in the client
 * (which may yet fail and be spilled themselves) goes to a second file, {@code SPILL.later}, that
 * is appended to the spill file once every older record has been acknowledged or spilled. The
 * client does not fail records in the order they were sent (at its delivery timeout it fails the
 * batches still waiting before those already sent), so the records it fails are held, in memory
 * it had held them in, until none is outstanding, and written to the spill file in the order they
 * were offered. So the spill file, and the resend, keep the offered order through an outage of any
 * length.
 *
 * <p>Counters: sent (acknowledged by the broker), failed (delivery given up by the client), spilled
 * (written to the spill file: queue full or failed), resent (spilled records sent later), lost
 * (neither sent nor spilled: the spill file could not be written).
 */
public final class KafkaOutput implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaOutput.class);
    private static final JsonFactory JSON = new JsonFactory();

    /** A record waiting for the sender thread. */
    record Pending(String topic, String key, byte[] value, String type, long seq) {
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
    /** Records newer than some still queued or in the client, spilled while those are outstanding. */
    private final Path laterPath;
    private OutputStream later;
    /** Records in the later file (they count as pending spilled records too). */
    private long laterRecords;
    /**
     * Records accepted into the queue or handed to the client (a resend) and not yet acknowledged
     * or spilled. Changed under this object's lock when it decides between the spill file and the later file.
     */
    private long outstanding;
    /** Order of the outstanding records (offer order; a resend takes a new number in file order). */
    private long nextSeq;
    /** Outstanding records the client failed, by order, until none is outstanding. */
    private final java.util.TreeMap<Long, Pending> failedHeld = new java.util.TreeMap<>();

    /** Connects with the settings' producer properties; the spill file of an earlier run is resent first. */
    public KafkaOutput(KafkaSettings settings, String sensorName, Path spillFile) {
        this(new KafkaProducer<>(settings.producerProperties("impacket-sensor-" + sensorName)), settings.queueRecords(),
                sensorName, spillFile);
    }

    KafkaOutput(Producer<String, byte[]> producer, int queueRecords, String sensorName, Path spillFile) {
        this.producer = producer;
        this.queue = new ArrayBlockingQueue<>(queueRecords);
        this.spillPath = spillFile;
        this.laterPath = spillFile.resolveSibling(spillFile.getFileName() + ".later");
        this.sensor = sensorName.getBytes(StandardCharsets.UTF_8);
        try {
            appendLater(); // a run that stopped before its outstanding records completed
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
        if (!closing && spillPending.get() == 0) {
            long seq;
            synchronized (this) {
                outstanding++;
                seq = ++nextSeq;
            }
            if (queue.offer(new Pending(topic, key, value, type, seq))) {
                return true;
            }
            completed();
        }
        spillNewest(topic, key, value);
        return false;
    }

    /** A record newer than every one outstanding: behind them, in the later file while any is outstanding. */
    private synchronized void spillNewest(String topic, String key, byte[] value) {
        if (outstanding == 0) {
            spill(topic, key, value);
            return;
        }
        try {
            if (later == null) {
                later = new BufferedOutputStream(Files.newOutputStream(laterPath, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND, StandardOpenOption.WRITE), 1 << 16);
            }
            write(later, topic, key, value);
            laterRecords++;
            spilled.incrementAndGet();
            spillPending.incrementAndGet();
        } catch (IOException e) {
            lost.incrementAndGet();
            lastError = "spill file " + laterPath + ": " + e.getMessage();
        }
    }

    /**
     * While records wait in a spill file or failed in the client, the queued ones behind them must
     * not reach the broker first: they join the held records (in order) instead of the client, and
     * are spilled behind. True when {@code p} was held.
     */
    private synchronized boolean holdQueued(Pending p) {
        if (spillPending.get() == 0) {
            return false;
        }
        held(p.seq, p.topic, p.key, p.value);
        completed();
        return true;
    }

    /** Nothing queued or in the client: the spill file holds the oldest records, it may be sent. */
    private synchronized boolean idle() {
        return outstanding == 0;
    }

    /** An outstanding record the client failed: held until none is outstanding, then spilled in order. */
    private synchronized void held(long seq, String topic, String key, byte[] value) {
        failedHeld.put(seq, new Pending(topic, key, value, null, seq));
        spillPending.incrementAndGet(); // newer records go to a spill file behind it from now on
    }

    /**
     * One outstanding record acknowledged or failed. After the last one: the failed ones to the spill
     * file in their order, then the later file behind them.
     */
    private synchronized void completed() {
        if (--outstanding == 0) {
            writeHeld();
            try {
                appendLater();
            } catch (IOException e) {
                lastError = "spill file " + laterPath + ": " + e.getMessage();
            }
        }
    }

    private synchronized void writeHeld() {
        if (failedHeld.isEmpty()) {
            return;
        }
        // held() counted them as pending already; spill() counts them again.
        spillPending.addAndGet(-failedHeld.size());
        for (Pending p : failedHeld.values()) {
            spill(p.topic, p.key, p.value);
        }
        failedHeld.clear();
    }

    /** Appends the later file to the spill file (its records are newer than all of the spill file's). */
    private synchronized void appendLater() throws IOException {
        if (later != null) {
            later.close();
            later = null;
        }
        if (!Files.exists(laterPath)) {
            return;
        }
        if (spill != null) {
            spill.flush();
        }
        try (OutputStream o = Files.newOutputStream(spillPath, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                StandardOpenOption.WRITE)) {
            Files.copy(laterPath, o);
        }
        Files.delete(laterPath);
        laterRecords = 0;
    }

    private void run() {
        try {
            resendSpill();
            while (!aborted && (!closing || !queue.isEmpty())) {
                Pending p = queue.poll(200, TimeUnit.MILLISECONDS);
                if (p != null && !holdQueued(p)) {
                    send(p.topic, p.key, p.value, p.type, p.seq);
                }
                // Spilled records wait for the broker: resend them once it acknowledges records again,
                // and try every PROBE_NANOS while nothing else is sent (newer records queue behind the
                // spill file then, so without a probe nothing would show that the broker is back).
                long now = System.nanoTime();
                if (spillPending.get() > 0 && !closing && idle()
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

    /**
     * Hands one record to the client; false when the client refused it at once (it is spilled then).
     * {@code queuedSeq} is the order of a queued record, -1 for a record of the spill file.
     */
    private boolean send(String topic, String key, byte[] value, String type, long queuedSeq) {
        boolean resend = queuedSeq < 0;
        long seq = queuedSeq;
        ProducerRecord<String, byte[]> r = new ProducerRecord<>(topic, null, key, value);
        r.headers().add(new RecordHeader("impacket.sensor", sensor));
        if (type != null) {
            r.headers().add(new RecordHeader("impacket.type", type.getBytes(StandardCharsets.US_ASCII)));
        }
        if (resend) {
            synchronized (this) {
                outstanding++;
                seq = ++nextSeq;
            }
        }
        long order = seq;
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
                held(order, topic, key, value);
            }
            completed();
        };
        try {
            // A client without the topic's metadata fails the record after max.block.ms in send() itself,
            // through the callback on this thread (Kafka 3+): that is a refusal too.
            java.util.concurrent.Future<RecordMetadata> f = producer.send(r, cb);
            if (f.isDone()) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    return false;
                }
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        } catch (RuntimeException e) {
            // Metadata not available within max.block.ms, a closed producer: the record is not in the client.
            failed.incrementAndGet();
            lastFailureNanos = System.nanoTime();
            lastError = e.getClass().getSimpleName() + ": " + e.getMessage();
            held(order, topic, key, value);
            completed();
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
            write(spill, topic, key, value);
            spilled.incrementAndGet();
            spillPending.incrementAndGet();
        } catch (IOException e) {
            lost.incrementAndGet();
            lastError = "spill file " + spillPath + ": " + e.getMessage();
        }
    }

    private static void write(OutputStream to, String topic, String key, byte[] value) throws IOException {
        try (JsonGenerator g = JSON.createGenerator(new NonClosing(to), JsonEncoding.UTF8)) {
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
        to.write('\n');
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
        boolean guarded = false;
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
                    spillPending.set(laterRecords + failedHeld.size());
                    return;
                }
                // The file's records are older than any offered from now on: while they are sent,
                // spilled newer ones wait in the later file, and those already there still wait.
                spillPending.set(laterRecords + failedHeld.size());
                outstanding++;
                guarded = true;
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
                            refused = !send(topic, key, v, null, -1);
                            n++;
                            if (refused) {
                                // What the client still holds of this file completes first (and, failed, is
                                // held), so that the refused record and the rest go to the spill file behind it.
                                producer.flush();
                                writeHeld();
                            }
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
        } finally {
            if (guarded) {
                completed();
            }
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
        List<Pending> queued = new ArrayList<>();
        queue.drainTo(queued);
        // Records still in the client when the timeout ends fail their callbacks, which spill them.
        long left = Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
        producer.close(java.time.Duration.ofMillis(aborted ? 0 : left));
        synchronized (this) {
            // Oldest first: what the client failed and the queue, in their order, then the later file.
            for (Pending p : queued) {
                failedHeld.put(p.seq, p);
                spillPending.incrementAndGet();
            }
            outstanding = 0;
            writeHeld();
            try {
                appendLater();
            } catch (IOException e) {
                lastError = "spill file " + laterPath + ": " + e.getMessage();
            }
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
