package io.impacketsensor.decoders.dcerpc;

import io.impacketsensor.core.event.DcerpcEvent.InterfaceSource;
import io.impacketsensor.core.flow.FlowContext;
import io.impacketsensor.core.flow.PduBuffer;
import io.impacketsensor.core.wire.Bytes;

import java.util.UUID;

/**
 * The request or response being reassembled in one direction (C706 12.6.3.1: PFC_FIRST_FRAG ..
 * PFC_LAST_FRAG, fragments of one call are sent in order). Counts fragments and stub bytes; keeps
 * the stub only when it will be decoded and fits {@link DcerpcLimits#maxStubDecodeBytes()}; keeps
 * the last four stub bytes of every call (the return status of a cleartext response).
 */
final class CallAssembly {
    boolean active;
    int callId;
    int contextId;
    int opnum;
    int ifaceIndex;
    UUID uuid;
    /** How {@link #uuid} was found (null while it is null). */
    InterfaceSource source;
    UUID objectUuid;
    /** The DCOM class of the object the request's IPID belongs to, when known. */
    UUID clsid;
    /** The request carried an object UUID (an ORPC call; for a response: its request did). */
    boolean orpc;
    boolean sealed;
    boolean decode;
    /**
     * The stub is kept although the interface is unknown (a context whose BIND was not seen): decoded
     * only if {@link OpnumInference} names an operation the decoders read.
     */
    boolean speculative;
    /** The context's transfer syntax is NDR64 (MS-RPCE 2.2.5): the stub is decoded by the NDR64 readers. */
    boolean ndr64;
    int authType;
    int authLevel;
    int fragments;
    long total;
    /**
     * The fragments' bytes after the common header (16 bytes, C706 12.6.3.1) and, for a request,
     * after alloc_hint, p_cont_id and opnum: what Suricata reports as stub_data_size.
     */
    long body;
    /** Slot in the call table of the request a response answers, or -1. */
    int callSlot;

    private FlowContext ctx;
    /**
     * The stub of a call that is decoded, gathered over its fragments; made when the first such
     * call starts (most associations, and every flow only probed, never decode a stub).
     */
    private PduBuffer stub;
    private final byte[] tail = new byte[4];
    private int tailLength;

    /** @param ctx the flow whose buffer budget the stub buffer is charged to */
    CallAssembly(FlowContext ctx) {
        this.ctx = ctx;
    }

    /**
     * A call in one fragment (PFC_FIRST_FRAG and PFC_LAST_FRAG, C706 12.6.3.1), most calls: its stub
     * is decoded where it lies in the PDU, which is whole and untouched until the call is ended.
     */
    private byte[] inPlace;
    private int inPlaceOff;
    private int inPlaceLen;

    /** The stub to decode is {@code stubArray()[stubOffset(), stubOffset() + stubLength())}. */
    byte[] stubArray() {
        if (inPlace != null) {
            return inPlace;
        }
        return stub == null ? io.impacketsensor.core.wire.Bytes.EMPTY : stub.array();
    }

    int stubOffset() {
        return inPlace != null ? inPlaceOff : 0;
    }

    int stubLength() {
        if (inPlace != null) {
            return inPlaceLen;
        }
        return stub == null ? 0 : stub.length();
    }

    /**
     * The whole stub of a one-fragment call: as {@link #append} of it, but kept as a view of
     * {@code b}, valid until the call is ended (the caller ends it before it returns).
     */
    boolean whole(byte[] b, int off, int len, int maxDecode) {
        keepTail(b, off, len);
        if (!decode) {
            return true;
        }
        if (len > maxDecode) {
            decode = false;
            return false;
        }
        inPlace = b;
        inPlaceOff = off;
        inPlaceLen = len;
        return true;
    }

    /** Lets go of a one-fragment stub's view (the call was ended). */
    void endView() {
        inPlace = null;
    }

    /**
     * For a new association on {@code ctx} (after {@link #release}): as a new assembly. The stub
     * buffer was charged to the old flow's budget and is made again when a call needs it.
     */
    void reuse(FlowContext ctx) {
        this.ctx = ctx;
        stub = null;
        inPlace = null;
        inPlaceOff = 0;
        inPlaceLen = 0;
        tailLength = 0;
        java.util.Arrays.fill(tail, (byte) 0);
        active = false;
        callId = 0;
        contextId = 0;
        opnum = 0;
        ifaceIndex = 0;
        uuid = null;
        source = null;
        objectUuid = null;
        clsid = null;
        orpc = false;
        sealed = false;
        decode = false;
        speculative = false;
        ndr64 = false;
        authType = 0;
        authLevel = 0;
        fragments = 0;
        total = 0;
        body = 0;
        callSlot = 0;
    }

    /** Gives the stub buffer back to the budget (the association ends). */
    void release() {
        if (stub != null) {
            stub.release();
        }
    }

    void start(int callId, int contextId, int opnum) {
        this.active = true;
        this.callId = callId;
        this.contextId = contextId;
        this.opnum = opnum;
        this.ifaceIndex = -1;
        this.uuid = null;
        this.source = null;
        this.objectUuid = null;
        this.clsid = null;
        this.orpc = false;
        this.sealed = false;
        this.decode = false;
        this.speculative = false;
        this.ndr64 = false;
        this.authType = 0;
        this.authLevel = 0;
        this.fragments = 0;
        this.total = 0;
        this.body = 0;
        this.callSlot = -1;
        if (stub != null) {
            stub.clear();
        }
        this.inPlace = null;
        this.tailLength = 0;
    }

    void reset() {
        active = false;
        uuid = null;
        objectUuid = null;
    }

    /**
     * Appends one fragment's stub. Returns false when the stub no longer fits the decode buffer
     * (decoding is then abandoned for this call, the bytes are only counted).
     */
    boolean append(byte[] b, int off, int len, int maxDecode) {
        keepTail(b, off, len);
        if (!decode) {
            return true;
        }
        if (stubLength() + len > maxDecode) {
            decode = false;
            return false;
        }
        if (stub == null) {
            stub = new PduBuffer(ctx, "dcerpc stub", this::dropStub);
        }
        // Grown only for calls that are decoded; bounded by maxDecode and the worker's budget.
        return stub.append(b, off, len, 256, maxDecode);
    }

    private void keepTail(byte[] b, int off, int len) {
        if (len >= 4) {
            // Four bytes or more: the window is their last four, whatever it held before.
            int at = off + len - 4;
            tail[0] = b[at];
            tail[1] = b[at + 1];
            tail[2] = b[at + 2];
            tail[3] = b[at + 3];
            tailLength = 4;
            return;
        }
        for (int i = 0; i < len; i++) {
            if (tailLength == 4) {
                System.arraycopy(tail, 1, tail, 0, 3);
                tailLength = 3;
            }
            tail[tailLength++] = b[off + i];
        }
    }

    /**
     * The worker's buffer budget takes the stub buffer back: this call is reported without its
     * decoded arguments (as when its stub is over {@code maxDecode}). What is lost is the call
     * being decoded, whether or not its stub had bytes yet, so {@code held} is not what decides.
     */
    boolean dropStub(boolean held) {
        boolean lost = active && decode;
        decode = false;
        return lost;
    }

    /** The last four stub bytes as a little-endian status, or -1 when the stub is shorter. */
    long tailStatus() {
        if (tailLength < 4) {
            return -1;
        }
        return Bytes.u32le(tail, 0);
    }
}
