package io.lapse.impl.engine;

import java.util.concurrent.locks.ReentrantLock;

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
        stripe.lock();
        try {
            CacheSettings st = table.settings;
            long now = table.time.coarseNow();
            Decided d = new Decided(table);
            Node removed = null;
            Node n;
            Change c;
            WriteThrough w;
            Segment s = table.lockForWrite(h);
            try {
                // stable while the stripe is held: the hook changes only under every stripe
                w = table.writeThrough;
                d.take(s, key, h, decision, now, st);
                n = d.live;
                c = d.change;
                if (w == null) {
                    removed = SegmentWrites.apply(s, h, key, n, c, now, st, table.replication);
                } else if (n != null && c.kind != Change.NOTHING) {
                    n.pin();
                }
            } finally {
                s.unlock();
                table.reports.expired(d.expired);
            }
            if (w != null && c.kind != Change.NOTHING) {
                send(w, key, c, n, h);
                s = table.lockForRead(h);
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
