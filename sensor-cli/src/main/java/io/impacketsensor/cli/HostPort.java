package io.impacketsensor.cli;

import java.net.InetSocketAddress;

/** {@code HOST:PORT} (IPv6 as {@code [addr]:port}) for the HTTP listener. */
final class HostPort {
    private HostPort() {
    }

    /** Null when valid, else why not. */
    static String check(String s) {
        try {
            parse(s);
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    static InetSocketAddress parse(String s) {
        int colon = s.lastIndexOf(':');
        if (colon <= 0 || colon == s.length() - 1) {
            throw new IllegalArgumentException("expected HOST:PORT, not '" + s + "'");
        }
        String host = s.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(s.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("port must be a number in '" + s + "'");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, not " + port);
        }
        return new InetSocketAddress(host, port);
    }
}
