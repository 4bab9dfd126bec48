package io.lapse.impl.engine;

import java.util.ArrayList;
import java.util.List;

/**
 * The new contents of a {@link CacheTable}, built off-line (no lock of the table is held) and
 * then swapped in whole by {@link CacheTable#replace}: what a load or reload from a store fills.
 * The slots are the table's kind, so the swap only exchanges arrays. The contents keep the
 * capacity limits of the settings they were made with as they fill: an entry that would take them
 * over a limit is left out ({@link #leftOut()}), so a load never holds more than the cache may.
 *
 * <p>Not thread-safe: one thread fills it, then hands it to {@code replace}; after that it must
 * not be used again.
 */
public final class Contents {

    private final CacheTable table;
    private final CacheSettings settings;
    private final TimeSource time;
    private Node[][] tables;
    private Segment[] segments;
    private long count;
    /** What the entries weigh, while the settings' limits weigh them. */
    private long bytes;
    private long leftOut;
    private boolean used;

    Contents(CacheTable table, CacheSettings settings, TimeSource time, Node[][] tables, Segment[] segments) {
        this.table = table;
        this.settings = settings;
        this.time = time;
        this.tables = tables;
        this.segments = segments;
    }

    /**
     * Adds an entry with a deadline of its own, replacing one of the same key added before.
     *
     * @param key the key
     * @param value a String, an integral number or a byte[], as {@link io.lapse.cache.Cache#put}
     *     accepts
     * @param expiresAtMillis the deadline in epoch ms, 0 for none
     * @return {@code false} if the deadline has passed already, so the entry was left out (an
     *     entry left out by the limits returns {@code true}: it was taken, and is counted in
     *     {@link #leftOut()})
     * @throws NullPointerException if the key or value is null
     * @throws IllegalArgumentException if the key or value breaks the rules of a cache; nothing is
     *     added
     * @throws IllegalStateException if these contents were handed to {@code replace} already
     */
    public boolean put(String key, Object value, long expiresAtMillis) {
        checkUnused();
        long now = time.now();
        long deadline = time.fromEpochMillis(expiresAtMillis);
        if (deadline <= now) {
            checkEntry(key, value);
            return false;
        }
        add(key, value, deadline, now);
        return true;
    }

    /**
     * Adds an entry with the cache's default TTL ({@code autoexpire}) from now, as a write that
     * gives no TTL would, replacing one of the same key added before.
     *
     * @param key the key
     * @param value as for {@link #put}
     * @throws NullPointerException if the key or value is null
     * @throws IllegalArgumentException if the key or value breaks the rules of a cache; nothing is
     *     added
     * @throws IllegalStateException if these contents were handed to {@code replace} already
     */
    public void putWithDefaultTtl(String key, Object value) {
        checkUnused();
        long now = time.now();
        add(key, value, Deadlines.forWrite(null, Deadlines.DEFAULT, now, settings), now);
    }

    private void checkEntry(String key, Object value) {
        Values.checkKey(table.name(), key);
        Values.store(table.name(), key, value, settings.limits.maxItemSize);
    }

    private void add(String key, Object value, long deadline, long now) {
        Values.checkKey(table.name(), key);
        Limits limits = settings.limits;
        Object v = Values.store(table.name(), key, value, limits.maxItemSize);
        int flags = limits.weighs() ? Weights.flags(key, v) : 0;
        int h = CacheTable.spread(key.hashCode());
        Segment s = segments[CacheTable.segmentIndex(h, segments.length)];
        remove(s, key, h);
        Node node = SegmentWrites.newNode(h, key, v, flags, deadline, now, settings);
        long weight = limits.weighs() ? Weights.of(node) : 0;
        if (limits.exceeded(count + 1, bytes + weight)) {
            leftOut++;
            return;
        }
        s.insert(node);
        count++;
        bytes += weight;
    }

    private void remove(Segment s, String key, int h) {
        Node old = s.findLocked(key, h);
        if (old != null) {
            s.unlink(old);
            count--;
            if (settings.limits.weighs()) {
                bytes -= Weights.of(old);
            }
        }
    }

    /**
     * Removes an entry added before, if there is one.
     *
     * @param key the key
     * @throws IllegalStateException if these contents were handed to {@code replace} already
     */
    public void remove(String key) {
        checkUnused();
        int h = CacheTable.spread(key.hashCode());
        remove(segments[CacheTable.segmentIndex(h, segments.length)], key, h);
    }

    /**
     * Returns how many entries were added (and not replaced or removed since).
     *
     * @return the count
     */
    public long size() {
        return count;
    }

    /**
     * Returns how many entries were left out because they would have taken the contents over the
     * capacity limits of the cache.
     *
     * @return the count
     */
    public long leftOut() {
        return leftOut;
    }

    /** @return whether the entries were weighed as they were added, with their weight flags set */
    boolean weighed() {
        return settings.limits.weighs();
    }

    /** @return the table these contents are for */
    CacheTable table() {
        return table;
    }

    Node[][] tables() {
        return tables;
    }

    Segment[] segments() {
        return segments;
    }

    /** Marks the contents as swapped in; called by the table under its locks. */
    void use() {
        checkUnused();
        used = true;
    }

    /**
     * Moves every node to another number of slots, when the table's {@code size} changed while
     * these contents were built; called under the table's locks, where nobody else reaches them.
     */
    void spreadOver(int count, Node[][] freshTables, Segment[] fresh) {
        for (Segment s : segments) {
            List<Node> nodes = new ArrayList<>(s.count);
            s.forEach(nodes::add);
            for (Node n : nodes) {
                fresh[CacheTable.segmentIndex(n.hash, count)].adopt(n);
            }
        }
        tables = freshTables;
        segments = fresh;
    }

    void checkUnused() {
        if (used) {
            throw new IllegalStateException("cache '" + table.name() + "': these contents were swapped in already");
        }
    }
}
