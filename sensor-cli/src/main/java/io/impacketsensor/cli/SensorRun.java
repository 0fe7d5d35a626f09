package io.impacketsensor.cli;

import io.impacketsensor.core.capture.PacketSource;
import io.impacketsensor.core.capture.PcapFileChain;
import io.impacketsensor.core.event.EventSink;
import io.impacketsensor.core.flow.Expectations;
import io.impacketsensor.core.flow.FlowLimits;
import io.impacketsensor.core.flow.PacketProcessor;
import io.impacketsensor.core.packet.SymmetricFlowHash;
import io.impacketsensor.core.pipeline.CapturePipeline;
import io.impacketsensor.core.pipeline.CounterSnapshot;
import io.impacketsensor.decoders.DecoderConfig;
import io.impacketsensor.decoders.Decoders;
import io.impacketsensor.decoders.dcerpc.dcom.DcomObjects;
import io.impacketsensor.core.pipeline.PipelineOptions;
import io.impacketsensor.core.pipeline.ProcessorFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One run of the packet path shared by {@code replay} and {@code live}: EVE output, the pipeline,
 * SIGINT/SIGTERM handling (stop, drain, final stats), periodic stats (live), the progress bar
 * (long replays on a terminal), the final stats record and the summary.
 */
final class SensorRun {
    /** Drain limit after a live capture stops; a replay drains as long as it takes. */
    static final long LIVE_DRAIN_MILLIS = 30_000;

    private final String title;
    private final boolean live;
    private final PrintWriter err;

    /** live as a service: state, API and periodic saves (null for replay and tests). */
    Daemon daemon;

    /** The Kafka output (kafka: in the config), or null. */
    io.impacketsensor.fleet.FleetPublisher fleet;
    /** After {@link #run}: the final counters and the seconds from the pipeline's start to its drain ({@code bench}). */
    CounterSnapshot finalCounters;
    double finalSeconds;

    SensorRun(String title, boolean live, PrintWriter err) {
        this.title = title;
        this.live = live;
        this.err = err;
    }

    /** The worker processors: L2-L4, flows, reassembly and this build's analyzers. */
    static ProcessorFactory processors(FlowLimits limits) {
        return processors(limits, CaptureConfig.DEFAULTS.bufferBudgetBytes());
    }

    /**
     * The worker processors, with {@code bufferBudgetBytes} (flow.buffer_budget_mb) split evenly:
     * a worker owns its flows, so each has its own budget of total / workers, and no lock.
     */
    static ProcessorFactory processors(FlowLimits limits, long bufferBudgetBytes) {
        return processors(limits, bufferBudgetBytes, DecoderConfig.defaults());
    }

    /** The worker processors of a configuration: its flow limits, buffer budget and decoder limits. */
    static ProcessorFactory processors(CaptureConfig capture) {
        return processors(capture.flowLimits(), capture.bufferBudgetBytes(), capture.decoders());
    }

    /**
     * As {@link #processors(CaptureConfig)} for a run that writes protocol records or not: without
     * them the LDAP decoder keeps only the search result entries detection reads (root DSE base
     * searches) and passes the others over by length, since only a search's record shows them.
     */
    static ProcessorFactory processors(CaptureConfig capture, boolean protocolRecords) {
        return processors(capture.flowLimits(), capture.bufferBudgetBytes(),
                capture.decoders().withAllSearchEntries(protocolRecords));
    }

    /** As {@link #processors(FlowLimits, long)}, with the decoder limits ({@code decoders.*}). */
    static ProcessorFactory processors(FlowLimits limits, long bufferBudgetBytes, DecoderConfig decoders) {
        Expectations expectations = Expectations.of(limits);
        // One DCOM object table per pipeline, like the expectations: an activation answered on one
        // connection names the calls of another, which may hash to another worker.
        DcomObjects dcom = Decoders.dcomObjects(decoders);
        return (worker, workers, sink) -> new PacketProcessor(worker, limits, Analyzers.forWorker(worker, decoders, dcom),
                expectations, sink, Math.max(1, bufferBudgetBytes / Math.max(1, workers)));
    }

    /**
     * What consumes the analyzers' events on the single "events" thread (ring #2's downstream):
     * the detection engine, which also writes the EVE protocol records (with {@code -P}) and the
     * alerts into the same output.
     */
    static EventSink eventConsumer(Detection detection) {
        return detection;
    }

    /**
     * Opens the EVE output: "-" is stdout, else a file (appended, as Suricata does). Null when none.
     * {@code protocolRecords} false writes only stats records and alerts.
     */
    static EveWriter openEve(String eve, boolean protocolRecords) throws UsageException {
        if (eve == null) {
            return null;
        }
        try {
            if (eve.equals("-")) {
                return new EveWriter(System.out, false, protocolRecords);
            }
            // 0640, and never through a symbolic link (as the live service's EVE file)
            OutputStream os = java.nio.channels.Channels.newOutputStream(ReopenableFile.open(Path.of(eve)));
            return new EveWriter(new java.io.BufferedOutputStream(os, 1 << 16), true, protocolRecords);
        } catch (IOException | java.nio.file.InvalidPathException e) {
            throw new UsageException("cannot write EVE output " + eve + ": "
                    + (e instanceof IOException io ? IoReason.of(io) : e.getMessage()));
        }
    }

    /** The config file, validated whole, after checking {@code --workers} (null = from config). */
    static SensorConfig config(Path file, Integer workers) throws UsageException {
        if (workers != null && (workers < 1 || workers > PipelineOptions.MAX_WORKERS)) {
            throw new UsageException("--workers must be 1.." + PipelineOptions.MAX_WORKERS + ", got " + workers);
        }
        try {
            return SensorConfig.load(file);
        } catch (io.impacketsensor.detection.config.ConfigException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /**
     * The packet-path settings with {@code --workers} applied (null: the configured count), after
     * checking that they and the engine's tables fit in this JVM's heap ({@link MemoryEstimate}).
     */
    static CaptureConfig capture(SensorConfig all, Integer workers) throws UsageException {
        CaptureConfig c = all.capture().withWorkers(workers);
        String tooBig = MemoryEstimate.check(c, all.engine(), Runtime.getRuntime().maxMemory());
        if (tooBig != null) {
            throw new UsageException(tooBig);
        }
        return c;
    }

    /**
     * Runs the source to its end (or a signal) and reports.
     *
     * @param statsIntervalSec live: seconds between stats records (0: only at the end)
     * @return exit code: 0, or 1 when the source or the pipeline failed
     */
    int run(PacketSource source, ProcessorFactory processors, PipelineOptions options, EveWriter eve,
            Detection detection, int statsIntervalSec) throws InterruptedException, IOException {
        EventSink downstream = eventConsumer(detection);
        CapturePipeline pipeline = new CapturePipeline(source, new SymmetricFlowHash(), processors, downstream, options);
        CountDownLatch reported = new CountDownLatch(1);
        int[] exit = {-1};
        Thread hook = new Thread(() -> {
            // SIGINT/SIGTERM: stop reading, let the main thread drain and report, then exit with
            // the run's own code (0 for a clean stop) rather than the JVM's 128+signal.
            pipeline.requestStop();
            try {
                if (reported.await(LIVE_DRAIN_MILLIS + 5_000, TimeUnit.MILLISECONDS) && exit[0] >= 0) {
                    System.out.flush();
                    err.flush();
                    Runtime.getRuntime().halt(exit[0]);
                }
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }, "shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        long start = System.nanoTime();
        if (daemon != null) {
            daemon.service().pipelineCounters(() -> {
                try {
                    return pipeline.snapshot(1_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return null;
                }
            });
        }
        long saveEvery = daemon != null ? TimeUnit.SECONDS.toNanos(daemon.service().saveIntervalSeconds()) : Long.MAX_VALUE;
        long nextSave = start + saveEvery;
        try {
            pipeline.start();
            PcapFileChain chain = source instanceof PcapFileChain c ? c
                    : source instanceof CountLimit l && l.inner() instanceof PcapFileChain c ? c : null;
            Progress progress = !live && chain != null && Terminal.stderrIsTerminal() ? new Progress(err, chain) : null;
            long nextStats = statsIntervalSec > 0 ? start + TimeUnit.SECONDS.toNanos(statsIntervalSec) : Long.MAX_VALUE;
            while (!pipeline.awaitCaptureEnd(progress != null ? 250 : 500)) {
                if (progress != null) {
                    progress.update(System.nanoTime() - start);
                }
                if (daemon != null && System.nanoTime() >= nextSave) {
                    nextSave += saveEvery;
                    daemon.tick();
                }
                if (live && System.nanoTime() >= nextStats) {
                    nextStats += TimeUnit.SECONDS.toNanos(statsIntervalSec);
                    CounterSnapshot s = pipeline.snapshot(2_000);
                    StatsRecord stats = new StatsRecord("live", wallNanos(), seconds(start), s, detection.statistics());
                    if (eve != null) {
                        eve.writeStats(stats);
                    }
                    if (fleet != null) {
                        FleetHook.stats(fleet, stats);
                    }
                    err.printf(Locale.ROOT, "%s: %,d packets, %,d TCP / %,d UDP flows, kernel drops %,d, ring full %,d times%n",
                            title, s.get("capture.records"), s.get("flow.tcp"), s.get("flow.udp"),
                            s.get("capture.kernel_dropped"), s.get("capture.ring_full_waits"));
                    err.flush();
                }
            }
            if (progress != null) {
                progress.clear();
            }
            boolean drained = pipeline.awaitEnd(live ? LIVE_DRAIN_MILLIS : Long.MAX_VALUE);
            double secs = seconds(start);
            CounterSnapshot s = pipeline.snapshot(0);
            StatsRecord stats = new StatsRecord(live ? "live" : "replay", wallNanos(), secs, s, detection.statistics());
            finalCounters = s;
            finalSeconds = secs;
            if (eve != null) {
                eve.writeStats(stats);
                eve.close();
            }
            if (fleet != null) {
                // Queued records are sent (or spilled) before the summary reports the counts.
                FleetHook.stats(fleet, stats);
                fleet.close();
                io.impacketsensor.fleet.KafkaOutput k = fleet.output();
                err.printf(Locale.ROOT, "  kafka       %,d records: %,d sent, %,d spilled (%,d after a failed send), %,d lost%n",
                        k.offered(), k.sent(), k.spilled(), k.failed(), k.lost());
            }
            java.util.List<String> warnings = new java.util.ArrayList<>(source.warnings());
            if (!drained) {
                warnings.add("the workers did not drain within " + LIVE_DRAIN_MILLIS / 1000 + " s; counts may be short");
            }
            Summary.print(err, title, s, secs, warnings, live);
            detection.printSummary(err);
            String failure = pipeline.failure();
            if (failure != null) {
                err.println(title + ": " + failure);
            }
            if (daemon != null) {
                daemon.service().pipelineCounters(() -> s);
                daemon.finish();
            }
            exit[0] = failure != null ? Main.EXIT_FAILURE : Main.EXIT_OK;
            return exit[0];
        } finally {
            reported.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // already in shutdown: the hook is running and waits for us
            }
        }
    }

    private static long wallNanos() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }

    /** A one-line progress bar for long replays on a terminal (stderr), shown after one second. */
    static final class Progress {
        private final PrintWriter err;
        private final PcapFileChain chain;
        private boolean shown;

        Progress(PrintWriter err, PcapFileChain chain) {
            this.err = err;
            this.chain = chain;
        }

        void update(long elapsedNanos) {
            if (elapsedNanos < 1_000_000_000L) {
                return;
            }
            double f = chain.progress();
            int width = 30;
            int full = (int) Math.round(f * width);
            double secs = elapsedNanos / 1e9;
            String eta = f > 0.01 ? String.format(Locale.ROOT, "%.0f s left", secs / f - secs) : "";
            err.print("\r[" + "#".repeat(full) + ".".repeat(width - full) + "] "
                    + String.format(Locale.ROOT, "%3.0f%% of %s %s   ", f * 100, Summary.size(chain.totalSize()), eta));
            err.flush();
            shown = true;
        }

        void clear() {
            if (shown) {
                err.print("\r" + " ".repeat(70) + "\r");
                err.flush();
            }
        }
    }
}
