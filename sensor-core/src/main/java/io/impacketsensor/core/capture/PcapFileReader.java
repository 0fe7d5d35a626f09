package io.impacketsensor.core.capture;

import io.impacketsensor.core.spi.CounterVisitor;
import io.impacketsensor.core.wire.Bytes;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Reads a classic pcap or a pcapng file in pure Java (no libpcap), through a reused read buffer.
 *
 * <p>Classic pcap (tcpdump.org "pcap file format"): a 24-byte file header whose magic
 * {@code A1B2C3D4} (microsecond) or {@code A1B23C4D} (nanosecond) also gives the byte order,
 * then records of a 16-byte header ({@code ts_sec, ts_frac, incl_len, orig_len}) plus
 * {@code incl_len} bytes.
 *
 * <p>pcapng (draft-ietf-opsawg-pcapng): blocks of {@code type, total_length, body,
 * total_length}. The Section Header Block (SHB) sets the byte order of its section and forgets
 * the interfaces of the previous one; each Interface Description Block (IDB) declares a link type,
 * a snaplen and the {@code if_tsresol}/{@code if_tsoffset} options; packets come in Enhanced
 * (EPB), Simple (SPB, interface 0, no timestamp) and obsolete Packet (OPB) blocks; every other
 * block type is skipped by its length.
 *
 * <p>Damage never throws out of {@link #next}: a record or block that runs past the end of the
 * file ends the read with a "truncated" warning, one whose lengths make no sense ends it with a
 * "corrupt" warning; every packet before it has been delivered. Files of any size are read in
 * windows of {@link #DEFAULT_WINDOW} bytes, so captures over 2 GB work.
 *
 * <p>The file is read with positional reads into heap buffers rather than memory-mapped: the
 * record headers are then decoded from a {@code byte[]} and each frame can be handed on as it lies
 * (below), where a mapped buffer costs a bounds-checked accessor call per header field and a native
 * {@code Unsafe} copy per frame into a {@code byte[]}; and the process does not take a page fault
 * per mapped page nor keep the file's pages in its resident set.
 *
 * <p>Into a ring slot that allows it ({@link FrameSlot#lending()}) the frame is not copied at all:
 * the slot is pointed at the frame in the read buffer ({@link FrameSlot#lend}), and the reader
 * reads on into the next of its buffers ({@link #WINDOWS}, more while the workers hold those),
 * taking one back only once the workers have handled every frame lent from it. Copying each frame into its slot took a quarter of the capture
 * thread's CPU time; lent, the frames reach the workers straight from the buffer the kernel read
 * them into. Into any other slot the frame is copied.
 *
 * <p>{@link #next} allocates nothing per record (growing the buffer for a block larger than the
 * window aside, and growing the slot for a frame over its capacity).
 */
public final class PcapFileReader implements PacketSource {
    /**
     * Read this many bytes at a time; a record never spans two windows (the window moves to it).
     * Small enough to stay in a core's cache between the read and the frame copies that follow.
     */
    public static final int DEFAULT_WINDOW = 256 << 10;
    /**
     * Largest record accepted (libpcap's MAXIMUM_SNAPLEN). A larger length can only be damage:
     * the reader stops there.
     */
    public static final int MAX_CAPLEN = 262_144;
    /**
     * Read buffers taken in turn when frames are lent to ring slots, at first. A buffer is taken
     * back only once the workers have handled every frame lent from it; when the one next in turn
     * is still in use, the reader adds a buffer to the turn (up to {@link #MAX_WINDOWS}) rather
     * than sleeping, so the reader runs as far ahead as the ring lets it and the buffers made are
     * what the frames in the ring need (about 16 for a replay's 8,192 frames of average size).
     */
    static final int WINDOWS = 4;
    /**
     * Most read buffers in the turn (8 MB of 256 KB windows). Past it the reader waits for the
     * workers: only runs of frames far over the average size (64 KB GRO/TSO frames) get there.
     */
    static final int MAX_WINDOWS = 32;
    /** How long the reader sleeps between looks when the workers still hold a buffer it needs. */
    private static final long WINDOW_WAIT_NANOS = 50_000;
    /** Largest pcapng block accepted; a larger total length is treated as corruption. */
    static final int MAX_BLOCK = 16 << 20;
    /** More interfaces than this in one section is treated as corruption. */
    static final int MAX_INTERFACES = 4096;
    /** Warnings kept (each is one line); later ones are only counted. */
    static final int MAX_WARNINGS = 32;

    private static final int MAGIC_USEC = 0xA1B2C3D4;
    private static final int MAGIC_NSEC = 0xA1B23C4D;
    private static final int MAGIC_USEC_SWAPPED = 0xD4C3B2A1;
    private static final int MAGIC_NSEC_SWAPPED = 0x4D3CB2A1;
    private static final int NG_SHB = 0x0A0D0D0A;
    private static final int NG_BOM = 0x1A2B3C4D;
    private static final int NG_BOM_SWAPPED = 0x4D3C2B1A;
    private static final int NG_IDB = 1;
    private static final int NG_OPB = 2;
    private static final int NG_SPB = 3;
    private static final int NG_EPB = 6;
    private static final int OPT_ENDOFOPT = 0;
    private static final int OPT_IF_TSRESOL = 9;
    private static final int OPT_IF_TSOFFSET = 14;

    private final String name;
    private final FileChannel channel;
    private final long fileSize;
    private final int windowSize;
    private final boolean pcapng;

    /** File bytes {@code [windowBase, windowBase + windowLen)}: {@code buffers[current]}. */
    private byte[] window;
    /** Wraps {@link #window} for the channel's reads. */
    private ByteBuffer windowIo;
    /**
     * The read buffers, {@code [0, windows)} in turn (only the first is used until a frame is
     * lent), made as first needed.
     */
    private final byte[][] buffers = new byte[MAX_WINDOWS][];
    private final ByteBuffer[] buffersIo = new ByteBuffer[MAX_WINDOWS];
    /** The last ring sequence each buffer lent a frame to (-1: none). */
    private final long[] lentTo = new long[MAX_WINDOWS];
    /** Buffers in the turn: {@link #WINDOWS}, more while the workers hold those (up to {@link #MAX_WINDOWS}). */
    private int windows = WINDOWS;
    private int current;
    /** The ring frames were lent to; null until the first lend. */
    private FrameSlot.Consumption ring;
    private long windowBase;
    private int windowLen;
    private ByteOrder order;
    /** {@link #order} is big-endian (the order of the current section or file). */
    private boolean big;
    private long pos;
    private boolean done;
    /** Set from another thread (SIGINT): stop at the next record. */
    private volatile boolean stopRequested;
    private String failure;

    // classic pcap
    private int classicLinkType;
    private int classicSnaplen;
    private int classicFracToNanos;

    // pcapng interfaces of the current section
    private int ifCount;
    private int[] ifLinkType = new int[4];
    private int[] ifSnaplen = new int[4];
    /** > 0: binary resolution 2^-n; <= 0: decimal resolution 10^(ifTsExp). */
    private int[] ifTsBinaryShift = new int[4];
    private long[] ifTsMul = new long[4];
    private long[] ifTsDiv = new long[4];
    private long[] ifTsOffsetNanos = new long[4];
    private long lastTsNanos;

    private long records;
    private long bytes;
    private long truncatedRecords;
    private long corruptBlocks;
    private long overSnaplenRecords;
    private long zeroLengthRecords;
    private long skippedBlocks;
    private final List<String> warnings = new ArrayList<>();
    private long droppedWarnings;

    private PcapFileReader(String name, FileChannel channel, long fileSize, int windowSize, boolean pcapng) {
        this.name = name;
        this.channel = channel;
        this.fileSize = fileSize;
        this.windowSize = windowSize;
        this.pcapng = pcapng;
        java.util.Arrays.fill(lentTo, -1L);
    }

    /**
     * Opens a capture file and checks its header.
     *
     * @throws PcapFormatException (one line naming the file) when it is missing, unreadable,
     *                             empty, or neither pcap nor pcapng
     */
    public static PcapFileReader open(Path file) throws PcapFormatException {
        return open(file, DEFAULT_WINDOW);
    }

    /** As {@link #open(Path)} with a given mapping window (tests use tiny windows). */
    static PcapFileReader open(Path file, int windowSize) throws PcapFormatException {
        String name = file.toString();
        if (Files.isDirectory(file)) {
            throw new PcapFormatException(name + ": is a directory, not a capture file");
        }
        // Files are read up to the size they have at open; a FIFO or a device has no size (and opening a FIFO
        // without a writer would block), so say what it is rather than "empty file".
        if (Files.exists(file) && !Files.isRegularFile(file)) {
            throw new PcapFormatException(name + ": not a regular file (a FIFO or device); "
                    + "give a capture file, or capture with 'live'");
        }
        FileChannel ch;
        long size;
        try {
            ch = FileChannel.open(file, StandardOpenOption.READ);
            size = ch.size();
        } catch (NoSuchFileException e) {
            throw new PcapFormatException(name + ": no such file");
        } catch (AccessDeniedException e) {
            throw new PcapFormatException(name + ": permission denied");
        } catch (IOException e) {
            throw new PcapFormatException(name + ": cannot read (" + e.getMessage() + ")");
        }
        try {
            return openChannel(name, ch, size, Math.max(windowSize, 4096));
        } catch (PcapFormatException | RuntimeException e) {
            closeQuietly(ch);
            throw e;
        }
    }

    private static PcapFormatException notCapture(String name, String why) {
        return new PcapFormatException(name + ": not a pcap or pcapng file (" + why + ")");
    }

    private static PcapFileReader openChannel(String name, FileChannel ch, long size, int windowSize)
            throws PcapFormatException {
        if (size == 0) {
            throw notCapture(name, "empty file");
        }
        if (size < 4) {
            throw notCapture(name, "only " + size + " bytes");
        }
        PcapFileReader r;
        try {
            ByteBuffer head = ByteBuffer.allocate((int) Math.min(size, 32));
            while (head.hasRemaining()) {
                if (ch.read(head, head.position()) < 0) {
                    throw new PcapFormatException(name + ": cannot read (the file ended before its size " + size + ")");
                }
            }
            head.order(ByteOrder.BIG_ENDIAN);
            int magic = head.getInt(0);
            if (magic == NG_SHB) {
                if (size < 28) {
                    throw notCapture(name, "pcapng section header truncated at byte " + size);
                }
                int bom = head.getInt(8);
                if (bom != NG_BOM && bom != NG_BOM_SWAPPED) {
                    throw notCapture(name, String.format("bad pcapng byte-order magic 0x%08x", bom));
                }
                r = new PcapFileReader(name, ch, size, windowSize, true);
                r.setOrder(bom == NG_BOM ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
                r.pos = 0;
                return r;
            }
            ByteOrder order;
            int fracToNanos;
            if (magic == MAGIC_USEC || magic == MAGIC_NSEC) {
                order = ByteOrder.BIG_ENDIAN;
                fracToNanos = magic == MAGIC_USEC ? 1000 : 1;
            } else if (magic == MAGIC_USEC_SWAPPED || magic == MAGIC_NSEC_SWAPPED) {
                order = ByteOrder.LITTLE_ENDIAN;
                fracToNanos = magic == MAGIC_USEC_SWAPPED ? 1000 : 1;
            } else {
                throw notCapture(name, String.format("unknown magic 0x%08x", magic));
            }
            if (size < 24) {
                throw notCapture(name, "pcap file header truncated at byte " + size);
            }
            head.order(order);
            int major = head.getShort(4) & 0xFFFF;
            if (major != 2) {
                throw notCapture(name, "unsupported pcap version " + major);
            }
            r = new PcapFileReader(name, ch, size, windowSize, false);
            r.setOrder(order);
            r.classicSnaplen = head.getInt(16);
            // Upper bits of the link-type field carry FCS information (pcap spec, LinkType field).
            r.classicLinkType = head.getInt(20) & 0xFFFF;
            r.classicFracToNanos = fracToNanos;
            r.pos = 24;
            return r;
        } catch (IOException e) {
            throw new PcapFormatException(name + ": cannot read (" + e.getMessage() + ")");
        }
    }

    /**
     * Reads the next packet into {@code into}.
     *
     * @return false at the end of the file, or where damage ends it (see {@link #warnings()})
     */
    public boolean next(FrameSlot into) {
        if (done || stopRequested) {
            return false;
        }
        boolean ok = pcapng ? nextNg(into) : nextClassic(into);
        if (!ok) {
            done = true;
            releaseBuffers();
            return false;
        }
        records++;
        bytes += into.caplen;
        if (into.caplen == 0) {
            zeroLengthRecords++;
        }
        into.kind = FrameSlot.KIND_FRAME;
        return true;
    }

    @Override
    public int read(FrameSlot into) {
        return next(into) ? FRAME : (failure != null ? ERROR : END);
    }

    private boolean nextClassic(FrameSlot into) {
        if (pos == fileSize) {
            return false;
        }
        // The window test is made here, not in a call: nearly every record lies in the window.
        if (pos + 16 > windowBase + windowLen && !ensure(pos, 16)) {
            return truncated("last record header truncated at byte " + pos);
        }
        int at = (int) (pos - windowBase);
        long sec = i32(at) & 0xFFFFFFFFL;
        long frac = i32(at + 4) & 0xFFFFFFFFL;
        int incl = i32(at + 8);
        int orig = i32(at + 12);
        if (incl < 0 || incl > MAX_CAPLEN) {
            return corrupt("record at byte " + pos + " claims " + (incl & 0xFFFFFFFFL)
                    + " captured bytes (over " + MAX_CAPLEN + "): not a record header, stopping");
        }
        if (incl > classicSnaplen && classicSnaplen > 0) {
            overSnaplen(incl, classicSnaplen);
        }
        long dataPos = pos + 16;
        if (dataPos + incl > windowBase + windowLen && !ensure(dataPos, incl)) {
            return truncated("last record truncated at byte " + pos + " (needs " + (16L + incl)
                    + " bytes, " + (fileSize - pos) + " left)");
        }
        copy(into, dataPos, incl);
        into.wirelen = orig;
        into.tsNanos = sec * 1_000_000_000L + frac * classicFracToNanos;
        into.linkType = classicLinkType;
        into.interfaceId = 0;
        pos = dataPos + incl;
        return true;
    }

    private boolean nextNg(FrameSlot into) {
        while (true) {
            if (pos == fileSize) {
                return false;
            }
            if (!ensure(pos, 8)) {
                return truncated("last block header truncated at byte " + pos);
            }
            int at = (int) (pos - windowBase);
            int type = i32(at);
            if (type == NG_SHB) {
                // A new section may switch byte order: the byte-order magic decides (pcapng 4.1).
                if (!ensure(pos, 12)) {
                    return truncated("last section header truncated at byte " + pos);
                }
                at = (int) (pos - windowBase);
                int bom = i32be(at + 8);
                if (bom == NG_BOM) {
                    setOrder(ByteOrder.BIG_ENDIAN);
                } else if (bom == NG_BOM_SWAPPED) {
                    setOrder(ByteOrder.LITTLE_ENDIAN);
                } else {
                    return corrupt("section header at byte " + pos + " has a bad byte-order magic");
                }
            }
            long len = i32(at + 4) & 0xFFFFFFFFL;
            if (len < 12 || (len & 3) != 0 || len > MAX_BLOCK) {
                return corrupt("block at byte " + pos + " has an invalid length " + len + ", stopping");
            }
            if (pos + len > fileSize) {
                return truncated("last block truncated at byte " + pos + " (needs " + len + " bytes, "
                        + (fileSize - pos) + " left)");
            }
            if (!ensure(pos, (int) len)) {
                return fail("cannot read bytes " + pos + ".." + (pos + len));
            }
            at = (int) (pos - windowBase);
            int blockLen = (int) len;
            if (i32(at + blockLen - 4) != blockLen) {
                return corrupt("block at byte " + pos + " has a trailing length different from its leading "
                        + "length " + len + ", stopping");
            }
            boolean frame;
            switch (type) {
                case NG_SHB -> {
                    if (!sectionHeader(at, blockLen)) {
                        return false;
                    }
                    frame = false;
                }
                case NG_IDB -> {
                    if (!interfaceDescription(at, blockLen)) {
                        return false;
                    }
                    frame = false;
                }
                case NG_EPB, NG_OPB -> {
                    if (!packetBlock(into, at, blockLen, type == NG_OPB)) {
                        return false;
                    }
                    frame = true;
                }
                case NG_SPB -> {
                    if (!simplePacket(into, at, blockLen)) {
                        return false;
                    }
                    frame = true;
                }
                default -> {
                    skippedBlocks++;
                    frame = false;
                }
            }
            pos += len;
            if (frame) {
                return true;
            }
        }
    }

    private boolean sectionHeader(int at, int len) {
        if (len < 28) {
            return corrupt("section header at byte " + pos + " is too short (" + len + " bytes)");
        }
        int major = u16(at + 12);
        if (major != 1) {
            return corrupt("section at byte " + pos + " has unsupported pcapng version " + major);
        }
        ifCount = 0;
        return true;
    }

    private boolean interfaceDescription(int at, int len) {
        if (len < 20) {
            return corrupt("interface description at byte " + pos + " is too short (" + len + " bytes)");
        }
        if (ifCount == MAX_INTERFACES) {
            return corrupt("more than " + MAX_INTERFACES + " interfaces in one section at byte " + pos);
        }
        if (ifCount == ifLinkType.length) {
            int n = ifCount * 2;
            ifLinkType = java.util.Arrays.copyOf(ifLinkType, n);
            ifSnaplen = java.util.Arrays.copyOf(ifSnaplen, n);
            ifTsBinaryShift = java.util.Arrays.copyOf(ifTsBinaryShift, n);
            ifTsMul = java.util.Arrays.copyOf(ifTsMul, n);
            ifTsDiv = java.util.Arrays.copyOf(ifTsDiv, n);
            ifTsOffsetNanos = java.util.Arrays.copyOf(ifTsOffsetNanos, n);
        }
        int i = ifCount++;
        ifLinkType[i] = u16(at + 8);
        ifSnaplen[i] = i32(at + 12);
        setDecimalResolution(i, 6); // pcapng 4.2: default if_tsresol is 10^-6
        ifTsOffsetNanos[i] = 0;
        int o = at + 16;
        int end = at + len - 4;
        while (o + 4 <= end) {
            int code = u16(o);
            int olen = u16(o + 2);
            if (code == OPT_ENDOFOPT || o + 4 + olen > end) {
                break;
            }
            if (code == OPT_IF_TSRESOL && olen >= 1) {
                int v = window[o + 4] & 0xFF;
                if ((v & 0x80) != 0) {
                    ifTsBinaryShift[i] = Math.max(1, Math.min(v & 0x7F, 62));
                } else {
                    setDecimalResolution(i, Math.min(v, 18));
                }
            } else if (code == OPT_IF_TSOFFSET && olen >= 8) {
                ifTsOffsetNanos[i] = i64(o + 4) * 1_000_000_000L;
            }
            o += 4 + ((olen + 3) & ~3);
        }
        return true;
    }

    private void setDecimalResolution(int i, int exp) {
        ifTsBinaryShift[i] = 0;
        if (exp <= 9) {
            ifTsMul[i] = pow10(9 - exp);
            ifTsDiv[i] = 1;
        } else {
            ifTsMul[i] = 1;
            ifTsDiv[i] = pow10(exp - 9);
        }
    }

    private static long pow10(int n) {
        long v = 1;
        for (int k = 0; k < n; k++) {
            v *= 10;
        }
        return v;
    }

    private long toNanos(int iface, long ts) {
        int shift = ifTsBinaryShift[iface];
        long nanos;
        if (shift > 0) {
            long secs = ts >>> shift;
            long frac = ts & ((1L << shift) - 1);
            // frac * 1e9 must stay below 2^63: keep at most 33 fraction bits.
            long fracNs = shift <= 33 ? (frac * 1_000_000_000L) >>> shift
                    : ((frac >>> (shift - 33)) * 1_000_000_000L) >>> 33;
            nanos = secs * 1_000_000_000L + fracNs;
        } else {
            nanos = ts * ifTsMul[iface] / ifTsDiv[iface];
        }
        return nanos + ifTsOffsetNanos[iface];
    }

    /** EPB (pcapng 4.3) and the obsolete OPB (appendix; 16-bit interface id, then drops count). */
    private boolean packetBlock(FrameSlot into, int at, int len, boolean obsolete) {
        if (len < 32) {
            return corrupt("packet block at byte " + pos + " is too short (" + len + " bytes)");
        }
        int iface = obsolete ? u16(at + 8) : i32(at + 8);
        if (iface < 0 || iface >= ifCount) {
            return corrupt("packet block at byte " + pos + " names interface " + (iface & 0xFFFFFFFFL)
                    + " but the section declares " + ifCount);
        }
        long ts = ((i32(at + 12) & 0xFFFFFFFFL) << 32) | (i32(at + 16) & 0xFFFFFFFFL);
        int cap = i32(at + 20);
        int orig = i32(at + 24);
        if (cap < 0 || cap > len - 32) {
            return corrupt("packet block at byte " + pos + " claims " + (cap & 0xFFFFFFFFL)
                    + " captured bytes in a " + len + "-byte block");
        }
        if (ifSnaplen[iface] > 0 && cap > ifSnaplen[iface]) {
            overSnaplen(cap, ifSnaplen[iface]);
        }
        copy(into, pos + 28, cap);
        into.wirelen = orig;
        into.tsNanos = toNanos(iface, ts);
        lastTsNanos = into.tsNanos;
        into.linkType = ifLinkType[iface];
        into.interfaceId = iface;
        return true;
    }

    /**
     * SPB (pcapng 4.4): interface 0, no timestamp, captured length = min(original length,
     * snaplen, block space). It carries the previous packet's timestamp so flow idle timers stay sane.
     */
    private boolean simplePacket(FrameSlot into, int at, int len) {
        if (len < 16) {
            return corrupt("simple packet block at byte " + pos + " is too short (" + len + " bytes)");
        }
        if (ifCount == 0) {
            return corrupt("simple packet block at byte " + pos + " before any interface description");
        }
        int orig = i32(at + 8);
        int cap = len - 16;
        if (orig >= 0 && orig < cap) {
            cap = orig;
        }
        if (ifSnaplen[0] > 0 && cap > ifSnaplen[0]) {
            cap = ifSnaplen[0];
        }
        copy(into, pos + 12, cap);
        into.wirelen = orig;
        into.tsNanos = lastTsNanos;
        into.linkType = ifLinkType[0];
        into.interfaceId = 0;
        return true;
    }

    private void copy(FrameSlot into, long filePos, int len) {
        int at = (int) (filePos - windowBase);
        FrameSlot.Consumption lending = into.lending();
        if (lending != null) {
            ring = lending;
            lentTo[current] = into.sequence();
            into.lend(window, at, len);
            return;
        }
        into.ensureCapacity(len);
        System.arraycopy(window, at, into.data, 0, len);
        into.caplen = len;
    }

    /**
     * The buffer to read on into, of at least {@code size} bytes: the current one while no
     * frame was ever lent; else the next in turn, once the workers are done with the frames lent
     * from it. While they are not, a new buffer joins the turn in its place (the one in use
     * stays next in turn), up to {@link #MAX_WINDOWS}; then the reader waits for the workers. A
     * buffer whose last frame is in the batch the capture thread has not published yet (a batch
     * of frames larger than all the buffers) cannot be waited for: it is left to those frames
     * and a new one takes its place.
     */
    private int nextBuffer(int size) {
        int j = ring == null ? current : (current + 1 == windows ? 0 : current + 1);
        long seq = lentTo[j];
        if (seq >= 0 && !ring.consumed(seq)) {
            if (windows < MAX_WINDOWS) {
                // Buffers j.. move one place on: they keep their order in the turn.
                System.arraycopy(buffers, j, buffers, j + 1, windows - j);
                System.arraycopy(buffersIo, j, buffersIo, j + 1, windows - j);
                System.arraycopy(lentTo, j, lentTo, j + 1, windows - j);
                windows++;
                buffers[j] = null;
            } else if (ring.published(seq)) {
                while (!ring.consumed(seq)) {
                    java.util.concurrent.locks.LockSupport.parkNanos(WINDOW_WAIT_NANOS);
                }
            } else {
                buffers[j] = null;
            }
        }
        lentTo[j] = -1;
        if (buffers[j] == null || buffers[j].length < size) {
            buffers[j] = new byte[size];
            buffersIo[j] = ByteBuffer.wrap(buffers[j]);
        }
        return j;
    }

    /**
     * Lets the read buffers go once the file is read: a replay of many files would otherwise keep
     * every file's buffers until the last ends. Slots still pointing at frames in them keep what
     * they point at.
     */
    private void releaseBuffers() {
        java.util.Arrays.fill(buffers, null);
        java.util.Arrays.fill(buffersIo, null);
        window = null;
        windowIo = null;
        windowLen = 0;
    }

    private void setOrder(ByteOrder o) {
        order = o;
        big = o == ByteOrder.BIG_ENDIAN;
    }

    private int i32be(int at) {
        return Bytes.i32be(window, at);
    }

    /** The 32-bit field at window offset {@code at}, in the current byte order. */
    private int i32(int at) {
        return Bytes.i32(window, at, !big);
    }

    private int u16(int at) {
        return Bytes.u16(window, at, !big);
    }

    private long i64(int at) {
        long a = i32(at) & 0xFFFFFFFFL;
        long b = i32(at + 4) & 0xFFFFFFFFL;
        return big ? (a << 32) | b : (b << 32) | a;
    }

    /**
     * Makes {@code [p, p+len)} addressable in the window, reading from {@code p} on when it is not
     * (bytes already in the window are moved, not read again). False when the range runs past the
     * end of the file (or cannot be read: then {@link #failure} is set).
     */
    private boolean ensure(long p, int len) {
        if (p + len > fileSize) {
            return false;
        }
        if (window != null && p >= windowBase && p + len <= windowBase + windowLen) {
            return true;
        }
        int j = nextBuffer(Math.max(len, (int) Math.min(windowSize, fileSize)));
        byte[] to = buffers[j];
        if (window != null && p >= windowBase && p < windowBase + windowLen) {
            // The start of the record is read already: moved, not read again (within one buffer
            // the ranges may overlap, which System.arraycopy allows).
            int keep = (int) (windowBase + windowLen - p);
            System.arraycopy(window, (int) (p - windowBase), to, 0, keep);
            windowLen = keep;
        } else {
            windowLen = 0;
        }
        current = j;
        window = to;
        windowIo = buffersIo[j];
        windowBase = p;
        int want = (int) Math.min(window.length, fileSize - p);
        try {
            while (windowLen < want) {
                windowIo.limit(want).position(windowLen);
                int n = channel.read(windowIo, p + windowLen);
                if (n < 0) {
                    // The file is shorter than it was at open: it was cut while being read.
                    long at = p + windowLen;
                    windowLen = 0;
                    return fail("cannot read at byte " + at + " (the file ended before its size " + fileSize + ")");
                }
                windowLen += n;
            }
        } catch (IOException e) {
            windowLen = 0;
            return fail("cannot read at byte " + p + " (" + e.getMessage() + ")");
        }
        return true;
    }

    private boolean truncated(String what) {
        if (failure != null) {
            return false;
        }
        truncatedRecords++;
        warn(name + ": " + what);
        return false;
    }

    private boolean corrupt(String what) {
        corruptBlocks++;
        warn(name + ": " + what);
        return false;
    }

    private boolean fail(String what) {
        failure = name + ": " + what;
        warn(failure);
        return false;
    }

    private void overSnaplen(int caplen, int snaplen) {
        if (overSnaplenRecords++ == 0) {
            warn(name + ": record at byte " + pos + " has " + caplen + " captured bytes, over the snaplen "
                    + snaplen + " (kept; later ones only counted)");
        }
    }

    private void warn(String line) {
        if (warnings.size() < MAX_WARNINGS) {
            warnings.add(line);
        } else {
            droppedWarnings++;
        }
    }

    /** The file name as given. */
    public String name() {
        return name;
    }

    /** Packets delivered so far. */
    public long records() {
        return records;
    }

    /** Captured bytes delivered so far. */
    public long bytes() {
        return bytes;
    }

    /** Records or blocks cut short by the end of the file (0 or 1: reading stops there). */
    public long truncatedRecords() {
        return truncatedRecords;
    }

    /** Blocks or record headers whose lengths make no sense (0 or 1: reading stops there). */
    public long corruptBlocks() {
        return corruptBlocks;
    }

    /** Records whose captured length exceeds the declared snaplen (delivered anyway). */
    public long overSnaplenRecords() {
        return overSnaplenRecords;
    }

    /** Records with no captured bytes (delivered with caplen 0). */
    public long zeroLengthRecords() {
        return zeroLengthRecords;
    }

    /** pcapng blocks skipped because they carry no packet (statistics, name resolution, custom). */
    public long skippedBlocks() {
        return skippedBlocks;
    }

    /** Bytes consumed so far (for progress). */
    public long position() {
        return pos;
    }

    /** File size in bytes. */
    public long size() {
        return fileSize;
    }

    /** True for pcapng, false for classic pcap. */
    public boolean isPcapng() {
        return pcapng;
    }

    @Override
    public List<String> warnings() {
        if (droppedWarnings == 0) {
            return Collections.unmodifiableList(warnings);
        }
        List<String> all = new ArrayList<>(warnings);
        all.add(name + ": " + droppedWarnings + " more warnings not shown");
        return all;
    }

    @Override
    public boolean lossless() {
        return true;
    }

    @Override
    public boolean lendsFrames() {
        return true;
    }

    @Override
    public String failure() {
        return failure;
    }

    @Override
    public void wakeUp(boolean stop) {
        if (stop) {
            stopRequested = true;
        }
    }

    @Override
    public void reportCounters(CounterVisitor v) {
        v.counter("capture.records", records);
        v.counter("capture.bytes", bytes);
        v.counter("capture.truncated_records", truncatedRecords);
        v.counter("capture.corrupt_blocks", corruptBlocks);
        v.counter("capture.over_snaplen_records", overSnaplenRecords);
        v.counter("capture.zero_length_records", zeroLengthRecords);
    }

    @Override
    public void close() {
        closeQuietly(channel);
        window = null;
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // closing a read-only channel: nothing to recover
        }
    }
}
