package io.impacketsensor.cli;

import io.impacketsensor.detection.config.EngineConfig;

import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code bench --end-to-end}: the whole replay path (L2-L4, reassembly, every decoder, the detection
 * engine, EVE alerts written out) on the large capture with each worker count, then the same on
 * the capture's first N packets next to tshark dissecting the same protocols, and the ratio.
 */
final class BenchEndToEnd {
    /** The tshark side of the comparison: the protocols we decode, a few fields each. */
    static final String DISPLAY_FILTER = "smb2 or dcerpc or kerberos or ldap or ntlmssp";
    static final List<String> FIELDS = List.of("frame.number", "smb2.cmd", "dcerpc.opnum", "kerberos.msg_type",
            "ldap.protocolOp");

    private final BenchCommand cmd;
    private final PrintWriter out;
    private final AtomicLong alerts = new AtomicLong();

    BenchEndToEnd(BenchCommand cmd, PrintWriter out) {
        this.cmd = cmd;
        this.out = out;
    }

    void run() throws Exception {
        String stage = "decoders + engine + EVE" + (cmd.protocolRecords ? " -P" : "");
        for (int w : cmd.workers) {
            alerts.set(0);
            cmd.report(out, stage, w, laps -> once(cmd.file, laps, w));
            out.printf(Locale.ROOT, "  (%,d alerts in the last run)%n", alerts.get());
        }
        Path slice = Files.createTempFile("impacket-sensor-bench-slice", ".pcap");
        try {
            long n = slice(cmd.file, slice, cmd.tsharkLimit);
            out.printf(Locale.ROOT, "slice: first %,d packets, %s%n", n, Summary.size(Files.size(slice)));
            List<BenchCommand.Result> ours = new ArrayList<>();
            for (int w : cmd.workers) {
                ours.add(cmd.report(out, stage + " (slice)", w, laps -> once(slice, laps, w)));
            }
            tshark(slice, n, ours);
        } finally {
            Files.deleteIfExists(slice);
        }
        out.println("Mpps, Gbit/s: wall clock over two passes of the file, JVM start excluded; EVE to " + cmd.eveOut + ".");
        out.flush();
    }

    /** One run: a fresh engine and EVE writer, the replay's pipeline options. */
    private BenchCommand.Result once(Path file, int laps, int w) throws Exception {
        OutputStream os = new BufferedOutputStream(Files.newOutputStream(cmd.eveOut), 1 << 16);
        try (EveWriter eve = new EveWriter(os, true, cmd.protocolRecords)) {
            alerts.set(0);
            Detection detection = new Detection(EngineConfig.defaults(), eve, a -> alerts.incrementAndGet());
            return BenchCommand.pipeline(file, laps, SensorRun.processors(CaptureConfig.DEFAULTS.flowLimits()),
                    SensorRun.eventConsumer(detection), CaptureConfig.DEFAULTS.pipeline(w));
        }
    }

    /** Times tshark (median of --runs) on the slice and prints packets/s and our ratio to it. */
    private void tshark(Path slice, long n, List<BenchCommand.Result> ours) throws Exception {
        List<String> argv = new ArrayList<>(List.of("tshark", "-r", slice.toString(), "-c", Long.toString(n),
                "-Y", DISPLAY_FILTER, "-T", "fields"));
        for (String f : FIELDS) {
            argv.add("-e");
            argv.add(f);
        }
        List<Double> secs = new ArrayList<>();
        for (int i = 0; i < cmd.runs; i++) {
            long t0 = System.nanoTime();
            int rc;
            try {
                Process p = new ProcessBuilder(argv).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
                rc = p.waitFor();
            } catch (IOException e) {
                out.println("tshark: not installed (" + e.getMessage() + "): no comparison");
                return;
            }
            if (rc != 0) {
                out.println("tshark: exit " + rc + ": no comparison");
                return;
            }
            secs.add((System.nanoTime() - t0) / 1e9);
        }
        secs.sort(null);
        double t = secs.get(secs.size() / 2);
        double pps = n / t;
        String shown = String.join(" ", argv).replace(DISPLAY_FILTER, "'" + DISPLAY_FILTER + "'");
        out.printf(Locale.ROOT, "tshark: %s > /dev/null%n  %,d packets, median of %d runs: %.2f s, %.3f Mpps%n", shown,
                n, secs.size(), t, pps / 1e6);
        for (int i = 0; i < ours.size(); i++) {
            BenchCommand.Result r = ours.get(i);
            double ourPps = r.packets() / r.seconds();
            out.printf(Locale.ROOT, "ratio, %d worker(s): %.3f Mpps / %.3f Mpps = %.1fx tshark%n", cmd.workers[i],
                    ourPps / 1e6, pps / 1e6, ourPps / pps);
        }
        out.println("(tshark's time includes its start-up, dissector registration, a few hundred ms; ours excludes the JVM's.)");
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
