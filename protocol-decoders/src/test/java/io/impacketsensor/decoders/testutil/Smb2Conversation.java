package io.impacketsensor.decoders.testutil;

import io.impacketsensor.core.testkit.Step;

import java.util.ArrayList;
import java.util.List;

import static io.impacketsensor.decoders.testutil.Smb2Wire.*;
import static io.impacketsensor.decoders.testutil.SmbRun.c;
import static io.impacketsensor.decoders.testutil.SmbRun.s;

/** A synthetic SMB2 conversation (built by {@link Smb2Wire}) and its ids: the fixture of the SMB analyzer tests. */
public final class Smb2Conversation {
    private Smb2Conversation() {
    }

    public static final long SID = 0x1122334455L;
    public static final int IPC = 5;
    public static final int DISK = 9;
    public static final long FP = 0x10;
    public static final long FV = 0x20;
    public static final byte[] RPC_REQ = "0123456789abcdef-request".getBytes();
    public static final byte[] RPC_RESP = "response-fedcba9876543210".getBytes();

    /** Tree connect to IPC$, open svcctl, WRITE, READ, IOCTL transceive, CLOSE; then a disk file renamed and deleted. */
    public static List<Step> conversation() {
        List<Step> l = new ArrayList<>();
        l.add(c(msg(3, 0, false, 1, 0, SID, treeConnectReq("\\\\dc1\\IPC$"))));
        l.add(s(msg(3, 0, true, 1, IPC, SID, treeConnectResp(2))));
        l.add(c(msg(5, 0, false, 2, IPC, SID, createReq("svcctl", 0x12019f, 1, 0x40))));
        l.add(s(msg(5, 0, true, 2, IPC, SID, createResp(FP, FV))));
        l.add(c(msg(9, 0, false, 3, IPC, SID, writeReq(FP, FV, RPC_REQ))));
        l.add(s(msg(9, 0, true, 3, IPC, SID, writeResp(RPC_REQ.length))));
        l.add(c(msg(8, 0, false, 4, IPC, SID, readReq(FP, FV, 4280))));
        l.add(s(msg(8, 0, true, 4, IPC, SID, readResp(RPC_RESP))));
        l.add(c(msg(11, 0, false, 5, IPC, SID, ioctlReq(0x0011C017, FP, FV, RPC_REQ))));
        l.add(s(msg(11, 0, true, 5, IPC, SID, ioctlResp(0x0011C017, FP, FV, RPC_RESP))));
        l.add(c(msg(6, 0, false, 6, IPC, SID, closeReq(FP, FV))));
        l.add(s(msg(6, 0, true, 6, IPC, SID, closeResp())));
        l.add(c(msg(3, 0, false, 7, 0, SID, treeConnectReq("\\\\dc1\\ADMIN$"))));
        l.add(s(msg(3, 0, true, 7, DISK, SID, treeConnectResp(1))));
        l.add(c(msg(5, 0, false, 8, DISK, SID, createReq("Temp\\x.exe", 0x110080, 5, 0x40))));
        l.add(s(msg(5, 0, true, 8, DISK, SID, createResp(1, 2))));
        l.add(c(msg(17, 0, false, 9, DISK, SID, renameReq(1, 2, "Temp\\y.exe"))));
        l.add(s(msg(17, 0, true, 9, DISK, SID, smallResp(2))));
        l.add(c(msg(17, 0, false, 10, DISK, SID, deleteReq(1, 2))));
        l.add(s(msg(17, 0xC0000022L, true, 10, DISK, SID, errorResp())));
        return l;
    }
}
