package io.impacketsensor.cli;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Lines of a JSON-lines stream (RFC 8259 text per line, '\n' or "\r\n" ended, UTF-8) with a bound
 * on the line length, so that input without newlines cannot grow a buffer without limit as
 * {@link java.io.BufferedReader#readLine} does.
 *
 * <p>A line over the bound is consumed up to its newline and reported ({@link LineTooLongException});
 * reading goes on with the next line. A NUL byte ends the reading ({@link BinaryInputException}):
 * RFC 8259 §7 forbids unescaped control characters in JSON text, so the input is not JSON lines
 * (a capture file, /dev/zero) and skipping to the next newline could read forever.
 */
final class JsonLines implements Closeable {
    /** The current line is longer than the bound; it was skipped up to its newline. */
    static final class LineTooLongException extends Exception {
        private static final long serialVersionUID = 1L;

        LineTooLongException(String message) {
            super(message, null, false, false);
        }
    }

    /** The input holds a NUL byte: not JSON lines. */
    static final class BinaryInputException extends Exception {
        private static final long serialVersionUID = 1L;

        BinaryInputException(String message) {
            super(message, null, false, false);
        }
    }

    private final InputStream in;
    private final int maxBytes;
    private final byte[] chunk = new byte[1 << 16];
    private int pos;
    private int end;
    private byte[] line = new byte[4096];
    private long lineNumber;
    private boolean eof;

    JsonLines(InputStream in, int maxBytes) {
        this.in = in;
        this.maxBytes = maxBytes;
    }

    /** The 1-based number of the line last returned or reported. */
    long lineNumber() {
        return lineNumber;
    }

    /** The next line without its end of line, or null at the end of the input. */
    String next() throws IOException, LineTooLongException, BinaryInputException {
        if (eof) {
            return null;
        }
        int len = 0;
        boolean tooLong = false;
        boolean any = false;
        while (true) {
            if (pos == end) {
                end = in.read(chunk);
                pos = 0;
                if (end <= 0) {
                    end = 0;
                    eof = true;
                    if (!any) {
                        return null;
                    }
                    break;
                }
            }
            any = true;
            byte b = chunk[pos++];
            if (b == '\n') {
                break;
            }
            if (b == 0) {
                lineNumber++;
                eof = true;
                throw new BinaryInputException("a NUL byte at byte " + (len + 1)
                        + " of the line: binary data, not JSON lines");
            }
            if (tooLong) {
                continue;
            }
            if (len == maxBytes) {
                tooLong = true;
                continue;
            }
            if (len == line.length) {
                line = Arrays.copyOf(line, Math.min(maxBytes, line.length * 2));
            }
            line[len++] = b;
        }
        lineNumber++;
        if (tooLong) {
            throw new LineTooLongException("longer than " + maxBytes + " bytes");
        }
        if (len > 0 && line[len - 1] == '\r') {
            len--;
        }
        return new String(line, 0, len, StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
