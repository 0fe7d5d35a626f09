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
 *
 * <p>On Linux the answer is read from procfs: {@code /proc/self/fd/2} links to the device stderr
 * is open on, and the terminal devices are the pseudo-terminals ({@code /dev/pts/N}), the
 * virtual and serial consoles ({@code /dev/ttyX}) and {@code /dev/console} (proc(5), the kernel's
 * devices.txt). Loading JNA and libc for isatty(3) costs a replay tens of milliseconds of start-up;
 * it is only the fallback where procfs is not mounted.
 */
final class Terminal {
    private static final int STDERR = 2;

    private Terminal() {
    }

    /** True when file descriptor 2 is a terminal; false when that cannot be told. */
    static boolean stderrIsTerminal() {
        Path fd = Path.of("/proc/self/fd/" + STDERR);
        if (Files.isDirectory(fd.getParent())) {
            try {
                return isTerminalDevice(Files.readSymbolicLink(fd).toString());
            } catch (IOException | UnsupportedOperationException | SecurityException e) {
                return false; // procfs present but fd 2 unreadable (closed): no terminal to draw on
            }
        }
        return libcIsatty();
    }

    /** isatty(3) on file descriptor 2 through JNA; false when libc cannot be reached. */
    static boolean libcIsatty() {
        try {
            return Isatty.isatty(STDERR) == 1;
        } catch (LinkageError e) {
            return false;
        }
    }

    /** Whether the target of a {@code /proc/self/fd} link names a terminal device. */
    static boolean isTerminalDevice(String target) {
        return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
    }

    private static final class Isatty {
        static {
            Native.register(Isatty.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
        }

        static native int isatty(int fd);
    }
}
