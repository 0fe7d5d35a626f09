package io.impacketsensor.core.capture;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the test capture writers share: the bytes written so far and how to get them out. */
public abstract class CaptureBytes<T extends CaptureBytes<T>> {
    protected final ByteArrayOutputStream out = new ByteArrayOutputStream();

    protected abstract T self();

    /** Raw bytes appended as they are (garbage, a partial record or block). */
    public T raw(byte[] bytes) {
        out.writeBytes(bytes);
        return self();
    }

    /** Bytes written so far. */
    public int size() {
        return out.size();
    }

    public byte[] toBytes() {
        return out.toByteArray();
    }

    public Path writeTo(Path file) throws IOException {
        return Files.write(file, out.toByteArray());
    }
}
