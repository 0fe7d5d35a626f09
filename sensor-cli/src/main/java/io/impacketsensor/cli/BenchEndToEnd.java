package io.impacketsensor.cli;

import io.impacketsensor.core.pipeline.CounterSnapshot;
import picocli.CommandLine;

import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code bench --end-to-end}: what {@code replay} costs, measured on {@code replay} itself. Each
 * row runs the replay command object that {@code impacket-sensor replay --workers N --eve PATH
 * [-P] FILE} runs (same configuration, EVE writer and detection engine), either in a new JVM, timed
 * as a whole process (start-up, class loading and the JIT's warm-up included), or in this JVM, where
 * the first run is cold and the later ones are warm (steady state). Then tshark on the same file,
 * timed as a whole process, next to the whole-process replay.
 */
final class BenchEndToEnd {
    /** The tshark side of the comparison: the protocols we decode, a few fields each. */
    static final String DISPLAY_FILTER = "smb2 or dcerpc or kerberos or ldap or ntlmssp";
    static final List<String> FIELDS = List.of("frame.number", "smb2.cmd", "dcerpc.opnum", "kerberos.msg_type",
            "ldap.protocolOp");

    private final BenchCommand cmd;
    private final PrintWriter out;

    BenchEndToEnd(BenchCommand cmd, PrintWriter out) {
        this.cmd = cmd;
        this.out = out;
    }

    /** One in-process replay: its counters, wall seconds and the GCs during it. */
    record Run(CounterSnapshot counters, double seconds, long gcs, int exit) {
        long packets() {
            return counters.get("capture.records");
        }

        long allocated() {
            long a = counters.get("capture.allocated_bytes") + counters.get("events.allocated_bytes");
            for (int i = 0; i < counters.get("pipeline.workers"); i++) {
                a += counters.get("worker." + i + ".allocated_bytes");
            }
            return a;
        }

        long workerCpuMax() {
            long m = 0;
            for (int i = 0; i < counters.get("pipeline.workers"); i++) {
                m = Math.max(m, counters.get("worker." + i + ".cpu_ns"));
            }
            return m;
        }
    }

    void run() throws Exception {
        Path file = cmd.file;
        out.printf(Locale.ROOT, "%-10s %7s %-22s %7s %7s %8s %5s %9s %9s %9s%n", "EVE", "workers", "run", "Mpps",
                "Gbit/s", "B/pkt", "GCs", "cap ns/p", "wrk ns/p", "evt ns/p");
        List<Double> wholeAlerts = new ArrayList<>();
        for (boolean records : new boolean[] {false, true}) {
            String mode = records ? "-P" : "alerts";
            for (int w : cmd.workers) {
                List<String> args = replayArgs(file, w, records);
                Run cold = inProcess(args);
                if (cold.exit() != Main.EXIT_OK) {
                    out.println("replay " + String.join(" ", args) + ": exit " + cold.exit() + "; stopped");
                    return;
                }
                long packets = cold.packets();
                long bytes = cold.counters().get("capture.bytes");
                double whole = wholeProcess(args);
                if (!records) {
                    wholeAlerts.add(whole);
                }
                out.printf(Locale.ROOT, "%-10s %7d %-22s %7.3f %7.2f %8s %5s %9s %9s %9s%n", mode, w,
                        "whole process", packets / whole / 1e6, bytes * 8 / whole / 1e9, "", "", "", "", "");
                row(mode, w, "in process, first", cold);
                List<Run> warm = new ArrayList<>();
                for (int i = 0; i < cmd.runs; i++) {
                    warm.add(inProcess(args));
                }
                warm.sort((a, b) -> Double.compare(a.seconds(), b.seconds()));
                row(mode, w, "in process, steady", warm.get(warm.size() / 2));
                out.flush();
            }
        }
        out.println("whole process: a new JVM runs 'replay " + String.join(" ", replayArgs(file, cmd.workers[0], false))
                .replace("--workers " + cmd.workers[0], "--workers N") + "' (JVM start included), median of --runs.");
        out.println("in process: the same replay command object in this JVM; first = its first run here, steady = the");
        out.println("median of the --runs after it. B/pkt: bytes allocated by the capture, worker and events threads");
        out.println("per packet. cap/wrk/evt ns/p: CPU time of the capture thread, the busiest worker and the events");
        out.println("thread per packet (the rate each thread could sustain on a core of its own is 1e3 / ns/p Mpps).");
        tshark(file, wholeAlerts);
        out.flush();
    }

    private List<String> replayArgs(Path file, int workers, boolean records) {
        List<String> a = new ArrayList<>(List.of("--workers", Integer.toString(workers), "--eve", cmd.eveOut.toString()));
        if (records) {
            a.add("-P");
        }
        a.add(file.toString());
        return a;
    }

    private void row(String mode, int w, String what, Run r) {
        long p = Math.max(1, r.packets());
        out.printf(Locale.ROOT, "%-10s %7d %-22s %7.3f %7.2f %8.1f %5d %9.0f %9.0f %9.0f%n", mode, w, what,
                r.packets() / r.seconds() / 1e6, r.counters().get("capture.bytes") * 8 / r.seconds() / 1e9,
                (double) r.allocated() / p, r.gcs(), (double) r.counters().get("capture.cpu_ns") / p,
                (double) r.workerCpuMax() / p, (double) r.counters().get("events.cpu_ns") / p);
    }

    /** Runs {@code replay ARGS} through the command tree {@code impacket-sensor} runs; its report is discarded. */
    static Run inProcess(List<String> args) {
        PrintWriter none = new PrintWriter(Writer.nullWriter());
        CommandLine cl = Main.commandLine(none, none);
        ReplayCommand replay = cl.getSubcommands().get("replay").getCommand();
        List<String> argv = new ArrayList<>();
        argv.add("replay");
        argv.addAll(args);
        long gc0 = gcCount();
        int exit = cl.execute(argv.toArray(String[]::new));
        SensorRun r = replay.lastRun;
        if (r == null || r.finalCounters == null) {
            return new Run(new CounterSnapshot(), 1, 0, exit == Main.EXIT_OK ? Main.EXIT_FAILURE : exit);
        }
        return new Run(r.finalCounters, r.finalSeconds, gcCount() - gc0, exit);
    }

    /** Median wall seconds of --runs runs of {@code replay ARGS} in a new JVM (this JVM's options, this jar). */
    private double wholeProcess(List<String> args) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>();
        argv.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        argv.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        argv.add("-cp");
        argv.add(System.getProperty("java.class.path"));
        argv.add(Main.class.getName());
        argv.add("replay");
        argv.addAll(args);
        List<Double> secs = new ArrayList<>();
        for (int i = 0; i < cmd.runs; i++) {
            secs.add(timed(argv));
        }
        secs.sort(null);
        return secs.get(secs.size() / 2);
    }

    /** Wall seconds of one run of {@code argv}, its output discarded; NaN when it could not run or failed. */
    private static double timed(List<String> argv) throws InterruptedException {
        long t0 = System.nanoTime();
        try {
            Process p = new ProcessBuilder(argv).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            if (p.waitFor() != 0) {
                return Double.NaN;
            }
        } catch (IOException e) {
            return Double.NaN;
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    private static long gcCount() {
        long n = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            n += Math.max(0, gc.getCollectionCount());
        }
        return n;
    }

    /**
     * Times tshark (median of --runs, whole processes) on the file, or on its first --tshark-limit
     * packets next to a whole-process replay of that slice, and prints the ratio of the wall times.
     */
    private void tshark(Path file, List<Double> wholeAlerts) throws Exception {
        Path target = file;
        Path slice = null;
        long n = -1;
        List<Double> ours = wholeAlerts;
        try {
            if (cmd.tsharkLimit > 0) {
                slice = Files.createTempFile("impacket-sensor-bench-slice", ".pcap");
                n = slice(file, slice, cmd.tsharkLimit);
                target = slice;
                ours = new ArrayList<>();
                for (int w : cmd.workers) {
                    ours.add(wholeProcess(replayArgs(slice, w, false)));
                }
            }
            List<String> argv = new ArrayList<>(List.of("tshark", "-r", target.toString(), "-Y", DISPLAY_FILTER,
                    "-T", "fields"));
            for (String f : FIELDS) {
                argv.add("-e");
                argv.add(f);
            }
            List<Double> secs = new ArrayList<>();
            for (int i = 0; i < cmd.runs; i++) {
                double s = timed(argv);
                if (Double.isNaN(s)) {
                    out.println("tshark: not installed or failed: no comparison");
                    return;
                }
                secs.add(s);
            }
            secs.sort(null);
            double t = secs.get(secs.size() / 2);
            String shown = String.join(" ", argv).replace(DISPLAY_FILTER, "'" + DISPLAY_FILTER + "'")
                    .replace(target.toString(), slice != null ? "SLICE" : target.toString());
            out.printf(Locale.ROOT, "tshark: %s > /dev/null%n  %s, median of %d whole-process runs: %.2f s%n", shown,
                    slice != null ? String.format(Locale.ROOT, "the first %,d packets", n) : "the whole file",
                    secs.size(), t);
            for (int i = 0; i < ours.size(); i++) {
                out.printf(Locale.ROOT, "ratio, replay with %d worker(s), whole processes: %.2f s / %.2f s = %.1fx tshark%n",
                        cmd.workers[i], ours.get(i), t, t / ours.get(i));
            }
        } finally {
            if (slice != null) {
                Files.deleteIfExists(slice);
            }
        }
    }

    /** Copies the pcap header and the first {@code limit} records of a classic pcap file; returns the records copied. */
    static long slice(Path in, Path outFile, long limit) throws IOException {
        long n = 0;
        try (InputStream is = new java.io.BufferedInputStream(Files.newInputStream(in), 1 << 20);
             OutputStream os = new BufferedOutputStream(Files.newOutputStream(outFile), 1 << 20)) {
            DataInputStream d = new DataInputStream(is);
            byte[] header = new byte[24];
            d.readFully(header);
            int magic = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN).getInt();
            ByteOrder order;
            if (magic == 0xA1B2C3D4 || magic == 0xA1B23C4D) {
                order = ByteOrder.LITTLE_ENDIAN;
            } else if (Integer.reverseBytes(magic) == 0xA1B2C3D4 || Integer.reverseBytes(magic) == 0xA1B23C4D) {
                order = ByteOrder.BIG_ENDIAN;
            } else {
                throw new IOException(in + ": not a classic pcap file (the bench capture is one)");
            }
            os.write(header);
            byte[] rec = new byte[16];
            byte[] buf = new byte[1 << 18];
            while (n < limit) {
                try {
                    d.readFully(rec);
                } catch (EOFException e) {
                    break;
                }
                int incl = ByteBuffer.wrap(rec).order(order).getInt(8);
                if (incl < 0 || incl > buf.length) {
                    throw new IOException(in + ": record " + n + " claims " + incl + " bytes");
                }
                d.readFully(buf, 0, incl);
                os.write(rec);
                os.write(buf, 0, incl);
                n++;
            }
        }
        return n;
    }
}
