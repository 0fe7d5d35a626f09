package io.impacketsensor.decoders.smb1;

import io.impacketsensor.core.collections.LongObjectMap;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The tables of one SMB1 connection (MS-CIFS 3.2.1.3): logged-on UIDs, trees by TID and opens by
 * FID, each bounded by {@link Smb1Limits}. What is over a limit is not tracked, and the anomaly is
 * reported through the analyzer.
 */
final class Smb1Opens {
    /** Where an anomaly over a table limit goes. */
    interface Over {
        void anomaly(Smb1Anomaly a, String detail);
    }

    private final Smb1Limits limits;
    private final Over over;
    private final LongObjectMap<Smb1Session.Tree> trees = new LongObjectMap<>();
    private final LongObjectMap<Smb1Session.FileEntry> files = new LongObjectMap<>();
    private final LongObjectMap<Boolean> sessions = new LongObjectMap<>();

    Smb1Opens(Smb1Limits limits, Over over) {
        this.limits = limits;
        this.over = over;
    }

    Smb1Session.Tree tree(int tid) {
        return trees.get(tid);
    }

    Smb1Session.FileEntry file(int fid) {
        return files.get(fid);
    }

    void forEachFile(Consumer<Smb1Session.FileEntry> action) {
        files.forEach(action);
    }

    /** A successful login of {@code uid}; false (after the anomaly) over the session limit. */
    boolean login(int uid) {
        if (sessions.get(uid) == null) {
            if (sessions.size() >= limits.maxSessions()) {
                over.anomaly(Smb1Anomaly.TOO_MANY_SESSIONS, String.valueOf(sessions.size()));
                return false;
            }
            sessions.put(uid, Boolean.TRUE);
        }
        return true;
    }

    void logoff(int uid) {
        sessions.remove(uid);
    }

    /** A successful TREE_CONNECT_ANDX; false (after the anomaly) over the tree limit. */
    boolean connect(int tid, String path, int shareType) {
        if (trees.get(tid) != null) {
            disconnect(tid);
        }
        if (trees.size() >= limits.maxTrees()) {
            over.anomaly(Smb1Anomaly.TOO_MANY_TREES, String.valueOf(trees.size()));
            return false;
        }
        trees.put(tid, new Smb1Session.Tree(tid, path, shareType));
        return true;
    }

    /** A TREE_DISCONNECT (or a reused TID): the tree's opens are closed. */
    void disconnect(int tid) {
        Smb1Session.Tree t = trees.remove(tid);
        if (t == null || t.openFiles == 0) {
            return;
        }
        List<Smb1Session.FileEntry> gone = new ArrayList<>();
        files.forEach(f -> {
            if (f.tree == t) {
                gone.add(f);
            }
        });
        for (Smb1Session.FileEntry f : gone) {
            close(f);
        }
    }

    /**
     * A successful NT_CREATE_ANDX or OPEN_ANDX of request {@code q}: the open, in the request's tree
     * (an unnamed one when its TREE_CONNECT was not seen), or null (after the anomaly) over a limit.
     * A pipe by its share, or by the ResourceType when the tree connect was not seen.
     */
    Smb1Session.FileEntry open(Smb1Pending q, int fid, boolean pipeResource) {
        Smb1Session.Tree t = treeOf(q, -1);
        if (t == null) {
            return null;
        }
        Smb1Session.FileEntry old = files.get(fid);
        if (old != null) {
            close(old);
        }
        if (files.size() >= limits.maxOpenFiles()) {
            over.anomaly(Smb1Anomaly.TOO_MANY_OPEN_FILES, String.valueOf(files.size()));
            return null;
        }
        Smb1Session.FileEntry f = new Smb1Session.FileEntry(fid, q.name == null ? "" : q.name,
                t.ipc || pipeResource, t);
        files.put(fid, f);
        t.openFiles++;
        return f;
    }

    /**
     * TRANS_TRANSACT_NMPIPE on a FID whose open was not seen (the capture started mid-session): the
     * FID is a named pipe (2.2.5.6), so it is tracked, without a name. Null (after the anomaly) over a limit.
     */
    Smb1Session.FileEntry adoptPipe(Smb1Pending q, int fid) {
        if (files.size() >= limits.maxOpenFiles()) {
            over.anomaly(Smb1Anomaly.TOO_MANY_OPEN_FILES, String.valueOf(files.size()));
            return null;
        }
        Smb1Session.Tree t = treeOf(q, 2);
        if (t == null) {
            return null;
        }
        Smb1Session.FileEntry f = new Smb1Session.FileEntry(fid, "", true, t);
        files.put(fid, f);
        t.openFiles++;
        return f;
    }

    /**
     * The request's tree; one connected before the capture started is tracked unnamed (with the
     * given share type). Null, after the anomaly, over the tree limit.
     */
    private Smb1Session.Tree treeOf(Smb1Pending q, int shareType) {
        if (q.tree == null) {
            if (trees.size() >= limits.maxTrees()) {
                over.anomaly(Smb1Anomaly.TOO_MANY_TREES, String.valueOf(trees.size()));
                return null;
            }
            q.tree = new Smb1Session.Tree(q.tid, "", shareType);
            trees.put(q.tid, q.tree);
        }
        return q.tree;
    }

    /** A CLOSE (or a reused FID): the open is forgotten and its pipe stream ended. */
    void close(Smb1Session.FileEntry f) {
        if (files.remove(f.fid) == null) {
            return;
        }
        f.tree.openFiles--;
        endStream(f);
    }

    /** The end of the connection: every pipe stream is ended. */
    void closeAll() {
        files.forEach(Smb1Opens::endStream);
        files.clear();
    }

    /** For the next connection of a pooled analyzer, after {@link #closeAll}: no tree, file or session. */
    void clear() {
        trees.clear();
        files.clear();
        sessions.clear();
    }

    private static void endStream(Smb1Session.FileEntry f) {
        if (f.consumer != null) {
            f.consumer.onClose();
            f.consumer = null;
        }
    }
}
