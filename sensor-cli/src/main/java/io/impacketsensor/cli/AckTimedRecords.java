package io.impacketsensor.cli;

import io.impacketsensor.core.collections.LongObjectMap;
import io.impacketsensor.core.event.PacketTiming;
import io.impacketsensor.core.event.SensorEvent;

import java.util.ArrayList;
import java.util.List;

/**
 * Holds the events of a replay's TCP flows until the packet on which Suricata in IDS mode would
 * log their transaction, so that protocol records carry Suricata's {@code pcap_cnt}: Suricata hands
 * a direction's stream data to its parsers when the other side acknowledges it ({@link PacketTiming}).
 * Only the records wait; the detection engine has seen each event when it was produced.
 *
 * <p>Per flow, events are released in the order they were produced, each once its data was
 * acknowledged (or at once when it waits for nothing): a record is written on the packet that
 * acknowledged its own PDU and every earlier PDU of the flow, which is when Suricata's transaction
 * is complete in both directions (an answer whose request fell in a gap waits for Suricata's gap,
 * the acknowledgement of data past it). A flow's end releases what is left, on the packet that
 * ended it (a RST, the last FIN) or without a packet number (an expiry, the end of input).
 *
 * <p>Bounded: at most {@link #MAX_PER_FLOW} waiting events per flow and {@link #MAX_HELD} over all
 * flows; past the first the flow's oldest is written at once on the current packet, past the
 * second every waiting event of the flow. Flows are found by their id without boxing. One instance
 * per output, called on the events thread only.
 */
final class AckTimedRecords {
    /** Waiting events of one flow (a one-way capture holds a flow's events until its end). */
    static final int MAX_PER_FLOW = 4096;
    /** Waiting events over all flows. */
    static final int MAX_HELD = 65_536;

    /** Writes one event's records with a packet number (0: none). */
    interface Output {
        void write(SensorEvent e, long packet);
    }

    /** Emptied {@link Waiting}s kept for the next flow that must wait (at most this many). */
    static final int MAX_SPARE = 1024;

    /** One flow's waiting events, a ring in production order. */
    private static final class Waiting {
        long flowId;
        SensorEvent[] events = new SensorEvent[4];
        long[] awaits = new long[4];
        int head;
        int size;

        Waiting(long flowId) {
            this.flowId = flowId;
        }

        void add(SensorEvent e, long await) {
            if (size == events.length) {
                SensorEvent[] ne = new SensorEvent[size * 2];
                long[] na = new long[size * 2];
                for (int i = 0; i < size; i++) {
                    ne[i] = events[(head + i) % size];
                    na[i] = awaits[(head + i) % size];
                }
                events = ne;
                awaits = na;
                head = 0;
            }
            int i = (head + size) % events.length;
            events[i] = e;
            awaits[i] = await;
            size++;
        }

        SensorEvent poll() {
            SensorEvent e = events[head];
            events[head] = null;
            head = (head + 1) % events.length;
            size--;
            return e;
        }
    }

    private final Output out;
    private final LongObjectMap<Waiting> flows = new LongObjectMap<>();
    /**
     * Emptied rings, reused: most events wait for one acknowledgement and their flow's ring empties
     * at once, so a ring per wait would be three objects per event written.
     */
    private final Waiting[] spare = new Waiting[MAX_SPARE];
    private int spares;
    private int held;
    private long packet;
    private long await = PacketTiming.NO_WAIT;

    AckTimedRecords(Output out) {
        this.out = out;
    }

    /** The next {@link #offer} is the event produced on {@code packet}, waiting for {@code await}. */
    void produced(long packet, long await) {
        this.packet = packet;
        this.await = await;
    }

    /** Writes the event now or holds it until its data is acknowledged. */
    void offer(SensorEvent e) {
        long flowId = e.header().flowId();
        Waiting w = flows.get(flowId);
        long await = this.await;
        if (await != PacketTiming.NO_WAIT && (await & PacketTiming.ACKED) != 0) {
            // Acknowledged already (data the reassembly held): written on that packet, unless it
            // waits behind an earlier event of the flow, which releases it.
            if (w == null) {
                out.write(e, await & ~PacketTiming.ACKED);
                return;
            }
            await = PacketTiming.NO_WAIT;
        }
        if (w == null) {
            if (await == PacketTiming.NO_WAIT) {
                out.write(e, packet);
                return;
            }
            if (spares > 0) {
                w = spare[--spares];
                spare[spares] = null;
                w.flowId = flowId;
            } else {
                w = new Waiting(flowId);
            }
            flows.put(flowId, w);
        }
        // An event that waits for nothing still keeps its place behind the flow's waiting ones.
        w.add(e, await);
        held++;
        if (held > MAX_HELD) {
            release(w, w.size, packet);
        } else if (w.size > MAX_PER_FLOW) {
            release(w, 1, packet);
        }
    }

    /** Packet {@code packet} acknowledges {@code direction}'s data of the flow up to {@code ack}. */
    void acknowledged(long flowId, int direction, int ack, long packet) {
        Waiting w = flows.get(flowId);
        if (w == null) {
            return;
        }
        int n = w.events.length;
        for (int i = 0; i < w.size; i++) {
            int j = (w.head + i) % n;
            long a = w.awaits[j];
            if (a != PacketTiming.NO_WAIT && (int) (a >>> 32) == direction && ack - (int) a >= 0) {
                w.awaits[j] = PacketTiming.NO_WAIT;
            }
        }
        int ready = 0;
        while (ready < w.size && w.awaits[(w.head + ready) % n] == PacketTiming.NO_WAIT) {
            ready++;
        }
        release(w, ready, packet);
    }

    /** The flow ended on {@code packet} (0: expiry or end of input): everything it holds is written. */
    void flowEnded(long flowId, long packet) {
        Waiting w = flows.get(flowId);
        if (w != null) {
            release(w, w.size, packet);
        }
    }

    /** End of output: every waiting event is written, without a packet number. */
    void releaseAll() {
        List<Waiting> all = new ArrayList<>(flows.size());
        flows.forEach(all::add);
        // Flow ids grow with the packet that began the flow: the flows in the order they began.
        all.sort((a, b) -> Long.compare(a.flowId, b.flowId));
        for (Waiting w : all) {
            release(w, w.size, 0);
        }
    }

    private void release(Waiting w, int count, long packet) {
        for (int i = 0; i < count; i++) {
            held--;
            out.write(w.poll(), packet);
        }
        if (w.size == 0) {
            flows.remove(w.flowId);
            if (spares < MAX_SPARE && w.events.length <= 64) {
                // Empty: every slot was cleared by poll; head wherever it stopped is a valid start.
                spare[spares++] = w;
            }
        }
    }
}
