package io.impacketsensor.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;

/**
 * The HTTP API's bearer token (RFC 6750): read from {@code http.token_file}, or from
 * {@code api-token} in the state directory, which is generated at the first start (256 random bits,
 * base64url, mode 0600, owned by the user the sensor runs as). A token file other users can read is
 * refused: anyone holding the token can block addresses.
 */
final class ApiToken {
    static final String FILE = "api-token";
    /** Shorter than this is guessable or a placeholder; RFC 6750 asks for unguessable tokens. */
    static final int MIN_LENGTH = 16;
    private static final int MAX_LENGTH = 4096;

    private final byte[] digest;
    private final Path file;

    private ApiToken(String token, Path file) {
        this.digest = sha256(token.getBytes(StandardCharsets.UTF_8));
        this.file = file;
    }

    /** Where the token was read from. */
    Path file() {
        return file;
    }

    /**
     * True when {@code authorization} (the header's value) is {@code Bearer <token>}. Compares
     * SHA-256 digests with {@link MessageDigest#isEqual} (constant time), so neither the length nor
     * the first differing byte shows in the answer's timing.
     */
    boolean matches(String authorization) {
        if (authorization == null || authorization.length() > MAX_LENGTH + 7
                || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        byte[] given = sha256(authorization.substring(7).strip().getBytes(StandardCharsets.UTF_8));
        return MessageDigest.isEqual(given, digest);
    }

    /** The configured token file, or the state directory's (created when missing). One-line errors. */
    static ApiToken load(SensorConfig cfg) throws UsageException {
        String configured = cfg.guard().tokenFile();
        if (!configured.isEmpty()) {
            Path f = Path.of(configured);
            return new ApiToken(read(f, "http.token_file " + f), f);
        }
        Path f = Path.of(cfg.stateDir()).resolve(FILE);
        try {
            Files.createDirectories(f.getParent());
            create(f);
        } catch (FileAlreadyExistsException e) {
            // made at an earlier start: read below
        } catch (IOException e) {
            throw new UsageException("cannot create the API token " + f + ": " + e.getMessage()
                    + " (or set http.token_file)");
        }
        return new ApiToken(read(f, "API token " + f), f);
    }

    /** The token in {@code f} for a client (the CLI), checked as the daemon checks it. */
    static String clientToken(Path f) throws UsageException {
        return read(f, "API token " + f);
    }

    private static void create(Path f) throws IOException {
        byte[] raw = new byte[32];
        new SecureRandom().nextBytes(raw);
        byte[] text = (Base64.getUrlEncoder().withoutPadding().encodeToString(raw) + "\n")
                .getBytes(StandardCharsets.US_ASCII);
        Path tmp = f.resolveSibling("." + FILE + ".tmp");
        Files.deleteIfExists(tmp);
        try (FileChannel ch = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
            ch.write(ByteBuffer.wrap(text));
            ch.force(true);
        }
        // A link, not a rename: fails when another start made the token meanwhile (never replaces it).
        try {
            Files.createLink(f, tmp);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static String read(Path f, String what) throws UsageException {
        String text;
        try {
            if (!Files.isRegularFile(f)) {
                throw new UsageException(what + ": " + (Files.exists(f) ? "not a regular file" : "no such file"));
            }
            try {
                Set<PosixFilePermission> perms = Files.getPosixFilePermissions(f, LinkOption.NOFOLLOW_LINKS);
                if (perms.contains(PosixFilePermission.OTHERS_READ)) {
                    throw new UsageException(what + ": readable by every user (chmod 600 it)");
                }
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: nothing to check
            }
            text = Files.readString(f, StandardCharsets.UTF_8).strip();
        } catch (NoSuchFileException e) {
            throw new UsageException(what + ": no such file");
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new UsageException(what + ": cannot read it (" + e.getMessage() + ")");
        }
        if (text.length() < MIN_LENGTH || text.length() > MAX_LENGTH) {
            throw new UsageException(what + ": the token must be " + MIN_LENGTH + ".." + MAX_LENGTH
                    + " characters, not " + text.length());
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c <= ' ' || c > '~') {
                throw new UsageException(what + ": the token must be one line of printable ASCII without spaces");
            }
        }
        return text;
    }

    private static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }
}
