package io.impacketsensor.core.flow;

import io.impacketsensor.core.wire.Bytes;

/**
 * The buffer of one direction of a flow for a PDU that arrives split across deliveries, charged to
 * the worker's {@link BufferBudget}. A PDU that a delivery holds whole is parsed in place and never
 * copied here; only the bytes of a split one are (STYLE 8).
 *
 * <p>It serves two framings:
 * <ul>
 *   <li><b>Length-first</b> (a Kerberos record mark, RFC 4120 7.2.2; an LDAP BER length, RFC 4511
 *   5.1): the PDU's size is known before its body. {@link #frame} runs the framing loop: it passes
 *   over bytes to skip, gathers the PDU being gathered and hands it over when whole, and asks the
 *   protocol's {@link Framing#header} to read the next header, which handles a whole PDU in place,
 *   {@link #start}s gathering one (exactly its size is reserved), or {@link #passOver}s one (over
 *   the decoder's length limit, or not wanted). When the budget takes back a PDU being gathered, the
 *   rest of it is passed over by its length and the next PDU read; a PDU none of whose bytes have
 *   arrived yet is not lost, it is gathered again (or handled in place) when they come.</li>
 *   <li><b>Header-first</b> (a DCE/RPC fragment, whose frag_length is in a 16-byte header, C706
 *   12.6.3.1; a DCE/RPC stub gathered over fragments): {@link #append} grows by doubling within the
 *   given bounds. When the budget takes the buffer back, the owner's {@link DropHandler}
 *   resynchronises.</li>
 * </ul>
 *
 * <p>Nothing here allocates unless the buffer must grow, and a growth first takes an array a
 * finished buffer of the same worker left ({@link BufferBudget.Account#spare}). Used on the
 * worker's thread only.
 */
public final class PduBuffer {

    /** What the owner does when the budget takes the buffer back. */
    @FunctionalInterface
    public interface DropHandler {
        /**
         * The buffer has been emptied and its array let go (a length-first PDU being gathered has
         * become bytes to pass over, {@link #skipping}). Must not call back into the budget.
         *
         * @param heldPdu the buffer held bytes of an unfinished PDU, or was growing for one
         * @return true when bytes of an unfinished PDU were lost (counted and reported as
         *         {@value BufferBudget#ANOMALY}), false when the buffer was only kept for reuse
         */
        boolean dropped(boolean heldPdu);
    }

    /** A length-first protocol's part of {@link #frame}. */
    public interface Framing {
        /**
         * Reads at {@code b[off, off+len)} ({@code len > 0}) where a PDU header starts or goes on,
         * nothing being gathered or passed over. Consumes what it reads, and may then handle a
         * whole PDU in place, {@link #start} gathering one or {@link #passOver} one.
         *
         * @return the bytes consumed (0 only after a {@code start} or {@code passOver}), or -1 to
         *         end the flow's analysis
         */
        int header(Direction dir, byte[] b, int off, int len);

        /**
         * A whole PDU at {@code b[off, off+len)}: gathered here, or found whole in a delivery.
         *
         * @return false to end the flow's analysis
         */
        boolean pdu(Direction dir, byte[] b, int off, int len);
    }

    private BufferBudget.Account account;
    private final DropHandler onDrop;
    private byte[] buf = Bytes.EMPTY;
    private int length;
    /** Size of the length-first PDU being gathered; 0 when none is. */
    private int need;
    /** Bytes of the stream still to pass over. */
    private long skip;
    /** Set while asking the budget for room: a refusal loses the PDU being gathered. */
    private boolean growing;

    /**
     * A buffer charged to the flow's budget account named {@code name} (the protocol, named in the
     * anomaly when its bytes are dropped). Create it with the analyzer, not per delivery.
     *
     * @param onDrop what the owner does when the budget takes the buffer back; null when nothing
     *               more than passing over the rest of a length-first PDU is needed
     */
    public PduBuffer(FlowContext ctx, String name, DropHandler onDrop) {
        this.onDrop = onDrop;
        this.account = ctx.bufferAccount(name, this::budgetDrop);
    }

    /** The bytes gathered so far are {@code array()[0, length())}. */
    public byte[] array() {
        return buf;
    }

    /** Bytes gathered. */
    public int length() {
        return length;
    }

    /** Bytes of the stream still to pass over. */
    public long skipping() {
        return skip;
    }

    /** The next {@code n} bytes of the stream are to be passed over (a PDU refused by its length). */
    public void passOver(long n) {
        skip = n;
    }

    /**
     * Frames delivered bytes of a length-first protocol: passes over what is to be skipped,
     * gathers the PDU being gathered and hands it to {@link Framing#pdu} when whole (in place,
     * without a copy, when none of its bytes were gathered and the delivery holds it all), and
     * otherwise lets {@link Framing#header} read.
     *
     * @return false when the framing ended the flow's analysis
     */
    public boolean frame(Direction dir, byte[] b, int off, int len, Framing framing) {
        while (len > 0) {
            int n;
            if (skip > 0) {
                n = (int) Math.min(len, skip);
                skip -= n;
            } else if (need > 0 && length == 0 && len >= need) {
                n = need;
                need = 0;
                if (!framing.pdu(dir, b, off, n)) {
                    return false;
                }
            } else if (need > 0) {
                n = fill(b, off, len);
                // n == 0: the budget refused the room, the PDU is passed over.
                if (n > 0 && need == 0 && !framing.pdu(dir, buf, 0, take())) {
                    return false;
                }
            } else {
                n = framing.header(dir, b, off, len);
                if (n < 0) {
                    return false;
                }
            }
            off += n;
            len -= n;
        }
        return true;
    }

    /**
     * Starts gathering a length-first PDU of {@code total} bytes whose first {@code prefixLen}
     * bytes, already consumed from the stream, are {@code prefix[0, prefixLen)} (a header read
     * across deliveries; 0 and null when none). The budget decides whether all {@code total} bytes
     * (the peer's word, up to the protocol's limit) may be held.
     *
     * @return false when the budget refused: the PDU's remaining {@code total - prefixLen} bytes
     *         are to be passed over ({@link #skipping}) and the anomaly was reported
     */
    public boolean start(int total, byte[] prefix, int prefixLen) {
        need = total;
        length = prefixLen;
        if (buf.length < total) {
            // A kept array up to twice the size saves allocating one; it is charged whole.
            byte[] spare = account.spare(total, total <= Integer.MAX_VALUE / 2 ? total * 2 : total);
            growing = true;
            boolean granted = account.grow(spare != null ? spare.length : total);
            growing = false;
            if (!granted) {
                if (spare != null) {
                    account.recycle(spare);
                }
                return false;
            }
            // A new PDU: nothing of the old array is kept.
            account.recycle(buf);
            buf = spare != null ? spare : new byte[total];
        }
        if (prefixLen > 0) {
            System.arraycopy(prefix, 0, buf, 0, prefixLen);
        }
        return true;
    }

    /**
     * Copies delivered bytes into the length-first PDU being gathered, reserving its size again if
     * the budget took the array back before any of its bytes came.
     *
     * @return the bytes taken (0 when the budget refused: the PDU is then passed over)
     */
    private int fill(byte[] b, int off, int len) {
        if (buf.length < need && !start(need, null, 0)) {
            return 0;
        }
        int n = Math.min(len, need - length);
        System.arraycopy(b, off, buf, length, n);
        length += n;
        account.touch();
        if (length == need) {
            need = 0;
        }
        return n;
    }

    /**
     * Appends bytes, growing by doubling: the new capacity is at least {@code length() + len}, and
     * otherwise twice the old one kept within {@code [minCapacity, maxCapacity]}.
     *
     * @return false when the budget refused the growth: the buffer was dropped through the
     *         owner's {@link DropHandler} and nothing was appended
     */
    public boolean append(byte[] b, int off, int len, int minCapacity, int maxCapacity) {
        int required = length + len;
        if (buf.length < required) {
            int cap = Math.max(required, Math.min(maxCapacity, Math.max(minCapacity, buf.length * 2)));
            byte[] spare = account.spare(cap, Math.max(cap, maxCapacity));
            growing = true;
            boolean granted = account.grow(spare != null ? spare.length : cap);
            growing = false;
            if (!granted) {
                if (spare != null) {
                    account.recycle(spare);
                }
                return false;
            }
            byte[] n = spare != null ? spare : new byte[cap];
            System.arraycopy(buf, 0, n, 0, length);
            account.recycle(buf);
            buf = n;
        }
        System.arraycopy(b, off, buf, length, len);
        length = required;
        account.touch();
        return true;
    }

    /**
     * Hands out the whole PDU: it stays in {@code array()[0, returned length)} until the buffer is
     * next written, and the buffer counts as empty (kept only for reuse).
     *
     * @return its length
     */
    public int take() {
        int n = length;
        length = 0;
        need = 0;
        return n;
    }

    /**
     * Forgets what is gathered and what is to be skipped (a gap, a resynchronisation); the array
     * is kept for the next PDU.
     */
    public void clear() {
        length = 0;
        need = 0;
        skip = 0;
    }

    /**
     * The analyzer is done: nothing stays charged to the budget, and the array is kept for the
     * worker's next buffer to grow into.
     */
    public void release() {
        account.release();
        byte[] b = buf;
        buf = Bytes.EMPTY;
        length = 0;
        need = 0;
        skip = 0;
        account.recycle(b);
    }

    /**
     * For the same protocol on a new flow's {@code ctx}, after {@link #release}: as a new buffer.
     * The released account is charged to the new flow; an analyzer kept for the worker's next flow
     * keeps its buffers, so a connection costs no new buffer and account.
     */
    public void reuse(FlowContext ctx) {
        account = ctx.bufferAccount(account);
    }

    /** {@link BufferBudget.Owner#dropBuffer} of this buffer's account. */
    private boolean budgetDrop() {
        boolean held = length > 0 || growing;
        buf = Bytes.EMPTY;
        if (held && need > 0) {
            // Length-first: the PDU's size is known, so the rest of it is passed over.
            skip = need - length;
            need = 0;
        }
        length = 0;
        return onDrop == null ? held : onDrop.dropped(held);
    }
}
