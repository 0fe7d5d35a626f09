package io.impacketsensor.cli;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An append-mode file output that can be reopened by path (SIGHUP after logrotate moved the file):
 * the writer keeps writing to this stream, which swaps the file underneath between two writes.
 * Buffered here (64 KB); {@link #flush} writes through to the file.
 */
final class ReopenableFile extends OutputStream {
    private final Path path;
    private final byte[] buf = new byte[1 << 16];
    private int n;
    private FileOutputStream out;
    private long reopens;

    ReopenableFile(Path path) throws IOException {
        this.path = path;
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        this.out = new FileOutputStream(path.toFile(), true);
    }

    @Override
    public synchronized void write(int b) throws IOException {
        if (n == buf.length) {
            drain();
        }
        buf[n++] = (byte) b;
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws IOException {
        if (len > buf.length - n) {
            drain();
            if (len > buf.length) {
                out.write(b, off, len);
                return;
            }
        }
        System.arraycopy(b, off, buf, n, len);
        n += len;
    }

    private void drain() throws IOException {
        if (n > 0) {
            out.write(buf, 0, n);
            n = 0;
        }
    }

    @Override
    public synchronized void flush() throws IOException {
        drain();
    }

    /** Writes what is buffered to the old file, closes it and opens the path again (a new file after rotation). */
    synchronized void reopen() throws IOException {
        drain();
        FileOutputStream fresh = new FileOutputStream(path.toFile(), true);
        out.close();
        out = fresh;
        reopens++;
    }

    synchronized long reopens() {
        return reopens;
    }

    @Override
    public synchronized void close() throws IOException {
        drain();
        out.close();
    }
}
