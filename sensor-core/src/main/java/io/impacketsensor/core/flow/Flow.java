package io.impacketsensor.core.flow;

/**
 * The state of one flow (a 5-tuple connection, both directions). Instances live in the
 * {@link FlowTable}'s slots and are reused for later flows, so nothing is allocated per flow in
 * steady state. Arrays indexed by direction use {@link Direction#ordinal()}: 0 to the server,
 * 1 to the client.
 *
 * <p>The key is canonical: endpoint A is the lower of the two (address, port) pairs, so both
 * directions find the same flow. {@link #clientIsA} says which endpoint is the client.
 */
final class Flow {
    static final int DIR_TO_SERVER = 0;
    static final int DIR_TO_CLIENT = 1;

    /** TCP: seen from one side only (a SYN, a scan, half a mid-stream pickup). */
    static final int TCP_NEW = 0;
    /** TCP: packets seen from both sides. */
    static final int TCP_ESTABLISHED = 1;
    /** TCP: closed by RST or by a FIN in both directions; kept so late packets are not a new flow. */
    static final int TCP_CLOSED = 2;
    static final int UDP = 3;

    /** No analyzer: the flow is only counted, its payload is not reassembled. */
    static final int MODE_NONE = 0;
    /** Payload is buffered while candidate analyzers probe it. */
    static final int MODE_PROBING = 1;
    /** An analyzer receives the payload. */
    static final int MODE_ANALYZER = 2;

    final int slot;
    final FlowContextImpl ctx;

    long id;
    int ipVersion;
    long aHi;
    long aLo;
    long bHi;
    long bLo;
    int aPort;
    int bPort;
    int proto;
    boolean clientIsA;
    int state;
    long firstSeen;
    long lastSeen;
    /** Set when the analyzer was told the flow closed (onClose is called once). */
    boolean closed;

    // TCP per direction.
    final boolean[] seen = new boolean[2];
    /** True once the next expected sequence number is known. */
    final boolean[] seqKnown = new boolean[2];
    final int[] nextSeq = new int[2];
    /** The first sequence number seen in this direction (SYN's ISN, or the first segment's). */
    final int[] baseSeq = new int[2];
    final boolean[] synSeen = new boolean[2];
    final boolean[] finSeen = new boolean[2];
    final int[] finSeq = new int[2];
    final boolean[] finDone = new boolean[2];
    final SegmentBuffer[] ooo = new SegmentBuffer[2];
    /**
     * Per direction: no packet of it was seen and data of the other direction already waited in
     * vain for bytes of it (a copy holding one side only), so nothing waits for it any more.
     */
    final boolean[] unheard = new boolean[2];
    /**
     * Per direction: segments of the flow left before the bytes missing below a FIN the peer
     * acknowledged become a gap (0: no such wait). A reordering copy can deliver the FIN and its
     * acknowledgement before the last requests.
     */
    final int[] finHoleWait = new int[2];
    /**
     * Per direction, before its start is known: the lowest sequence number of its bare ACKs
     * ({@link #bareSeen}), a lower bound of where its data starts.
     */
    final int[] bareSeq = new int[2];
    final boolean[] bareSeen = new boolean[2];
    /**
     * A reset overtook bytes sent before it: the flow closes when they are in or at
     * {@link #rstDeadline} (TcpReassembler); the reset's direction and sequence number.
     */
    boolean rstWait;
    long rstDeadline;
    int rstDir;
    int rstSeq;
    /**
     * Per direction ({@link #DUP_STRIDE} longs from {@code dir * DUP_STRIDE}), the last frame's
     * signature (checksum, IPv4 id, length; {@link #DUP_SIG}), its TCP sequence and
     * acknowledgement numbers ({@link #DUP_SEQ_ACK}: sequence in the high half) and its time
     * ({@link #DUP_TS}), to recognise SPAN duplicates. One array read on every frame rather than
     * four.
     */
    final long[] dup = new long[2 * DUP_STRIDE];
    static final int DUP_STRIDE = 3;
    static final int DUP_SIG = 0;
    static final int DUP_SEQ_ACK = 1;
    static final int DUP_TS = 2;

    // Analysis.
    int mode;
    FlowAnalyzer analyzer;
    int analyzerFactory;
    long portCandidates;
    long anyPortCandidates;
    /**
     * Per direction, the candidates (factory bits) that answered NO_MATCH to the first bytes of a
     * direction picked up without its SYN: mid-stream, those bytes may be the tail of a message, so
     * the candidate still probes the other direction (AnalyzerRegistry).
     */
    final long[] rejected = new long[2];
    ProbeBuffer probe;
    /** Accounts of this flow's buffers with bytes charged to the worker's {@link BufferBudget}. */
    BufferBudget.Account budgetAccounts;
    /**
     * Per direction, bytes handed to the attached analyzer so far (data and gaps): the stream
     * offset an analyzer-exception anomaly names.
     */
    final long[] analyzed = new long[2];
    /** Which packet acknowledges the data of this flow's events (protocol records' pcap_cnt). */
    final AckWatch acks = new AckWatch();

    Flow(int slot, FlowContextImpl ctx) {
        this.slot = slot;
        this.ctx = ctx;
        ctx.flow = this;
    }

    /** Resets every field for a new flow in this slot. */
    void init(long id, int ipVersion, long aHi, long aLo, int aPort, long bHi, long bLo, int bPort, int proto, long now) {
        this.id = id;
        this.ipVersion = ipVersion;
        this.aHi = aHi;
        this.aLo = aLo;
        this.aPort = aPort;
        this.bHi = bHi;
        this.bLo = bLo;
        this.bPort = bPort;
        this.proto = proto;
        this.clientIsA = true;
        this.state = proto == 17 ? UDP : TCP_NEW;
        this.firstSeen = now;
        this.lastSeen = now;
        this.closed = false;
        for (int d = 0; d < 2; d++) {
            seen[d] = false;
            seqKnown[d] = false;
            nextSeq[d] = 0;
            baseSeq[d] = 0;
            synSeen[d] = false;
            finSeen[d] = false;
            finSeq[d] = 0;
            finDone[d] = false;
            ooo[d] = null;
            unheard[d] = false;
            finHoleWait[d] = 0;
            bareSeen[d] = false;
            dup[d * DUP_STRIDE + DUP_SIG] = -1;
            dup[d * DUP_STRIDE + DUP_SEQ_ACK] = 0;
            dup[d * DUP_STRIDE + DUP_TS] = 0;
        }
        rstWait = false;
        mode = MODE_NONE;
        analyzer = null;
        analyzerFactory = -1;
        portCandidates = 0;
        anyPortCandidates = 0;
        rejected[0] = 0;
        rejected[1] = 0;
        probe = null;
        analyzed[0] = 0;
        analyzed[1] = 0;
        acks.reset();
    }

    int clientPort() {
        return clientIsA ? aPort : bPort;
    }

    int serverPort() {
        return clientIsA ? bPort : aPort;
    }

    /** Direction of a packet whose source is endpoint A ({@code fromA}) or B. */
    int dirFrom(boolean fromA) {
        return fromA == clientIsA ? DIR_TO_SERVER : DIR_TO_CLIENT;
    }

    boolean isTcp() {
        return proto == 6;
    }
}
