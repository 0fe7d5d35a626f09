package io.impacketsensor.core.flow;

import io.impacketsensor.core.event.Transport;
import io.impacketsensor.core.spi.CounterVisitor;
import io.impacketsensor.core.wire.ProbeResult;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A test analyzer factory: claims the given ports (or probes any port), matches when a direction's
 * first bytes start with {@code magic} (NEED_MORE while they could still), and creates analyzers
 * that record, per direction, the bytes and gaps they receive: "abc[gap 5]def".
 */
final class RecordingFactory implements AnalyzerFactory {
    final String name;
    final int[] ports;
    final boolean anyPort;
    final String magic;
    final List<Recorder> created = new ArrayList<>();
    int probes;
    /** When set, onData throws once the recorded bytes of a direction reach this many. */
    int throwAfter = -1;
    /** The recorder's onGap throws (after logging the gap). */
    boolean throwOnGap;
    /** When set, onData returns false once the recorded bytes of a direction reach this many. */
    int stopAfter = -1;
    /** When set, the magic is also looked for in replies (a protocol whose answers have its header). */
    boolean eitherDirection;

    RecordingFactory(String name, String magic, boolean anyPort, int... ports) {
        this.name = name;
        this.magic = magic;
        this.anyPort = anyPort;
        this.ports = ports;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean wantsPort(Transport transport, int serverPort) {
        for (int p : ports) {
            if (p == serverPort) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean probesAnyPort() {
        return anyPort;
    }

    @Override
    public ProbeResult probe(Transport transport, Direction dir, byte[] buf, int off, int len) {
        probes++;
        if (magic.isEmpty()) {
            return ProbeResult.MATCH;
        }
        if (dir == Direction.TO_CLIENT && !eitherDirection) {
            // The magic is what a client sends first; replies alone decide nothing.
            return ProbeResult.NEED_MORE;
        }
        byte[] m = magic.getBytes(StandardCharsets.ISO_8859_1);
        int n = Math.min(len, m.length);
        for (int i = 0; i < n; i++) {
            if (buf[off + i] != m[i]) {
                return ProbeResult.NO_MATCH;
            }
        }
        return len >= m.length ? ProbeResult.MATCH : ProbeResult.NEED_MORE;
    }

    @Override
    public FlowAnalyzer create(FlowContext ctx) {
        Recorder r = new Recorder(this, ctx);
        created.add(r);
        return r;
    }

    @Override
    public void reportCounters(CounterVisitor visitor) {
        visitor.counter("proto." + name + ".flows", created.size());
    }

    Recorder only() {
        if (created.size() != 1) {
            throw new AssertionError("expected one analyzer, got " + created.size());
        }
        return created.get(0);
    }

    static final class Recorder implements FlowAnalyzer {
        final RecordingFactory factory;
        final FlowContext ctx;
        final long flowId;
        final StringBuilder toServer = new StringBuilder();
        final StringBuilder toClient = new StringBuilder();
        /** Both directions in delivery order: {@code >data} to the server, {@code <data} to the client. */
        final StringBuilder both = new StringBuilder();
        final int[] bytes = new int[2];
        int closes;

        Recorder(RecordingFactory factory, FlowContext ctx) {
            this.factory = factory;
            this.ctx = ctx;
            this.flowId = ctx.flowId();
        }

        StringBuilder log(Direction d) {
            return d == Direction.TO_SERVER ? toServer : toClient;
        }

        @Override
        public boolean onData(Direction dir, byte[] buf, int off, int len) {
            if (closes > 0) {
                throw new AssertionError("data after close");
            }
            log(dir).append(new String(buf, off, len, StandardCharsets.ISO_8859_1));
            both.append(dir == Direction.TO_SERVER ? '>' : '<').append(new String(buf, off, len, StandardCharsets.ISO_8859_1));
            bytes[dir.ordinal()] += len;
            if (factory.throwAfter >= 0 && bytes[dir.ordinal()] >= factory.throwAfter) {
                throw new IllegalStateException("test analyzer bug");
            }
            return factory.stopAfter < 0 || bytes[dir.ordinal()] < factory.stopAfter;
        }

        @Override
        public boolean onGap(Direction dir, long len) {
            log(dir).append("[gap ").append(len).append(']');
            if (factory.throwOnGap) {
                throw new IllegalStateException("test analyzer bug in onGap");
            }
            return true;
        }

        @Override
        public void onClose() {
            closes++;
        }
    }
}
