package io.lapse.cluster;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.LongSupplier;

import io.lapse.cache.replication.ReplicaChange;

/**
 * The keys this member changed while it saw fewer members than it had seen at most: what it may
 * have written on its own side of a split, which the other side never received. When Hazelcast
 * merges this member into the larger side of a healed split, the log it wrote to is gone; it
 * takes the larger side's contents as a joining member does, and then puts its own side's changes
 * of those keys back into the log, so that every member ends with the larger side's changes and,
 * on top of them, this side's ({@link CacheReplicator}).
 *
 * <h2>Before the split is seen</h2>
 * A member learns of a split only when its failure detector gives up on the others (up to
 * Hazelcast's heartbeat timeout, 10 s here) and its membership listener is called, a moment after
 * the member list changed; what it wrote meanwhile may have reached nobody. So every change is also
 * written to a ring of the most recent ones with the time it was made, and a split that is seen
 * counts as changed every key of the last {@link #WINDOW_MILLIS} as well. A ring that no longer
 * reaches that far back, a clear while reduced, or more than {@link #MAX_KEYS} keys, makes the
 * whole contents count as changed.
 *
 * <p>Thread safety: {@link #note} is called by writers under a slot lock and stays cheap (an
 * atomic increment and two array stores while the member sees everyone); the rest by Hazelcast's
 * event threads and the replicator's sync thread.
 */
final class SplitChanges {

    /** The most keys remembered; past it every entry is put back. */
    static final int MAX_KEYS = 1_000_000;

    /**
     * How far back before a split was seen its changes count: Hazelcast's heartbeat timeout
     * ({@link HazelcastConfigs}, 10 s), a heartbeat more and a margin.
     */
    static final long WINDOW_MILLIS = 15_000;

    /** The ring of recent changes: 131,072 of them, about 1 MiB, or 6.5 s at 20,000 changes a second. */
    static final int RING = 1 << 17;

    /** Stands for a clear in the ring. */
    private static final String CLEAR = new String("clear");

    private final Set<String> keys = ConcurrentHashMap.newKeySet();
    private final AtomicReferenceArray<String> recent = new AtomicReferenceArray<>(RING);
    /** When each change of the ring was made, in ms from {@link #origin}. */
    private final AtomicIntegerArray recentAt = new AtomicIntegerArray(RING);
    private final AtomicLong noted = new AtomicLong();
    private final LongSupplier millis;
    private final long origin;
    private volatile boolean reduced;
    private volatile boolean everything;
    private int peak;

    SplitChanges() {
        this(() -> System.nanoTime() / 1_000_000);
    }

    /** @param millis a monotonic clock in ms, for tests */
    SplitChanges(LongSupplier millis) {
        this.millis = millis;
        this.origin = millis.getAsLong();
    }

    /** Notes a change this member made; cheap when the member sees every member it has seen. */
    void note(ReplicaChange change) {
        boolean clear = change.kind() == ReplicaChange.Kind.CLEAR;
        int slot = (int) (noted.getAndIncrement() & (RING - 1));
        recentAt.lazySet(slot, now());
        recent.lazySet(slot, clear ? CLEAR : change.key());
        if (!reduced) {
            return;
        }
        add(clear ? null : change.key());
    }

    /** Counts a key as changed on this side, {@code null} for the whole contents. */
    private void add(String key) {
        if (key == null || keys.size() >= MAX_KEYS) {
            everything = true;
        } else {
            keys.add(key);
        }
    }

    /** The member now sees {@code members} members, itself included. */
    synchronized void members(int members) {
        if (members >= peak) {
            peak = members;
            reduced = false;
            keys.clear();
            everything = false;
        } else if (!reduced) {
            // first, so that changes made from now on are counted by note, then the recent ones
            reduced = true;
            addRecent();
        }
    }

    /** Counts as changed every key of the ring changed within the window, or everything if it does not reach that far. */
    private void addRecent() {
        int since = now() - (int) WINDOW_MILLIS;
        long end = noted.get();
        long start = Math.max(0, end - RING);
        if (start > 0 && recentAt.get((int) (start & (RING - 1))) >= since) {
            // overwritten changes were within the window too
            everything = true;
            return;
        }
        for (long i = start; i < end; i++) {
            int slot = (int) (i & (RING - 1));
            String key = recent.get(slot);
            if (key != null && recentAt.get(slot) >= since) {
                add(key == CLEAR ? null : key);
            }
        }
    }

    private int now() {
        return (int) (millis.getAsLong() - origin);
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
