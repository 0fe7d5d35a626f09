package io.impacketsensor.cli;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * An append-mode file output that can be reopened by path (SIGHUP after logrotate moved the file):
 * the writer keeps writing to this stream, which swaps the file underneath between two writes.
 * Buffered here (64 KB); {@link #flush} writes through to the file.
 *
 * <p>The file is created 0640 (alerts name hosts and accounts: not for every local user) and
 * opened with {@code O_NOFOLLOW}: a symbolic link planted at the path (e.g. in a log directory
 * others can write) is refused instead of letting the sensor append to whatever it points at.
 *
 * <p>A failed write (disk full) never reaches the writer: the buffered bytes are dropped and
 * counted, one line is logged per minute, and capture and detection carry on. When a write failed
 * part-way through a line, the next successful write starts with a newline so the line after the
 * gap is whole JSON.
 */
final class ReopenableFile extends OutputStream {
    private static final Logger LOG = LoggerFactory.getLogger(ReopenableFile.class);
    private static final Set<OpenOption> APPEND = Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.APPEND, LinkOption.NOFOLLOW_LINKS);

    private final Path path;
    private final byte[] buf = new byte[1 << 16];
    private final LogLimiter log = new LogLimiter(Service.REPORT_EVERY_MILLIS);
    private int n;
    private FileChannel out;
    private long reopens;
    private long writeFailures;
    private long bytesDropped;
    /** A write failed after part of a line reached the file. */
    private boolean torn;

    ReopenableFile(Path path) throws IOException {
        this.path = path;
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        this.out = open(path);
    }

    /** Opens for append, 0640 when created; a symbolic link is an error naming the path. */
    static FileChannel open(Path path) throws IOException {
        if (Files.isSymbolicLink(path)) {
            throw new IOException(path + " is a symbolic link; refusing to follow it");
        }
        try {
            return FileChannel.open(path, APPEND,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r-----")));
        } catch (FileSystemException e) {
            // the link appeared between the check and the open: O_NOFOLLOW failed with ELOOP
            if (Files.isSymbolicLink(path)) {
                throw new IOException(path + " is a symbolic link; refusing to follow it");
            }
            throw new IOException(e.getReason() != null ? path + ": " + e.getReason() : String.valueOf(e.getMessage()));
        }
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
                writeOut(ByteBuffer.wrap(b, off, len));
                return;
            }
        }
        System.arraycopy(b, off, buf, n, len);
        n += len;
    }

    private void drain() {
        if (n > 0) {
            writeOut(ByteBuffer.wrap(buf, 0, n));
            n = 0;
        }
    }

    /** Writes all of {@code b}, or drops the rest of it on a failure (counted, logged once a minute). */
    private void writeOut(ByteBuffer b) {
        try {
            if (torn) {
                out.write(ByteBuffer.wrap(new byte[] {'\n'}));
                torn = false;
            }
            int start = b.position();
            try {
                while (b.hasRemaining()) {
                    out.write(b);
                }
            } finally {
                if (b.hasRemaining() && b.position() > start) {
                    torn = true;
                }
            }
            if (log.recovered()) {
                LOG.info("EVE output {} writable again after {} failed writes", path, writeFailures);
            }
        } catch (IOException e) {
            writeFailures++;
            bytesDropped += b.remaining();
            if (log.due()) {
                LOG.warn("cannot write EVE output {}: {} ({} failed writes, {} bytes of records dropped; capture and "
                        + "detection go on)", path, e.getMessage(), writeFailures, bytesDropped);
            }
        }
    }

    @Override
    public synchronized void flush() {
        drain();
    }

    /** Writes what is buffered to the old file, closes it and opens the path again (a new file after rotation). */
    synchronized void reopen() throws IOException {
        drain();
        FileChannel fresh = open(path);
        out.close();
        out = fresh;
        torn = false;
        reopens++;
    }

    synchronized long reopens() {
        return reopens;
    }

    /** Writes that failed (disk full, I/O error); their records are lost. */
    synchronized long writeFailures() {
        return writeFailures;
    }

    synchronized long bytesDropped() {
        return bytesDropped;
    }

    @Override
    public synchronized void close() throws IOException {
        drain();
        out.close();
    }
}
