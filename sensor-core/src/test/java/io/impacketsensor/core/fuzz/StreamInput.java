package io.impacketsensor.core.fuzz;

import java.io.ByteArrayOutputStream;

/**
 * The input format of the fuzz targets that drive one flow analyzer: a sequence of records, each
 * one control byte and a big-endian 16-bit length. Control bit 0 is the direction (0 = to server,
 * 1 = to client); with bit 7 set the record is a gap of that many bytes (no data follows),
 * otherwise that many payload bytes follow (fewer at the end of the input). The format keeps the
 * segment boundaries of the captures the seeds come from, so the fuzzer mutates PDUs, chunking and
 * direction changes independently.
 */
public final class StreamInput {
    private StreamInput() {
    }

    /** Where the records go; returning false stops the replay (the analyzer asked to be skipped). */
    public interface Sink {
        boolean data(int dir, byte[] buf, int off, int len);

        boolean gap(int dir, int len);
    }

    /** Replays every record of {@code in} into {@code sink}, in order. */
    public static void replay(byte[] in, Sink sink) {
        int p = 0;
        while (p + 3 <= in.length) {
            int ctl = in[p] & 0xff;
            int len = ((in[p + 1] & 0xff) << 8) | (in[p + 2] & 0xff);
            p += 3;
            int dir = ctl & 1;
            boolean more;
            if ((ctl & 0x80) != 0) {
                more = sink.gap(dir, len);
            } else {
                int n = Math.min(len, in.length - p);
                more = sink.data(dir, in, p, n);
                p += n;
            }
            if (!more) {
                return;
            }
        }
    }

    /** Builds inputs in this format (seed corpora, regression inputs). */
    public static final class Writer {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        /** Appends payload, split into records of at most 65,535 bytes. */
        public Writer data(int dir, byte[] buf, int off, int len) {
            do {
                int n = Math.min(len, 0xffff);
                out.write(dir & 1);
                out.write(n >>> 8);
                out.write(n);
                out.write(buf, off, n);
                off += n;
                len -= n;
            } while (len > 0);
            return this;
        }

        public Writer gap(int dir, long len) {
            int n = (int) Math.min(len, 0xffff);
            out.write(0x80 | (dir & 1));
            out.write(n >>> 8);
            out.write(n);
            return this;
        }

        public int size() {
            return out.size();
        }

        public byte[] bytes() {
            return out.toByteArray();
        }
    }
}
