package io.lapse.impl.engine;

/**
 * The one rule for the deadline a write gives an entry, computed once per write and handed to both
 * the node and a write-through store: by the table's writes, and by {@link Contents} for what a
 * load brings in with the cache's default TTL. Stateless.
 */
final class Deadlines {

    /** The TTL of a write that gives none of its own: the settings decide, see {@link #forWrite}. */
    static final long DEFAULT = Long.MIN_VALUE;

    private Deadlines() {
    }

    /**
     * The deadline a write gives an entry.
     *
     * @param n the live node the write updates, or {@code null} for a new entry
     * @param ttlMillis the write's own TTL (0 for never), or {@link #DEFAULT} when it gives none
     * @param now the write's time, in monotonic ms
     * @param settings the settings in force
     * @return the TTL given, from now; else the default TTL ({@code autoexpire}) from now, for a
     *     new entry or with {@code updateexpire}; else the deadline writes gave the entry before
     */
    static long forWrite(Node n, long ttlMillis, long now, CacheSettings settings) {
        if (ttlMillis != DEFAULT) {
            return after(ttlMillis, now);
        }
        if (n == null || settings.updateExpire) {
            return after(settings.ttlMillis, now);
        }
        return n.writeDeadline();
    }

    /**
     * The deadline a TTL gives from a time.
     *
     * @param ttlMillis the TTL, 0 for never
     * @param now monotonic ms
     * @return {@code now + ttlMillis}, or {@link Node#NEVER} for a TTL of 0
     */
    static long after(long ttlMillis, long now) {
        return ttlMillis == 0 ? Node.NEVER : now + ttlMillis;
    }
}
