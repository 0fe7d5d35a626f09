package io.impacketsensor.decoders.smb2;

import io.impacketsensor.core.collections.LongObjectMap;
import io.impacketsensor.decoders.pipe.PipeConsumer;

/** One SMB2 session's trees and open files (MS-SMB2 3.2.1.3 Session, 3.2.1.4 TreeConnect, 3.2.1.6 Open). */
final class Smb2Session {
    /** Set again when an ended connection's session serves a new one ({@link #reset}). */
    long id;
    final LongObjectMap<Tree> trees = new LongObjectMap<>();
    int openFiles;
    boolean encryptedReported;

    Smb2Session(long id) {
        this.id = id;
    }

    /** As a new session {@code id}, for an ended connection's session without trees. */
    Smb2Session reset(long id) {
        this.id = id;
        trees.reset();
        openFiles = 0;
        encryptedReported = false;
        return this;
    }

    /**
     * A connected tree and its open files, keyed by the volatile half of the FileId. Its fields are
     * set again when an ended connection's tree serves a new one ({@link #set}).
     */
    static final class Tree {
        Smb2Session session;
        int id;
        String path;
        boolean ipc;
        int shareType;
        final LongObjectMap<FileEntry> files = new LongObjectMap<>();
        /** The named pipe opened last on this tree, for a READ answer whose request was not captured. */
        FileEntry lastPipe;

        Tree(Smb2Session session, int id, String path, int shareType) {
            set(session, id, path, shareType);
        }

        /** As a new tree: every field as the constructor sets it, no open files. */
        Tree set(Smb2Session session, int id, String path, int shareType) {
            this.session = session;
            this.id = id;
            this.path = path;
            this.shareType = shareType;
            // MS-SMB2 3.3.5.7: IPC$ is the pipe share; ShareType 2 says so when the path is unknown.
            this.ipc = shareType == 2 || path.regionMatches(true, Math.max(0, path.length() - 5), "\\IPC$", 0, 5)
                    || path.equalsIgnoreCase("IPC$");
            files.reset();
            lastPipe = null;
            return this;
        }

        /** Connected before the capture started: neither the share name nor its type is known. */
        boolean unknownShare() {
            return shareType == -1 && path.isEmpty();
        }
    }

    /**
     * An open (a CREATE that succeeded) until its CLOSE. Its fields are set again when an ended
     * connection's open serves a new one ({@link #set}).
     */
    static final class FileEntry {
        long persistent;
        long vol;
        String name;
        /** A named pipe: on IPC$, or (unknown share) recognised by its name or first payload ({@link Smb2Pipes}). */
        boolean pipe;
        /** The first WRITE/IOCTL payload was looked at ({@link Smb2Pipes#firstPayloadShowsPipe}). */
        boolean probed;
        Tree tree;
        PipeConsumer consumer;

        FileEntry(long persistent, long vol, String name, boolean pipe, Tree tree) {
            set(persistent, vol, name, pipe, tree);
        }

        /** As a new open: every field as the constructor sets it. */
        FileEntry set(long persistent, long vol, String name, boolean pipe, Tree tree) {
            this.persistent = persistent;
            this.vol = vol;
            this.name = name;
            this.pipe = pipe;
            this.tree = tree;
            probed = false;
            consumer = null;
            return this;
        }

        /** Ends the pipe stream to DCE/RPC, if one is open. */
        void closeConsumer() {
            if (consumer != null) {
                consumer.onClose();
                consumer = null;
            }
        }
    }

    /**
     * Forgets an open file (CLOSE, or a CREATE reusing its FileId) and closes its pipe consumer.
     *
     * @return the open taken out of its tree's table under {@code f}'s FileId (null when none was)
     */
    static FileEntry closeFile(FileEntry f) {
        FileEntry removed = f.tree.files.remove(f.vol);
        if (removed == null) {
            return null;
        }
        f.tree.session.openFiles--;
        f.closeConsumer();
        return removed;
    }

    /**
     * Forgets a tree's open files (TREE_DISCONNECT, a reused TreeId, LOGOFF). Static, so the
     * references passed to {@code forEach} capture nothing and are not a new object per call.
     */
    static void closeTree(Tree t) {
        t.session.openFiles -= t.files.size();
        t.files.forEach(FileEntry::closeConsumer);
        t.files.clear();
    }

    /** Forgets every tree (LOGOFF, end of the flow). */
    void closeAll() {
        trees.forEach(Smb2Session::closeTree);
        trees.clear();
    }
}
