package io.impacketsensor.cli;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;

/**
 * Whether standard error is a terminal, for the replay progress bar. {@code System.console()}
 * answers for standard input and output instead: it hid the bar in
 * {@code replay --eve - x.pcap | jq} (stdout a pipe, stderr the terminal) and would show it with
 * {@code 2>log} from a terminal.
 */
final class Terminal {
    private static final int STDERR = 2;

    private Terminal() {
    }

    /** isatty(3) on file descriptor 2; false when libc cannot be reached. */
    static boolean stderrIsTerminal() {
        try {
            return Isatty.isatty(STDERR) == 1;
        } catch (LinkageError e) {
            return false;
        }
    }

    private static final class Isatty {
        static {
            Native.register(Isatty.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
        }

        static native int isatty(int fd);
    }
}
