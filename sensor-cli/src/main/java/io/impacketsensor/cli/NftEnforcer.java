package io.impacketsensor.cli;

import io.impacketsensor.detection.model.BlockEntry;
import io.impacketsensor.detection.response.BlocklistStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Blocklist enforcement: each block becomes an element of the nftables sets
 * {@code inet impacket_sensor blocklist} (IPv4) / {@code blocklist6} (IPv6) with the block's
 * remaining time as the element timeout, so the kernel expires it even if the sensor is gone; an
 * unblock deletes it. The table, sets and input/forward drop rules are created at start.
 *
 * <p>{@code nft} runs on its own thread (the engine thread never waits for it). A failure (no nft,
 * no CAP_NET_ADMIN, ...) is logged once and counted, never fatal.
 */
final class NftEnforcer implements BlocklistStore, AutoCloseable {
    static final String TABLE = "impacket_sensor";
    private static final Logger LOG = LoggerFactory.getLogger(NftEnforcer.class);

    private final BlocklistStore inner;
    private final String nft;
    private final Supplier<Instant> clock;
    private final ExecutorService exec = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "nft");
        t.setDaemon(true);
        return t;
    });
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong applied = new AtomicLong();
    private final AtomicBoolean logged = new AtomicBoolean();
    private final AtomicBoolean tableReady = new AtomicBoolean();

    NftEnforcer(BlocklistStore inner, String nftCommand, Supplier<Instant> clock) {
        this.inner = inner;
        this.nft = nftCommand;
        this.clock = clock;
        exec.execute(() -> tableReady.set(run(setupScript())));
    }

    static String setupScript() {
        return "add table inet " + TABLE + "\n"
                + "add set inet " + TABLE + " blocklist { type ipv4_addr; flags timeout; }\n"
                + "add set inet " + TABLE + " blocklist6 { type ipv6_addr; flags timeout; }\n"
                + "add chain inet " + TABLE + " input { type filter hook input priority -10; policy accept; }\n"
                + "add chain inet " + TABLE + " forward { type filter hook forward priority -10; policy accept; }\n"
                + "flush chain inet " + TABLE + " input\n"
                + "flush chain inet " + TABLE + " forward\n"
                + "add rule inet " + TABLE + " input ip saddr @blocklist drop\n"
                + "add rule inet " + TABLE + " input ip6 saddr @blocklist6 drop\n"
                + "add rule inet " + TABLE + " forward ip saddr @blocklist drop\n"
                + "add rule inet " + TABLE + " forward ip6 saddr @blocklist6 drop\n";
    }

    private static String set(String ip) {
        return ip.indexOf(':') >= 0 ? "blocklist6" : "blocklist";
    }

    /** The nft script adding an entry (timeout = remaining block time; none for a permanent block). */
    static String addScript(BlockEntry e, Instant now) {
        String timeout = "";
        if (e.expiresAt() != null) {
            long s = Math.max(1, Duration.between(now, e.expiresAt()).getSeconds());
            timeout = " timeout " + s + "s";
        }
        return "add element inet " + TABLE + " " + set(e.ip()) + " { " + e.ip() + timeout + " }\n";
    }

    @Override
    public List<BlockEntry> load() {
        List<BlockEntry> l = inner.load();
        Instant now = clock.get();
        for (BlockEntry e : l) {
            if (!e.expired(now)) {
                replace(e, now);
            }
        }
        return l;
    }

    @Override
    public void blocked(BlockEntry entry) {
        inner.blocked(entry);
        replace(entry, clock.get());
    }

    /** Another sensor's block (a fleet's shared blocklist): in the set, not in the saved list. */
    @Override
    public void enforced(BlockEntry entry) {
        replace(entry, clock.get());
    }

    @Override
    public void released(String ip) {
        exec.execute(() -> run("delete element inet " + TABLE + " " + set(ip) + " { " + ip + " }\n", true));
    }

    /** Deletes (absent is fine) and adds the element: 'add' alone keeps an existing element's old timeout. */
    private void replace(BlockEntry entry, Instant now) {
        exec.execute(() -> {
            run("delete element inet " + TABLE + " " + set(entry.ip()) + " { " + entry.ip() + " }\n", true);
            run(addScript(entry, now));
        });
    }

    @Override
    public void unblocked(String ip) {
        inner.unblocked(ip);
        exec.execute(() -> run("delete element inet " + TABLE + " " + set(ip) + " { " + ip + " }\n", true));
    }

    private boolean run(String script) {
        return run(script, false);
    }

    /**
     * Runs {@code nft -f -} with the script on stdin. {@code quiet}: a failure is expected (absent element).
     * @return whether nft applied it
     */
    private boolean run(String script, boolean quiet) {
        try {
            Process p = new ProcessBuilder(nft, "-f", "-").redirectErrorStream(true).start();
            p.getOutputStream().write(script.getBytes(StandardCharsets.US_ASCII));
            p.getOutputStream().close();
            String out = read(p.getInputStream());
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail("nft timed out after 10 s");
                return false;
            }
            if (p.exitValue() != 0) {
                if (!quiet) {
                    fail("nft exited " + p.exitValue() + ": " + out.strip());
                }
                return false;
            }
            applied.incrementAndGet();
            return true;
        } catch (IOException e) {
            fail("cannot run " + nft + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    private static String read(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        in.transferTo(b);
        return b.toString(StandardCharsets.UTF_8);
    }

    private void fail(String why) {
        failures.incrementAndGet();
        if (logged.compareAndSet(false, true)) {
            LOG.warn("blocklist enforcement: {} (logged once; further failures only counted)", why);
        }
    }

    /** The table and drop rules are in place and no nft run has failed since start. */
    boolean active() {
        return tableReady.get() && failures.get() == 0;
    }

    long failures() {
        return failures.get();
    }

    long applied() {
        return applied.get();
    }

    /** Waits (bounded) for queued nft commands. */
    @Override
    public void close() throws InterruptedException {
        exec.shutdown();
        exec.awaitTermination(15, TimeUnit.SECONDS);
    }
}
