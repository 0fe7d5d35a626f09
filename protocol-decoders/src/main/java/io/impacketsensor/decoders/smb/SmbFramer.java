package io.impacketsensor.decoders.smb;

import io.impacketsensor.core.flow.BufferBudget;
import io.impacketsensor.core.flow.Direction;
import io.impacketsensor.core.wire.Bytes;
import io.impacketsensor.core.wire.ParseStatus;
import io.impacketsensor.decoders.smb.spi.NbssStream;


/**
 * NetBIOS session service framing of one direction (RFC 1002 4.3.1; MS-SMB2 2.1 Direct TCP):
 * a 4-byte header (type, 24-bit length) then the PDU. Only the first bytes of a PDU that the
 * analyzer asks for ({@link Handler#need}) are gathered — in place when a segment holds them, else
 * copied into a bounded buffer — and the rest is skipped by length, except a window the analyzer
 * marks with {@link #stream} (named-pipe data), which is handed over in place as it passes.
 *
 * <pre>
 *   HEADER --4 bytes--> BODY (gather need bytes) --Handler.onPdu--> SKIP (rest; stream window) --> HEADER
 *   PDU over maxPdu: SKIP all of it
 *   after a gap or an unknown NBSS type: RESYNC, scan for 00 len(3) {FE|FD|FC|FF} 'SMB' inside one segment
 * </pre>
 */
final class SmbFramer implements NbssStream {

    /** What the SMB analyzer does with PDUs. */
    interface Handler {
        /** Bytes of the PDU to gather, given at least its first min(pduLen, 64) bytes. */
        int need(byte[] b, int off, int have, int pduLen);

        /** The gathered prefix of a PDU; false stops the flow. */
        boolean onPdu(SmbFramer framer, byte[] b, int off, int len, int pduLen);

        /** Bytes of the stream window; false stops the flow. */
        boolean onStream(SmbFramer framer, byte[] b, int off, int len);

        /** Bytes of the stream window were lost. */
        void onStreamGap(SmbFramer framer, long len);

        /** The framer found a verifiable NBSS + SMB header again after a gap or bad framing. */
        void onResync(SmbFramer framer);

        /**
         * A framing error: a PDU over the size limit (its bytes are then skipped by length) or an
         * unknown NBSS type (the framer then scans for the next SMB header). Framing goes on.
         */
        void onFramingError(SmbFramer framer, SmbAnomaly anomaly, long value);
    }

    private static final int HEADER = 0;
    private static final int BODY = 1;
    private static final int SKIP = 2;
    private static final int PEEK = 64;

    private final Direction dir;
    private final Handler handler;
    private final SmbParser nbss = new SmbParser();
    private final int maxPdu;
    private final int maxBuffered;
    private final byte[] hdr = new byte[4];
    private int hdrHave;
    private int state = HEADER;
    private boolean resync;
    private int pduLen;
    private int consumed;
    private int need;
    private boolean decided;
    private byte[] acc = Bytes.EMPTY;
    private int accLen;
    /** {@link #acc}'s charge in the worker's buffer budget (set by the analyzer). */
    BufferBudget.Account account;
    /** Set while asking the budget for room: a refusal loses the PDU being gathered. */
    private boolean growing;
    private int streamStart;
    private int streamEnd;

    SmbFramer(Direction dir, Handler handler, int maxPdu, int maxBuffered) {
        this.dir = dir;
        this.handler = handler;
        this.maxPdu = maxPdu;
        this.maxBuffered = maxBuffered;
    }

    /**
     * For the next connection of a pooled analyzer, after {@link #release}: every field as the
     * constructor leaves it ({@link #account} is set by the analyzer).
     */
    void reuse() {
        hdrHave = 0;
        state = HEADER;
        resync = false;
        pduLen = 0;
        consumed = 0;
        need = 0;
        decided = false;
        acc = Bytes.EMPTY;
        accLen = 0;
        account = null;
        growing = false;
        streamStart = 0;
        streamEnd = 0;
    }

    @Override
    public Direction dir() {
        return dir;
    }

    /** Marks PDU-relative bytes {@code [start, end)} of the current PDU for {@link Handler#onStream}. */
    @Override
    public void stream(int start, int end) {
        streamStart = start;
        streamEnd = end;
    }

    boolean onData(byte[] b, int off, int len) {
        while (len > 0) {
            if (resync) {
                int at = SmbParser.findSync(b, off, len, maxPdu);
                if (at < 0) {
                    return true;
                }
                len -= at - off;
                off = at;
                resync = false;
                handler.onResync(this);
            }
            switch (state) {
                case HEADER -> {
                    int take = Math.min(4 - hdrHave, len);
                    System.arraycopy(b, off, hdr, hdrHave, take);
                    hdrHave += take;
                    off += take;
                    len -= take;
                    if (hdrHave == 4 && !startPdu()) {
                        return false;
                    }
                }
                case BODY -> {
                    int used = body(b, off, len);
                    if (used < 0) {
                        return false;
                    }
                    off += used;
                    len -= used;
                }
                default -> {
                    int take = Math.min(pduLen - consumed, len);
                    if (streamEnd > streamStart) {
                        int s = Math.max(consumed, streamStart);
                        int e = Math.min(consumed + take, streamEnd);
                        if (e > s && !handler.onStream(this, b, off + (s - consumed), e - s)) {
                            return false;
                        }
                    }
                    consumed += take;
                    off += take;
                    len -= take;
                    endIfDone();
                }
            }
        }
        return true;
    }

    /**
     * Bytes lost: inside a skipped stretch this changes nothing; otherwise the partial PDU is
     * dropped and the framer resynchronises. Returns true when a partial PDU was dropped.
     */
    boolean onGap(long len) {
        if (state == SKIP && !resync && len <= pduLen - consumed) {
            int s = Math.max(consumed, streamStart);
            long e = Math.min(consumed + len, streamEnd);
            if (e > s) {
                handler.onStreamGap(this, e - s);
            }
            consumed += (int) len;
            endIfDone();
            return false;
        }
        if (state == SKIP && streamEnd > Math.max(consumed, streamStart)) {
            handler.onStreamGap(this, streamEnd - Math.max(consumed, streamStart));
        }
        state = HEADER;
        hdrHave = 0;
        accLen = 0;
        streamStart = streamEnd = 0;
        resync = true;
        return true;
    }

    private boolean startPdu() {
        hdrHave = 0;
        if (nbss.header(hdr, 0, 4) != ParseStatus.OK) {
            handler.onFramingError(this, SmbAnomaly.NBSS_INVALID, nbss.type);
            // These four bytes are no NBSS header, so the length is meaningless: look for the next
            // SMB message as after a gap.
            resync = true;
            return true;
        }
        int length = nbss.length;
        if (!nbss.sessionMessage()) {
            // RFC 1002 4.3: session request/positive/negative/retarget responses and keep-alive (port 139).
            pduLen = length;
            consumed = 0;
            streamStart = streamEnd = 0;
            state = length == 0 ? HEADER : SKIP;
            return true;
        }
        if (length > maxPdu) {
            handler.onFramingError(this, SmbAnomaly.PDU_TOO_LARGE, length);
            // Still framed by its 24-bit length (RFC 1002 4.3.1): skipped undecoded, and the
            // PDUs after it are read, so one oversized message cannot blind the connection.
            pduLen = length;
            consumed = 0;
            streamStart = streamEnd = 0;
            state = SKIP;
            return true;
        }
        pduLen = length;
        consumed = 0;
        accLen = 0;
        decided = false;
        need = Math.min(length, PEEK);
        state = length == 0 ? HEADER : BODY;
        return true;
    }

    /** Gathers the needed prefix; returns bytes used, or -1 to stop the flow. */
    private int body(byte[] b, int off, int len) {
        if (accLen == 0 && len >= need) {
            if (!decided) {
                need = Math.max(need, Math.min(handler.need(b, off, Math.min(len, pduLen), pduLen), pduLen));
                decided = true;
            }
            if (len >= need) {
                return deliver(b, off, need) ? need : -1;
            }
        }
        int take = Math.min(need - accLen, len);
        if (acc.length < accLen + take) {
            // Grows by doubling; need is bounded by the analyzer (maxBufferedPdu or maxPipeBuffer).
            if (!grow(Math.max(accLen + take, Math.min(Math.max(512, acc.length * 2), maxBuffered)))) {
                return 0;
            }
        }
        System.arraycopy(b, off, acc, accLen, take);
        accLen += take;
        account.touch();
        if (accLen < need) {
            return take;
        }
        if (!decided) {
            decided = true;
            need = Math.max(need, Math.min(handler.need(acc, 0, accLen, pduLen), pduLen));
            if (acc.length < need && !grow(need)) {
                return take;
            }
            if (accLen < need) {
                return take;
            }
        }
        int n = accLen;
        accLen = 0;
        return deliver(acc, 0, n) ? take : -1;
    }

    /**
     * Grows {@link #acc} to {@code cap} bytes if the worker's buffer budget allows; false when it
     * refused (the partial PDU was dropped and the framer resynchronises, see {@link #dropBuffer}).
     */
    private boolean grow(int cap) {
        // An array a finished buffer of this worker left, when one fits, instead of a new one.
        byte[] spare = account.spare(cap, Math.max(cap, maxBuffered));
        growing = true;
        boolean granted = account.grow(spare != null ? spare.length : cap);
        growing = false;
        if (granted) {
            byte[] n = spare != null ? spare : new byte[cap];
            System.arraycopy(acc, 0, n, 0, accLen);
            account.recycle(acc);
            acc = n;
        } else if (spare != null) {
            account.recycle(spare);
        }
        return granted;
    }

    /**
     * The analysis ended: nothing stays charged to the budget, and the gathering array is kept
     * for another buffer of the worker to grow into.
     */
    void release() {
        account.release();
        byte[] a = acc;
        acc = Bytes.EMPTY;
        accLen = 0;
        account.recycle(a);
    }

    /**
     * The worker's buffer budget takes the gathering buffer back. A PDU prefix being gathered is
     * lost and the framer resynchronises as after a gap; returns true then.
     */
    boolean dropBuffer() {
        boolean lost = growing || (state == BODY && accLen > 0);
        acc = Bytes.EMPTY;
        accLen = 0;
        if (lost) {
            state = HEADER;
            hdrHave = 0;
            streamStart = streamEnd = 0;
            resync = true;
        }
        return lost;
    }

    private boolean deliver(byte[] b, int off, int n) {
        streamStart = streamEnd = 0;
        consumed = n;
        state = SKIP;
        boolean ok = handler.onPdu(this, b, off, n, pduLen);
        endIfDone();
        return ok;
    }

    private void endIfDone() {
        if (state == SKIP && consumed >= pduLen) {
            state = HEADER;
            hdrHave = 0;
            streamStart = streamEnd = 0;
        }
    }
}
