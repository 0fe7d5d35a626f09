package io.impacketsensor.detection.engine;

import io.impacketsensor.core.collections.LruMap;

import java.net.Inet4Address;
import java.net.InetAddress;

/**
 * IPv4 addresses as text ({@link InetAddress#getHostAddress()}), kept for the most recently quoted
 * ones: a finding that repeats (a server handing out a fixed NTLM challenge on every connection)
 * quotes the same few addresses each time, and formatting one costs four objects. IPv6 addresses are
 * formatted each time: their text may carry a scope that their equality ignores. Bounded; not
 * thread-safe (one per layer, on the engine's thread).
 */
final class AddressTexts {
    private final LruMap<InetAddress, String> texts;

    AddressTexts(int max) {
        this.texts = new LruMap<>(max);
    }

    /** {@code a.getHostAddress()}. */
    String of(InetAddress a) {
        if (!(a instanceof Inet4Address)) {
            return a.getHostAddress();
        }
        String t = texts.get(a);
        if (t == null) {
            t = a.getHostAddress();
            texts.put(a, t);
        }
        return t;
    }
}
