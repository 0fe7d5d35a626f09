package io.impacketsensor.decoders.dcerpc.ndr;

import io.impacketsensor.core.event.RpcArgs;
import io.impacketsensor.core.wire.ByteCursor;
import io.impacketsensor.core.wire.Bytes;

import java.util.Objects;
import java.util.UUID;

/**
 * epmapper ept_map (C706 appendix O, tower encoding appendix L): the interface asked for, and the
 * TCP port (and IPv4 address) of the first answered tower; ept_lookup: what the endpoint map is
 * asked for (every entry, or the entries of one interface or object).
 *
 * <pre>
 * twr_t: tower_length, [size_is] tower_octet_string:
 *   floor_count (u16 LE), then per floor: lhs_length (u16 LE), lhs (protocol id, data),
 *                                         rhs_length (u16 LE), rhs
 *   floor 1: 0x0d + interface UUID + major (u16 LE) | minor; TCP floor: 0x07 | port (u16 BE);
 *   IP floor: 0x09 | IPv4 address
 * </pre>
 */
final class EpmStubs {
    private static final int MAX_FLOORS = 8;

    private EpmStubs() {
    }

    /** ept_lookup (C706 appendix O). */
    private static final int EPT_LOOKUP = 2;
    /** ept_map. */
    private static final int EPT_MAP = 3;

    static boolean wantsRequest(int opnum) {
        return opnum == EPT_LOOKUP || opnum == EPT_MAP;
    }

    static boolean wantsResponse(int opnum) {
        return opnum == EPT_MAP;
    }

    static RpcArgs request(int opnum, NdrReader r) {
        return opnum == EPT_LOOKUP ? lookup(r) : map(r);
    }

    /**
     * ept_lookup request (C706 appendix O):
     * <pre>
     * unsigned32 inquiry_type; [ptr] uuid_t *object; [ptr] rpc_if_id_t *interface_id
     *   (uuid_t uuid, unsigned16 vers_major, unsigned16 vers_minor); unsigned32 vers_option;
     * ept_lookup_handle_t *entry_handle (context handle, 20 bytes); unsigned32 max_ents
     * </pre>
     * Top-level [ptr] parameters carry their referent right after the referent id (C706 14.3.12.3).
     */
    private static RpcArgs lookup(NdrReader r) {
        long inquiry = r.u32();
        UUID object = null;
        if (r.pointer() != 0) {
            object = uuid(r);
        }
        UUID iface = null;
        if (r.pointer() != 0) {
            iface = uuid(r);
            r.u16(); // vers_major
            r.u16(); // vers_minor
        }
        long versOption = r.u32();
        int h = r.contextHandle();
        long maxEntries = r.u32();
        if (!r.ok() || inquiry > 0xFF) {
            r.fail();
            return null;
        }
        // the handle's GUID is null on the first call and names the server's position in the map after it
        boolean resumed = (Bytes.i64le(r.array(), h + 4) | Bytes.i64le(r.array(), h + 12)) != 0;
        return new RpcArgs.EpmLookupRequest((int) inquiry, object, iface, versOption, resumed, maxEntries);
    }

    private static UUID uuid(NdrReader r) {
        int off = r.guid();
        return r.ok() ? KnownGuids.fromLittleEndian(r.array(), off) : null;
    }

    private static RpcArgs map(NdrReader r) {
        if (r.pointer() != 0) { // [in,ptr] UUID* object
            r.skip(16);
        }
        if (r.pointer() == 0) { // [in,ptr] twr_t* map_tower
            return new RpcArgs.EpmMapRequest(null, -1);
        }
        int len = tower(r);
        if (len < 0) {
            return null;
        }
        ByteCursor t = r.inner(r.array(), r.stubStart() + r.position() - len, len);
        int floors = t.u16le();
        if (floors < 1 || floors > MAX_FLOORS) {
            r.fail();
            return null;
        }
        int lhs = t.u16le();
        int proto = t.u8();
        if (proto != 0x0d || lhs < 19) {
            return new RpcArgs.EpmMapRequest(null, -1);
        }
        UUID iface = KnownGuids.read(t);
        int major = t.u16le();
        if (!t.ok()) {
            r.fail();
            return null;
        }
        return new RpcArgs.EpmMapRequest(iface, major);
    }

    /** Reads tower_length and the conformant octet string; returns its length, or -1 on error. */
    private static int tower(NdrReader r) {
        long len = r.u32();
        long max = r.u32();
        if (!r.ok() || len != max || len > r.remaining()) {
            r.fail();
            return -1;
        }
        r.skip((int) len);
        return (int) len;
    }

    /** ept_map response: entry_handle, num_towers, [size_is, length_is] twr_p_t towers[], status. */
    static RpcArgs response(NdrReader r, RpcArgs request) {
        UUID iface = request instanceof RpcArgs.EpmMapRequest m ? m.interfaceUuid() : null;
        r.contextHandle();
        r.u32(); // num_towers
        r.u32(); // max_count
        long offset = r.u32();
        long actual = r.u32();
        int n = r.count(actual, 4);
        if (!r.ok() || offset != 0) {
            r.fail();
            return null;
        }
        int nonNull = r.nonNullPointers(n);
        for (int i = 0; i < nonNull; i++) {
            int len = tower(r);
            if (len < 0) {
                return null;
            }
            RpcArgs.EpmMapResult res = endpoint(r, r.array(), r.stubStart() + r.position() - len, len, iface);
            if (res != null) {
                return res;
            }
        }
        return new RpcArgs.EpmMapResult(iface, 0, null);
    }

    /**
     * ept_map response in NDR64 (MS-RPCE 2.2.5.3): entry_handle, num_towers, then the conformant varying
     * array with 8-byte max_count, offset and actual_count and 8-byte referent ids; each tower a
     * conformant structure whose 8-byte conformance precedes tower_length. The request is not known
     * (a copy of the server's side only): the tower's first floor names the interface.
     */
    static RpcArgs responseNdr64(NdrReader r) {
        r.contextHandle();
        r.u32(); // num_towers
        r.u64(); // max_count
        long offset = r.u64();
        long actual = r.u64();
        int n = r.count(actual, 8);
        if (!r.ok() || offset != 0) {
            r.fail();
            return null;
        }
        int nonNull = 0;
        for (int i = 0; i < n && r.ok(); i++) {
            if (r.pointer64() != 0) {
                nonNull++;
            }
        }
        for (int i = 0; i < nonNull && r.ok(); i++) {
            long max = r.u64();
            long len = r.u32();
            if (!r.ok() || len != max || len > r.remaining()) {
                r.fail();
                return null;
            }
            int at = r.position();
            r.skip((int) len);
            RpcArgs.EpmMapResult res = endpoint(r, r.array(), r.stubStart() + at, (int) len, null);
            if (res != null) {
                return res;
            }
        }
        return r.ok() ? new RpcArgs.EpmMapResult(null, 0, null) : null;
    }

    /** Longest named-pipe floor read (MS-SMB2 names are far shorter; a longer one is skipped). */
    private static final int MAX_PIPE_NAME = 256;

    /** The pipe of a named-pipe floor, without its {@code \PIPE\} prefix and NUL, in lower case. */
    private static String pipeName(byte[] b, int off, int n) {
        if (b[off + n - 1] == 0) {
            n--;
        }
        String s = new String(b, off, n, java.nio.charset.StandardCharsets.US_ASCII);
        int slash = s.lastIndexOf('\\');
        return (slash >= 0 ? s.substring(slash + 1) : s).toLowerCase(java.util.Locale.ROOT);
    }

    /** An IPv4 address and its dotted quad, as last written (immutable: shared by the workers). */
    private record Quad(int address, String text) {
    }

    /** The answers of a network name its few servers again and again. */
    private static volatile Quad lastQuad;

    /** The dotted quad of an IPv4 address floor (C706 appendix L, protocol 0x09). */
    private static String dottedQuad(int a) {
        Quad q = lastQuad;
        if (q != null && q.address == a) {
            return q.text;
        }
        String text = (a >>> 24) + "." + (a >>> 16 & 0xFF) + "." + (a >>> 8 & 0xFF) + "." + (a & 0xFF);
        lastQuad = new Quad(a, text);
        return text;
    }

    private static RpcArgs.EpmMapResult endpoint(NdrReader r, byte[] b, int off, int len, UUID iface) {
        ByteCursor t = r.inner(b, off, len);
        int floors = t.u16le();
        if (floors > MAX_FLOORS) {
            return null;
        }
        int port = -1;
        String ip = null;
        String pipe = null;
        for (int f = 0; f < floors && t.ok(); f++) {
            int lhs = t.u16le();
            int proto = lhs > 0 ? t.peekU8(t.position()) : -1;
            if (f == 0 && iface == null && proto == 0x0d && lhs >= 19 && t.has(17)) {
                // Floor 1 names the interface (C706 appendix L: protocol 0x0d, the UUID, the major
                // version): an answer whose request the copy lacks still says what the port serves.
                int at = t.position();
                t.skip(1);
                iface = KnownGuids.read(t);
                t.seek(at);
            }
            t.skip(lhs);
            int rhs = t.u16le();
            if (proto == 0x07 && rhs == 2) {
                port = t.u16be();
            } else if (proto == 0x09 && rhs == 4) {
                ip = dottedQuad(t.i32be());
            } else if (proto == 0x0f && rhs > 1 && rhs <= MAX_PIPE_NAME && t.has(rhs)) {
                // Named pipe floor (C706 appendix I, MS-RPCE 2.1.1.2): "\PIPE\name", NUL-terminated.
                pipe = pipeName(t.array(), t.arrayPosition(), rhs);
                t.skip(rhs);
            } else {
                t.skip(rhs);
            }
        }
        if (!t.ok()) {
            return null;
        }
        return port >= 0 ? result(iface, port, ip, null) : pipe != null ? result(iface, 0, ip, pipe) : null;
    }

    /**
     * The last answer made (immutable: shared by the workers). A client asks the endpoint mapper
     * for the same interface before every connection to it, and the server names the same port.
     */
    private static volatile RpcArgs.EpmMapResult lastResult;

    private static RpcArgs.EpmMapResult result(UUID iface, int port, String ip, String pipe) {
        RpcArgs.EpmMapResult last = lastResult;
        if (last != null && last.tcpPort() == port && Objects.equals(last.interfaceUuid(), iface)
                && Objects.equals(last.ip(), ip) && Objects.equals(last.pipe(), pipe)) {
            return last;
        }
        RpcArgs.EpmMapResult made = new RpcArgs.EpmMapResult(iface, port, ip, pipe);
        lastResult = made;
        return made;
    }
}
