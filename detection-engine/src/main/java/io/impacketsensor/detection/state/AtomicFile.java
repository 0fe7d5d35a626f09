package io.impacketsensor.detection.state;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Replaces a file so that a crash (even {@code kill -9} or power loss) at any moment leaves either
 * the old or the new content: write a temporary file in the same directory, fsync it, rename it over
 * the target (atomic within one file system, POSIX rename(2)), then fsync the directory so the
 * rename itself is durable. The file is created owner-only (0600).
 */
public final class AtomicFile {
    private AtomicFile() {
    }

    private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

    private static FileChannel open(Path tmp) throws IOException {
        // CREATE_NEW (O_EXCL) never follows a symbolic link planted at the temporary name.
        Set<StandardOpenOption> opts = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        try {
            return FileChannel.open(tmp, opts, OWNER_ONLY);
        } catch (UnsupportedOperationException e) {
            return FileChannel.open(tmp, opts); // not a POSIX file system: its own permission model
        }
    }

    public static void write(Path target, byte[] content) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Path tmp = dir.resolve("." + target.getFileName() + ".tmp");
        // A temporary file left by a crash may carry other permissions: create it afresh, owner-only
        // (0600): the state is the sensor's business, not every local user's.
        Files.deleteIfExists(tmp);
        try (FileChannel ch = open(tmp)) {
            ByteBuffer b = ByteBuffer.wrap(content);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        } catch (IOException e) {
            // disk full or I/O error: leave no half-written temporary file taking space
            Files.deleteIfExists(tmp);
            throw e;
        }
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException ignored) {
            // some file systems refuse fsync on a directory; the rename is still atomic there
        }
    }
}
