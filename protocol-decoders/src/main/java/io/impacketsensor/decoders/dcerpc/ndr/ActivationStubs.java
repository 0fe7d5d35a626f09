package io.impacketsensor.decoders.dcerpc.ndr;

import io.impacketsensor.core.event.RpcArgs;
import io.impacketsensor.core.event.RpcInterfaces;
import io.impacketsensor.core.wire.Guids;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * DCOM activation requests (MS-DCOM 3.1.2.5): the class being activated and the interfaces asked for.
 * IRemoteSCMActivator RemoteGetClassObject (3) and RemoteCreateInstance (4) carry them inside the
 * activation properties BLOB (2.2.22), marshaled as a custom OBJREF (2.2.18.6) whose properties are
 * type-serialized (MS-RPCE 2.2.6); the class is InstantiationInfoData.classId (2.2.22.2.1).
 * IActivation RemoteActivation (0) passes the Clsid and the IIDs as plain arguments (3.1.2.5.1.1).
 * A stub that is not laid out as expected (another OBJREF kind, a big-endian serialization, no
 * InstantiationInfo) gives no arguments without being malformed; counts past the stub are.
 */
final class ActivationStubs {
    /** OBJREF signature "MEOW" (MS-DCOM 2.2.18). */
    private static final long OBJREF_SIGNATURE = 0x574F454DL;
    /** OBJREF_CUSTOM (MS-DCOM 2.2.18.1): the activation BLOB is custom-marshaled. */
    private static final long OBJREF_CUSTOM = 4;
    /** CLSID_InstantiationInfo (MS-DCOM 1.9): the property holding the class and the IIDs. */
    static final UUID INSTANTIATION_INFO = UUID.fromString("000001ab-0000-0000-c000-000000000046");
    /** MS-RPCE 2.2.6.1 common type header: version 1, little-endian (0x10), length 8. */
    private static final int SERIALIZATION_VERSION = 1;
    private static final int SERIALIZATION_LITTLE_ENDIAN = 0x10;

    private ActivationStubs() {
    }

    static boolean wants(int iface, int opnum) {
        return iface == RpcInterfaces.REMOTE_SCM_ACTIVATOR && (opnum == 3 || opnum == 4)
                || iface == RpcInterfaces.IACTIVATION && opnum == 0;
    }

    /** Decodes an activation request; null when the layout is not the expected one (check {@link NdrReader#ok()}). */
    static RpcArgs request(int iface, int opnum, NdrReader r, int maxIids) {
        Orpc.orpcThis(r);
        if (!r.ok()) {
            return null;
        }
        if (iface == RpcInterfaces.IACTIVATION) {
            return remoteActivation(r, maxIids);
        }
        if (opnum == 4 && r.pointer() != 0) { // [in, unique] MInterfacePointer* pUnkOuter (aggregation: null in practice)
            skipInterfacePointer(r);
        }
        if (r.pointer() == 0) { // [in, unique] MInterfacePointer* pActProperties
            return null;
        }
        return activationProperties(opnum, r, maxIids);
    }

    /** MInterfacePointer (MS-DCOM 2.2.14): ulCntData, then the conformant byte array (max_count first). */
    static int interfacePointerLength(NdrReader r) {
        long cnt = r.u32();
        long max = r.u32();
        if (!r.ok()) {
            return -1;
        }
        if (cnt != max || cnt > r.remaining()) {
            r.fail();
            return -1;
        }
        return (int) cnt;
    }

    private static void skipInterfacePointer(NdrReader r) {
        int n = interfacePointerLength(r);
        if (n > 0) {
            r.skip(n);
        }
    }

    /** RemoteActivation after ORPCTHIS: Clsid, pwszObjectName, pObjectStorage, ClientImpLevel, Mode, Interfaces, pIIDs. */
    private static RpcArgs remoteActivation(NdrReader r, int maxIids) {
        int clsid = r.guid(); // [in] GUID* Clsid: a reference pointer, so the GUID itself
        r.uniqueWideString(); // [in, string, unique] wchar_t* pwszObjectName
        if (r.pointer() != 0) { // [in, unique] MInterfacePointer* pObjectStorage
            skipInterfacePointer(r);
        }
        r.u32(); // ClientImpLevel
        r.u32(); // Mode
        long interfaces = r.u32();
        long iidPtr = r.pointer(); // [in, unique, size_is(Interfaces)] IID* pIIDs
        return activation(0, r, clsid, iidPtr, interfaces, maxIids);
    }

    /** The activation properties BLOB (MS-DCOM 2.2.22) inside its custom OBJREF. */
    private static RpcArgs activationProperties(int opnum, NdrReader r, int maxIids) {
        int len = interfacePointerLength(r);
        if (len < 0) {
            return null;
        }
        int objref = r.position();
        int end = objref + len;
        if (r.u32() != OBJREF_SIGNATURE || r.u32() != OBJREF_CUSTOM) {
            return null;
        }
        r.skip(16); // iid (IActivationPropertiesIn)
        r.skip(16); // clsid of the unmarshaler (CLSID_ActivationPropertiesIn)
        r.u32(); // cbExtension
        r.u32(); // size
        int blob = r.position();
        r.u32(); // dwSize
        r.u32(); // dwReserved
        // CustomHeader (2.2.22.1), type-serialized: the properties follow it, each pSizes[i] bytes long.
        if (!serializationHeader(r)) {
            return null;
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
            return null;
        }
        int n = r.count(cIfs, 16);
        int index = -1;
        for (int i = 0; i < n; i++) {
            int g = r.guid();
            if (index < 0 && r.ok() && Guids.equalsLittleEndian(r.array(), g, INSTANTIATION_INFO)) {
                index = i;
            }
        }
        if (r.u32() != cIfs) {
            return null;
        }
        long offset = 8 + headerSize;
        for (int i = 0; i < n; i++) {
            long size = r.u32();
            if (i < index) {
                offset += size;
            }
        }
        if (!r.ok() || index < 0) {
            return null;
        }
        if (offset > end - blob) {
            r.fail();
            return null;
        }
        r.seek(blob + (int) offset);
        return instantiationInfo(opnum, r, maxIids);
    }

    /** InstantiationInfoData (2.2.22.2.1) after its serialization header. */
    private static RpcArgs instantiationInfo(int opnum, NdrReader r, int maxIids) {
        if (!serializationHeader(r)) {
            return null;
        }
        int clsid = r.guid(); // classId
        r.u32(); // classCtx
        r.u32(); // actvflags
        r.u32(); // fIsSurrogate
        long cIid = r.u32();
        r.u32(); // instFlag
        long iidPtr = r.pointer();
        r.u32(); // thisSize
        r.u16(); // clientCOMVersion
        r.u16();
        return activation(opnum, r, clsid, iidPtr, cIid, maxIids);
    }

    /**
     * The event: the class GUID at offset {@code clsid}, and the IIDs of the deferred conformant array
     * behind {@code iidPtr} (its max_count must equal the declared {@code count}).
     */
    private static RpcArgs activation(int opnum, NdrReader r, int clsid, long iidPtr, long count, int maxIids) {
        List<UUID> iids = List.of();
        if (iidPtr != 0) {
            long max = r.u32();
            if (max != count) {
                r.fail();
            }
            iids = iids(r, r.count(max, 16), maxIids);
        }
        if (!r.ok()) {
            return null;
        }
        return new RpcArgs.DcomActivation(opnum, Guids.fromLittleEndian(r.array(), clsid), iids);
    }

    /**
     * The MS-RPCE 2.2.6.1 common header (version, endianness, length 8, filler) and 2.2.6.2 private
     * header (object buffer length, filler). False for a big-endian or unknown serialization (not
     * decoded). The properties start 8-aligned in the BLOB, and the BLOB 4-aligned in the stub: the
     * 4-byte NDR alignment of what follows is the same from the stub start as from the buffer start.
     */
    static boolean serializationHeader(NdrReader r) {
        int version = r.u8();
        int endian = r.u8();
        r.skip(6);
        r.skip(8);
        return r.ok() && version == SERIALIZATION_VERSION && endian == SERIALIZATION_LITTLE_ENDIAN;
    }

    private static List<UUID> iids(NdrReader r, int n, int maxIids) {
        List<UUID> out = new ArrayList<>(Math.min(n, maxIids));
        for (int i = 0; i < n; i++) {
            int g = r.guid();
            if (i < maxIids && r.ok()) {
                out.add(KnownGuids.fromLittleEndian(r.array(), g));
            }
        }
        return List.copyOf(out);
    }
}
