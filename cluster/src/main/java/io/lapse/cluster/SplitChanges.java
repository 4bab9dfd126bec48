package io.lapse.cluster;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.lapse.cache.replication.ReplicaChange;

/**
 * The keys this member changed while it saw fewer members than it had seen at most: what it may
 * have written on its own side of a split, which the other side never received. When Hazelcast
 * merges this member into the larger side of a healed split, the log it wrote to is gone; it
 * takes the larger side's contents as a joining member does, and then puts its own side's changes
 * of those keys back into the log, so that every member ends with the larger side's changes and,
 * on top of them, this side's ({@link CacheReplicator}).
 *
 * <p>A clear while reduced, or more than {@link #MAX_KEYS} keys, makes the whole contents count as
 * changed. Thread safety: {@link #note} is called by writers under a slot lock and must stay cheap;
 * the rest by Hazelcast's event threads and the replicator's sync thread.
 */
final class SplitChanges {

    /** The most keys remembered; past it every entry is put back. */
    static final int MAX_KEYS = 1_000_000;

    private final Set<String> keys = ConcurrentHashMap.newKeySet();
    private volatile boolean reduced;
    private volatile boolean everything;
    private int peak;

    /** Notes a change this member made; cheap when the member sees every member it has seen. */
    void note(ReplicaChange change) {
        if (!reduced) {
            return;
        }
        if (change.kind() == ReplicaChange.Kind.CLEAR || keys.size() >= MAX_KEYS) {
            everything = true;
        } else {
            keys.add(change.key());
        }
    }

    /** The member now sees {@code members} members, itself included. */
    synchronized void members(int members) {
        if (members >= peak) {
            peak = members;
            reduced = false;
            keys.clear();
            everything = false;
        } else {
            reduced = true;
        }
    }

    /** What a merge puts back: the keys noted, or {@code null} for every entry; starts again empty. */
    synchronized Set<String> takeForMerge() {
        Set<String> taken = everything ? null : new HashSet<>(keys);
        keys.clear();
        everything = false;
        return taken;
    }

    /**
     * The changes that put this member's state of some keys back: a put of each live entry among
     * them, the removal of each key without one.
     *
     * @param keys the keys, or {@code null} for every live entry
     * @param live every live entry of the cache, as a snapshot hands them
     */
    static List<ReplicaChange> restoring(Set<String> keys, List<ReplicaChange> live) {
        List<ReplicaChange> changes = new ArrayList<>();
        Set<String> found = new HashSet<>();
        for (ReplicaChange c : live) {
            if (keys == null || keys.contains(c.key())) {
                changes.add(c);
                found.add(c.key());
            }
        }
        if (keys != null) {
            for (String k : keys) {
                if (!found.contains(k)) {
                    changes.add(ReplicaChange.remove(k));
                }
            }
        }
        return changes;
    }
}
