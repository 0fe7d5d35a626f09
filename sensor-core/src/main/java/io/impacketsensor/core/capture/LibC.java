package io.impacketsensor.core.capture;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;

/**
 * A JNA direct mapping of {@code poll(2)}, used by the live capture thread to sleep until the
 * kernel has frames for it. Arguments are raw addresses and ints: no object per call.
 */
final class LibC {
    /** {@code POLLIN} from {@code <poll.h>}. */
    static final short POLLIN = 0x1;
    /** {@code sizeof(struct pollfd)}: int fd, short events, short revents. */
    static final int POLLFD_SIZE = 8;

    static {
        Native.register(LibC.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
    }

    private LibC() {
    }

    /** {@code int poll(struct pollfd *fds, nfds_t nfds, int timeout)}: ready descriptors, 0 on timeout, -1 on error. */
    static native int poll(long fds, long nfds, int timeoutMillis);
}
