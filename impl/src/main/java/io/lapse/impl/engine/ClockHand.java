package io.lapse.impl.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Evicts from a table over its {@link Limits}, least recently used first, by the CLOCK
 * approximation of LRU (second chance): every entry has a reference bit, set when it is written
 * and when it is read; a hand goes round the table, slot after slot and bucket after bucket, and
 * at each entry either takes its reference (the entry stays for another turn) or, finding none,
 * evicts it. Within a slot the hand visits buckets in the order of their indexes' bits reversed
 * (as a cursor over a table that doubles must, to see each entry once a turn): a bucket that
 * splits as its slot grows becomes two neighbours in that order, so the hand neither passes an
 * entry twice in one turn nor skips one, however the slots grow. The order round the table is so
 * a fixed order of the keys' hashes, and an entry whose reference the hand takes waits a whole
 * turn before it can go.
 *
 * <p>Why the clock: a read records its use by setting one bit in the node, if it is clear, with
 * no lock and no write to anything shared (exact LRU reorders a list on every read, which needs a
 * lock or buffers that readers contend on). The hit ratio stays within a fraction of a point of
 * exact LRU on the traces of the benchmarks ({@code docs/benchmarks.md}, section F).
 *
 * <h2>Locks</h2>
 * The hand's position is guarded by its own lock, taken by a writer that left the table over a
 * limit, after the writer released every lock of the table; holding it, the hand locks one slot
 * at a time, for a bounded chunk of buckets, and never waits for the hand lock while holding a
 * slot. Entries it takes out are reported ({@link EventKind#EVICTED}, or {@link EventKind#EXPIRED}
 * for one found past its deadline: such an entry is expired, never evicted) once both locks are
 * released. A pinned node (a write through a store in flight) is passed over.
 *
 * <h2>Slack</h2>
 * A write links its entry first and evicts after, so a limit may be exceeded by the entries of
 * the writes in flight at that instant, at most one per writing thread (and, when entries are
 * weighed, the doubling of that entry's slot bucket array if the write grew it); every write returns with
 * the table within its limits again, unless the only entries left are pinned or in flight.
 *
 * <h2>Batches</h2>
 * An eviction, once begun, goes on until the table is a batch below each limit: 1/1,024 of it,
 * at most 64 entries or 64 KiB, none for a limit under 1,024 ({@link Limits#evictionGoesOn}).
 * The writes that follow then find room and evict nothing, so the hand lock, the slot locks and
 * the lists of an eviction are taken once for a batch rather than once per write, and two writers
 * of new keys seldom meet at the hand: in turns of single forks, the put of section F's benchmark
 * (a miss in ten) went from 11.6 to 16.8 M/s on two threads, and from 5.5 to 7.0 on one.
 */
final class ClockHand {

    /** Buckets the hand passes per slot lock hold, at most. */
    private static final int CHUNK = 64;
    /**
     * Times a writer looks again for the hand lock before it waits parked: an eviction takes
     * about a microsecond, far less than parking and waking a thread.
     */
    private static final int SPINS = 256;

    private final CacheTable table;
    private final ReentrantLock lock = new ReentrantLock();
    /** The slot the hand is in; guarded by {@link #lock}. */
    private int slot;
    /**
     * The bucket of that slot the hand is at, as a cursor in bit-reversed order (see above);
     * guarded by {@link #lock}.
     */
    private int bucket;

    ClockHand(CacheTable table) {
        this.table = table;
    }

    /**
     * Evicts until the table is a batch below its limits, if it is over one; the caller holds no
     * lock of the table, and may be any writer.
     */
    void evictIfExceeded() {
        if (exceeded()) {
            evict();
        }
    }

    /**
     * Evicts after a single-key write, if that write can have taken the table over its limits:
     * one that linked a node, or any write while entries are weighed (a new value may weigh
     * more). A new value for a live key of a table that only counts its entries leaves the count
     * as it was, so the writes of a capped cache's hot keys read none of the shared totals; the
     * caller holds no lock of the table.
     *
     * @param linked whether the write linked a node, or may have (through a store)
     */
    void evictAfterWrite(boolean linked) {
        Footprint f = table.footprint;
        if (f != null && (linked || f.weighs)) {
            evictIfExceeded();
        }
    }

    private boolean evictionGoesOn() {
        Footprint f = table.footprint;
        return f != null && table.settings.limits.evictionGoesOn(f.entries(), f.bytes());
    }

    private boolean exceeded() {
        Footprint f = table.footprint;
        return f != null && table.settings.limits.exceeded(f.entries(), f.bytes());
    }

    private void evict() {
        if (!acquire()) {
            return;
        }
        // Nodes are kept for reports only if someone listens; expired ones always are (their
        // lateness is recorded), but the hand rarely meets one, so that list starts empty.
        List<Node> evicted = table.listener.wants(EventKind.EVICTED) ? new ArrayList<>() : null;
        List<Node> expired = new ArrayList<>(0);
        try {
            // Two turns without taking anything means whatever keeps the table over its limit
            // is pinned or still being written: its writer evicts once it is done. A turn is
            // counted in slots the hand leaves, since a pass covers only a chunk of a slot.
            int tookAt = slot;
            while (evictionGoesOn() && !table.closed) {
                Segment[] segs = table.segments;
                if (slot - tookAt > 2 * segs.length) {
                    break;
                }
                Segment s = segs[slot & (segs.length - 1)];
                s.lock();
                try {
                    if (s.retired) {
                        continue;
                    }
                    if (pass(s, evicted, expired)) {
                        tookAt = slot;
                    }
                } finally {
                    s.unlock();
                }
            }
        } finally {
            lock.unlock();
            try {
                if (!expired.isEmpty()) {
                    table.reports.expired(expired, table.time.now());
                }
            } finally {
                if (evicted != null) {
                    table.reports.evicted(evicted);
                }
            }
        }
    }

    /**
     * Takes the hand lock, unless the table is within its limits by the time it is free: the
     * writer holding it evicts while the table is over them, this writer's entry included. Spins
     * a little before it parks, because the holder is done in about a microsecond.
     *
     * @return {@code true} if the lock is held and must be released
     */
    private boolean acquire() {
        for (int i = 0; i < SPINS; i++) {
            if (lock.tryLock()) {
                return true;
            }
            if (!exceeded()) {
                return false;
            }
            Thread.onSpinWait();
        }
        lock.lock();
        return true;
    }

    /**
     * Moves the hand through a chunk of one slot, taking references and evicting what has none
     * while the table is over its limits; caller holds the hand lock and the slot lock.
     *
     * @param evicted receives the nodes evicted, or {@code null} if they are not reported
     * @return whether it took a node out
     */
    private boolean pass(Segment s, List<Node> evicted, List<Node> expired) {
        Node[] tab = s.table();
        if (tab == null) {
            nextSlot();
            return false;
        }
        boolean took = false;
        int mask = tab.length - 1;
        for (int visited = 0; visited < CHUNK && evictionGoesOn(); visited++) {
            for (Node n = tab[bucket & mask]; n != null;) {
                Node next = n.next();
                if (!n.pinned()) {
                    took |= take(s, n, evicted, expired);
                }
                if (!evictionGoesOn()) {
                    break;
                }
                n = next;
            }
            // The hand leaves the bucket even when it stops halfway down its chain: starting
            // the chain again next time would meet twice in one turn the nodes it just passed.
            // The rest of the chain, a node or two at most on average, waits for the next turn.
            bucket = following(bucket, mask);
            if (bucket == 0) {
                nextSlot();
                return took;
            }
        }
        return took;
    }

    /**
     * Expires a node past its deadline, takes its reference, or evicts it; caller holds the slot lock.
     *
     * @return whether the node left the table
     */
    private boolean take(Segment s, Node n, List<Node> evicted, List<Node> expired) {
        if (table.time.passed(n.deadline()) && n.expireIfDue(table.time.now())) {
            s.unlink(n);
            s.expirations++;
            expired.add(n);
            return true;
        }
        if (n.takeReference()) {
            return false;
        }
        n.seal();
        s.unlink(n);
        if (table.level != null) {
            // the entry stays in the level: it left the heap table only, which is no eviction
            return true;
        }
        s.evictions++;
        if (evicted != null) {
            evicted.add(n);
        }
        return true;
    }

    private void nextSlot() {
        slot++;
        bucket = 0;
    }

    /**
     * The bucket after {@code cursor} in bit-reversed order over {@code mask + 1} buckets; 0 after
     * the last.
     */
    static int following(int cursor, int mask) {
        return Integer.reverse(Integer.reverse(cursor | ~mask) + 1);
    }
}
