package io.impacketsensor.decoders.dns;

import io.impacketsensor.core.wire.Bytes;
import io.impacketsensor.core.wire.DnsNames;
import io.impacketsensor.core.wire.ParseStatus;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The DNS grammar this package needs (see package-info): a response's header and question, and for
 * a DC locator question its SRV targets and their addresses. Reads a whole message in place.
 */
public final class DnsParser {
    /** RFC 1035 4.1.1: the header is 12 bytes. */
    static final int HEADER = 12;
    private static final int TYPE_A = 1;
    private static final int TYPE_SRV = 33;
    private static final int TYPE_AAAA = 28;
    private static final String[] LDAP_TCP = {"_ldap", "_tcp"};
    private static final String[] DC_MSDCS = {"dc", "_msdcs"};
    private static final String[] SITES_DC_MSDCS = {"_sites", "dc", "_msdcs"};

    private final DnsLimits limits;
    private DnsAnomaly anomaly;
    private final StringBuilder sb = new StringBuilder(64);
    /** Owner names and addresses of the A/AAAA records, matched to the targets at the end. */
    private final List<String> owners = new ArrayList<>();
    private final List<InetAddress> ownerAddresses = new ArrayList<>();

    // ---- parse() results ----
    /** Message ID. */
    public int id;
    /** True when the message is a response (QR 1) to a DC locator query with RCODE 0. */
    public boolean dcLocator;
    /** The question's name (only for a DC locator answer). */
    public String query;
    /** SRV targets of the answer section (only for a DC locator answer). */
    public final List<String> targets = new ArrayList<>();
    /** Addresses the message gives for those targets. */
    public final List<InetAddress> addresses = new ArrayList<>();

    public DnsParser(DnsLimits limits) {
        this.limits = limits;
    }

    /** Why the last call answered ERROR. */
    public DnsAnomaly anomaly() {
        return anomaly;
    }

    /**
     * True when {@code b[off..off+len)} starts like a DNS message of the kind DC learning needs: a
     * header with one question, opcode QUERY (RFC 1035 4.1.1). Used by the probe.
     */
    static boolean plausibleHeader(byte[] b, int off, int len) {
        if (len < HEADER) {
            return false;
        }
        int flags = Bytes.u16be(b, off + 2);
        return (flags >> 11 & 0xF) == 0 && Bytes.u16be(b, off + 4) == 1;
    }

    /**
     * Parses the message {@code b[off..off+len)}. OK with {@link #dcLocator} false for any message
     * that is not a successful response to a DC locator query (nothing else is read).
     */
    public ParseStatus parse(byte[] b, int off, int len) {
        anomaly = null;
        dcLocator = false;
        query = null;
        targets.clear();
        addresses.clear();
        if (len < HEADER) {
            return ParseStatus.OK; // not a message this decoder reads; a short datagram is no anomaly of ours
        }
        int end = off + len;
        id = Bytes.u16be(b, off);
        int flags = Bytes.u16be(b, off + 2);
        boolean response = (flags & 0x8000) != 0;
        int opcode = flags >> 11 & 0xF;
        int rcode = flags & 0xF;
        if (!response || opcode != 0 || rcode != 0 || Bytes.u16be(b, off + 4) != 1) {
            return ParseStatus.OK;
        }
        int q = off + HEADER;
        if (!isDcLocator(b, off, end, q)) {
            return ParseStatus.OK;
        }
        sb.setLength(0);
        int p = DnsNames.read(b, off, end, q, sb);
        if (p < 0) {
            return fail(DnsAnomaly.MALFORMED_NAME);
        }
        query = sb.toString();
        p += 4; // QTYPE, QCLASS
        int an = Bytes.u16be(b, off + 6);
        int records = an + Bytes.u16be(b, off + 8) + Bytes.u16be(b, off + 10);
        owners.clear();
        ownerAddresses.clear();
        boolean tooMany = records > limits.maxRecords();
        int n = Math.min(records, limits.maxRecords());
        for (int i = 0; i < n; i++) {
            int owner = p;
            p = DnsNames.skip(b, off, end, p);
            if (p < 0) {
                return fail(DnsAnomaly.MALFORMED_NAME);
            }
            if (p + 10 > end) {
                return fail(DnsAnomaly.TRUNCATED);
            }
            int type = Bytes.u16be(b, p);
            int rdLength = Bytes.u16be(b, p + 8);
            int rdata = p + 10;
            if (rdata + rdLength > end) {
                return fail(DnsAnomaly.TRUNCATED);
            }
            if (type == TYPE_SRV && i < an && rdLength > 6) {
                // RFC 2782: priority, weight, port (2 bytes each), then the target name.
                sb.setLength(0);
                if (DnsNames.read(b, off, end, rdata + 6, sb) < 0) {
                    return fail(DnsAnomaly.MALFORMED_NAME);
                }
                targets.add(sb.toString());
            } else if (type == TYPE_A && rdLength == 4 || type == TYPE_AAAA && rdLength == 16) {
                sb.setLength(0);
                if (DnsNames.read(b, off, end, owner, sb) < 0) {
                    return fail(DnsAnomaly.MALFORMED_NAME);
                }
                owners.add(sb.toString());
                ownerAddresses.add(address(b, rdata, rdLength));
            }
            p = rdata + rdLength;
        }
        for (int i = 0; i < owners.size(); i++) {
            if (ownerAddresses.get(i) != null && named(owners.get(i))) {
                addresses.add(ownerAddresses.get(i));
            }
        }
        dcLocator = true;
        if (tooMany) {
            anomaly = DnsAnomaly.TOO_MANY_RECORDS; // the answer is still reported with what was read
        }
        return ParseStatus.OK;
    }

    /** {@code _ldap._tcp.dc._msdcs.*} or {@code _ldap._tcp.<site>._sites.dc._msdcs.*}. */
    private static boolean isDcLocator(byte[] b, int start, int end, int q) {
        if (!DnsNames.startsWithLabels(b, start, end, q, LDAP_TCP)) {
            return false;
        }
        int third = DnsNames.label(b, start, end, q, 2);
        if (third >= 0 && DnsNames.startsWithLabels(b, start, end, third, DC_MSDCS)) {
            return true;
        }
        int fourth = DnsNames.label(b, start, end, q, 3);
        return fourth >= 0 && DnsNames.startsWithLabels(b, start, end, fourth, SITES_DC_MSDCS);
    }

    private boolean named(String owner) {
        for (int i = 0; i < targets.size(); i++) {
            if (targets.get(i).equalsIgnoreCase(owner)) {
                return true;
            }
        }
        return false;
    }

    private static InetAddress address(byte[] b, int off, int len) {
        try {
            return InetAddress.getByAddress(Arrays.copyOfRange(b, off, off + len));
        } catch (UnknownHostException e) {
            return null; // unreachable: the length is 4 or 16
        }
    }

    private ParseStatus fail(DnsAnomaly a) {
        anomaly = a;
        targets.clear();
        addresses.clear();
        return ParseStatus.ERROR;
    }
}
