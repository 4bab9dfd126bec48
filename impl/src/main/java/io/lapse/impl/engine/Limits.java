package io.lapse.impl.engine;

import io.lapse.cache.Cache;

/**
 * The capacity limits of a cache: how many entries it may hold, how many bytes of heap they may
 * take ({@link Weights} says how an entry is weighed), and the largest value a write may store.
 * A cache over a limit evicts entries, least recently used first (see {@link ClockHand}); a limit
 * never refuses a write, but for one whose entry alone would weigh more than {@code max_bytes}, and
 * a value larger than {@code max_item_size} is refused. An eviction, once begun, goes a batch below
 * each limit ({@link #BATCH_SHARE}): see {@link ClockHand}. Immutable.
 */
public final class Limits {

    /**
     * The largest {@code max_item_size}, and its default: {@link Cache#MAX_VALUE_LENGTH}, the
     * limit of every cache, which a cache may only lower.
     */
    public static final int MAX_ITEM_SIZE = Cache.MAX_VALUE_LENGTH;

    /**
     * The share of a limit an eviction goes below it: 1/2<sup>10</sup>, so that the writes after it
     * find room and the cost of beginning an eviction is shared by a batch; a cache holds half a
     * batch, a twentieth of a percent of its capacity, less on average. None below 1,024 entries
     * or bytes: an eviction of a small cache stops at its limit.
     */
    static final int BATCH_SHARE = 10;
    /** The most entries an eviction goes below {@code max_entries}, so that one write never evicts many. */
    static final long MOST_BATCH_ENTRIES = 64;
    /** The most bytes an eviction goes below {@code max_bytes}, for the same reason. */
    static final long MOST_BATCH_BYTES = 64 << 10;

    /** No limit on entries or bytes, values up to {@link #MAX_ITEM_SIZE}. */
    public static final Limits NONE = new Limits(0, 0, MAX_ITEM_SIZE);

    final long maxEntries;
    final long maxBytes;
    final int maxItemSize;
    /** Where an eviction of entries stops: {@link #maxEntries} less its batch. */
    private final long evictEntriesTo;
    /** Where an eviction of bytes stops: {@link #maxBytes} less its batch. */
    private final long evictBytesTo;

    /**
     * Creates limits.
     *
     * @param maxEntries the most live entries, 0 for no limit
     * @param maxBytes the most bytes the entries may weigh, 0 for no limit
     * @param maxItemSize the largest value, in characters of a String or bytes of a byte[]
     * @throws IllegalArgumentException naming the figure, if one is negative, or {@code maxItemSize}
     *     is below 1 or above {@link #MAX_ITEM_SIZE}
     */
    public Limits(long maxEntries, long maxBytes, int maxItemSize) {
        if (maxEntries < 0) {
            throw new IllegalArgumentException("max_entries " + maxEntries + " is negative: use 0 for no limit");
        }
        if (maxBytes < 0) {
            throw new IllegalArgumentException("max_bytes " + maxBytes + " is negative: use 0 for no limit");
        }
        if (maxItemSize < 1 || maxItemSize > MAX_ITEM_SIZE) {
            throw new IllegalArgumentException("max_item_size " + maxItemSize + " is outside 1.." + MAX_ITEM_SIZE
                + " bytes");
        }
        this.maxEntries = maxEntries;
        this.maxBytes = maxBytes;
        this.maxItemSize = maxItemSize;
        this.evictEntriesTo = maxEntries - Math.min(maxEntries >> BATCH_SHARE, MOST_BATCH_ENTRIES);
        this.evictBytesTo = maxBytes - Math.min(maxBytes >> BATCH_SHARE, MOST_BATCH_BYTES);
    }

    /** @return the most live entries, 0 for no limit */
    public long maxEntries() {
        return maxEntries;
    }

    /** @return the most bytes the entries may weigh, 0 for no limit */
    public long maxBytes() {
        return maxBytes;
    }

    /** @return the largest value a write may store, in characters or bytes */
    public int maxItemSize() {
        return maxItemSize;
    }

    /** @return whether the entries or their bytes are limited, so that the table evicts */
    public boolean bounded() {
        return maxEntries > 0 || maxBytes > 0;
    }

    /** @return whether entries are weighed as they are written, for {@code max_bytes} */
    boolean weighs() {
        return maxBytes > 0;
    }

    /**
     * Admits a value to a table that weighs its entries: returns the weight flags of the entry it
     * makes, after checking that the entry alone does not weigh more than {@code max_bytes} (a
     * limit is kept by evicting others, which cannot make room for that); 0 in a table that does
     * not weigh. Reads every character of the key and a String value, so writers call it before
     * the slot lock where the value is known then.
     *
     * @param cache the cache's name, for the error
     * @param stored the value as the table stores it
     * @param idles whether the cache has idle expiry
     * @return {@link Weights#flags}, or 0
     * @throws IllegalArgumentException naming the cache, the key, the weight and the limit
     */
    int admit(String cache, String key, Object stored, boolean idles) {
        if (!weighs()) {
            return 0;
        }
        int flags = Weights.flags(key, stored);
        long weight = Weights.entry(key, stored, flags, idles);
        if (weight > maxBytes) {
            throw new IllegalArgumentException("cache '" + cache + "': the entry for key '" + Values.shown(key)
                + "' would weigh " + weight + " bytes, more than max_bytes " + maxBytes + " allows");
        }
        return flags;
    }

    /** Tells whether a table holding these figures must evict. */
    boolean exceeded(long entries, long bytes) {
        return (maxEntries > 0 && entries > maxEntries) || (maxBytes > 0 && bytes > maxBytes);
    }

    /**
     * Tells whether an eviction under way goes on: until the table is a batch below each limit
     * ({@link #BATCH_SHARE} of it, at most {@link #MOST_BATCH_ENTRIES} entries and
     * {@link #MOST_BATCH_BYTES} bytes).
     */
    boolean evictionGoesOn(long entries, long bytes) {
        return (maxEntries > 0 && entries > evictEntriesTo) || (maxBytes > 0 && bytes > evictBytesTo);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Limits && ((Limits) o).maxEntries == maxEntries && ((Limits) o).maxBytes == maxBytes
            && ((Limits) o).maxItemSize == maxItemSize;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(maxEntries * 31 + maxBytes) * 31 + maxItemSize;
    }

    @Override
    public String toString() {
        return "max_entries=" + maxEntries + ", max_bytes=" + maxBytes + ", max_item_size=" + maxItemSize
            + ", eviction=lru";
    }
}
