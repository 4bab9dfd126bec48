package io.lapse.impl.engine;

import java.util.ArrayList;
import java.util.List;

import io.lapse.cache.CacheStats;

/**
 * The figures of a table: its size and statistics, counted a segment at a time (each under the
 * layout read lock and its own lock, what it expires on the way reported once both are released),
 * with the counters of segments retired by a change of size or a reload, the read counters, the
 * listener's delivery counts and the expiry lateness.
 *
 * <p>Thread safety: as the table's; one instance per table, holding no state of its own.
 */
final class TableStatistics {

    private final CacheTable table;

    TableStatistics(CacheTable table) {
        this.table = table;
    }

    /** @return how many live entries the table holds, after expiring what is due */
    long size() {
        if (table.insideCompute()) {
            throw table.refusedInsideCompute("count it");
        }
        LevelBacking lv = table.level;
        return lv != null ? lv.passes.size() : figures(false).size();
    }

    /**
     * What {@link #stats()} and {@link #size()} count, after expiring what is due. Each segment
     * is counted under the layout read lock and its own lock, and what it expires is reported
     * once both are released; a change of layout meanwhile starts the count again.
     */
    private Figures figures(boolean counters) {
        if (table.insideCompute()) {
            throw table.refusedInsideCompute("count it");
        }
        List<Node> expired = new ArrayList<>();
        for (;;) {
            Segment[] segs = table.segments;
            Figures f = new Figures();
            f.slots = segs.length;
            boolean moved = false;
            for (Segment s : segs) {
                expired.clear();
                long now = table.time.now();
                long items;
                table.layout.readLock().lock();
                try {
                    if (table.segments != segs) {
                        moved = true;
                        break;
                    }
                    s.lock();
                    try {
                        if (!s.retired && s.nextDue <= now) {
                            s.expire(now, expired);
                        }
                        items = s.count;
                        if (counters) {
                            f.puts += s.puts;
                            f.removals += s.removals;
                            f.expirations += s.expirations;
                            f.evictions += s.evictions;
                            f.bytes += s.weigh();
                        }
                    } finally {
                        s.unlock();
                    }
                } finally {
                    table.layout.readLock().unlock();
                }
                table.reports.expired(expired, now);
                f.size += items;
                f.maxSlotItems = Math.max(f.maxSlotItems, items);
                f.minSlotItems = Math.min(f.minSlotItems, items);
            }
            if (!moved) {
                return f;
            }
        }
    }

    private static final class Figures {
        int slots;
        long size;
        long maxSlotItems;
        long minSlotItems = Long.MAX_VALUE;
        long puts;
        long removals;
        long expirations;
        long evictions;
        long bytes;

        long size() {
            return size;
        }
    }

    /** See {@link CacheTable#stats()}. */
    CacheStats stats() {
        Figures f = figures(true);
        LevelBacking lv = table.level;
        if (lv != null && !table.closed) {
            // the level holds the cache, the table a part of it: its own expiries are nodes dropped;
            // once closed, the level may be too, and the final figures hold no entries
            f.size = lv.passes.size();
        }
        ReadCounters r = table.reads;
        Limits limits = table.settings.limits;
        return CacheStats.builder()
            .statisticsEnabled(r != null)
            .hits(r == null ? 0 : r.hits())
            .misses(r == null ? 0 : r.misses())
            .puts(f.puts + table.retiredPuts.get() + table.rewrites.puts())
            .removals(f.removals + table.retiredRemovals.get())
            .evictions(f.evictions + table.retiredEvictions.get())
            .expirations(lv != null ? lv.expirations.sum() : f.expirations + table.retiredExpirations.get())
            .size(f.size)
            .slots(f.slots)
            .maxSlotItems(f.maxSlotItems)
            .minSlotItems(f.minSlotItems == Long.MAX_VALUE ? 0 : f.minSlotItems)
            .eventsPosted(table.listener.delivered())
            .eventsDropped(table.listener.undelivered() + table.reports.failed.sum())
            .expiryLagP50Millis(table.reports.lag.percentile(0.5))
            .expiryLagP99Millis(table.reports.lag.percentile(0.99))
            .expiryLagMaxMillis(table.reports.lag.max())
            .maxEntries(limits.maxEntries)
            .maxBytes(limits.maxBytes)
            .weightedBytes(f.bytes)
            .build();
    }

    /** See {@link CacheTable#resetStats()}. */
    void reset() {
        if (table.insideCompute()) {
            throw table.refusedInsideCompute("reset its statistics");
        }
        table.checkOpen();
        // the listener's counts first, with no lock held, as every call to the listener
        table.listener.resetCounts();
        table.layout.readLock().lock();
        try {
            table.checkOpen();
            ReadCounters r = table.reads;
            if (r != null) {
                r.reset();
            }
            table.reports.failed.reset();
            table.retiredPuts.set(0);
            table.retiredRemovals.set(0);
            table.retiredExpirations.set(0);
            table.retiredEvictions.set(0);
            table.rewrites.reset();
            table.reports.lag.reset();
            LevelBacking lv = table.level;
            if (lv != null) {
                lv.expirations.reset();
            }
            for (Segment s : table.segments) {
                s.lock();
                try {
                    s.puts = 0;
                    s.removals = 0;
                    s.expirations = 0;
                    s.evictions = 0;
                } finally {
                    s.unlock();
                }
            }
        } finally {
            table.layout.readLock().unlock();
        }
    }
}
