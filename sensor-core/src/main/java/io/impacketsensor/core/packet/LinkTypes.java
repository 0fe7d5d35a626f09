package io.impacketsensor.core.packet;

/**
 * libpcap LINKTYPE_ values the packet path decodes (https://www.tcpdump.org/linktypes.html) and
 * the small dense index used for per-link-type counters.
 */
public final class LinkTypes {
    /** BSD loopback: 4-byte address family in the capturing host's byte order. */
    public static final int NULL = 0;
    public static final int ETHERNET = 1;
    /** DLT_RAW as most systems number it (files written by old libpcap keep it). */
    public static final int RAW_DLT12 = 12;
    /** DLT_RAW as OpenBSD numbers it. */
    public static final int RAW_DLT14 = 14;
    public static final int RAW = 101;
    /** OpenBSD loopback: 4-byte address family in network byte order. */
    public static final int LOOP = 108;
    public static final int LINUX_SLL = 113;
    public static final int IPV4 = 228;
    public static final int IPV6 = 229;
    public static final int LINUX_SLL2 = 276;

    /** Dense counter indexes. */
    public static final int IDX_ETHERNET = 0;
    public static final int IDX_SLL = 1;
    public static final int IDX_SLL2 = 2;
    public static final int IDX_RAW = 3;
    public static final int IDX_NULL = 4;
    public static final int IDX_LOOP = 5;
    public static final int IDX_UNSUPPORTED = 6;
    public static final int COUNT = 7;

    private static final String[] NAMES = {"ethernet", "linux_sll", "linux_sll2", "raw", "null", "loop", "unsupported"};

    private LinkTypes() {
    }

    /** Counter index of a link type; unknown types map to {@link #IDX_UNSUPPORTED}. */
    public static int index(int linkType) {
        switch (linkType) {
            case ETHERNET:
                return IDX_ETHERNET;
            case LINUX_SLL:
                return IDX_SLL;
            case LINUX_SLL2:
                return IDX_SLL2;
            case RAW:
            case RAW_DLT12:
            case RAW_DLT14:
            case IPV4:
            case IPV6:
                return IDX_RAW;
            case NULL:
                return IDX_NULL;
            case LOOP:
                return IDX_LOOP;
            default:
                return IDX_UNSUPPORTED;
        }
    }

    /** Counter name of a dense index ({@code ethernet}, {@code linux_sll}, ...). */
    public static String indexName(int idx) {
        return NAMES[idx];
    }
}
