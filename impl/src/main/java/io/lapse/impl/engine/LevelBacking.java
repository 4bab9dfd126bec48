package io.lapse.impl.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;

import io.lapse.cache.CacheEntry;
import io.lapse.cache.level.CacheLevel;

/**
 * A table backed by a {@link CacheLevel}: the level holds the complete set of the cache's entries,
 * the table (its L1) a part of them, bounded by the capacity limits, as in lws_cache's levels.
 *
 * <h2>How the two stay one cache</h2>
 * <ul>
 * <li><b>Writes</b> go through to the level first ({@link LevelWrites}, the table's write-through
 * hook), holding the key's store stripe, then to the table; a level that fails fails the write and
 * changes neither. Before a single-key write decides, the key's entry is brought into the table
 * from the level if the table does not hold it ({@link #fetch}), so the write decides on the
 * cache's true entry (putIfAbsent, increment, compute, remove all see it).</li>
 * <li><b>Reads</b> that miss the table read the level under the key's stripe and bring the entry
 * in with its deadline ({@link #readThrough}); a level that fails is reported to the reader as an
 * {@link IllegalStateException}, never answered as a miss.</li>
 * <li><b>Evictions</b> from the table are silent: the entry stays in the level, so it is neither
 * reported nor counted as evicted.</li>
 * <li><b>Expiry</b> is decided by the level's rows alone: an expiry is reported exactly when the
 * row of an entry whose deadline has passed is deleted, under the key's stripe, by whoever meets
 * it first: the level's expiry thread ({@link LevelExpiry}, which sleeps until the level's
 * earliest deadline), a read or write of the key, or a whole-cache operation. Every other change
 * of a row also holds the key's stripe, so a row past its deadline that is still there has not
 * been reported, and one that is gone never will be again: exactly once, whichever level the
 * entry sat in. The table's own expiries (its wheel, a read that finds a node past its deadline)
 * report nothing: they drop the node and wake the expiry thread.</li>
 * <li><b>Deadlines</b> are rounded up to the level's {@linkplain CacheLevel#deadlinePrecisionMillis()
 * precision} before a write applies them, so the table and the level agree on every one.</li>
 * </ul>
 *
 * <p>Not supported with a level, and refused by {@link CacheTable#backBy}: idle expiry (a read
 * would have to write the level), keygroups (the group index covers the table only) and
 * replication.
 *
 * <p>Thread safety: safe for any number of threads. Lock order as the table's: a store stripe (or
 * every stripe, in index order) before a slot lock; the level is called holding stripes only,
 * never a slot lock; reports are made once every lock is released.
 */
public final class LevelBacking {

    /** Rows a whole-cache pass or an expiry round takes from the level at a time. */
    static final int PAGE = 256;

    final CacheTable table;
    final CacheLevel level;
    private final long precision;
    final LevelExpiry expiry;
    /** The whole-cache operations, over the level's rows. */
    final LevelPasses passes;
    /** Expiries reported, for the statistics: the table's own count says how many nodes it dropped. */
    final LongAdder expirations = new LongAdder();
    /** Reads that missed the table and read the level. */
    private final LongAdder levelReads = new LongAdder();

    LevelBacking(CacheTable table, CacheLevel level) {
        this.table = table;
        this.level = level;
        long p = level.deadlinePrecisionMillis();
        if (p < 1 || p > 1000) {
            throw new IllegalArgumentException("cache '" + table.name() + "': level " + level
                + " gives a deadline precision of " + p + " ms, outside 1..1000");
        }
        this.precision = p;
        this.expiry = new LevelExpiry(this);
        this.passes = new LevelPasses(this);
    }

    /** See {@link CacheTable#backBy}; caller holds the table's monitor. */
    static LevelBacking attach(CacheTable table, CacheLevel level, TableLayout changes) {
        if (level == null) {
            throw new NullPointerException("cache '" + table.name() + "': level is null");
        }
        check(table.name(), table.settings);
        if (table.level != null || table.writeThrough != null) {
            throw new IllegalStateException("cache '" + table.name() + "' has a store or a level already");
        }
        if (table.replication != null) {
            throw new IllegalStateException("cache '" + table.name() + "' is replicated, and a level cannot be");
        }
        if (table.size() > 0) {
            throw new IllegalStateException("cache '" + table.name() + "' holds entries: a level backs an empty table");
        }
        LevelBacking b = new LevelBacking(table, level);
        // the hook first: it makes the stripes that reads through the level take
        changes.hook(new LevelWrites(b));
        table.level = b;
        return b;
    }

    /** Refuses settings a backed table cannot keep. */
    static void check(String name, CacheSettings st) {
        if (st.idleMillis > 0) {
            throw new IllegalArgumentException("cache '" + name + "': idleexpire cannot be used with a backing level "
                + "(every read would have to write the level); use autoexpire or per-entry TTLs");
        }
        if (st.maxGroupItems > 0) {
            throw new IllegalArgumentException("cache '" + name + "': keygroups cannot be used with a backing level "
                + "(the group index covers the heap table only)");
        }
    }

    /**
     * Returns the level.
     *
     * @return the level the table writes through to
     */
    public CacheLevel level() {
        return level;
    }

    /**
     * Returns the expiry of the level's entries, whose thread the owner starts and stops.
     *
     * @return the expiry
     */
    public LevelExpiry expiry() {
        return expiry;
    }

    /**
     * Returns how many reads missed the heap table and read the level.
     *
     * @return the count since the table was made
     */
    public long levelReads() {
        return levelReads.sum();
    }

    // --------------------------------------------------------------------------------- reads

    /**
     * Brings a key the table does not hold in from the level, for a read that missed the table:
     * holding the key's stripe, so no write of the key comes between.
     *
     * @return {@code true} if the table now holds the key (look again), {@code false} for a miss
     * @throws IllegalStateException if the level cannot be read, naming the cache; or inside a
     *     compute function of the cache, which holds a slot and may not wait for a stripe
     */
    boolean readThrough(String key, int h) {
        Values.checkKey(table.name(), key);
        if (table.insideCompute()) {
            throw table.refusedInsideCompute("read a key its heap table does not hold from its level");
        }
        ReentrantLock stripe = table.stripes.of(h);
        CacheEntry expired = null;
        boolean held;
        stripe.lock();
        try {
            CacheEntry[] out = new CacheEntry[1];
            held = bringIn(key, h, out);
            expired = out[0];
        } finally {
            stripe.unlock();
            reportExpired(expired);
        }
        if (held) {
            table.hand.evictIfExceeded();
        }
        return held;
    }

    /**
     * Makes sure the table holds the key's entry if the level has a live one, for a read; caller
     * holds the key's stripe and no slot lock.
     *
     * @param expired receives, at index 0, a row expired here ({@link #fetch}), or stays {@code null}
     * @return whether the table holds the key now
     * @throws IllegalStateException if the level fails, naming the cache; nothing changed
     */
    boolean bringIn(String key, int h, CacheEntry[] expired) {
        CacheEntry row = fetch(key, h, expired);
        if (row == null) {
            // a miss, or the table gained a live node of the key meanwhile: the reader looks again
            return expired[0] == null && heldLive(key, h);
        }
        Segment s = table.lockForRead(h);
        try {
            insert(s, key, h, row);
        } finally {
            s.unlock();
        }
        return true;
    }

    private boolean heldLive(String key, int h) {
        Segment s = table.lockForRead(h);
        try {
            Node n = s.findLocked(key, h);
            return n != null && !table.time.passed(n.deadline());
        } finally {
            s.unlock();
        }
    }

    /**
     * Reads the key's live entry from the level, for a key the table holds no live node of;
     * caller holds the key's stripe and no slot lock. A row whose deadline has passed is deleted
     * and handed back in {@code expired}, to be reported once the stripe is released: that
     * deletion is the expiry. So is the row of a node the table holds past its deadline: the node
     * is the table's copy of the row (both change only under this stripe), so that entry has
     * expired, whatever a clock read a moment apart says of the row; the node is dropped.
     *
     * @param expired receives, at index 0, the row expired here, or stays {@code null}
     * @return the live row to bring in, or {@code null} if there is none (or the table holds a
     *     live node of the key after all)
     * @throws IllegalStateException if the level fails, naming the cache; nothing changed
     */
    CacheEntry fetch(String key, int h, CacheEntry[] expired) {
        boolean inTable;
        Segment s = table.lockForRead(h);
        try {
            Node n = s.findLocked(key, h);
            if (n != null && !table.time.passed(n.deadline())) {
                return null;
            }
            inTable = n != null;
        } finally {
            s.unlock();
        }
        levelReads.increment();
        CacheEntry row = call(() -> level.get(key), "read key", key);
        if (row == null) {
            if (inTable) {
                drop(key);
            }
            return null;
        }
        long deadline = table.time.fromEpochMillis(row.expiresAtMillis());
        if (inTable || (deadline != Node.NEVER && deadline <= table.time.now())) {
            call(() -> level.remove(key), "delete the expired key", key);
            expirations.increment();
            expired[0] = row;
            if (inTable) {
                drop(key);
            }
            return null;
        }
        return row;
    }

    /**
     * Links a node for a row {@link #fetch} returned, unless the table holds one of the key;
     * caller holds the key's stripe and its slot lock.
     *
     * @return the key's node
     */
    Node insert(Segment s, String key, int h, CacheEntry row) {
        Node n = s.findLocked(key, h);
        if (n != null) {
            return n;
        }
        CacheSettings st = table.settings;
        Object v = row.value();
        int flags = st.limits.weighs() ? Weights.flags(key, v) : 0;
        n = SegmentWrites.newNode(h, key, v, flags, table.time.fromEpochMillis(row.expiresAtMillis()),
            table.time.coarseNow(), st);
        s.insert(n);
        return n;
    }

    // -------------------------------------------------------------------------------- writes

    /**
     * Rounds the deadline of a change up to the level's precision, so the node and the row get
     * the same one.
     */
    Change rounded(Change c) {
        if (precision == 1 || (c.kind != Change.PUT && c.kind != Change.TTL) || c.deadline == Node.NEVER) {
            return c;
        }
        long epoch = table.time.toEpochMillis(c.deadline);
        long up = Math.floorMod(-epoch, precision);
        return up == 0 ? c : c.withDeadline(c.deadline + up);
    }

    // -------------------------------------------------------------------------------- expiry

    /**
     * Expires every row whose deadline has passed, a page at a time, each page holding every store
     * stripe: the rows are read, deleted from the level and dropped from the table under the
     * stripes, and reported once they are released.
     *
     * @return how many were expired
     * @throws IllegalStateException if the level fails; the pages before stay expired and reported
     */
    public long expireDue() {
        long total = 0;
        for (;;) {
            List<CacheEntry> rows;
            table.stripes.lockAll();
            try {
                rows = expireDueLocked();
            } finally {
                table.stripes.unlockAll();
            }
            reportExpired(rows);
            total += rows.size();
            if (rows.size() < PAGE) {
                return total;
            }
        }
    }

    /**
     * Expires one page of rows whose deadline has passed; caller holds every stripe.
     *
     * @return the rows expired, to report once the stripes are released
     */
    List<CacheEntry> expireDueLocked() {
        long nowEpoch = table.time.toEpochMillis(table.time.now());
        List<CacheEntry> rows = call(() -> level.due(nowEpoch, PAGE), "find the entries due");
        if (rows.isEmpty()) {
            return rows;
        }
        List<String> keys = new ArrayList<>(rows.size());
        rows.forEach(r -> keys.add(r.key()));
        call(() -> {
            level.removeAll(keys);
            return null;
        }, "delete " + keys.size() + " expired entries");
        expirations.add(rows.size());
        for (String key : keys) {
            drop(key);
        }
        return rows;
    }

    /** Drops a key's node from the table, if it holds one, without a report; caller holds the key's stripe. */
    private void drop(String key) {
        drop(key, false);
    }

    /**
     * Drops a key's node from the table, if it holds one, without a report; caller holds the key's
     * stripe.
     *
     * @param removal whether the entry was removed (counted in the slot's removals)
     * @return whether the table held a node of the key
     */
    boolean drop(String key, boolean removal) {
        int h = CacheTable.spread(key.hashCode());
        Segment s = table.lockForRead(h);
        try {
            Node n = s.findLocked(key, h);
            if (n == null) {
                return false;
            }
            n.seal();
            s.unlink(n);
            if (removal) {
                s.removals++;
            }
            return true;
        } finally {
            s.unlock();
        }
    }

    /**
     * Returns the earliest deadline the level holds, to sleep until.
     *
     * @return a monotonic time, or {@link Node#NEVER} if no entry has a deadline
     */
    long nextDeadline() {
        List<CacheEntry> first = call(() -> level.due(Long.MAX_VALUE, 1), "find the next deadline");
        return first.isEmpty() ? Node.NEVER : table.time.fromEpochMillis(first.get(0).expiresAtMillis());
    }

    /** Told by the table that it dropped a node past its deadline: the row's expiry is due. */
    void noticed(Node n) {
        expiry.wake(n.deadline());
    }

    void reportExpired(CacheEntry row) {
        if (row != null) {
            reportExpired(List.of(row));
        }
    }

    void reportExpired(List<CacheEntry> rows) {
        long now = table.time.now();
        ReportEach.of(rows, r -> {
            table.reports.lag.record(now - table.time.fromEpochMillis(r.expiresAtMillis()));
            table.reports.entry(EventKind.EXPIRED, r.key(), r.value(), r.expiresAtMillis(), r.group());
        }, table.reports.failed);
    }

    // -------------------------------------------------------------------------------- errors

    /** A call to the level, its failure reported as the cache's, naming the level and what it was doing. */
    <T> T call(LevelCall<T> step, String what) {
        return call(step, what, null);
    }

    /**
     * A call to the level about one key, its failure reported as the cache's, naming what it was
     * doing and the key; the message is made only on failure.
     */
    <T> T call(LevelCall<T> step, String what, String key) {
        try {
            return step.run();
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new IllegalStateException("cache '" + table.name() + "': its level could not " + what
                + (key == null ? "" : " '" + Values.shown(key) + "'") + ": " + e.getMessage(), e);
        }
    }

    /** A call to the level. */
    @FunctionalInterface
    interface LevelCall<T> {
        T run();
    }
}
