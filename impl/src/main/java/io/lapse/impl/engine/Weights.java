package io.lapse.impl.engine;

/**
 * How many bytes of heap a table's entries take, as {@code max_bytes} counts them: each entry's
 * node, key and value, and each slot's bucket array, laid out as a 64-bit HotSpot JVM with
 * compressed references (heaps below 32 GB) and compact strings lays them out. A String takes one byte per
 * character when every character is below U+0100, two otherwise; which one is found by reading the
 * characters once, as the value is written, and kept in the node's flags, so that the weight of a
 * stored entry is known without reading its characters again. Stateless.
 *
 * <p>Measured against JOL's reckoning of the same objects in {@code WeightsTest}.
 */
final class Weights {

    /** A node of a cache without idle expiry: see {@link Node}. */
    static final int NODE = 48;
    /** A node of a cache with idle expiry: see {@link IdleNode}. */
    static final int IDLE_NODE = 56;
    /**
     * What a node of an entry of a keygroup takes beyond the plain one ({@link GroupNode},
     * {@link IdleGroupNode}); the group's name is the index's, one copy per group, not counted.
     */
    static final int GROUP_EXTRA = 8;
    private static final int STRING = 24;
    private static final int ARRAY_HEADER = 16;
    private static final int LONG = 24;
    private static final int REFERENCE = 4;

    private Weights() {
    }

    /**
     * Returns the flags that say which of an entry's strings take two bytes per character, for a
     * table that weighs its entries; reads every character of both.
     *
     * @param key the key
     * @param value the stored value
     * @return {@link Node#KEY_WIDE} and {@link Node#VALUE_WIDE}, as they apply
     */
    static int flags(String key, Object value) {
        return (wide(key) ? Node.KEY_WIDE : 0) | (value instanceof String && wide((String) value) ? Node.VALUE_WIDE : 0);
    }

    private static boolean wide(String s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            if (s.charAt(i) > 0xFF) {
                return true;
            }
        }
        return false;
    }

    /**
     * Returns the weight of an entry; caller holds its slot lock, or the node is not in a table.
     *
     * @param n the node, with the flags {@link #flags} gave it
     * @return the bytes
     */
    static long of(Node n) {
        return entry(n.key, n.value(), n.flags(), n.idles()) + (n.group() == null ? 0 : GROUP_EXTRA);
    }

    /**
     * Returns the weight an entry will have, before it is stored.
     *
     * @param key the key
     * @param value the stored value
     * @param flags as {@link #flags} returns them
     * @param idles whether the cache has idle expiry, so the node is an {@link IdleNode}
     * @return the bytes
     */
    static long entry(String key, Object value, int flags, boolean idles) {
        return (idles ? IDLE_NODE : NODE) + string(key.length(), (flags & Node.KEY_WIDE) != 0)
            + value(value, (flags & Node.VALUE_WIDE) != 0);
    }

    /**
     * Returns the weight of a stored value.
     *
     * @param value a String, Long or byte[] as the table stores it
     * @param wide whether a String takes two bytes per character
     * @return the bytes of its objects
     */
    static long value(Object value, boolean wide) {
        if (value instanceof String) {
            return string(((String) value).length(), wide);
        }
        if (value instanceof byte[]) {
            return array(((byte[]) value).length);
        }
        return LONG;
    }

    /**
     * Returns the weight of a slot's bucket array.
     *
     * @param buckets its length, 0 for a slot without one
     * @return the bytes
     */
    static long buckets(int buckets) {
        return buckets == 0 ? 0 : array((long) REFERENCE * buckets);
    }

    private static long string(int length, boolean wide) {
        return STRING + array(wide ? 2L * length : length);
    }

    private static long array(long bytes) {
        return (ARRAY_HEADER + bytes + 7) & ~7L;
    }
}
