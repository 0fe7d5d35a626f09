package io.impacketsensor.core.fuzz;

import io.impacketsensor.core.event.Transport;
import io.impacketsensor.core.flow.AnalyzerFactory;
import io.impacketsensor.core.spi.CounterVisitor;
import io.impacketsensor.core.flow.Direction;
import io.impacketsensor.core.flow.FlowAnalyzer;
import io.impacketsensor.core.flow.FlowContext;
import io.impacketsensor.core.wire.ProbeResult;

/**
 * A test analyzer factory that claims every flow and hands each analyzer's bytes to a
 * {@link Listener}: the packet-path fuzz targets check what the flow layer delivers without any
 * protocol decoder in the way.
 */
final class PassThroughFactory implements AnalyzerFactory {
    interface Listener {
        void data(FlowContext ctx, Object analyzer, Direction dir, byte[] buf, int off, int len);

        void gap(FlowContext ctx, Object analyzer, Direction dir, long len);
    }

    private final Listener listener;

    PassThroughFactory(Listener listener) {
        this.listener = listener;
    }

    @Override
    public String name() {
        return "passthrough";
    }

    @Override
    public boolean wantsPort(Transport transport, int serverPort) {
        return true;
    }

    @Override
    public ProbeResult probe(Transport transport, Direction dir, byte[] buf, int off, int len) {
        return ProbeResult.MATCH;
    }

    @Override
    public FlowAnalyzer create(FlowContext ctx) {
        return new FlowAnalyzer() {
            @Override
            public boolean onData(Direction dir, byte[] buf, int off, int len) {
                listener.data(ctx, this, dir, buf, off, len);
                return true;
            }

            @Override
            public boolean onGap(Direction dir, long len) {
                listener.gap(ctx, this, dir, len);
                return true;
            }

            @Override
            public void onClose() {
            }
        };
    }

    @Override
    public void reportCounters(CounterVisitor visitor) {
    }
}
