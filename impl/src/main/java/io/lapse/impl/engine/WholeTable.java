package io.lapse.impl.engine;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;

import io.lapse.cache.Cache;
import io.lapse.cache.CacheEntry;

/**
 * The operations on every entry of a table: clear, removes and counts by match, iteration. Each
 * goes through the one template of such passes, {@link TablePass}: a chunk of a slot at a time
 * under its lock, and everything else (matching, store calls, reports) with no lock held. A table
 * with a store that writes through holds every store stripe through a clear or a remove, so no
 * single-key write of the store is halfway meanwhile.
 *
 * <p>Thread safety: as the table's; one instance per table, holding no state of its own.
 */
final class WholeTable {

    private final CacheTable table;

    WholeTable(CacheTable table) {
        this.table = table;
    }

    /**
     * Removes the live entries whose key or value matches, a chunk at a time: under the slot lock
     * the chunk's live nodes are noted (and those past their deadline taken out as expired); with
     * no lock held they are matched, under the budget, and sent to a write-through store; under
     * the slot lock again each one still there with the value it matched on is taken out. With a
     * store that writes through, every stripe is held throughout, so no write of a key can come
     * between the store's removal and the table's.
     */
    long removeMatching(TextMatcher m, boolean byValue) {
        if (table.insideCompute()) {
            throw table.refusedInsideCompute("remove by match");
        }
        LevelBacking lv = table.level;
        if (lv != null) {
            return lv.passes.removeMatching(this, m, byValue);
        }
        MatchBudget budget = new MatchBudget(m.match().budget(), m.cost());
        long[] examined = new long[1];
        return underEveryStripe(w -> {
            List<Node> candidates = new ArrayList<>();
            List<Object> values = new ArrayList<>();
            List<Node> expired = new ArrayList<>();
            List<Integer> hits = new ArrayList<>();
            List<Node> removed = new ArrayList<>();
            TablePass pass = new TablePass(table);
            long total = 0;
            for (;;) {
                candidates.clear();
                values.clear();
                expired.clear();
                hits.clear();
                removed.clear();
                long noticed = table.time.now();
                boolean more = pass.next((s, n, now) -> {
                    if (takeDue(s, n, now)) {
                        expired.add(n);
                    } else {
                        candidates.add(n);
                        values.add(byValue ? n.value() : null);
                    }
                    return true;
                });
                try {
                    for (int i = 0; i < candidates.size(); i++) {
                        String text = byValue ? Values.text(values.get(i)) : candidates.get(i).key;
                        if (text != null) {
                            budget.admit(text.length());
                            if (m.matches(text)) {
                                hits.add(i);
                            }
                        }
                        examined[0]++;
                    }
                } catch (MatchBudget.Exceeded e) {
                    table.reports.expired(expired, noticed);
                    throw matchStopped("removing entries whose " + (byValue ? "value" : "key") + " matches "
                        + m.match(), budget, examined[0], "removed " + total + " so far, each reported", e);
                }
                if (!hits.isEmpty() && w != null) {
                    List<String> keys = new ArrayList<>(hits.size());
                    hits.forEach(i -> keys.add(candidates.get(i).key));
                    try {
                        w.removeAll(keys);
                    } catch (RuntimeException e) {
                        table.reports.expired(expired, noticed);
                        throw storeFailed(e);
                    }
                }
                for (int i : hits) {
                    Node n = candidates.get(i);
                    Segment s = table.lockForRead(n.hash);
                    try {
                        // still there, with the value it matched on (a write may have changed it since)
                        if (s.findLocked(n.key, n.hash) == n && (!byValue || n.value() == values.get(i))) {
                            if (takeDue(s, n, table.time.now())) {
                                expired.add(n);
                            } else {
                                n.seal();
                                s.unlink(n);
                                s.removals++;
                                removed.add(n);
                                Replication rep = table.replication;
                                if (rep != null) {
                                    rep.offerRemove(n.key);
                                }
                            }
                        }
                    } finally {
                        s.unlock();
                    }
                }
                total += removed.size();
                table.reports.expired(expired, noticed);
                for (Node n : removed) {
                    table.reports.entry(EventKind.REMOVED, n);
                }
                if (!more) {
                    return total;
                }
            }
        });
    }

    /**
     * Takes a node out as expired if its deadline is at or before {@code now}; caller holds the
     * slot lock. A pinned node, whose write is with its store, stays.
     *
     * @return whether the node was taken out
     */
    static boolean takeDue(Segment s, Node n, long now) {
        if (n.pinned() || !n.expireIfDue(now)) {
            return false;
        }
        s.unlink(n);
        s.expirations++;
        return true;
    }

    /** The error of a match call that ran out of budget, saying how far it got. */
    IllegalStateException matchStopped(String what, MatchBudget budget, long examined, String done,
        MatchBudget.Exceeded why) {
        return new IllegalStateException("cache '" + table.name() + "': " + what + " stopped after " + budget.elapsedMillis()
            + " ms and " + examined + " entries looked at (" + done + "), because " + why.getMessage()
            + "; narrow the pattern, use a prefix, or give the match a larger budget (Match.within)");
    }

    /**
     * Runs a whole-table write holding every store stripe, if the table has ever had a store that
     * writes through, so that the hook it gets stays the hook for the whole operation and no
     * single-key write of the store is halfway.
     *
     * @param body given the hook in force, or {@code null}
     */
    private long underEveryStripe(ToLongFunction<WriteThrough> body) {
        StoreStripes st = table.stripes;
        if (st == null) {
            return body.applyAsLong(null);
        }
        st.lockAll();
        try {
            return body.applyAsLong(table.writeThrough);
        } finally {
            st.unlockAll();
        }
    }

    /**
     * Counts the live entries whose key or value matches: a chunk's live keys or values are
     * noted under the slot lock and matched with no lock held, under the budget.
     */
    long countMatching(TextMatcher m, boolean byValue) {
        if (table.insideCompute()) {
            throw table.refusedInsideCompute("count by match");
        }
        LevelBacking lv = table.level;
        if (lv != null) {
            return lv.passes.countMatching(this, m, byValue);
        }
        MatchBudget budget = new MatchBudget(m.match().budget(), m.cost());
        List<Object> texts = new ArrayList<>();
        TablePass pass = new TablePass(table);
        long total = 0;
        long examined = 0;
        for (;;) {
            texts.clear();
            boolean more = pass.next((s, n, now) -> {
                if (n.deadline() > now) {
                    texts.add(byValue ? n.value() : n.key);
                }
                return true;
            });
            try {
                for (Object t : texts) {
                    String text = byValue ? Values.text(t) : (String) t;
                    if (text != null) {
                        budget.admit(text.length());
                        if (m.matches(text)) {
                            total++;
                        }
                    }
                    examined++;
                }
            } catch (MatchBudget.Exceeded e) {
                throw matchStopped("counting entries whose " + (byValue ? "value" : "key") + " matches " + m.match(),
                    budget, examined, total + " matched so far", e);
            }
            if (!more) {
                return total;
            }
        }
    }

    /**
     * Returns a page of the live keys that match: see {@link CacheTable#keys}. A chunk's live keys
     * are noted under the slot lock and matched with no lock held, under the budget; the walk
     * stops at the chunk that fills the page.
     */
    List<String> keys(TextMatcher m, long offset, int limit) {
        if (offset < 0) {
            throw new IllegalArgumentException("cache '" + table.name() + "': offset " + offset + " is negative");
        }
        if (limit < 1 || limit > Cache.MAX_KEYS_PAGE) {
            throw new IllegalArgumentException("cache '" + table.name() + "': limit " + limit
                + " is outside 1.." + Cache.MAX_KEYS_PAGE + " keys a page");
        }
        if (table.insideCompute()) {
            throw table.refusedInsideCompute("look keys up");
        }
        table.checkOpen();
        LevelBacking lv = table.level;
        if (lv != null) {
            return lv.passes.keys(this, m, offset, limit);
        }
        MatchBudget budget = new MatchBudget(m.match().budget(), m.cost());
        List<String> texts = new ArrayList<>();
        List<String> page = new ArrayList<>();
        TablePass pass = new TablePass(table);
        long skipped = 0;
        long examined = 0;
        for (;;) {
            texts.clear();
            boolean more = pass.next((s, n, now) -> {
                if (n.deadline() > now) {
                    texts.add(n.key);
                }
                return true;
            });
            try {
                for (String key : texts) {
                    budget.admit(key.length());
                    examined++;
                    if (m.matches(key)) {
                        if (skipped < offset) {
                            skipped++;
                        } else {
                            page.add(key);
                            if (page.size() == limit) {
                                return page;
                            }
                        }
                    }
                }
            } catch (MatchBudget.Exceeded e) {
                throw matchStopped("looking up keys that match " + m.match(), budget, examined,
                    (skipped + page.size()) + " matched so far", e);
            }
            if (!more) {
                return page;
            }
        }
    }

    /**
     * Clears the table: see {@link CacheTable#clear()}.
     *
     * @param leaves under a slot lock, whether the clear leaves an entry of the key (a replicated
     *     table's, written after this clear in the log's order: see {@link Replication}); {@code null}
     *     to leave none
     * @return how many live entries were removed
     */
    long clear(Predicate<String> leaves) {
        if (table.insideCompute()) {
            throw table.refusedInsideCompute("clear it");
        }
        LevelBacking lv = table.level;
        if (lv != null) {
            return lv.passes.clear();
        }
        long[] cleared = new long[1];
        boolean completed = false;
        try {
            underEveryStripe(w -> {
                List<Node> expired = new ArrayList<>();
                List<Node> nodes = new ArrayList<>();
                TablePass pass = new TablePass(table);
                for (;;) {
                    expired.clear();
                    nodes.clear();
                    long noticed = table.time.now();
                    boolean more = pass.next((s, n, now) -> {
                        if (leaves != null && leaves.test(n.key)) {
                            return true;
                        }
                        if (w == null) {
                            // no store to tell: out at once
                            if (takeDue(s, n, now)) {
                                expired.add(n);
                            } else if (!n.pinned()) {
                                n.seal();
                                s.unlink(n);
                                s.removals++;
                                cleared[0]++;
                            }
                        } else {
                            nodes.add(n);
                        }
                        return true;
                    });
                    if (!nodes.isEmpty()) {
                        clearThroughStore(w, nodes, expired, cleared);
                    }
                    table.reports.expired(expired, noticed);
                    if (!more) {
                        return cleared[0];
                    }
                }
            });
            completed = true;
        } finally {
            // also when a write-through store refused a chunk midway: the chunks before it are cleared
            if (completed || cleared[0] > 0) {
                table.reports.table(EventKind.CLEARED, cleared[0]);
            }
        }
        return cleared[0];
    }

    /**
     * Clears a chunk of a cache whose store writes through: the rows go first (expired ones too),
     * then, under the slot lock, the nodes still there; every stripe is held.
     */
    private void clearThroughStore(WriteThrough w, List<Node> nodes, List<Node> expired, long[] cleared) {
        List<String> keys = new ArrayList<>(nodes.size());
        nodes.forEach(n -> keys.add(n.key));
        try {
            w.removeAll(keys);
        } catch (RuntimeException e) {
            throw storeFailed(e);
        }
        for (Node n : nodes) {
            Segment s = table.lockForRead(n.hash);
            try {
                if (s.findLocked(n.key, n.hash) == n) {
                    if (takeDue(s, n, table.time.now())) {
                        expired.add(n);
                    } else {
                        n.seal();
                        s.unlink(n);
                        s.removals++;
                        cleared[0]++;
                    }
                }
            } finally {
                s.unlock();
            }
        }
    }

    /** A store that broke its contract by throwing something else: still the caller's IllegalStateException. */
    private IllegalStateException storeFailed(RuntimeException e) {
        if (e instanceof IllegalStateException) {
            return (IllegalStateException) e;
        }
        return new IllegalStateException("cache '" + table.name() + "': its store failed: " + e, e);
    }

    /**
     * Starts an iteration: see {@link CacheTable#iterator()}.
     *
     * @return the iterator
     */
    Iterator<CacheEntry> iterator() {
        if (table.insideCompute()) {
            throw table.refusedInsideCompute("iterate over it");
        }
        table.checkOpen();
        LevelBacking lv = table.level;
        return lv != null ? lv.passes.iterator() : new EntryIterator();
    }

    /**
     * Copies a chunk at a time (at most about {@link CacheTable#CHUNK} entries and {@link CacheTable#CHUNK_BYTES}
     * bytes of values), each under its slot's lock at one instant; never returns a key twice, even
     * across changes of size (see {@link TablePass}).
     */
    private final class EntryIterator extends ChunkIterator {
        private final TablePass pass = new TablePass(table);

        EntryIterator() {
            super(table);
        }

        @Override
        boolean fill(List<CacheEntry> chunk) {
            long[] bytes = new long[1];
            return pass.next((s, n, now) -> {
                if (n.deadline() > now) {
                    chunk.add(table.entryOf(n));
                    bytes[0] += Values.weight(n.value());
                }
                return bytes[0] < CacheTable.CHUNK_BYTES;
            });
        }
    }
}
