package io.impacketsensor.cli;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

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

    /**
     * Whether file descriptor 2 is a terminal. On Linux its link in {@code /proc/self/fd} names
     * the device (proc(5)): a pseudo-terminal ({@code /dev/pts/N}), a virtual console or serial
     * line ({@code /dev/ttyX}), or the console; a pipe, socket or file is named otherwise. Reading
     * the link spares a replay loading the native-access library only to ask (about a tenth of a
     * short replay's start-up). Elsewhere: isatty(3), false when libc cannot be reached.
     */
    static boolean stderrIsTerminal() {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/" + STDERR)).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            // no procfs: ask libc
        }
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
