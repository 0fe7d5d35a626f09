package io.impacketsensor.decoders.ssrp;

import io.impacketsensor.core.wire.Bytes;
import io.impacketsensor.core.wire.ParseStatus;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The [MC-SQLR] grammar (see package-info): one request or one SVR_RESP per datagram, read in place.
 * The fields of the last call stay valid until the next; the instance names are positions in the
 * datagram, made into strings by {@code SsrpEvents} while the datagram is still at hand.
 */
public final class SsrpParser {
    static final int CLNT_BCAST_EX = 0x02;
    static final int CLNT_UCAST_EX = 0x03;
    static final int CLNT_UCAST_INST = 0x04;
    static final int CLNT_UCAST_DAC = 0x0F;
    static final int SVR_RESP = 0x05;
    /** 2.2.3, 2.2.4: INSTANCENAME is at most 32 bytes, its terminating null not counted. */
    static final int MAX_INSTANCE_NAME = 32;
    /** 2.2.5: the answer to CLNT_UCAST_DAC is 6 bytes and says so in RESP_SIZE. */
    private static final int DAC_RESPONSE = 6;
    private static final byte[] INSTANCE_NAME = "InstanceName".getBytes(StandardCharsets.US_ASCII);

    private SsrpAnomaly anomaly;

    // ---- request() results ----
    /** The request's first byte. */
    public int opcode;
    /** INSTANCENAME of CLNT_UCAST_INST / CLNT_UCAST_DAC: offset and length in the datagram, length 0 if none. */
    int nameOff;
    int nameLen;
    /** Bytes of the datagram. */
    public int length;

    // ---- response() results ----
    /** Instances the SVR_RESP lists. */
    public int instanceCount;
    /** InstanceName values kept (offset and length in the datagram), at most {@link SsrpLimits#maxInstances()}. */
    final int[] nameOffs;
    final int[] nameLens;
    int names;
    /** TCP_DAC_PORT of a DAC answer, else -1. */
    public int dacPort;
    /** The datagram of the last call. */
    byte[] buf;

    public SsrpParser(SsrpLimits limits) {
        this.nameOffs = new int[limits.maxInstances()];
        this.nameLens = new int[limits.maxInstances()];
    }

    /** Why the last call answered ERROR. */
    public SsrpAnomaly anomaly() {
        return anomaly;
    }

    /** True when {@code op} is the first byte of a client request (2.2.1-2.2.4). Used by the probe. */
    static boolean requestOpcode(int op) {
        return op == CLNT_BCAST_EX || op == CLNT_UCAST_EX || op == CLNT_UCAST_INST || op == CLNT_UCAST_DAC;
    }

    /**
     * Parses the datagram {@code b[off..off+len)}: a client's request when {@code fromClient}, else the
     * SVR_RESP to the client's request with opcode {@code requestOpcode} (-1 when it was not seen).
     */
    public ParseStatus parse(byte[] b, int off, int len, boolean fromClient, int requestOpcode) {
        return fromClient ? request(b, off, len) : response(b, off, len, requestOpcode);
    }

    /** A client datagram (2.2.1-2.2.4). */
    private ParseStatus request(byte[] b, int off, int len) {
        anomaly = null;
        buf = b;
        nameOff = 0;
        nameLen = 0;
        length = len;
        opcode = len > 0 ? b[off] & 0xFF : -1;
        switch (opcode) {
            case CLNT_BCAST_EX, CLNT_UCAST_EX -> {
                // one byte (2.2.1, 2.2.2); trailing bytes are kept visible through length, not refused
                return ParseStatus.OK;
            }
            case CLNT_UCAST_INST -> {
                return instanceName(b, off + 1, off + len);
            }
            case CLNT_UCAST_DAC -> {
                // 2.2.4: PROTOCOLVERSION (0x01), then INSTANCENAME
                if (len < 2 || b[off + 1] != 0x01) {
                    anomaly = SsrpAnomaly.BAD_PROTOCOL_VERSION;
                    return ParseStatus.ERROR;
                }
                return instanceName(b, off + 2, off + len);
            }
            default -> {
                anomaly = SsrpAnomaly.UNKNOWN_REQUEST;
                return ParseStatus.ERROR;
            }
        }
    }

    /** INSTANCENAME at {@code b[at..end)}: bytes up to a null, at most {@link #MAX_INSTANCE_NAME}. */
    private ParseStatus instanceName(byte[] b, int at, int end) {
        for (int i = at; i < end && i - at <= MAX_INSTANCE_NAME; i++) {
            if (b[i] == 0) {
                nameOff = at;
                nameLen = i - at;
                return ParseStatus.OK;
            }
        }
        anomaly = SsrpAnomaly.BAD_INSTANCE_NAME;
        return ParseStatus.ERROR;
    }

    /** A server datagram: the SVR_RESP (2.2.5) to a request with opcode {@code requestOpcode}. */
    private ParseStatus response(byte[] b, int off, int len, int requestOpcode) {
        anomaly = null;
        buf = b;
        instanceCount = 0;
        names = 0;
        dacPort = -1;
        if (len < 3 || (b[off] & 0xFF) != SVR_RESP) {
            anomaly = len > 0 && (b[off] & 0xFF) == SVR_RESP ? SsrpAnomaly.TRUNCATED : SsrpAnomaly.NOT_A_RESPONSE;
            return ParseStatus.ERROR;
        }
        int size = Bytes.u16le(b, off + 1);
        if (requestOpcode == CLNT_UCAST_DAC) {
            // 2.2.5 SVR_RESP (DAC): RESP_SIZE 0x0006 counts the whole message; PROTOCOLVERSION 1, TCP_DAC_PORT
            if (size != DAC_RESPONSE || len < DAC_RESPONSE) {
                anomaly = SsrpAnomaly.TRUNCATED;
                return ParseStatus.ERROR;
            }
            dacPort = Bytes.u16le(b, off + 4);
            return ParseStatus.OK;
        }
        if (size > len - 3) {
            anomaly = SsrpAnomaly.TRUNCATED;
            return ParseStatus.ERROR;
        }
        instances(b, off + 3, off + 3 + size);
        return ParseStatus.OK;
    }

    /**
     * RESP_DATA (2.2.5): per instance {@code key;value;} pairs ending with an empty key, so that two
     * semicolons close each instance. Counts the instances and keeps the InstanceName values.
     */
    private void instances(byte[] b, int at, int end) {
        boolean key = true;
        boolean nameValue = false;
        boolean open = false;
        int start = at;
        for (int i = at; i <= end; i++) {
            if (i < end && b[i] != ';') {
                continue;
            }
            int tokLen = i - start;
            if (key) {
                if (tokLen == 0) {
                    if (open) {
                        instanceCount++;
                        open = false;
                    }
                } else {
                    open = true;
                    nameValue = tokLen == INSTANCE_NAME.length && Arrays.equals(b, start, i, INSTANCE_NAME, 0,
                            INSTANCE_NAME.length);
                    key = false;
                }
            } else {
                if (nameValue && names < nameOffs.length) {
                    nameOffs[names] = start;
                    nameLens[names] = tokLen;
                    names++;
                }
                key = true;
            }
            start = i + 1;
        }
        if (open) {
            instanceCount++; // the last instance without its closing ";;"
        }
    }
}
