package io.impacketsensor.decoders.dcerpc.ndr;

import io.impacketsensor.core.event.RpcArgs;
import io.impacketsensor.core.event.RpcInterfaces;
import io.impacketsensor.core.wire.Bytes;
import io.impacketsensor.core.wire.Guids;
import io.impacketsensor.decoders.text.Utf16Memo;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The DCOM answers that hand out interface pointers, read into {@link RpcArgs.DcomObjectRefs}:
 * <ul>
 * <li>IRemoteSCMActivator RemoteGetClassObject (3) / RemoteCreateInstance (4) (MS-DCOM 3.1.2.5.2.3):
 *     ORPCTHAT, then the ActivationPropertiesOut BLOB (2.2.22) custom-marshaled in an MInterfacePointer;
 *     its PropsOutInfo property (2.2.22.2.9) holds an OBJREF per interface asked for, its ScmReplyInfo
 *     (2.2.22.2.8) the object exporter's OXID, string bindings and IRemUnknown IPID.</li>
 * <li>IActivation RemoteActivation (0) (3.1.2.5.1.1): OXID, bindings, IRemUnknown IPID and the
 *     interface pointers as plain out-parameters.</li>
 * <li>IRemUnknown(2) RemQueryInterface (3) (3.1.1.5.6.1.1): a REMQIRESULT (2.2.23) per IID the request
 *     asked for, in the request's order.</li>
 * <li>IObjectExporter ResolveOxid2 (4) / ServerAlive2 (5) (3.1.2.5.1.5, 3.1.2.5.1.6): string bindings
 *     (and for ResolveOxid2 the IRemUnknown IPID).</li>
 * <li>Any other cleartext ORPC answer: the standard OBJREFs (2.2.18.4) of the interface pointers it
 *     returns (IWbemLevel1Login::NTLMLogin's IWbemServices, ExecQuery's IEnumWbemClassObject, an
 *     IDispatch returned by Invoke), found by their "MEOW" signature inside an MInterfacePointer
 *     whose two length fields agree and cover the OBJREF.</li>
 * </ul>
 * Property BLOBs are type-serialized (MS-RPCE 2.2.6) and read with a reader of their own, so NDR
 * alignment is counted from the property's start as the serialization requires.
 */
final class DcomAnswers {
    /** OBJREF signature "MEOW" (MS-DCOM 2.2.18). */
    static final long OBJREF_SIGNATURE = 0x574F454DL;
    static final int OBJREF_STANDARD = 1;
    static final int OBJREF_HANDLER = 2;
    static final int OBJREF_CUSTOM = 4;
    static final int OBJREF_EXTENDED = 8;
    /** OBJREF header (signature, flags, iid) plus STDOBJREF (2.2.18.2): 24 + 40 bytes. */
    static final int STD_OBJREF_END = 64;
    /** CLSID_PropsOutInfo and CLSID_ScmReplyInfo (MS-DCOM 1.9). */
    static final UUID PROPS_OUT_INFO = UUID.fromString("00000339-0000-0000-c000-000000000046");
    static final UUID SCM_REPLY_INFO = UUID.fromString("000001b6-0000-0000-c000-000000000046");
    static final UUID IREMUNKNOWN = UUID.fromString("00000131-0000-0000-c000-000000000046");
    static final UUID IREMUNKNOWN2 = UUID.fromString("00000143-0000-0000-c000-000000000046");
    /** Activation properties read from one BLOB (Windows sends two; the rest are ignored). */
    private static final int MAX_PROPERTIES = 16;
    /** Characters of one string binding kept (a host name or address and a port). */
    private static final int MAX_BINDING_CHARS = 256;

    private DcomAnswers() {
    }

    /** True for the answers read here; {@code orpc} when the request carried an object UUID (an ORPC call). */
    static boolean wants(int iface, int opnum, boolean orpc) {
        switch (iface) {
            case RpcInterfaces.REMOTE_SCM_ACTIVATOR: return opnum == 3 || opnum == 4;
            case RpcInterfaces.IACTIVATION: return opnum == 0;
            case RpcInterfaces.OBJECT_EXPORTER: return opnum == 4 || opnum == 5;
            default: return orpc;
        }
    }

    /**
     * Reads an answer; null when it hands out nothing or is not laid out as expected (check
     * {@link NdrReader#ok()} for a malformed one).
     */
    static RpcArgs response(int iface, int opnum, NdrReader r, RpcArgs request, int maxRefs) {
        Out out = OUT.get().start(maxRefs, request instanceof RpcArgs.DcomActivation a ? a.clsid() : null);
        switch (iface) {
            case RpcInterfaces.REMOTE_SCM_ACTIVATOR:
                Orpc.orpcThat(r);
                if (r.ok() && r.pointer() != 0) {
                    activationProperties(r, out);
                }
                break;
            case RpcInterfaces.IACTIVATION:
                remoteActivation(r, out);
                break;
            case RpcInterfaces.OBJECT_EXPORTER:
                if (opnum == 4) {
                    resolveOxid2(r, out);
                } else {
                    r.u16();
                    r.u16();
                    if (r.pointer() != 0) {
                        dualStringArray(r, out);
                    }
                }
                break;
            case RpcInterfaces.REM_UNKNOWN:
            case RpcInterfaces.REM_UNKNOWN2:
                if (opnum == 3 && request instanceof RpcArgs.DcomQueryInterface qi) {
                    remQueryInterface(r, qi, out);
                } else {
                    scan(r, out);
                }
                break;
            default:
                scan(r, out);
                break;
        }
        return out.result(r);
    }

    /** This decode thread's {@link Out}, started anew for each answer. */
    private static final ThreadLocal<Out> OUT = ThreadLocal.withInitial(Out::new);

    /**
     * What one answer gave, bounded by {@code max} interfaces and {@code max} bindings. Every ORPC
     * answer is scanned and nearly all of them hand out nothing, so one is kept per thread, its
     * lists emptied for each answer and copied into the record of one that gave something.
     */
    private static final class Out {
        int max;
        UUID clsid;
        private final List<RpcArgs.DcomRef> refs = new ArrayList<>(2);
        private final List<String> bindings = new ArrayList<>(2);

        Out start(int max, UUID clsid) {
            this.max = max;
            this.clsid = clsid;
            refs.clear();
            bindings.clear();
            return this;
        }

        int refCount() {
            return refs.size();
        }

        int bindingCount() {
            return bindings.size();
        }

        void ref(UUID iid, UUID ipid, long oxid, long oid) {
            if (refCount() < max && iid != null && ipid != null) {
                refs.add(new RpcArgs.DcomRef(iid, ipid, oxid, oid));
            }
        }

        void binding(String s) {
            bindings.add(s);
        }

        RpcArgs result(NdrReader r) {
            if (!r.ok() || refs.isEmpty() && bindings.isEmpty()) {
                return null;
            }
            return new RpcArgs.DcomObjectRefs(clsid, List.copyOf(refs), List.copyOf(bindings));
        }
    }

    /**
     * ActivationPropertiesOut (MS-DCOM 2.2.22): the custom OBJREF around the BLOB, the CustomHeader
     * (2.2.22.1) naming each property by CLSID with its size, then the properties in that order, the
     * first {@code 8 + headerSize} bytes into the BLOB.
     */
    private static void activationProperties(NdrReader r, Out out) {
        int len = ActivationStubs.interfacePointerLength(r);
        if (len < 0) {
            return;
        }
        int end = r.position() + len;
        if (r.u32() != OBJREF_SIGNATURE || r.u32() != OBJREF_CUSTOM) {
            return;
        }
        r.skip(32); // iid (IActivationPropertiesOut), clsid (CLSID_ActivationPropertiesOut)
        r.u32(); // cbExtension
        r.u32(); // size
        int blob = r.position();
        r.u32(); // dwSize
        r.u32(); // dwReserved
        if (!ActivationStubs.serializationHeader(r)) {
            return;
        }
        r.u32(); // totalSize
        long headerSize = r.u32();
        r.u32(); // dwReserved
        r.u32(); // destCtx
        long cIfs = r.u32();
        r.guid(); // classInfoClsid
        long clsidPtr = r.pointer();
        long sizesPtr = r.pointer();
        r.pointer(); // pdwReserved
        if (clsidPtr == 0 || sizesPtr == 0 || r.u32() != cIfs) {
            return;
        }
        int n = r.count(cIfs, 16);
        int kept = Math.min(n, MAX_PROPERTIES);
        int[] guid = new int[kept];
        for (int i = 0; i < n; i++) {
            int g = r.guid();
            if (i < kept) {
                guid[i] = g;
            }
        }
        if (r.u32() != cIfs) {
            return;
        }
        long[] size = new long[kept];
        for (int i = 0; i < n; i++) {
            long s = r.u32();
            if (i < kept) {
                size[i] = s;
            }
        }
        if (!r.ok()) {
            return;
        }
        long offset = 8 + headerSize;
        NdrReader p = new NdrReader();
        for (int i = 0; i < kept; i++) {
            if (offset + size[i] > end - blob) {
                r.fail();
                return;
            }
            int at = r.stubStart() + blob + (int) offset;
            boolean propsOut = Guids.equalsLittleEndian(r.array(), guid[i], PROPS_OUT_INFO);
            boolean scmReply = Guids.equalsLittleEndian(r.array(), guid[i], SCM_REPLY_INFO);
            if (propsOut || scmReply) {
                p.wrap(r.array(), at, (int) size[i], out.max, MAX_BINDING_CHARS);
                if (ActivationStubs.serializationHeader(p)) {
                    if (propsOut) {
                        propsOutInfo(p, out);
                    } else {
                        scmReplyInfo(p, out);
                    }
                }
                if (p.malformed()) {
                    r.fail();
                    return;
                }
            }
            offset += size[i];
        }
    }

    /**
     * PropsOutInfo (MS-DCOM 2.2.22.2.9): cIfs, then unique pointers to the IIDs, the HRESULTs and the
     * interface pointers (MInterfacePointer*, one OBJREF each), their arrays deferred in that order.
     */
    private static void propsOutInfo(NdrReader p, Out out) {
        long cIfs = p.u32();
        long iids = p.pointer();
        long results = p.pointer();
        long ptrs = p.pointer();
        int n = p.count(cIfs, 4);
        if (iids != 0 && p.u32() == cIfs) {
            p.skip(n * 16);
        }
        if (results != 0 && p.u32() == cIfs) {
            p.skip(n * 4);
        }
        if (ptrs == 0 || p.u32() != cIfs) {
            return;
        }
        int present = p.nonNullPointers(n);
        for (int i = 0; i < present && p.ok(); i++) {
            interfacePointer(p, out);
        }
    }

    /**
     * ScmReplyInfoData (2.2.22.2.8): pdwReserved, then customREMOTE_REPLY_SCM_INFO: the OXID, the
     * exporter's string bindings, the IPID of its IRemUnknown, the authentication hint and the
     * exporter's COMVERSION.
     */
    private static void scmReplyInfo(NdrReader p, Out out) {
        p.pointer(); // pdwReserved
        if (p.pointer() == 0) {
            return;
        }
        long oxid = p.u64();
        long bindings = p.pointer();
        int ipid = p.guid();
        p.u32(); // authnHint
        int major = p.u16();
        int minor = p.u16();
        if (bindings != 0) {
            dualStringArray(p, out);
        }
        if (p.ok()) {
            out.ref(remUnknown(major, minor), Guids.fromLittleEndian(p.array(), ipid), oxid, 0);
        }
    }

    /**
     * The interface a client calls on the exporter's IRemUnknown IPID: IRemUnknown2 (which adds
     * RemQueryInterface2 to the same operations), which an exporter of COM version 5.6 or later supports
     * (MS-DCOM 3.1.1.5.7, 2.2.11).
     */
    private static UUID remUnknown(int major, int minor) {
        return major > 5 || major == 5 && minor >= 6 ? IREMUNKNOWN2 : IREMUNKNOWN;
    }

    /**
     * RemoteActivation's out-parameters after ORPCTHAT: OXID, unique DUALSTRINGARRAY*, IPID of
     * IRemUnknown, authentication hint, COMVERSION, HRESULT, then the conformant array of
     * MInterfacePointer* (3.1.2.5.1.1).
     */
    private static void remoteActivation(NdrReader r, Out out) {
        Orpc.orpcThat(r);
        long oxid = r.u64();
        if (r.pointer() != 0) {
            dualStringArray(r, out);
        }
        int ipid = r.guid();
        r.u32(); // pAuthnHint
        int major = r.u16();
        int minor = r.u16();
        r.u32(); // phr
        if (!r.ok()) {
            return;
        }
        out.ref(remUnknown(major, minor), Guids.fromLittleEndian(r.array(), ipid), oxid, 0);
        int n = r.count(r.u32(), 4);
        int present = r.nonNullPointers(n);
        for (int i = 0; i < present && r.ok(); i++) {
            interfacePointer(r, out);
        }
    }

    /** ResolveOxid2's out-parameters: unique DUALSTRINGARRAY*, IPID of IRemUnknown, hint, COMVERSION. */
    private static void resolveOxid2(NdrReader r, Out out) {
        if (r.pointer() != 0) {
            dualStringArray(r, out);
        }
        int ipid = r.guid();
        r.u32(); // pAuthnHint
        int major = r.u16();
        int minor = r.u16();
        if (r.ok()) {
            out.ref(remUnknown(major, minor), Guids.fromLittleEndian(r.array(), ipid), 0, 0);
        }
    }

    /**
     * RemQueryInterface's answer after ORPCTHAT: a unique pointer to the conformant array of
     * REMQIRESULT {HRESULT; STDOBJREF} (2.2.23; 8-aligned, the STDOBJREF holds hypers), one per IID
     * of the request, in its order. Interfaces refused (hResult != S_OK) are skipped.
     */
    private static void remQueryInterface(NdrReader r, RpcArgs.DcomQueryInterface qi, Out out) {
        Orpc.orpcThat(r);
        if (r.pointer() == 0) {
            return;
        }
        long max = r.u32();
        if (max != qi.iids().size() && max > out.max) {
            r.fail();
            return;
        }
        int n = r.count(max, 40);
        for (int i = 0; i < n && r.ok(); i++) {
            r.align(8);
            long hr = r.u32();
            r.align(8);
            r.u32(); // flags
            r.u32(); // cPublicRefs
            long oxid = r.u64();
            long oid = r.u64();
            int ipid = r.guid();
            if (r.ok() && hr == 0 && i < qi.iids().size()) {
                out.ref(qi.iids().get(i), Guids.fromLittleEndian(r.array(), ipid), oxid, oid);
            }
        }
    }

    /** One MInterfacePointer (2.2.14): its OBJREF, when standard, handler or extended. */
    private static void interfacePointer(NdrReader r, Out out) {
        int len = ActivationStubs.interfacePointerLength(r);
        if (len < 0) {
            return;
        }
        int at = r.stubStart() + r.position();
        objref(r.array(), at, len, out);
        r.skip(len);
    }

    /**
     * An OBJREF (2.2.18.1, byte-packed little-endian): signature, flags, iid, then for the standard,
     * handler and extended forms a STDOBJREF (flags, cPublicRefs, OXID, OID, IPID). False when it is
     * not one of those.
     */
    private static boolean objref(byte[] b, int at, int len, Out out) {
        if (len < STD_OBJREF_END || Bytes.u32le(b, at) != OBJREF_SIGNATURE) {
            return false;
        }
        long flags = Bytes.u32le(b, at + 4);
        if (flags != OBJREF_STANDARD && flags != OBJREF_HANDLER && flags != OBJREF_EXTENDED) {
            return false;
        }
        out.ref(Guids.fromLittleEndian(b, at + 8), Guids.fromLittleEndian(b, at + 48), Bytes.i64le(b, at + 32),
                Bytes.i64le(b, at + 40));
        return true;
    }

    /**
     * The standard OBJREFs anywhere in an ORPC answer: a "MEOW" signature preceded by an
     * MInterfacePointer's ulCntData and conformant max_count, equal and covering at least the
     * STDOBJREF. The signature may sit inside an encoded WMI object or a VARIANT; the length check
     * keeps what is a marshaled interface pointer.
     */
    private static void scan(NdrReader r, Out out) {
        byte[] b = r.array();
        int start = r.stubStart();
        int end = start + r.length();
        for (int i = start + 8; i + STD_OBJREF_END <= end && out.refCount() < out.max; i++) {
            if (b[i] != 'M' || b[i + 1] != 'E' || b[i + 2] != 'O' || b[i + 3] != 'W') {
                continue;
            }
            long cnt = Bytes.u32le(b, i - 8);
            long max = Bytes.u32le(b, i - 4);
            if (cnt == max && cnt >= STD_OBJREF_END && cnt <= end - i && objref(b, i, (int) cnt, out)) {
                i += STD_OBJREF_END - 1;
            }
        }
    }

    /**
     * A DUALSTRINGARRAY (2.2.19) as NDR carries it: max_count, wNumEntries, wSecurityOffset, then
     * wNumEntries 16-bit words. The string bindings (STRINGBINDING: wTowerId, then the network
     * address as a zero-terminated UTF-16 string, e.g. {@code 172.18.39.6[50937]}) fill the words up
     * to wSecurityOffset; the security bindings after them are not read.
     */
    private static void dualStringArray(NdrReader r, Out out) {
        long max = r.u32();
        int entries = r.u16();
        int security = r.u16();
        if (!r.ok() || entries != max || security > entries || (long) entries * 2 > r.remaining()) {
            r.fail();
            return;
        }
        byte[] b = r.array();
        int base = r.stubStart() + r.position();
        int w = 0;
        while (w + 1 < security && out.bindingCount() < out.max) {
            int tower = Bytes.u16le(b, base + 2 * w);
            if (tower == 0) {
                break;
            }
            int s = w + 1;
            int e = s;
            while (e < security && Bytes.u16le(b, base + 2 * e) != 0) {
                e++;
            }
            if (e > s) {
                int chars = Math.min(e - s, MAX_BINDING_CHARS);
                // the words end before the first zero one: no trailing NUL for the decoder to drop
                out.binding(Utf16Memo.decode(Utf16Memo.DCOM_BINDING, b, base + 2 * s, 2 * chars));
            }
            w = e + 1;
        }
        r.skip(entries * 2);
    }
}
