package io.impacketsensor.core.flow;

import io.impacketsensor.core.event.EventHeader;
import io.impacketsensor.core.event.EventSink;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.core.event.Transport;
import io.impacketsensor.core.spi.EventOrder;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The {@link FlowContext} of one flow slot, reused by every flow that slot holds. Addresses stay
 * primitive until {@link #header()} is called for an event; the two {@code InetAddress} objects
 * are then taken once per flow from the worker's {@link AddressCache} and, with the flow's id,
 * ports and transport, kept in one {@link EventHeader.Ends} shared by all its events' headers
 * (they are immutable), so an event's header costs a time and a reference.
 */
final class FlowContextImpl implements FlowContext {
    private final EventSink sink;
    private final Expectations expectations;
    /** The worker's buffer budget. */
    final BufferBudget budget;
    /** The pipeline's ordering (null with a plain sink): stamps expectations with their frame. */
    private final EventOrder order;
    /** The pipeline's consumer wants the acknowledging packet of each TCP event ({@link AckWatch}). */
    private final boolean ackTimed;
    Flow flow;
    /** Events emitted through this worker's contexts. */
    private final long[] emitted;
    /** The flow id {@link #ends} was made for; -1 before the first event. */
    private long endsOf = -1;
    /** The flow's ends as its roles stood when made ({@link #endsClientIsA}), shared by its headers. */
    private EventHeader.Ends ends;
    private boolean endsClientIsA;
    /** The header {@link #header()} made last, and the roles it was made with. */
    private EventHeader lastHeader;
    private boolean lastClientIsA;
    /** The worker's shared address objects. */
    private final AddressCache addresses;

    FlowContextImpl(EventSink sink, Expectations expectations, long[] emittedCounter, BufferBudget budget) {
        this(sink, expectations, emittedCounter, budget, new AddressCache());
    }

    FlowContextImpl(EventSink sink, Expectations expectations, long[] emittedCounter, BufferBudget budget,
                    AddressCache addresses) {
        this.addresses = addresses;
        this.sink = sink;
        this.budget = budget;
        this.order = sink instanceof EventOrder o ? o : null;
        this.ackTimed = order != null && order.ackTimed();
        this.expectations = expectations;
        this.emitted = emittedCounter;
    }

    @Override
    public long flowId() {
        return flow.id;
    }

    @Override
    public Transport transport() {
        return flow.proto == 17 ? Transport.UDP : Transport.TCP;
    }

    @Override
    public long timestampNanos() {
        return flow.lastSeen;
    }

    @Override
    public int serverPort() {
        return flow.serverPort();
    }

    @Override
    public int clientPort() {
        return flow.clientPort();
    }

    @Override
    public EventHeader header() {
        Flow f = flow;
        EventHeader last = lastHeader;
        // The events of one packet (a compound's responses, a bind and its first request, a
        // search and its result) share one header: it is immutable and names the same flow,
        // time and roles. Flow ids are unique within a run, so a header of the slot's previous
        // flow never matches.
        if (last != null && last.flowId() == f.id && last.timestampNanos() == f.lastSeen
                && lastClientIsA == f.clientIsA) {
            return last;
        }
        EventHeader.Ends e = ends;
        if (endsOf != f.id || endsClientIsA != f.clientIsA) {
            e = ends(f);
        }
        EventHeader h = new EventHeader(f.lastSeen, e);
        lastHeader = h;
        lastClientIsA = f.clientIsA;
        return h;
    }

    /**
     * The flow's ends for its roles as they stand, made once per flow (again only if its roles
     * turn): the addresses are taken from the worker's {@link AddressCache}.
     */
    private EventHeader.Ends ends(Flow f) {
        InetAddress a = addresses.get(f.ipVersion, f.aHi, f.aLo);
        InetAddress b = addresses.get(f.ipVersion, f.bHi, f.bLo);
        EventHeader.Ends e = f.clientIsA
                ? new EventHeader.Ends(f.id, a, f.aPort, b, f.bPort, transport())
                : new EventHeader.Ends(f.id, b, f.bPort, a, f.aPort, transport());
        ends = e;
        endsOf = f.id;
        endsClientIsA = f.clientIsA;
        return e;
    }

    @Override
    public void emit(SensorEvent event) {
        emitted[0]++;
        if (ackTimed) {
            AckWatch w = flow.acks;
            if (w.delivering >= 0 && w.deliveringAt >= 0) {
                order.acknowledgedOn(w.stampedOn());
            } else if (w.delivering >= 0) {
                w.awaiting(w.delivering, w.deliveringEnd);
                order.awaitAck(w.delivering, w.deliveringEnd);
            }
        }
        sink.accept(event);
    }

    /** The flow ended: the consumer releases the events still waiting for an acknowledgement. */
    void flowEnded() {
        if (ackTimed && flow.acks.held) {
            flow.acks.held = false;
            order.flowEnded(flow.id);
        }
    }

    @Override
    public void expect(InetAddress server, int port, String analyzerName) {
        expectations.add(server, port, analyzerName, flow.lastSeen, order != null ? order.sequence() : -1);
    }

    @Override
    public void expect(InetAddress server, int port, String analyzerName, Object detail) {
        expectations.add(server, port, analyzerName, flow.lastSeen, order != null ? order.sequence() : -1, detail);
    }

    @Override
    public Object expectedDetail() {
        Flow f = flow;
        boolean serverIsB = f.clientIsA;
        return expectations.detail(f.ipVersion, serverIsB ? f.bHi : f.aHi, serverIsB ? f.bLo : f.aLo, f.serverPort(),
                f.lastSeen, order != null ? order.sequence() : Long.MAX_VALUE);
    }

    @Override
    public long frameSequence() {
        return order != null ? order.sequence() : -1;
    }

    @Override
    public BufferBudget.Account bufferAccount(String name, BufferBudget.Owner owner) {
        return budget.account(flow, name, owner);
    }

    @Override
    public BufferBudget.Account bufferAccount(BufferBudget.Account kept) {
        return budget.account(kept, flow);
    }

    /** An {@code InetAddress} for a key address (IPv4: {@code hi == 0}, {@code lo} the address). */
    static InetAddress address(int ipVersion, long hi, long lo) {
        byte[] b;
        if (ipVersion == 4) {
            b = new byte[4];
            for (int i = 0; i < 4; i++) {
                b[i] = (byte) (lo >>> (24 - 8 * i));
            }
        } else {
            b = new byte[16];
            for (int i = 0; i < 8; i++) {
                b[i] = (byte) (hi >>> (56 - 8 * i));
                b[8 + i] = (byte) (lo >>> (56 - 8 * i));
            }
        }
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            // Only thrown for a wrong array length, which the code above rules out.
            throw new IllegalStateException(e);
        }
    }
}
