package io.impacketsensor.decoders.smb2;

import io.impacketsensor.core.collections.LongObjectMap;
import io.impacketsensor.core.collections.ReusePool;

import java.util.function.Consumer;

/**
 * The sessions of one SMB2 connection with their trees and open files (MS-SMB2 3.2.1.3 Session,
 * 3.2.1.4 TreeConnect, 3.2.1.6 Open), each table bounded by {@link Smb2Limits}: what is over a
 * limit is not tracked, and the anomaly is reported through the analyzer.
 */
final class Smb2Sessions {
    /** Where an anomaly over a table limit goes. */
    interface Over {
        void anomaly(Smb2Anomaly a, String detail);
    }

    private final Smb2Limits limits;
    private final Over over;
    private final LongObjectMap<Smb2Session> sessions = new LongObjectMap<>();
    /**
     * The sessions and trees this connection is done with (LOGOFF, TREE_DISCONNECT, a reused
     * TreeId), kept aside until it ends: a request still waiting, or an open a late answer reads,
     * may name a tree after its disconnect, so none is reused before then ({@link #closeAll}).
     */
    private final ReusePool<Smb2Session> doneSessions = new ReusePool<>(KEPT);
    private final ReusePool<Smb2Session.Tree> doneTrees = new ReusePool<>(KEPT);
    private final ReusePool<Smb2Session.FileEntry> doneFiles = new ReusePool<>(KEPT_FILES);
    /** Those of the analyzer's ended connections, for this one's new sessions, trees and opens. */
    private final ReusePool<Smb2Session> spareSessions = new ReusePool<>(KEPT);
    private final ReusePool<Smb2Session.Tree> spareTrees = new ReusePool<>(KEPT);
    private final ReusePool<Smb2Session.FileEntry> spareFiles = new ReusePool<>(KEPT_FILES);
    /**
     * A connection has a session or two, with a tree or two each, and opens a few files or, on a
     * share it browses, dozens; more only holds memory.
     */
    private static final int KEPT = 4;
    private static final int KEPT_FILES = 32;
    /** Made once: passed to {@code forEach}, a reference to a method of this object would be a new object per call. */
    private final Consumer<Smb2Session.FileEntry> doneFile = doneFiles::give;
    private final Consumer<Smb2Session.Tree> doneTree = this::done;
    private final Consumer<Smb2Session> doneSession = this::done;

    Smb2Sessions(Smb2Limits limits, Over over) {
        this.limits = limits;
        this.over = over;
    }

    /** The tracked tree, or null. */
    Smb2Session.Tree tree(long sessionId, int treeId) {
        Smb2Session s = sessions.get(sessionId);
        return s == null ? null : s.trees.get(treeId & 0xFFFF_FFFFL);
    }

    /** The session, created on first use; null (after the anomaly) over the session limit. */
    Smb2Session session(long id) {
        Smb2Session s = sessions.get(id);
        if (s == null) {
            if (sessions.size() >= limits.maxSessions()) {
                over.anomaly(Smb2Anomaly.TOO_MANY_SESSIONS, String.valueOf(sessions.size()));
                return null;
            }
            Smb2Session spare = spareSessions.take();
            s = spare != null ? spare.reset(id) : new Smb2Session(id);
            sessions.put(id, s);
        }
        return s;
    }

    /** A successful TREE_CONNECT; false (after the anomaly, if any) when the tree is not tracked. */
    boolean connect(long sessionId, int treeId, String path, int shareType) {
        Smb2Session s = session(sessionId);
        if (s == null) {
            return false;
        }
        if (s.trees.size() >= limits.maxTreesPerSession()) {
            over.anomaly(Smb2Anomaly.TOO_MANY_TREES, String.valueOf(s.trees.size()));
            return false;
        }
        Smb2Session.Tree old = s.trees.get(treeId & 0xFFFF_FFFFL);
        if (old != null) {
            done(old);
            Smb2Session.closeTree(old);
        }
        s.trees.put(treeId & 0xFFFF_FFFFL, tree(s, treeId, path, shareType));
        return true;
    }

    /** A successful TREE_DISCONNECT: the tree's opens are forgotten. */
    void disconnect(long sessionId, int treeId) {
        Smb2Session s = sessions.get(sessionId);
        if (s != null) {
            Smb2Session.Tree t = s.trees.remove(treeId & 0xFFFF_FFFFL);
            if (t != null) {
                done(t);
                Smb2Session.closeTree(t);
            }
        }
    }

    /** A successful LOGOFF: the session's trees and opens are forgotten. */
    void logoff(long sessionId) {
        Smb2Session s = sessions.remove(sessionId);
        if (s != null) {
            done(s);
        }
    }

    /**
     * A successful CREATE of request {@code q} returned FileId {@code persistent}/{@code vol}: the
     * open, tracked in the request's tree (an unnamed one when its TREE_CONNECT was not seen), or
     * null (after the anomaly, if any) when it is not tracked.
     */
    Smb2Session.FileEntry open(Smb2Pending q, long persistent, long vol) {
        Smb2Session s = session(q.sessionId);
        if (s == null) {
            return null;
        }
        Smb2Session.Tree t = q.tree;
        if (t == null) {
            // Tree connected before the capture started: track its files under an unnamed tree.
            t = s.trees.get(q.treeId & 0xFFFF_FFFFL);
            if (t == null) {
                if (s.trees.size() >= limits.maxTreesPerSession()) {
                    over.anomaly(Smb2Anomaly.TOO_MANY_TREES, String.valueOf(s.trees.size()));
                    return null;
                }
                t = tree(s, q.treeId, "", -1);
                s.trees.put(q.treeId & 0xFFFF_FFFFL, t);
            }
            q.tree = t;
        }
        if (s.openFiles >= limits.maxOpenFilesPerSession()) {
            over.anomaly(Smb2Anomaly.TOO_MANY_OPEN_FILES, String.valueOf(s.openFiles));
            return null;
        }
        // Mid-session pickup: on a share whose TREE_CONNECT was not seen, a well-known RPC pipe name says pipe.
        boolean pipe = t.ipc || t.unknownShare() && Smb2Pipes.wellKnownRpcPipe(q.name);
        Smb2Session.FileEntry f = file(persistent, vol, q.name, pipe, t);
        Smb2Session.FileEntry old = t.files.get(f.vol);
        if (old != null) {
            close(old);
        }
        t.files.put(f.vol, f);
        s.openFiles++;
        return f;
    }

    /**
     * An open no captured CREATE made (its FileId named by request {@code q}), recognised as a named
     * pipe by the DCE/RPC PDU it carries: tracked under the request's tree (an unnamed one when its
     * TREE_CONNECT was not captured either) with an unknown name. Null (after the anomaly, if any)
     * when it is not tracked.
     */
    Smb2Session.FileEntry latePipe(Smb2Pending q) {
        Smb2Session s = session(q.sessionId);
        if (s == null) {
            return null;
        }
        Smb2Session.Tree t = q.tree != null ? q.tree : s.trees.get(q.treeId & 0xFFFF_FFFFL);
        if (t == null) {
            if (s.trees.size() >= limits.maxTreesPerSession()) {
                over.anomaly(Smb2Anomaly.TOO_MANY_TREES, String.valueOf(s.trees.size()));
                return null;
            }
            t = tree(s, q.treeId, "", -1);
            s.trees.put(q.treeId & 0xFFFF_FFFFL, t);
        }
        if (s.openFiles >= limits.maxOpenFilesPerSession()) {
            over.anomaly(Smb2Anomaly.TOO_MANY_OPEN_FILES, String.valueOf(s.openFiles));
            return null;
        }
        Smb2Session.FileEntry f = file(q.lateFidPersistent, q.lateFidVolatile, "", true, t);
        Smb2Session.FileEntry old = t.files.get(f.vol);
        if (old != null) {
            close(old);
        }
        t.files.put(f.vol, f);
        s.openFiles++;
        q.tree = t;
        q.file = f;
        return f;
    }

    /** A successful CLOSE, or a CREATE reusing the FileId: {@link Smb2Session#closeFile}. */
    void close(Smb2Session.FileEntry f) {
        Smb2Session.FileEntry removed = Smb2Session.closeFile(f);
        if (removed != null) {
            doneFiles.give(removed);
        }
    }

    /** A new open, or an ended connection's. */
    private Smb2Session.FileEntry file(long persistent, long vol, String name, boolean pipe, Smb2Session.Tree t) {
        Smb2Session.FileEntry spare = spareFiles.take();
        return spare != null ? spare.set(persistent, vol, name, pipe, t) : new Smb2Session.FileEntry(persistent, vol, name, pipe, t);
    }

    /** A new tree, or an ended connection's. */
    private Smb2Session.Tree tree(Smb2Session s, int treeId, String path, int shareType) {
        Smb2Session.Tree spare = spareTrees.take();
        return spare != null ? spare.set(s, treeId, path, shareType) : new Smb2Session.Tree(s, treeId, path, shareType);
    }

    /** A tree this connection is done with, and its opens (before they are forgotten). */
    private void done(Smb2Session.Tree t) {
        t.files.forEach(doneFile);
        doneTrees.give(t);
    }

    /** A session this connection is done with: its trees and opens are forgotten. */
    private void done(Smb2Session s) {
        s.trees.forEach(doneTree);
        s.closeAll();
        doneSessions.give(s);
    }

    /**
     * The end of the connection: every open is forgotten and its pipe stream ended. Nothing names
     * the connection's sessions and trees any more, so they serve the analyzer's next connection.
     */
    void closeAll() {
        sessions.forEach(doneSession);
        sessions.clear();
        doneSessions.moveTo(spareSessions);
        doneTrees.moveTo(spareTrees);
        doneFiles.moveTo(spareFiles);
    }
}
