package io.impacketsensor.decoders.smb1;

import io.impacketsensor.core.collections.LongObjectMap;

import java.util.ArrayList;
import java.util.List;

/**
 * Requests awaiting their response, keyed by PID and MID (MS-CIFS 3.2.5.1). Requests that share a
 * PID/MID (Windows sends several with MID 0; Metasploit uses one MID throughout) wait in arrival
 * order behind each other, at most {@code maxPerKey} of them; a response takes the oldest one of
 * its command.
 */
final class Smb1PendingTable {
    private final LongObjectMap<Smb1Pending> map = new LongObjectMap<>();
    private final int maxPerKey;
    private int count;

    Smb1PendingTable(int maxPerKey) {
        this.maxPerKey = maxPerKey;
    }

    /** Requests waiting, those queued behind a shared PID/MID included. */
    int size() {
        return count;
    }

    /**
     * Adds a request behind the ones with the same key. Returns the oldest of them when the key
     * already had {@code maxPerKey} waiting (it is removed: the caller reports it unanswered), else null.
     */
    Smb1Pending add(long key, Smb1Pending q) {
        Smb1Pending first = map.get(key);
        count++;
        if (first == null) {
            map.put(key, q);
            return null;
        }
        int n = 1;
        Smb1Pending last = first;
        for (; last.sameKey != null; last = last.sameKey) {
            n++;
        }
        last.sameKey = q;
        if (n < maxPerKey) {
            return null;
        }
        map.put(key, first.sameKey);
        first.sameKey = null;
        count--;
        return first;
    }

    /** The oldest request with this key whose first command is {@code cmd}, or null. */
    Smb1Pending find(long key, int cmd) {
        Smb1Pending q = map.get(key);
        while (q != null && q.command != cmd) {
            q = q.sameKey;
        }
        return q;
    }

    /**
     * Takes the request a response with this key answers: the oldest whose first command is
     * {@code cmd}, else the oldest (the caller then reports it unanswered); null when none waits.
     */
    Smb1Pending take(long key, int cmd) {
        Smb1Pending first = map.get(key);
        if (first == null) {
            return null;
        }
        Smb1Pending prev = null;
        Smb1Pending q = first;
        while (q != null && q.command != cmd) {
            prev = q;
            q = q.sameKey;
        }
        if (q == null) {
            prev = null;
            q = first;
        }
        if (prev != null) {
            prev.sameKey = q.sameKey;
        } else if (q.sameKey != null) {
            map.put(key, q.sameKey);
        } else {
            map.remove(key);
        }
        q.sameKey = null;
        count--;
        return q;
    }

    /** Puts an answered request back at the front of its key: more response messages will follow. */
    void requeue(Smb1Pending q) {
        q.requeued = true;
        q.sameKey = map.get(q.key);
        map.put(q.key, q);
        count++;
    }

    /** For the next connection of a pooled analyzer: empty. */
    void clear() {
        map.clear();
        count = 0;
    }

    /** True when no request waits (most connections end so). */
    boolean isEmpty() {
        return map.size() == 0;
    }

    /** Empties the table; returns every request, ordered by key then arrival (at close). */
    List<Smb1Pending> drain() {
        if (map.size() == 0) {
            return List.of(); // most connections end with every request answered
        }
        List<Smb1Pending> left = new ArrayList<>();
        map.forEach(q -> {
            for (; q != null; q = q.sameKey) {
                left.add(q);
            }
        });
        map.clear();
        count = 0;
        left.sort((a, b) -> Long.compare(a.key, b.key));
        return left;
    }
}
