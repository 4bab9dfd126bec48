package io.lapse.impl.engine;

import java.util.concurrent.atomic.LongAdder;

/**
 * A put that gives a live key a new value without its slot lock, when nothing but the node
 * changes: no store, replication or level to tell, no idle expiry, entries not weighed, a value
 * of the node's kind and a deadline no earlier than the node's (the node stays where it is in its
 * timer wheel, see {@code Segment.deadlineChanged}). The put of a hot key then writes the node's
 * cache line alone, not also its slot's, which two writers of the same hot keys otherwise pass
 * back and forth. Every other put, and one that finds anything in its way, takes the slot lock.
 *
 * <h2>Protocol</h2>
 * <ol>
 * <li>Find the node as a read does; claim it ({@link Node#claim}: the {@link Node#WRITING} bit
 *     of its deadline word, by compare-and-set).
 * <li>Look at the slot lock: if it is held, or the slot was retired by a change of layout, or the
 *     node is pinned or no longer in the slot's chains, {@linkplain Node#abandon give up} with
 *     nothing changed and take the lock instead.
 * <li>Otherwise store the value and the deadline ({@link Node#rewrite}), which ends the claim.
 * </ol>
 * The claim and the look at the lock are both sequentially consistent, as is the taking of the
 * lock, so of a claim and a lock taken at the same time at least one sees the other: either the
 * put gives up, or the lock's holder finds the claim, and {@linkplain Node#settle waits} for it
 * to end before it reads or changes the node, or takes it out. So a put without the lock takes
 * effect entirely before or entirely after any step under the lock, and a node that left the
 * table is never written: exactly once holds as with the lock.
 *
 * <p>Counts its puts in a {@link LongAdder}, which the table's statistics add to the slots' counts.
 *
 * <p>Thread safety: safe for any number of threads; one per table.
 */
final class LiveRewrite {

    /** Looks at a claimed word again before taking the lock instead: another writer holds the node briefly. */
    private static final int SPINS = 32;

    private final CacheTable table;
    private final LongAdder puts = new LongAdder();

    LiveRewrite(CacheTable table) {
        this.table = table;
    }

    /**
     * Puts a value for a key that has a live node, without the slot lock, if it can.
     *
     * @param h the key's spread hash
     * @param v the stored form of the value ({@link Values#store})
     * @param ttlMillis the put's TTL, or {@link Deadlines#DEFAULT}
     * @param now the put's coarse time
     * @param st the settings the put read
     * @return {@code true} if the put is done; {@code false} if it must be made under the slot
     *     lock, nothing having changed
     */
    boolean put(String key, int h, Object v, long ttlMillis, long now, CacheSettings st) {
        CacheTable t = table;
        Footprint f = t.footprint;
        if (st.idleMillis != 0 || (f != null && f.weighs) || t.writeThrough != null || t.replication != null
            || t.level != null || t.insideCompute()) {
            return false;
        }
        Node[][] tabs = t.tables;
        int index = CacheTable.segmentIndex(h, tabs.length);
        Object found = Segment.find(tabs, index, key, h);
        if (!(found instanceof Node)) {
            return false;
        }
        return rewrite((Node) found, tabs, index, v, ttlMillis, now, st);
    }

    /**
     * Gives a node found without the lock a new value, if it can, as {@link #put} describes.
     *
     * @param n the node found
     * @param tabs the table's bucket arrays it was found in
     * @param index its segment in them
     * @return {@code true} if the put is done; {@code false} if it must be made under the lock
     */
    boolean rewrite(Node n, Node[][] tabs, int index, Object v, long ttlMillis, long now, CacheSettings st) {
        CacheTable t = table;
        if (n.idles() || (v instanceof byte[]) != n.holdsBytes()) {
            return false;
        }
        for (int spins = 0;; spins++) {
            long word = n.deadlineWord();
            if (word < 0) {
                if (spins == SPINS) {
                    return false;
                }
                Thread.onSpinWait();
                continue;
            }
            // an entry past its deadline is expired, and reported, by the locked write
            long d = Deadlines.forWrite(n, ttlMillis, now, st);
            if (t.time.passed(word) || d < word || (d == Node.NEVER && word != Node.NEVER)) {
                return false;
            }
            if (!n.claim(word)) {
                continue;
            }
            Segment[] segs = t.segments;
            Segment s = segs.length == tabs.length && t.tables == tabs ? segs[index] : null;
            // after the lock is seen free, a lookup sees the chains as its last holder left them
            if (s == null || !s.free() || s.retired || n.pinned() || Segment.find(tabs, index, n.key, n.hash) != n) {
                n.abandon(word);
                return false;
            }
            n.rewrite(v, d);
            puts.increment();
            return true;
        }
    }

    /** @return the puts made without the slot lock since the table was made or its counts reset */
    long puts() {
        return puts.sum();
    }

    /** Forgets the puts counted, with the table's other counts. */
    void reset() {
        puts.reset();
    }
}
