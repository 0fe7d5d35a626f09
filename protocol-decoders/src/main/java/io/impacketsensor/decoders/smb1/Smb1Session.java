package io.impacketsensor.decoders.smb1;

import io.impacketsensor.decoders.pipe.PipeConsumer;

/**
 * SMB1 connection state (MS-CIFS 3.2.1.3): tree connects by TID and opens by FID are tables of the
 * connection, not of a session, in CIFS.
 */
final class Smb1Session {
    private Smb1Session() {
    }

    /** A connected tree (3.2.1.4 Client.TreeConnect). */
    static final class Tree {
        final int tid;
        final String path;
        final boolean ipc;
        int openFiles;

        Tree(int tid, String path, int shareType) {
            this.tid = tid;
            this.path = path;
            // IPC$ is the named-pipe share (3.2.4.2.4); its Service string is "IPC".
            this.ipc = shareType == 2 || path.regionMatches(true, Math.max(0, path.length() - 5), "\\IPC$", 0, 5)
                    || path.equalsIgnoreCase("IPC$");
        }
    }

    /** An open (3.2.1.5 Client.Open) from its NT_CREATE_ANDX or OPEN_ANDX to its CLOSE. */
    static final class FileEntry {
        final int fid;
        final String name;
        final boolean pipe;
        final Tree tree;
        PipeConsumer consumer;

        FileEntry(int fid, String name, boolean pipe, Tree tree) {
            this.fid = fid;
            this.name = name;
            this.pipe = pipe;
            this.tree = tree;
        }
    }
}
