package io.impacketsensor.cli;

import io.impacketsensor.core.pipeline.CounterSnapshot;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The one-screen human summary written to stderr at the end of a run. */
final class Summary {
    private Summary() {
    }

    static void print(PrintWriter err, String title, CounterSnapshot s, double seconds, List<String> warnings,
                      boolean live) {
        long packets = s.get("capture.records");
        long bytes = s.get("capture.bytes");
        err.printf(Locale.ROOT, "%s: %,d packets, %s in %.2f s (%s pps, %s)%n", title, packets, size(bytes), seconds,
                rate(packets / Math.max(seconds, 1e-9)), bits(bytes * 8 / Math.max(seconds, 1e-9)));
        StringBuilder lt = new StringBuilder();
        for (Map.Entry<String, Long> e : s.withPrefix("linktype.").entrySet()) {
            if (e.getValue() > 0) {
                lt.append(lt.length() == 0 ? "" : ", ").append(e.getKey()).append(' ').append(String.format(Locale.ROOT, "%,d", e.getValue()));
            }
        }
        err.printf(Locale.ROOT, "  link types  %s%n", lt.length() == 0 ? "-" : lt);
        err.printf(Locale.ROOT, "  IP          %,d IPv4, %,d IPv6, %,d not IP; %,d TCP and %,d UDP packets%n",
                s.get("ipv4"), s.get("ipv6"), s.get("l2.non_ip"), s.get("tcp.packets"), s.get("udp.packets"));
        err.printf(Locale.ROOT, "  flows       %,d TCP, %,d UDP%n", s.get("flow.tcp"), s.get("flow.udp"));
        err.printf(Locale.ROOT, "  reassembly  %s to server, %s to client; %,d gaps (%s missing), %,d retransmissions%n",
                size(s.get("tcp.reassembled_bytes_to_server")), size(s.get("tcp.reassembled_bytes_to_client")),
                s.get("tcp.gaps"), size(s.get("tcp.gap_bytes")), s.get("tcp.retransmissions"));
        err.printf(Locale.ROOT, "  damage      %,d truncated, %,d corrupt records; %,d malformed L2, %,d malformed IP%n",
                s.get("capture.truncated_records"), s.get("capture.corrupt_blocks"), s.get("l2.malformed"),
                s.get("ip.malformed"));
        if (live) {
            err.printf(Locale.ROOT, "  drops       kernel %,d of %,d received, interface %,d; ring full %,d times (frames waited in the kernel buffer)%n",
                    s.get("capture.kernel_dropped"), s.get("capture.kernel_received"),
                    s.get("capture.kernel_ifdropped"), s.get("capture.ring_full_waits"));
        }
        StringBuilder w = new StringBuilder();
        for (int i = 0; i < s.get("pipeline.workers"); i++) {
            w.append(i == 0 ? "" : ", ").append('#').append(i).append(' ')
                    .append(String.format(Locale.ROOT, "%,d", s.get("worker." + i + ".packets")));
        }
        err.printf(Locale.ROOT, "  workers     %s packets%n", w);
        err.printf(Locale.ROOT, "  events      %,d (%,d dropped); handler errors %,d%n", s.get("events.published"),
                s.get("events.dropped_ring"), s.get("pipeline.handler_errors") + s.get("events.handler_errors"));
        for (String line : warnings) {
            err.println("  warning     " + line);
        }
        err.flush();
    }

    static String size(double b) {
        if (b < 1000) {
            return String.format(Locale.ROOT, "%.0f B", b);
        } else if (b < 1e6) {
            return String.format(Locale.ROOT, "%.1f kB", b / 1e3);
        } else if (b < 1e9) {
            return String.format(Locale.ROOT, "%.1f MB", b / 1e6);
        }
        return String.format(Locale.ROOT, "%.2f GB", b / 1e9);
    }

    static String rate(double pps) {
        if (pps < 1e4) {
            return String.format(Locale.ROOT, "%.0f", pps);
        } else if (pps < 1e6) {
            return String.format(Locale.ROOT, "%.1fk", pps / 1e3);
        }
        return String.format(Locale.ROOT, "%.2fM", pps / 1e6);
    }

    static String bits(double bps) {
        if (bps < 1e6) {
            return String.format(Locale.ROOT, "%.1f kbit/s", bps / 1e3);
        } else if (bps < 1e9) {
            return String.format(Locale.ROOT, "%.1f Mbit/s", bps / 1e6);
        }
        return String.format(Locale.ROOT, "%.2f Gbit/s", bps / 1e9);
    }
}
