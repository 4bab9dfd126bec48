package io.lapse.impl.engine;

import java.util.concurrent.locks.ReentrantLock;

import io.lapse.cache.CacheEntry;

/**
 * The single-key writes of a table whose store writes through ({@link WriteThrough}). Holding the
 * key's store stripe, a write decides under the slot lock and pins the node it will change; sends
 * the change to the store with no slot lock held; then applies it under the slot lock again.
 * Meanwhile no other write of the key can start, the sweeper leaves the pinned node alone and a
 * read that finds it past its deadline waits for the stripe, so the change applies to exactly
 * what it was decided on, and a store that hangs holds up only the writes of its stripe.
 *
 * <p>Thread safety: as the table's; one instance per table, holding no state of its own.
 */
final class StoreWrites {

    private final CacheTable table;

    StoreWrites(CacheTable table) {
        this.table = table;
    }

    /**
     * A single-key write of a cache whose store writes through. Holding the key's stripe, it
     * decides under the slot lock and pins the node it will change; sends the change to the store
     * with no slot lock held; then applies it under the slot lock again. Meanwhile no other write
     * of the key can start, the sweeper leaves the pinned node alone and a read that finds it past
     * its deadline waits for the stripe, so the change applies to exactly what it was decided on.
     * A store failure unpins the node and leaves the table as it was.
     *
     * @return the decision's result
     * @throws IllegalStateException naming the cache and the store's problem, if the store failed;
     *     or if the cache was closed meanwhile (the store then holds the change)
     */
    Object write(String key, int h, Change.Decision decision) {
        ReentrantLock stripe = table.stripes.of(h);
        CacheEntry[] expiredRow = new CacheEntry[1];
        stripe.lock();
        try {
            LevelBacking lv = table.level;
            CacheSettings st = table.settings;
            long now = table.time.coarseNow();
            Decided d = new Decided(table);
            Node removed = null;
            Node n = null;
            Change c = null;
            WriteThrough w = null;
            // With a level, the key's true entry may be in the level only: it is read (with no
            // slot lock held) and linked in the same hold of the slot lock as the decision, so
            // that the heap table's eviction cannot take it out in between.
            boolean fetched = lv == null;
            CacheEntry row = null;
            while (c == null) {
                Segment s = table.lockForWrite(h);
                try {
                    Node found = lv == null ? null : s.findLocked(key, h);
                    if (fetched || (found != null && !table.time.passed(found.deadline()))) {
                        // stable while the stripe is held: the hook changes only under every stripe
                        w = table.writeThrough;
                        if (lv == null) {
                            d.take(s, key, h, decision, now, st);
                        } else {
                            // the entry as found once: live in the table, or read from the level
                            d.on(s, key, found != null ? found : row == null ? null : lv.insert(s, key, h, row),
                                decision, now, st);
                        }
                        n = d.live;
                        c = lv == null ? d.change : lv.rounded(d.change);
                        if (w == null) {
                            removed = SegmentWrites.apply(s, h, key, n, c, now, st, table.replication);
                        } else if (n != null && c.kind != Change.NOTHING) {
                            n.pin();
                        }
                    }
                } finally {
                    s.unlock();
                    table.reports.expired(d.expired);
                }
                if (c == null) {
                    row = lv.fetch(key, h, expiredRow);
                    fetched = true;
                }
            }
            if (w != null && c.kind != Change.NOTHING) {
                send(w, key, c, n, h);
                Segment s = table.lockForRead(h);
                try {
                    if (n != null) {
                        unpin(s, n);
                    }
                    removed = SegmentWrites.apply(s, h, key, n, c, now, st, table.replication);
                } finally {
                    s.unlock();
                }
            }
            if (removed != null) {
                table.reports.entry(EventKind.REMOVED, removed);
            }
            return c.result;
        } finally {
            stripe.unlock();
            if (expiredRow[0] != null) {
                table.level.reportExpired(expiredRow[0]);
            }
        }
    }

    /** Sends a change to the store; on failure, unpins the node as it was and throws. */
    private void send(WriteThrough w, String key, Change c, Node pinned, int h) {
        try {
            if (c.kind == Change.REMOVE) {
                w.remove(key);
            } else {
                w.put(key, c.value, table.time.toEpochMillis(c.deadline));
            }
        } catch (RuntimeException | Error e) {
            if (pinned != null) {
                try {
                    Segment s = table.lockForRead(h);
                    try {
                        unpin(s, pinned);
                    } finally {
                        s.unlock();
                    }
                } catch (IllegalStateException closedMeanwhile) {
                    e.addSuppressed(closedMeanwhile);
                }
            }
            if (e instanceof IllegalArgumentException || e instanceof IllegalStateException) {
                throw (RuntimeException) e;
            }
            throw new IllegalStateException("cache '" + table.name() + "': its store failed: " + e, e);
        }
    }

    /**
     * Ends a node's pin and files it in the wheel again if a sweep took it off meanwhile; caller
     * holds the slot lock.
     */
    private static void unpin(Segment s, Node n) {
        n.unpin();
        s.deadlineChanged(n, n.deadline());
    }
}
