package io.lapse.impl.engine;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import io.lapse.cache.CacheEntry;
import io.lapse.cache.Match;

/**
 * The operations on every entry of a table backed by a level ({@link LevelBacking}): since the
 * level holds the complete set, they walk the level's rows in key order, a page at a time, with no
 * lock held (a level narrows the walk by a prefix or a glob's literal start), and the table only
 * where a row is changed. A row past its deadline is not live: it is left to the level's expiry,
 * which reports it.
 *
 * <ul>
 * <li>Removals by match remove a page of matching keys at a time holding every stripe: from the
 * level in one call, then from the table, one {@code cache/removed} each, and only a key whose
 * entry is still live and still holds what matched.</li>
 * <li>A clear holds every stripe: it expires what is due first (so those entries are reported as
 * expired, not cleared), then clears the level and drops the table's nodes.</li>
 * <li>Counts, key lookups and iteration read the level only; a key written during the walk may or
 * may not be seen, none is seen twice.</li>
 * </ul>
 *
 * <p>Thread safety: as the table's; holds no state of its own.
 */
final class LevelPasses {

    private final LevelBacking backing;
    private final CacheTable table;

    LevelPasses(LevelBacking backing) {
        this.backing = backing;
        this.table = backing.table;
    }

    /** What a walk does with each live row; {@code false} ends the walk. */
    @FunctionalInterface
    private interface RowVisitor {
        boolean visit(CacheEntry row);
    }

    /** Walks the live rows whose key may match, in key order, a page at a time, with no lock held. */
    private void eachLiveRow(Match match, RowVisitor visitor) {
        String after = null;
        for (;;) {
            List<CacheEntry> page = page(match, after);
            long now = table.time.now();
            for (CacheEntry row : page) {
                if (live(row, now) && !visitor.visit(row)) {
                    return;
                }
            }
            if (page.size() < LevelBacking.PAGE) {
                return;
            }
            after = page.get(page.size() - 1).key();
        }
    }

    /** A page of the level's rows whose key may match and comes after {@code after}. */
    private List<CacheEntry> page(Match match, String after) {
        table.checkOpen();
        return backing.call(() -> backing.level.scan(match, after, LevelBacking.PAGE), "read its entries");
    }

    private boolean live(CacheEntry row, long now) {
        long d = table.time.fromEpochMillis(row.expiresAtMillis());
        return d == Node.NEVER || d > now;
    }

    /** See {@link WholeTable#removeMatching}. */
    long removeMatching(WholeTable whole, TextMatcher m, boolean byValue) {
        MatchBudget budget = new MatchBudget(m.match().budget(), m.cost());
        List<CacheEntry> hits = new ArrayList<>();
        long[] removed = new long[1];
        long[] examined = new long[1];
        try {
            eachLiveRow(m.match(), row -> {
                String text = byValue ? Values.text(row.value()) : row.key();
                examined[0]++;
                if (text != null) {
                    budget.admit(text.length());
                    if (m.matches(text)) {
                        hits.add(row);
                    }
                }
                if (hits.size() >= LevelBacking.PAGE) {
                    removed[0] += removeEach(hits, byValue);
                    hits.clear();
                }
                return true;
            });
        } catch (MatchBudget.Exceeded e) {
            throw whole.matchStopped("removing entries whose " + (byValue ? "value" : "key") + " matches " + m.match(),
                budget, examined[0], "removed " + removed[0] + " so far, each reported", e);
        }
        return removed[0] + removeEach(hits, byValue);
    }

    /**
     * Removes a page of matched rows with one call to the level, holding every stripe: each key
     * whose row (read again under the stripes) is still live and, for a match by value, still holds
     * the value that matched, leaves the level in one {@code removeAll}, then the heap table; each
     * is reported once the stripes are released. A row found past its deadline is left to the
     * level's expiry, which reports it as expired.
     *
     * @return how many were removed
     */
    private long removeEach(List<CacheEntry> rows, boolean byValue) {
        if (rows.isEmpty()) {
            return 0;
        }
        List<CacheEntry> gone = new ArrayList<>(rows.size());
        table.stripes.lockAll();
        try {
            table.checkOpen();
            long now = table.time.now();
            for (CacheEntry row : rows) {
                CacheEntry current = backing.call(() -> backing.level.get(row.key()), "read key", row.key());
                if (current != null && live(current, now) && (!byValue || Values.same(current.value(), row.value()))) {
                    gone.add(current);
                }
            }
            if (!gone.isEmpty()) {
                List<String> keys = new ArrayList<>(gone.size());
                gone.forEach(e -> keys.add(e.key()));
                backing.call(() -> {
                    backing.level.removeAll(keys);
                    return null;
                }, "delete " + keys.size() + " keys");
                long levelOnly = 0;
                for (String key : keys) {
                    if (!backing.drop(key, true)) {
                        levelOnly++;
                    }
                }
                table.retiredRemovals.addAndGet(levelOnly);
            }
        } finally {
            table.stripes.unlockAll();
        }
        ReportEach.of(gone, e -> table.reports.entry(EventKind.REMOVED, e.key(), e.value(), e.expiresAtMillis(),
            e.group()), table.reports.failed);
        return gone.size();
    }

    /** See {@link WholeTable#countMatching}. */
    long countMatching(WholeTable whole, TextMatcher m, boolean byValue) {
        MatchBudget budget = new MatchBudget(m.match().budget(), m.cost());
        long[] counted = new long[2];
        try {
            eachLiveRow(m.match(), row -> {
                String text = byValue ? Values.text(row.value()) : row.key();
                counted[1]++;
                if (text != null) {
                    budget.admit(text.length());
                    if (m.matches(text)) {
                        counted[0]++;
                    }
                }
                return true;
            });
        } catch (MatchBudget.Exceeded e) {
            throw whole.matchStopped("counting entries whose " + (byValue ? "value" : "key") + " matches " + m.match(),
                budget, counted[1], counted[0] + " matched so far", e);
        }
        return counted[0];
    }

    /** See {@link WholeTable#keys}; offset and limit are checked. */
    List<String> keys(WholeTable whole, TextMatcher m, long offset, int limit) {
        MatchBudget budget = new MatchBudget(m.match().budget(), m.cost());
        List<String> page = new ArrayList<>();
        long[] counted = new long[2];
        try {
            eachLiveRow(m.match(), row -> {
                String key = row.key();
                budget.admit(key.length());
                counted[1]++;
                if (m.matches(key)) {
                    if (counted[0] < offset) {
                        counted[0]++;
                    } else {
                        page.add(key);
                    }
                }
                return page.size() < limit;
            });
        } catch (MatchBudget.Exceeded e) {
            throw whole.matchStopped("looking up keys that match " + m.match(), budget, counted[1],
                (counted[0] + page.size()) + " matched so far", e);
        }
        return page;
    }

    /** See {@link CacheTable#clear()}: expires what is due, then clears the level and the table. */
    long clear() {
        List<CacheEntry> expired = new ArrayList<>();
        long cleared = -1;
        table.stripes.lockAll();
        try {
            table.checkOpen();
            for (;;) {
                List<CacheEntry> rows = backing.expireDueLocked();
                expired.addAll(rows);
                if (rows.size() < LevelBacking.PAGE) {
                    break;
                }
            }
            cleared = backing.call(backing.level::clear, "clear its entries");
            dropTable();
        } finally {
            table.stripes.unlockAll();
            try {
                backing.reportExpired(expired);
            } finally {
                if (cleared >= 0) {
                    table.retiredRemovals.addAndGet(cleared);
                    table.reports.table(EventKind.CLEARED, cleared);
                }
            }
        }
        return cleared;
    }

    /** Drops every node of the table, without a report; caller holds every stripe. */
    private void dropTable() {
        TablePass pass = new TablePass(table);
        while (pass.next((s, n, now) -> {
            n.seal();
            s.unlink(n);
            return true;
        })) {
            // each chunk is dropped by the visitor
        }
    }

    /**
     * Counts the live entries: expires what is due (reporting it), then counts the level's rows.
     *
     * @return the level's count once nothing due is left in it
     */
    long size() {
        backing.expireDue();
        return backing.call(backing.level::size, "count its entries");
    }

    /** See {@link CacheTable#iterator()}: the level's live rows, a page at a time, in key order. */
    Iterator<CacheEntry> iterator() {
        return new ChunkIterator(table) {
            private String after;

            @Override
            boolean fill(List<CacheEntry> chunk) {
                List<CacheEntry> page = page(Match.prefix(""), after);
                if (!page.isEmpty()) {
                    after = page.get(page.size() - 1).key();
                }
                long now = table.time.now();
                for (CacheEntry row : page) {
                    if (live(row, now)) {
                        chunk.add(row);
                    }
                }
                return page.size() == LevelBacking.PAGE;
            }
        };
    }
}
