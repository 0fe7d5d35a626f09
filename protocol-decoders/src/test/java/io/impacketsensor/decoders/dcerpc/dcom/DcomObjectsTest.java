package io.impacketsensor.decoders.dcerpc.dcom;

import io.impacketsensor.core.event.RpcInterfaces;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shared IPID table: bound, expiring, per server, and blind to answers of later frames (synthetic values). */
class DcomObjectsTest {
    private static final long SECOND = 1_000_000_000L;
    private static final UUID WBEM_SERVICES = RpcInterfaces.uuid(RpcInterfaces.WBEM_SERVICES);
    private static final UUID MMC20 = UUID.fromString("49b2791a-b1ae-4c90-9b8e-e860ba07f889");
    private final InetAddress server = InetAddress.getLoopbackAddress();
    private final InetAddress client;
    private final InetAddress other;

    DcomObjectsTest() throws Exception {
        client = InetAddress.getByName("10.0.0.5");
        other = InetAddress.getByName("10.0.0.6");
    }

    @Test
    void anIpidNamesItsInterfaceAndClassAtItsServerOnly() {
        DcomObjects t = new DcomObjects(16, 60 * SECOND);
        UUID ipid = UUID.randomUUID();
        t.put(ipid, WBEM_SERVICES, MMC20, server, client, 0, -1);
        DcomObjects.View v = new DcomObjects.View();
        assertTrue(t.find(ipid, server, SECOND, -1, v));
        assertEquals(WBEM_SERVICES, v.iid);
        assertEquals(RpcInterfaces.WBEM_SERVICES, v.ifaceIndex);
        assertEquals(MMC20, v.clsid);
        assertFalse(t.find(ipid, other, SECOND, -1, new DcomObjects.View()));
        assertEquals(MMC20, t.clsidOf(ipid, server));
        assertNull(t.clsidOf(ipid, other));
    }

    @Test
    void anIpidUnusedForTheTimeoutIsForgottenAndUseKeepsItAlive() {
        DcomObjects t = new DcomObjects(16, 60 * SECOND);
        UUID ipid = UUID.randomUUID();
        t.put(ipid, WBEM_SERVICES, null, server, client, 0, -1);
        DcomObjects.View v = new DcomObjects.View();
        assertTrue(t.find(ipid, server, 50 * SECOND, -1, v));
        assertTrue(t.find(ipid, server, 100 * SECOND, -1, v), "used at 50 s: alive until 110 s");
        assertFalse(t.find(ipid, server, 161 * SECOND, -1, v));
        assertEquals(1, t.expired());
        assertEquals(0, t.size());
    }

    @Test
    void theLeastRecentlyUsedIpidMakesRoom() {
        DcomObjects t = new DcomObjects(2, 60 * SECOND);
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        UUID c = UUID.randomUUID();
        DcomObjects.View v = new DcomObjects.View();
        t.put(a, WBEM_SERVICES, null, server, client, 0, -1);
        t.put(b, WBEM_SERVICES, null, server, client, 0, -1);
        assertTrue(t.find(a, server, 0, -1, v));
        t.put(c, WBEM_SERVICES, null, server, client, 0, -1);
        assertTrue(t.find(a, server, 0, -1, v));
        assertFalse(t.find(b, server, 0, -1, v));
        assertTrue(t.find(c, server, 0, -1, v));
        assertEquals(1, t.evicted());
        assertEquals(2, t.size());
    }

    /** A worker that runs ahead must not name a request from an answer of a later frame. */
    @Test
    void aLookupSeesOnlyAnswersOfEarlierFrames() {
        DcomObjects t = new DcomObjects(16, 60 * SECOND);
        UUID ipid = UUID.randomUUID();
        t.put(ipid, WBEM_SERVICES, null, server, client, 0, 100);
        DcomObjects.View v = new DcomObjects.View();
        assertFalse(t.find(ipid, server, 0, 90, v));
        assertFalse(t.find(ipid, server, 0, 100, v));
        assertTrue(t.find(ipid, server, 0, 101, v));
        assertTrue(t.find(ipid, server, 0, -1, v), "outside a pipeline every answer counts");
    }

    @Test
    void capacityZeroTurnsTrackingOff() {
        DcomObjects t = new DcomObjects(0, 60 * SECOND);
        UUID ipid = UUID.randomUUID();
        t.put(ipid, WBEM_SERVICES, null, server, client, 0, -1);
        assertFalse(t.find(ipid, server, 0, -1, new DcomObjects.View()));
        assertEquals(0, t.learned());
    }
}
