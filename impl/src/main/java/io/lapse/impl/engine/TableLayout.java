package io.lapse.impl.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import io.lapse.cache.CacheEntry;

/**
 * The changes of a table's layout, each made under the layout write lock and every slot lock, in
 * index order: a change of size, the swap of new contents (a load or reload), a change of the
 * write-through hook (which takes every store stripe first), and the close. Entries whose
 * deadline passed are taken out on the way and reported once every lock is released.
 *
 * <p>Thread safety: as the table's; one instance per table, holding no state of its own.
 */
final class TableLayout {

    private final CacheTable table;

    TableLayout(CacheTable table) {
        this.table = table;
    }

    /**
     * Moves every node to a new set of segments; caller holds the layout write lock. Nodes
     * whose deadline passed are expired on the way and reported once all locks are released.
     */
    void resize(int count) {
        Segment[] old = table.segments;
        List<Node> expired = new ArrayList<>();
        long now = table.time.now();
        underEveryLock(old, () -> {
            // The new segments are published only at the end, so nobody else can reach them.
            Node[][] freshTables = new Node[count][];
            Segment[] fresh = table.newSegments(freshTables, now);
            for (Segment s : old) {
                s.retire();
                int before = expired.size();
                for (Node n : collect(s)) {
                    if (!n.pinned() && n.expireIfDue(now)) {
                        expired.add(n);
                        table.groups.unlinked(n);
                    } else {
                        fresh[CacheTable.segmentIndex(n.hash, count)].adopt(n);
                    }
                }
                table.retiredPuts.addAndGet(s.puts);
                table.retiredRemovals.addAndGet(s.removals);
                table.retiredExpirations.addAndGet(s.expirations + expired.size() - before);
                table.retiredEvictions.addAndGet(s.evictions);
            }
            attach(fresh, table.footprint, false);
            table.tables = freshTables;
            table.segments = fresh;
            table.dues.resetAll();
        });
        table.reports.expired(expired, now);
    }

    /**
     * Runs {@code body} holding the lock of every segment given, taken in order; releases the
     * ones taken however it ends. Caller holds the layout write lock. No other thread waits for a
     * segment lock while holding another (a compute function's thread takes none, see
     * {@code CacheTable.lockForWrite}), so the order cannot deadlock.
     */
    private static void underEveryLock(Segment[] segs, Runnable body) {
        int locked = 0;
        try {
            for (Segment s : segs) {
                s.lock();
                locked++;
            }
            body.run();
        } finally {
            for (int i = 0; i < locked; i++) {
                segs[i].unlock();
            }
        }
    }

    /** See {@link CacheTable#replace}. */
    long replace(Contents fresh, Consumer<Contents> underLocks) {
        if (table.level != null) {
            throw new IllegalStateException("cache '" + table.name() + "' has a backing level, which holds its entries: "
                + "nothing is loaded into it");
        }
        if (fresh.table() != table) {
            throw new IllegalArgumentException("cache '" + table.name() + "': the contents were made for another cache");
        }
        List<Node> expired = new ArrayList<>();
        long[] now = new long[1];
        // no write of a store is halfway (no node pinned) while the contents change
        StoreStripes st = table.stripes;
        if (st != null) {
            st.lockAll();
        }
        table.layout.writeLock().lock();
        try {
            table.checkOpen();
            Segment[] old = table.segments;
            underEveryLock(old, () -> {
                fresh.checkUnused();
                now[0] = table.time.now();
                if (fresh.segments().length != old.length) {
                    // size changed while the contents were built
                    Node[][] tabs = new Node[old.length][];
                    fresh.spreadOver(old.length, tabs, table.newSegments(tabs, now[0]));
                }
                if (underLocks != null) {
                    underLocks.accept(fresh);
                }
                fresh.use();
                // the old nodes go at once; the fresh ones belong to no group
                table.groups.clear();
                for (Segment s : old) {
                    s.retire();
                    // the wheel hands over exactly the nodes whose deadline passed
                    s.expire(now[0], expired);
                    s.dropAll();
                    table.retiredPuts.addAndGet(s.puts);
                    table.retiredRemovals.addAndGet(s.removals);
                    table.retiredExpirations.addAndGet(s.expirations);
                    table.retiredEvictions.addAndGet(s.evictions);
                }
                Footprint f = table.footprint;
                attach(fresh.segments(), f, f != null && f.weighs && !fresh.weighed());
                table.tables = fresh.tables();
                table.segments = fresh.segments();
                table.dues.resetAll();
            });
        } finally {
            table.layout.writeLock().unlock();
            if (st != null) {
                st.unlockAll();
            }
        }
        table.reports.expired(expired, now[0]);
        return fresh.size();
    }

    /**
     * Gives the table a new footprint, for limits that start or stop counting or weighing,
     * holding the layout write lock (the caller's) and every slot lock.
     *
     * @param f the footprint, or {@code null} for a table without limits
     * @param reweigh whether the stored entries were not weighed before, so their weight flags
     *     must be found
     */
    void account(Footprint f, boolean reweigh) {
        underEveryLock(table.segments, () -> {
            attach(table.segments, f, reweigh);
            table.footprint = f;
        });
    }

    /**
     * Attaches segments to a footprint and sets its totals from them; caller holds every one of
     * their locks, or they are not published yet.
     */
    private static void attach(Segment[] segs, Footprint f, boolean reweigh) {
        long entries = 0;
        long bytes = 0;
        for (Segment s : segs) {
            s.account(f, reweigh);
            entries += s.count;
            bytes += s.weight;
        }
        if (f != null) {
            f.set(entries, bytes);
        }
    }

    /** See {@link CacheTable#writeThrough(WriteThrough)}. */
    void hook(WriteThrough hook) {
        StoreStripes st = table.stripes;
        if (st == null) {
            if (hook == null) {
                table.checkOpen();
                return;
            }
            st = new StoreStripes();
        }
        StoreStripes made = st;
        st.lockAll();
        try {
            table.layout.writeLock().lock();
            try {
                table.checkOpen();
                underEveryLock(table.segments, () -> {
                    table.stripes = made;
                    table.writeThrough = hook;
                });
            } finally {
                table.layout.writeLock().unlock();
            }
        } finally {
            st.unlockAll();
        }
    }

    /** See {@link CacheTable#drain()}. */
    List<CacheEntry> drain() {
        if (table.level != null) {
            throw new IllegalStateException("cache '" + table.name() + "' has a backing level, which keeps its entries");
        }
        List<CacheEntry> live = new ArrayList<>();
        List<Node> expired = new ArrayList<>();
        long now;
        table.layout.writeLock().lock();
        try {
            table.checkOpen();
            table.closed = true;
            now = table.time.now();
            retireEverySegment(s -> {
                s.expire(now, expired);
                s.forEach(n -> {
                    if (n.deadline() > now) {
                        // the deadline writes gave it, as write-through stores it: idle time
                        // is not saved, and restarts at the next load
                        live.add(new CacheEntry(n.key, n.value(), table.time.toEpochMillis(n.writeDeadline())));
                    }
                });
            });
        } finally {
            table.layout.writeLock().unlock();
        }
        table.reports.expired(expired, now);
        table.expiredAtClose = expired.size();
        return live;
    }

    /** See {@link CacheTable#close()}. */
    long close() {
        List<Node> expired = new ArrayList<>();
        long now;
        table.layout.writeLock().lock();
        try {
            if (table.closed) {
                return 0;
            }
            table.closed = true;
            now = table.time.now();
            retireEverySegment(s -> s.expire(now, expired));
        } finally {
            table.layout.writeLock().unlock();
        }
        table.reports.expired(expired, now);
        table.expiredAtClose = expired.size();
        return expired.size();
    }

    /**
     * Takes every segment out of use and drops its nodes, one segment at a time under its lock,
     * after {@code last} has seen it; caller holds the layout write lock. The segments stay in
     * the table's segments, empty, so their counters still count in its statistics.
     */
    private void retireEverySegment(Consumer<Segment> last) {
        for (Segment s : table.segments) {
            s.lock();
            try {
                last.accept(s);
                s.retire();
                s.dropAll();
            } finally {
                s.unlock();
            }
        }
        // every segment is retired now, so no write can link a node of a group any more
        table.groups.clear();
    }

    /** The nodes of a segment, in an array; caller holds its lock. */
    private static Node[] collect(Segment s) {
        Node[] found = new Node[s.count];
        int[] i = new int[1];
        s.forEach(n -> found[i[0]++] = n);
        return found;
    }
}
