package io.impacketsensor.core.flow;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Endpoint-mapper expectations and their frame stamps (synthetic addresses). */
class ExpectationsTest {
    private static final long SERVER = 0x0A630001L; // 10.99.0.1

    @Test
    void aLookupSeesOnlyWhatEarlierFramesAnnounced() throws Exception {
        Expectations x = new Expectations(8, 60_000_000_000L);
        // Frame 40 (another worker, ahead of us) announces 10.99.0.1:49153 as DCE/RPC.
        x.add(InetAddress.getByName("10.99.0.1"), 49153, "dcerpc", 1_000, 40);
        // A flow opened by frame 40 or earlier: one worker would not have seen it yet.
        assertNull(x.lookup(4, 0, SERVER, 49153, 2_000, 40));
        assertNull(x.lookup(4, 0, SERVER, 49153, 2_000, 12));
        assertEquals("dcerpc", x.lookup(4, 0, SERVER, 49153, 2_000, 41));
        // Outside a pipeline (no stamps): everything announced so far.
        assertEquals("dcerpc", x.lookup(4, 0, SERVER, 49153, 2_000));
        assertNull(x.lookup(4, 0, SERVER, 49154, 2_000, 41), "another port");
    }

    @Test
    void unstampedAnnouncementsAreSeenByEveryLookup() throws Exception {
        Expectations x = new Expectations(8, 60_000_000_000L);
        x.add(InetAddress.getByName("10.99.0.1"), 49153, "dcerpc", 1_000);
        assertEquals("dcerpc", x.lookup(4, 0, SERVER, 49153, 2_000, 0));
        assertNull(x.lookup(4, 0, SERVER, 49153, 1_000 + 60_000_000_001L, 0), "expired");
    }

    /** The table is a ring: an overwritten entry's port is no longer found, a re-announced one still is. */
    @Test
    void overwrittenEntriesAreForgottenAndTheOthersFound() throws Exception {
        Expectations x = new Expectations(3, 60_000_000_000L);
        InetAddress s = InetAddress.getByName("10.99.0.1");
        x.add(s, 49153, "dcerpc", 1_000);
        x.add(s, 49154, "dcerpc", 1_000);
        x.add(s, 49153, "other", 1_000);
        x.add(s, 49155, "dcerpc", 1_000); // overwrites the first 49153
        assertEquals("other", x.lookup(4, 0, SERVER, 49153, 2_000));
        x.add(s, 49156, "dcerpc", 1_000); // overwrites 49154
        assertNull(x.lookup(4, 0, SERVER, 49154, 2_000));
        x.add(s, 49157, "dcerpc", 1_000); // overwrites the second 49153
        assertNull(x.lookup(4, 0, SERVER, 49153, 2_000));
        assertEquals("dcerpc", x.lookup(4, 0, SERVER, 49155, 2_000));
        assertEquals("dcerpc", x.lookup(4, 0, SERVER, 49157, 2_000));
        assertNull(new Expectations(0, 1).lookup(4, 0, SERVER, 49157, 2_000), "no table");
    }

    /**
     * An announcement's address is read once per address object: the same object again, another
     * object, an IPv6 one and then the first object again each land under their own address.
     */
    @Test
    void eachAnnouncementIsFiledUnderItsOwnAddress() throws Exception {
        Expectations x = new Expectations(8, 60_000_000_000L);
        InetAddress a = InetAddress.getByName("10.99.0.1");
        InetAddress b = InetAddress.getByName("10.99.0.2");
        InetAddress v6 = InetAddress.getByName("fd00::1:2");
        x.add(a, 49153, "one", 1_000);
        x.add(a, 49154, "two", 1_000);
        x.add(b, 49155, "three", 1_000);
        x.add(v6, 49156, "four", 1_000);
        x.add(a, 49157, "five", 1_000);
        x.add(InetAddress.getByName("10.99.0.2"), 49158, "six", 1_000);
        assertEquals("one", x.lookup(4, 0, SERVER, 49153, 2_000));
        assertEquals("two", x.lookup(4, 0, SERVER, 49154, 2_000));
        assertEquals("three", x.lookup(4, 0, SERVER + 1, 49155, 2_000));
        assertNull(x.lookup(4, 0, SERVER, 49155, 2_000));
        assertEquals("four", x.lookup(6, 0xFD00_0000_0000_0000L, 0x0000_0000_0001_0002L, 49156, 2_000));
        assertNull(x.lookup(4, 0, 0x0001_0002L, 49156, 2_000));
        assertEquals("five", x.lookup(4, 0, SERVER, 49157, 2_000));
        assertNull(x.lookup(6, 0xFD00_0000_0000_0000L, 0x0000_0000_0001_0002L, 49157, 2_000));
        assertEquals("six", x.lookup(4, 0, SERVER + 1, 49158, 2_000));
    }
}
