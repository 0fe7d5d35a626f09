package io.impacketsensor.core.capture;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A veth pair for live-capture tests: one end ({@link #sendIf}) in a private network namespace
 * ({@link #namespace}) where traffic is sent, the other ({@link #captureIf}) in the test's own
 * namespace with no address and IPv6 disabled, so nothing of ours talks on it. Unique names per
 * instance; {@link #close} deletes the namespace and with it the pair.
 *
 * <p>{@link #create} skips the calling test (JUnit assumption, with the reason) when not root or
 * when libpcap, iproute2 or tcpreplay are missing. Published in sensor-core's test-jar.
 */
public final class VethPair implements AutoCloseable {
    public final String namespace;
    public final String sendIf;
    public final String captureIf;
    private final Path dir;
    private boolean created;

    private VethPair() throws IOException {
        String tag = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xFFFFF));
        namespace = "iscap-" + tag;
        sendIf = "iscA" + tag;
        captureIf = "iscB" + tag;
        dir = Files.createTempDirectory("iscap");
    }

    /** Creates the namespace and the pair, or skips the test with the reason. */
    public static VethPair create() throws Exception {
        assumeTrue(run("id", "-u").trim().equals("0"), "live capture test skipped: not running as root");
        assumeTrue(libpcapLoads(), "live capture test skipped: libpcap cannot be loaded (apt-get install libpcap0.8)");
        assumeTrue(onPath("ip"), "live capture test skipped: iproute2 (ip) not installed");
        assumeTrue(onPath("tcpreplay"), "live capture test skipped: tcpreplay not installed");
        VethPair v = new VethPair();
        try {
            sh("ip", "netns", "add", v.namespace);
            v.created = true;
            sh("ip", "link", "add", v.sendIf, "netns", v.namespace, "type", "veth", "peer", "name", v.captureIf);
            Files.writeString(Path.of("/proc/sys/net/ipv6/conf/" + v.captureIf + "/disable_ipv6"), "1");
            sh("ip", "netns", "exec", v.namespace, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1");
            sh("ip", "link", "set", v.captureIf, "up");
            sh("ip", "-n", v.namespace, "link", "set", v.sendIf, "up");
            sh("ip", "-n", v.namespace, "link", "set", "lo", "up");
        } catch (Exception e) {
            v.close();
            throw e;
        }
        return v;
    }

    /** Copies a classpath resource to a temporary file (tcpreplay needs a path). */
    public Path resource(String name) throws IOException {
        Path p = dir.resolve(Path.of(name).getFileName().toString());
        try (InputStream in = VethPair.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("no resource " + name);
            }
            Files.copy(in, p);
        }
        return p;
    }

    /** Sends captures out of {@link #sendIf} with tcpreplay at a bounded rate; returns when all are sent. */
    public void replay(int pps, Path... pcaps) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(List.of("ip", "netns", "exec", namespace, "tcpreplay", "-q",
                "--pps=" + pps, "-i", sendIf));
        for (Path p : pcaps) {
            cmd.add(p.toString());
        }
        sh(cmd.toArray(new String[0]));
    }

    @Override
    public void close() throws Exception {
        if (created) {
            run("ip", "netns", "del", namespace); // deletes sendIf and with it its peer
            run("ip", "link", "del", captureIf);
            created = false;
        }
        try (var s = Files.list(dir)) {
            for (Path p : s.toList()) {
                Files.deleteIfExists(p);
            }
        }
        Files.deleteIfExists(dir);
    }

    private static boolean libpcapLoads() {
        try {
            org.pcap4j.core.Pcaps.libVersion();
            return true;
        } catch (Throwable t) {
            return false;
        }
    }

    private static boolean onPath(String cmd) throws Exception {
        return !run("sh", "-c", "command -v " + cmd).isBlank();
    }

    static void sh(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + out.trim());
        }
    }

    static String run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of(cmd)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }
}
