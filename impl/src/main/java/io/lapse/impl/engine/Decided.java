package io.lapse.impl.engine;

/**
 * What a single-key write finds and decides under the slot lock: the key's live node, the node it
 * took out because its deadline had passed (reported once unlocked, even if the decision throws),
 * and the change. One per write, used by the writing thread only.
 */
final class Decided {

    private final CacheTable table;
    Node live;
    Node expired;
    Change change;

    Decided(CacheTable table) {
        this.table = table;
    }

    /** Finds, takes out what is expired, decides; caller holds the slot lock. */
    void take(Segment s, String key, int h, Change.Decision decision, long now, CacheSettings st) {
        live = s.findLocked(key, h);
        expired = takeIfExpired(table, s, live);
        if (expired != null) {
            live = null;
        }
        change = decision.decide(live, now, st);
        if (live == null && change.kind != Change.NOTHING) {
            Values.checkKey(table.name(), key);
        }
    }

    /**
     * Decides on a node found live already, without looking at its deadline again: for a table
     * backed by a level, whose write settles the key's entry once (see {@link StoreWrites}); a
     * second look a moment later could take out as expired, unreported, the entry the write
     * found live. Caller holds the slot lock.
     *
     * @param n the key's live node, or {@code null} for none
     */
    void on(Segment s, String key, Node n, Change.Decision decision, long now, CacheSettings st) {
        live = n;
        change = decision.decide(n, now, st);
        if (n == null && change.kind != Change.NOTHING) {
            Values.checkKey(table.name(), key);
        }
    }

    /**
     * Takes a node out if its deadline has passed, under its segment's lock; the caller reports
     * it with {@link TableReports#expired(Node)} once unlocked.
     *
     * @param n the node found for a key, or {@code null}
     * @return {@code n} if it was expired and is now out of the table, else {@code null}
     */
    static Node takeIfExpired(CacheTable table, Segment s, Node n) {
        if (n == null || !table.time.passed(n.deadline())) {
            return null;
        }
        // A pinned node belongs to the write that holds its key's stripe; an idle node may have
        // been read back to life since its deadline was read.
        if (n.pinned() || (n.idles() && !n.expireIfDue(table.time.now()))) {
            return null;
        }
        s.unlink(n);
        s.expirations++;
        return n;
    }
}
