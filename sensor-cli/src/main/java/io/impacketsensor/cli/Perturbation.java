package io.impacketsensor.cli;

import java.util.Locale;

/**
 * A capture imperfection that {@code evaluate --perturb MODE} applies to every capture between the
 * pcap reader and the packet path ({@link PerturbedSource}), to show what the sensor still detects
 * when the copy of the traffic it gets is not the traffic that crossed the wire: a sensor started
 * while sessions were open, an RX-only or asymmetric SPAN, a lossy or duplicating mirror port,
 * reordering, VLAN tags that differ per direction.
 *
 * @param kind    what is done
 * @param amount  seconds ({@link Kind#LATE_JOIN_SECONDS}), percent ({@link Kind#LATE_JOIN_PERCENT},
 *                {@link Kind#LOSS}) or window size ({@link Kind#REORDER}); 0 otherwise
 * @param text    the mode as the user spelled it (canonical form)
 */
record Perturbation(Kind kind, double amount, String text) {
    /** What a mode does. */
    enum Kind {
        /** Drop every frame of the first {@code amount} seconds of the capture. */
        LATE_JOIN_SECONDS,
        /** Drop the first {@code amount}% of each TCP connection's frames. */
        LATE_JOIN_PERCENT,
        /** Keep only frames sent by the connection's initiator (client). */
        ONE_WAY_CLIENT,
        /** Keep only frames sent by the connection's responder (server). */
        ONE_WAY_SERVER,
        /** Drop each frame with probability {@code amount}% (seeded). */
        LOSS,
        /** Every frame twice, as a SPAN session that mirrors both ingress and egress. */
        DUP,
        /** Shuffle each run of {@code amount} consecutive frames (seeded); timestamps stay in order. */
        REORDER,
        /** Add an 802.1Q tag, VLAN {@link #VLAN_TO_SERVER} towards the server and {@link #VLAN_TO_CLIENT} back. */
        VLAN_ASYM
    }

    /** VLAN id {@code vlan-asym} puts on frames from the client. */
    static final int VLAN_TO_SERVER = 100;
    /** VLAN id {@code vlan-asym} puts on frames from the server. */
    static final int VLAN_TO_CLIENT = 200;
    /** Largest reorder window: the source holds this many frames. */
    static final int MAX_REORDER_WINDOW = 1024;

    /** The modes as the matrix lists them (README, docs/user/detection-results.md). */
    static final String[] MATRIX_MODES = {"late-join:0.1", "late-join:30%", "one-way:client", "one-way:server",
        "loss:1%", "loss:5%", "dup", "reorder:16", "vlan-asym"};

    /** The help text for {@code --perturb} (picocli formats descriptions: a percent sign is written twice). */
    static final String HELP = "capture imperfection applied to every capture between the reader and the packet path: "
            + "late-join:T (drop every frame of the first T seconds), late-join:N%% (drop the first N%% of each TCP "
            + "connection's frames), one-way:client or one-way:server (keep only the initiator's or the responder's "
            + "frames, decided by the SYN, else by the well-known port), loss:P%% (drop each frame with probability P%%, "
            + "seeded), dup (every frame twice, as a SPAN mirroring ingress and egress), reorder:W (shuffle each run "
            + "of W frames, seeded), vlan-asym (802.1Q tag, VLAN " + VLAN_TO_SERVER + " towards the server and "
            + VLAN_TO_CLIENT + " back; Ethernet frames only)";

    /**
     * Parses a mode.
     *
     * @throws UsageException one line naming the bad mode and the accepted forms
     */
    static Perturbation parse(String mode) throws UsageException {
        String m = mode == null ? "" : mode.trim().toLowerCase(Locale.ROOT);
        int colon = m.indexOf(':');
        String name = colon < 0 ? m : m.substring(0, colon);
        String arg = colon < 0 ? null : m.substring(colon + 1);
        switch (name) {
            case "dup":
                noArg(mode, arg);
                return new Perturbation(Kind.DUP, 0, "dup");
            case "vlan-asym":
                noArg(mode, arg);
                return new Perturbation(Kind.VLAN_ASYM, 0, "vlan-asym");
            case "one-way":
                if ("client".equals(arg)) {
                    return new Perturbation(Kind.ONE_WAY_CLIENT, 0, "one-way:client");
                }
                if ("server".equals(arg)) {
                    return new Perturbation(Kind.ONE_WAY_SERVER, 0, "one-way:server");
                }
                throw bad(mode, "one-way takes client or server");
            case "loss": {
                double p = percent(mode, arg, "loss takes a percentage, e.g. loss:1%");
                return new Perturbation(Kind.LOSS, p, "loss:" + number(p) + "%");
            }
            case "late-join": {
                if (arg != null && arg.endsWith("%")) {
                    double p = percent(mode, arg, "late-join takes seconds (late-join:5) or a percentage (late-join:30%)");
                    return new Perturbation(Kind.LATE_JOIN_PERCENT, p, "late-join:" + number(p) + "%");
                }
                double s = number(mode, arg, "late-join takes seconds (late-join:5) or a percentage (late-join:30%)");
                if (s < 0) {
                    throw bad(mode, "late-join seconds must not be negative");
                }
                return new Perturbation(Kind.LATE_JOIN_SECONDS, s, "late-join:" + number(s));
            }
            case "reorder": {
                double w = number(mode, arg, "reorder takes a window of frames, e.g. reorder:16");
                if (w != Math.rint(w) || w < 2 || w > MAX_REORDER_WINDOW) {
                    throw bad(mode, "reorder window must be a whole number from 2 to " + MAX_REORDER_WINDOW);
                }
                return new Perturbation(Kind.REORDER, w, "reorder:" + (int) w);
            }
            default:
                throw bad(mode, "unknown mode");
        }
    }

    private static void noArg(String mode, String arg) throws UsageException {
        if (arg != null) {
            throw bad(mode, "this mode takes no argument");
        }
    }

    private static double percent(String mode, String arg, String how) throws UsageException {
        if (arg == null || !arg.endsWith("%")) {
            throw bad(mode, how);
        }
        double p = number(mode, arg.substring(0, arg.length() - 1), how);
        if (p < 0 || p > 100) {
            throw bad(mode, "the percentage must be from 0 to 100");
        }
        return p;
    }

    private static double number(String mode, String arg, String how) throws UsageException {
        if (arg == null || arg.isEmpty()) {
            throw bad(mode, how);
        }
        try {
            double d = Double.parseDouble(arg);
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw bad(mode, how);
            }
            return d;
        } catch (NumberFormatException e) {
            throw bad(mode, how);
        }
    }

    private static String number(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    private static UsageException bad(String mode, String why) {
        return new UsageException("--perturb '" + mode + "': " + why + " (modes: late-join:T, late-join:N%, "
                + "one-way:client, one-way:server, loss:P%, dup, reorder:W, vlan-asym)");
    }

    /** True when the mode needs a first pass over the captures (per-connection frame counts). */
    boolean needsCounts() {
        return kind == Kind.LATE_JOIN_PERCENT;
    }
}
