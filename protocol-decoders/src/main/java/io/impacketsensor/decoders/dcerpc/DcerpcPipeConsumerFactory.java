package io.impacketsensor.decoders.dcerpc;

import io.impacketsensor.core.flow.Direction;
import io.impacketsensor.core.flow.FlowContext;
import io.impacketsensor.core.wire.ProbeResult;
import io.impacketsensor.decoders.dcerpc.dcom.DcomObjects;
import io.impacketsensor.decoders.token.TokenDecoder;
import io.impacketsensor.decoders.pipe.PipeConsumer;
import io.impacketsensor.decoders.pipe.PipeConsumerFactory;

/**
 * DCE/RPC over SMB2 named pipes (MS-RPCE 2.1.1.2, ncacn_np). Every pipe is offered; the first
 * bytes the client writes must pass the header probe, otherwise the pipe is not DCE/RPC (psexec's
 * {@code RemCom_communicaton}, its stdin/stdout pipes) and is dropped quietly, without an anomaly.
 */
public final class DcerpcPipeConsumerFactory implements PipeConsumerFactory {
    private final DcerpcLimits limits;
    private final DcerpcCounters counters;
    private final TokenDecoder tokens;
    private final DcomObjects dcom;
    private final AssociationTables.Pool tables;

    DcerpcPipeConsumerFactory(DcerpcLimits limits, DcerpcCounters counters, TokenDecoder tokens, DcomObjects dcom,
                              AssociationTables.Pool tables) {
        this.tables = tables;
        this.limits = limits;
        this.counters = counters;
        this.tokens = tokens;
        this.dcom = dcom;
    }

    @Override
    public PipeConsumer open(FlowContext ctx, String pipeName, long sessionId, int treeId) {
        DcerpcAnalyzer kept = tables.analyzer(ctx, pipeName);
        return new Pipe(kept != null ? kept : new DcerpcAnalyzer(ctx, pipeName, limits, counters, tokens, dcom, tables));
    }

    /** Adapts the analyzer to the pipe SPI and probes the pipe's first bytes. */
    private static final class Pipe implements PipeConsumer {
        private final DcerpcAnalyzer analyzer;
        /**
         * The first bytes of the pipe until the probe decides (a header may arrive a byte at a
         * time); made only then: a first write nearly always holds a whole header, probed in place.
         */
        private byte[] head;
        private int headLength;
        private boolean confirmed;
        private boolean rejected;

        Pipe(DcerpcAnalyzer analyzer) {
            this.analyzer = analyzer;
        }

        @Override
        public boolean onData(Direction dir, byte[] buf, int off, int len) {
            if (rejected) {
                return false;
            }
            if (!confirmed) {
                // A pipe whose first bytes are not a DCE/RPC header is not DCE/RPC. The bytes seen
                // while the probe needs more are kept (at most 16) so a split header still matches.
                ProbeResult r;
                if (head == null) {
                    r = DcerpcParser.probe(buf, off, Math.min(len, DcerpcParser.HEADER_LENGTH));
                    if (r == ProbeResult.NEED_MORE) {
                        head = new byte[DcerpcParser.HEADER_LENGTH];
                        headLength = Math.min(len, head.length);
                        System.arraycopy(buf, off, head, 0, headLength);
                    }
                } else {
                    int n = Math.min(len, head.length - headLength);
                    System.arraycopy(buf, off, head, headLength, n);
                    headLength += n;
                    r = DcerpcParser.probe(head, 0, headLength);
                }
                if (r == ProbeResult.NO_MATCH) {
                    rejected = true;
                    return false;
                }
                confirmed = r == ProbeResult.MATCH;
            }
            return analyzer.onData(dir, buf, off, len);
        }

        @Override
        public void onGap(Direction dir, long len) {
            analyzer.onGap(dir, len);
        }

        @Override
        public void onClose() {
            analyzer.onClose();
        }
    }
}
