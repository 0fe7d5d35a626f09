package io.impacketsensor.cli;

import io.impacketsensor.core.capture.FrameSlot;
import io.impacketsensor.core.capture.PcapFileChain;
import io.impacketsensor.core.capture.PcapFormatException;
import io.impacketsensor.core.event.EventSink;
import io.impacketsensor.core.event.Transport;
import io.impacketsensor.core.flow.AnalyzerFactory;
import io.impacketsensor.core.spi.CounterVisitor;
import io.impacketsensor.core.flow.Direction;
import io.impacketsensor.core.flow.Expectations;
import io.impacketsensor.core.flow.FlowAnalyzer;
import io.impacketsensor.core.flow.FlowContext;
import io.impacketsensor.core.flow.FlowLimits;
import io.impacketsensor.core.flow.PacketProcessor;
import io.impacketsensor.core.packet.SymmetricFlowHash;
import io.impacketsensor.core.pipeline.CapturePipeline;
import io.impacketsensor.core.pipeline.CounterSnapshot;
import io.impacketsensor.core.spi.FrameProcessor;
import io.impacketsensor.core.pipeline.PipelineOptions;
import io.impacketsensor.core.pipeline.ProcessorFactory;
import io.impacketsensor.core.pipeline.ThreadAllocation;
import io.impacketsensor.core.wire.ProbeResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code impacket-sensor bench}: replay throughput of the packet path on a large mixed capture,
 * in three stages (read only; read + ring; read + ring + L2-L4 + TCP reassembly into a
 * byte-counting analyzer), with 1 and 2 workers, and the bytes allocated per packet; with
 * {@code --end-to-end} the {@code replay} command itself, alert-only and with {@code -P}, as a whole
 * process and warm in this JVM, next to tshark ({@link BenchEndToEnd}).
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measures replay throughput: of the packet path, of replay itself (--end-to-end) or of the detection engine "
                + "alone (--engine).", "",
            "Builds (once) a large capture from the given captures by repeating them with shifted "
                + "addresses, then times read-only, read+ring, and read+ring+L2-L4+reassembly with 1 "
                + "and 2 workers. Prints the median of --runs runs: packets/s, Gbit/s (captured bytes), "
                + "bytes allocated per packet and GC collections."},
        footer = {"", "Example:",
            "  impacket-sensor bench --from pcaps --size-gb 1 --runs 5",
            "  impacket-sensor bench --end-to-end --from pcaps --size-gb 1 --runs 5",
            "  impacket-sensor bench --engine --file capture.pcap",
            "", "The built capture is kept at --file and reused. An existing --file is used as it is, never",
            "written over: delete it to build a larger one."})
public final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--from", paramLabel = "DIR", description = "directories of captures to build from (default: samples)")
    List<Path> from;

    @Option(names = "--file", paramLabel = "PATH", defaultValue = "/tmp/impacket-sensor-bench.pcap",
            description = "the large capture (built if missing, else used as it is; default ${DEFAULT-VALUE})")
    Path file;

    @Option(names = "--size-gb", paramLabel = "GB", defaultValue = "1", description = "size of the large capture (default ${DEFAULT-VALUE})")
    double sizeGb;

    @Option(names = "--runs", paramLabel = "N", defaultValue = "3", description = "runs per stage; the median is shown (default ${DEFAULT-VALUE})")
    int runs;

    @Option(names = "--workers", paramLabel = "N", split = ",", defaultValue = "1,2", description = "worker counts to measure (default ${DEFAULT-VALUE})")
    int[] workers;

    @Option(names = "--end-to-end", description = "time the replay command itself instead (replay --workers N --eve "
            + "PATH FILE, alert-only and with -P): as a whole process and warm in this JVM, then tshark on the same file")
    boolean endToEnd;

    @Option(names = "--engine", description = "time the detection engine alone instead: the capture's events are "
            + "decoded once and kept in memory, then given to a new engine per round, on one thread (events/s, "
            + "latency percentiles)")
    boolean engine;

    @Option(names = "--engine-events", paramLabel = "N", defaultValue = "2000000",
            description = "with --engine: keep at most N events (and at most half the heap; default ${DEFAULT-VALUE})")
    long engineEvents;

    @Option(names = "--tshark-limit", paramLabel = "N", defaultValue = "0",
            description = "with --end-to-end: compare with tshark on the first N packets only (0: the whole file; default ${DEFAULT-VALUE})")
    long tsharkLimit;

    @Option(names = "--eve", paramLabel = "PATH", defaultValue = "/dev/null",
            description = "with --end-to-end: replay's --eve (default ${DEFAULT-VALUE})")
    Path eveOut;

    /** Null when every numeric option is in range, else one line naming the first that is not. */
    String checkOptions() {
        if (runs < 1 || runs > 1000) {
            return "--runs must be 1..1000, got " + runs;
        }
        // NaN and infinity pass a plain "> 0" test and would become a size of 0 or Long.MAX_VALUE.
        if (!(sizeGb > 0 && sizeGb <= 1024)) {
            return "--size-gb must be more than 0 and at most 1024, got " + sizeGb;
        }
        if (engine && endToEnd) {
            return "--engine and --end-to-end measure different things: give one";
        }
        if (engineEvents < 1 || engineEvents > Integer.MAX_VALUE - 8) {
            return "--engine-events must be 1.." + (Integer.MAX_VALUE - 8) + ", got " + engineEvents;
        }
        if (tsharkLimit < 0) {
            return "--tshark-limit must be >= 0, got " + tsharkLimit;
        }
        if (workers.length == 0) {
            return "--workers needs at least one count";
        }
        for (int w : workers) {
            if (w < 1 || w > PipelineOptions.MAX_WORKERS) {
                return "--workers must be 1.." + PipelineOptions.MAX_WORKERS + " each, got " + w;
            }
            // The stages run the default tables (the end-to-end stage with the engine) per worker.
            String tooBig = MemoryEstimate.check(CaptureConfig.DEFAULTS.withWorkers(w),
                    io.impacketsensor.detection.config.EngineConfig.defaults(), Runtime.getRuntime().maxMemory());
            if (tooBig != null) {
                return "--workers " + w + ": " + tooBig;
            }
        }
        return null;
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String bad = checkOptions();
        if (bad != null) {
            err.println("bench: " + bad);
            return Main.EXIT_USAGE;
        }
        long target = (long) (sizeGb * (1L << 30));
        if (Files.exists(file) && !Files.isRegularFile(file)) {
            err.println("bench: " + file + ": not a regular file");
            return Main.EXIT_USAGE;
        }
        if (Files.isRegularFile(file) && Files.size(file) < target) {
            // Never written over: --file may name a capture of the user's own.
            err.printf(Locale.ROOT, "bench: %s is %s, less than --size-gb %s: measured as it is (a --file that does not exist is built to that size)%n",
                    file, Summary.size(Files.size(file)), sizeGb);
        }
        if (!Files.exists(file)) {
            List<Path> dirs = from != null ? from : List.of(Path.of("samples"));
            for (Path d : dirs) {
                if (!Files.isDirectory(d)) {
                    err.println("bench: " + d + ": no such directory");
                    return Main.EXIT_USAGE;
                }
            }
            Path dir = file.toAbsolutePath().getParent();
            if (!Files.isDirectory(dir)) {
                err.println("bench: --file " + file + ": no such folder " + dir);
                return Main.EXIT_USAGE;
            }
            err.printf(Locale.ROOT, "bench: building %s (%.1f GB) from %s ...%n", file, target / 1e9, dirs);
            err.flush();
            BenchCapture.Source src = BenchCapture.load(dirs);
            // Built beside and then renamed: an interrupted build leaves no short file to be reused. The
            // partial file gets a name nobody can guess and is made new (the default --file is in /tmp).
            long n;
            Path partial = null;
            try {
                partial = Files.createTempFile(dir, file.getFileName() + ".", ".part");
                n = BenchCapture.write(src, partial, target);
                Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                err.println("bench: cannot build " + file + ": " + IoReason.of(e));
                return Main.EXIT_FAILURE;
            } finally {
                if (partial != null) {
                    Files.deleteIfExists(partial);
                }
            }
            err.printf(Locale.ROOT, "bench: %,d source frames from %d captures -> %,d packets, %s%n",
                    src.frames().size(), src.files(), n, Summary.size(Files.size(file)));
        }
        // A capture of the user's that is not one is bad input: one line, before anything is timed.
        try {
            PcapFileChain.open(List.of(file)).close();
        } catch (PcapFormatException e) {
            err.println("bench: " + e.getMessage());
            return Main.EXIT_USAGE;
        }
        out.printf(Locale.ROOT, "capture %s, %s; java %s, %d cpus; median of %d runs%n", file, Summary.size(Files.size(file)),
                System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(), runs);
        if (endToEnd) {
            new BenchEndToEnd(this, out).run();
            return Main.EXIT_OK;
        }
        if (engine) {
            new BenchEngine(out, err, runs, engineEvents).run(file);
            return Main.EXIT_OK;
        }
        out.printf(Locale.ROOT, "%-34s %7s %12s %8s %8s %11s %11s %5s %9s %9s %8s%n", "stage", "workers", "packets", "Mpps",
                "Gbit/s", "B/pkt total", "B/pkt steady", "GCs", "cap ns/p", "wrk ns/p", "CPU Mpps");
        report(out, "read only", 0, laps -> readOnly(file, laps));
        for (int w : workers) {
            report(out, "read + ring", w, laps -> pipeline(file, laps, w, (i, n, sink) -> new NullProcessor()));
        }
        for (int w : workers) {
            report(out, "read + ring + L2-L4 + reassembly", w, laps -> pipeline(file, laps, w, fullPath()));
        }
        out.println("Mpps, Gbit/s: wall clock over two passes of the file (captured bytes). B/pkt total: bytes allocated");
        out.println("by the capture and worker threads / packets, warm-up included (the reader's 256-KB buffers, four");
        out.println("to 32 per opened file, flow slots created up to flow.max_flows). B/pkt steady: the third pass's");
        out.println("allocation (a three-pass run minus the median two-pass run) / its packets.");
        out.println("cap/wrk ns/p: CPU time of the capture thread / of the busiest worker per packet; CPU Mpps:");
        out.println("1e3 / the larger of the two, the rate when each thread has a core of its own (load-independent).");
        out.flush();
        return Main.EXIT_OK;
    }

    /** One measured run. */
    record Result(long packets, long bytes, double seconds, long allocated, long gcs, long captureCpu, long workerCpuMax) {
    }

    @FunctionalInterface
    interface Run {
        Result run(int laps) throws Exception;
    }

    /**
     * Times {@code runs} runs over two passes of the file (median shown), then one run over three
     * passes: the third pass's allocation (three passes minus the median two) is the steady state,
     * after the warm-up that fills bounded pools and tables (oversize buffers, flow slots).
     */
    Result report(PrintWriter out, String stage, int w, Run run) throws Exception {
        List<Result> results = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            results.add(run.run(2));
        }
        results.sort((a, b) -> Double.compare(a.seconds(), b.seconds()));
        Result m = results.get(results.size() / 2);
        Result three = run.run(3);
        String total = m.allocated() < 0 ? "n/a" : String.format(Locale.ROOT, "%.3f", (double) m.allocated() / m.packets());
        String steady = m.allocated() < 0 || three.allocated() < 0 ? "n/a"
                : String.format(Locale.ROOT, "%.3f", (double) Math.max(0, three.allocated() - m.allocated())
                        / Math.max(1, three.packets() - m.packets()));
        double capNs = (double) m.captureCpu() / m.packets();
        double wrkNs = (double) m.workerCpuMax() / m.packets();
        out.printf(Locale.ROOT, "%-34s %7s %,12d %8.3f %8.2f %11s %11s %5d %9.0f %9.0f %8.3f%n", stage,
                w == 0 ? "-" : Integer.toString(w), m.packets(), m.packets() / m.seconds() / 1e6,
                m.bytes() * 8 / m.seconds() / 1e9, total, steady, m.gcs(), capNs, wrkNs, 1e3 / Math.max(capNs, wrkNs));
        out.flush();
        return m;
    }

    private static long gcCount() {
        long n = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            n += Math.max(0, gc.getCollectionCount());
        }
        return n;
    }

    private static Result readOnly(Path file, int laps) throws Exception {
        long gc0 = gcCount();
        long a0 = ThreadAllocation.current();
        long c0 = ThreadAllocation.cpuNanos();
        long t0 = System.nanoTime();
        long packets = 0;
        long bytes = 0;
        try (PcapFileChain r = PcapFileChain.open(Collections.nCopies(laps, file))) {
            FrameSlot s = new FrameSlot();
            while (r.read(s) == PcapFileChain.FRAME) {
                packets++;
                bytes += s.caplen;
            }
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        long a1 = ThreadAllocation.current();
        return new Result(packets, bytes, secs, a0 < 0 ? -1 : a1 - a0, gcCount() - gc0, c0 < 0 ? -1 : ThreadAllocation.cpuNanos() - c0, 0);
    }

    private static Result pipeline(Path file, int laps, int workers, ProcessorFactory factory) throws Exception {
        return pipeline(file, laps, factory, e -> { }, new PipelineOptions(workers, 16384, 1024, 1000));
    }

    static Result pipeline(Path file, int laps, ProcessorFactory factory, EventSink events, PipelineOptions options)
            throws Exception {
        long gc0 = gcCount();
        int workers = options.workers();
        try (PcapFileChain r = PcapFileChain.open(Collections.nCopies(laps, file))) {
            CapturePipeline p = new CapturePipeline(r, new SymmetricFlowHash(), factory, events, options);
            long t0 = System.nanoTime();
            p.run();
            double secs = (System.nanoTime() - t0) / 1e9;
            CounterSnapshot s = p.snapshot(0);
            long alloc = s.get("capture.allocated_bytes");
            for (int i = 0; i < workers; i++) {
                alloc += s.get("worker." + i + ".allocated_bytes");
            }
            if (!s.has("capture.allocated_bytes")) {
                alloc = -1;
            }
            long workerCpu = 0;
            for (int i = 0; i < workers; i++) {
                workerCpu = Math.max(workerCpu, s.get("worker." + i + ".cpu_ns"));
            }
            return new Result(s.get("capture.records"), s.get("capture.bytes"), secs, alloc, gcCount() - gc0,
                    s.get("capture.cpu_ns"), workerCpu);
        }
    }

    /** Full packet path; every TCP and UDP flow is claimed by a byte-counting analyzer so all of it is reassembled. */
    private static ProcessorFactory fullPath() {
        FlowLimits limits = FlowLimits.DEFAULTS;
        Expectations expectations = Expectations.of(limits);
        return (worker, workers, sink) -> new PacketProcessor(worker, limits, List.of(new CountingFactory()),
                expectations, sink);
    }

    /** Does nothing with a frame: isolates the cost of the read and the ring. */
    static final class NullProcessor implements FrameProcessor {
        private long frames;

        @Override
        public void process(int linkType, long tsNanos, byte[] frame, int off, int caplen, int wirelen) {
            frames++;
        }

        @Override
        public void tick(long nowNanos) {
        }

        @Override
        public void finish() {
        }

        @Override
        public void reportCounters(CounterVisitor visitor) {
            visitor.counter("bench.frames", frames);
        }
    }

    /** Claims every flow and counts its bytes: one shared stateless analyzer, no allocation per flow. */
    static final class CountingFactory implements AnalyzerFactory, FlowAnalyzer {
        long bytes;
        long gaps;

        @Override
        public String name() {
            return "bench";
        }

        @Override
        public boolean wantsPort(Transport transport, int serverPort) {
            return true;
        }

        @Override
        public ProbeResult probe(Transport transport, Direction dir, byte[] buf, int off, int len) {
            return ProbeResult.MATCH;
        }

        @Override
        public FlowAnalyzer create(FlowContext ctx) {
            return this;
        }

        @Override
        public void reportCounters(CounterVisitor visitor) {
            visitor.counter("bench.analyzer_bytes", bytes);
            visitor.counter("bench.analyzer_gaps", gaps);
        }

        @Override
        public boolean onData(Direction dir, byte[] buf, int off, int len) {
            bytes += len;
            return true;
        }

        @Override
        public boolean onGap(Direction dir, long len) {
            gaps++;
            return true;
        }

        @Override
        public void onClose() {
        }
    }
}
