package io.impacketsensor.decoders.smb2;

import io.impacketsensor.core.event.SmbEvent;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import io.impacketsensor.decoders.testutil.SmbRun;
import io.impacketsensor.core.testkit.Step;
import static io.impacketsensor.decoders.testutil.SmbRun.c;
import static io.impacketsensor.decoders.testutil.SmbRun.s;
import static io.impacketsensor.decoders.testutil.Smb2Wire.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Captures picked up after the TREE_CONNECT (synthetic, built by {@code Smb2Wire}): the share is
 * unknown, so a pipe is recognised by a well-known RPC pipe name or by a DCE/RPC BIND (or an IOCTL
 * FSCTL_PIPE_TRANSCEIVE) as its first payload; on a known disk share neither counts.
 */
class Smb2MidSessionPipeTest {
    private static final long SID = 0x77L;
    private static final int TREE = 3;
    /** A DCE/RPC BIND common header (C706 12.6.3.1: version 5.0, PTYPE 11) and a few more bytes. */
    private static final byte[] BIND = {5, 0, 11, 3, 0x10, 0, 0, 0, 24, 0, 0, 0, 1, 0, 0, 0, (byte) 0xb8, 0x10, (byte) 0xb8, 0x10,
        0, 0, 0, 0};
    private static final byte[] DATA = "MZ not a pipe, just file bytes".getBytes();

    private static List<Step> open(int tree, String name, long vol) {
        List<Step> l = new ArrayList<>();
        l.add(c(msg(5, 0, false, vol, tree, SID, createReq(name, 0x12019f, 1, 0x40))));
        l.add(s(msg(5, 0, true, vol, tree, SID, createResp(1, vol))));
        return l;
    }

    private static List<Step> write(int tree, long vol, long messageId, byte[] data) {
        return List.of(c(msg(9, 0, false, messageId, tree, SID, writeReq(1, vol, data))),
                s(msg(9, 0, true, messageId, tree, SID, writeResp(data.length))));
    }

    @Test
    void wellKnownRpcPipeNameOnAnUnknownTreeIsRoutedToTheConsumer() {
        SmbRun r = new SmbRun(Smb2Limits.DEFAULTS).feed(open(TREE, "atsvc", 0x20)).feed(write(TREE, 0x20, 100, BIND));
        assertTrue(r.alive);
        assertTrue(r.ctx.of(SmbEvent.SmbCreate.class).get(0).namedPipe());
        assertEquals(1, r.pipes.pipes.size());
        assertEquals("atsvc", r.pipes.pipes.get(0).name);
        assertArrayEquals(BIND, r.pipes.pipes.get(0).toServer.toByteArray());
        assertTrue(r.ctx.of(SmbEvent.SmbWrite.class).get(0).namedPipe());
    }

    @Test
    void pipePrefixAndCaseDoNotMatter() {
        SmbRun r = new SmbRun(Smb2Limits.DEFAULTS).feed(open(TREE, "\\PIPE\\SvcCtl", 0x21));
        assertEquals(1, r.pipes.pipes.size());
        assertEquals("SvcCtl", r.pipes.pipes.get(0).name);
    }

    @Test
    void unknownNameBecomesAPipeWhenItsFirstWriteIsADcerpcBind() {
        SmbRun r = new SmbRun(Smb2Limits.DEFAULTS).feed(open(TREE, "custom_rpc", 0x22));
        assertTrue(r.pipes.pipes.isEmpty());
        assertFalse(r.ctx.of(SmbEvent.SmbCreate.class).get(0).namedPipe());
        r.feed(write(TREE, 0x22, 100, BIND)).feed(write(TREE, 0x22, 101, DATA));
        assertEquals(1, r.pipes.pipes.size());
        assertEquals("custom_rpc", r.pipes.pipes.get(0).name);
        assertArrayEquals(cat(BIND, DATA), r.pipes.pipes.get(0).toServer.toByteArray());
        assertTrue(r.ctx.of(SmbEvent.SmbWrite.class).get(1).namedPipe());
    }

    @Test
    void unknownNameWithAnIoctlTransceiveIsAPipe() {
        SmbRun r = new SmbRun(Smb2Limits.DEFAULTS).feed(open(TREE, "custom_rpc", 0x23));
        r.feed(List.of(c(msg(11, 0, false, 100, TREE, SID, ioctlReq(0x0011C017, 1, 0x23, DATA)))));
        assertEquals(1, r.pipes.pipes.size());
        assertArrayEquals(DATA, r.pipes.pipes.get(0).toServer.toByteArray());
    }

    @Test
    void onlyTheFirstPayloadIsLookedAt() {
        SmbRun r = new SmbRun(Smb2Limits.DEFAULTS).feed(open(TREE, "report.docx", 0x24))
                .feed(write(TREE, 0x24, 100, DATA)).feed(write(TREE, 0x24, 101, BIND));
        assertTrue(r.pipes.pipes.isEmpty());
        assertFalse(r.ctx.of(SmbEvent.SmbWrite.class).get(1).namedPipe());
    }

    @Test
    void aKnownDiskShareNeverHasPipes() {
        List<Step> l = new ArrayList<>();
        l.add(c(msg(3, 0, false, 1, 0, SID, treeConnectReq("\\\\dc1\\C$"))));
        l.add(s(msg(3, 0, true, 1, TREE, SID, treeConnectResp(1))));
        SmbRun r = new SmbRun(Smb2Limits.DEFAULTS).feed(l).feed(open(TREE, "svcctl", 0x25)).feed(write(TREE, 0x25, 100, BIND));
        assertTrue(r.pipes.pipes.isEmpty());
        assertFalse(r.ctx.of(SmbEvent.SmbCreate.class).get(0).namedPipe());
    }
}
