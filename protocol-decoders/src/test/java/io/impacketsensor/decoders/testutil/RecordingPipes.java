package io.impacketsensor.decoders.testutil;

import io.impacketsensor.core.flow.Direction;
import io.impacketsensor.core.flow.FlowContext;
import io.impacketsensor.decoders.pipe.PipeConsumer;
import io.impacketsensor.decoders.pipe.PipeConsumerFactory;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/** A pipe consumer factory for tests: records each pipe's two byte streams, gaps and close. */
public final class RecordingPipes implements PipeConsumerFactory {
    /** One opened pipe. */
    public static final class Pipe implements PipeConsumer {
        public final String name;
        public final ByteArrayOutputStream toServer = new ByteArrayOutputStream();
        public final ByteArrayOutputStream toClient = new ByteArrayOutputStream();
        public long gapBytes;
        public boolean closed;

        Pipe(String name) {
            this.name = name;
        }

        @Override
        public boolean onData(Direction dir, byte[] buf, int off, int len) {
            (dir == Direction.TO_SERVER ? toServer : toClient).write(buf, off, len);
            return true;
        }

        @Override
        public void onGap(Direction dir, long len) {
            gapBytes += len;
        }

        @Override
        public void onClose() {
            closed = true;
        }
    }

    public final List<Pipe> pipes = new ArrayList<>();

    @Override
    public PipeConsumer open(FlowContext ctx, String pipeName, long sessionId, int treeId) {
        Pipe p = new Pipe(pipeName);
        pipes.add(p);
        return p;
    }
}
