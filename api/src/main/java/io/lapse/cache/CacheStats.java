package io.lapse.cache;

/**
 * An immutable snapshot of one cache's counters and slot figures.
 *
 * <p>Counters run from the cache's creation or the last {@link Cache#resetStats()}. Hits and
 * misses are counted only while the cache's {@code statistics} setting is on (it is off by
 * default, as in JCache: counting costs every read about a sixth of its time); the other counters
 * always run. The slot
 * figures are htable's {@code htable.stats}: how many slots (lock stripes) the cache has and the
 * most and fewest live entries any one slot holds. The expiry lateness figures tell how long
 * after their deadlines the sweeper noticed expired entries. Instances are built by the
 * implementation with {@link #builder()} and are safe to share between threads.
 */
public final class CacheStats {

    private final boolean statisticsEnabled;
    private final long hits;
    private final long misses;
    private final long puts;
    private final long removals;
    private final long evictions;
    private final long expirations;
    private final long size;
    private final int slots;
    private final long maxSlotItems;
    private final long minSlotItems;
    private final long eventsPosted;
    private final long eventsDropped;
    private final long expiryLagP50Millis;
    private final long expiryLagP99Millis;
    private final long expiryLagMaxMillis;
    private final long maxEntries;
    private final long maxBytes;
    private final long weightedBytes;

    private CacheStats(Builder b) {
        statisticsEnabled = b.statisticsEnabled;
        hits = b.hits;
        misses = b.misses;
        puts = b.puts;
        removals = b.removals;
        evictions = b.evictions;
        expirations = b.expirations;
        size = b.size;
        slots = b.slots;
        maxSlotItems = b.maxSlotItems;
        minSlotItems = b.minSlotItems;
        eventsPosted = b.eventsPosted;
        eventsDropped = b.eventsDropped;
        expiryLagP50Millis = b.expiryLagP50Millis;
        expiryLagP99Millis = b.expiryLagP99Millis;
        expiryLagMaxMillis = b.expiryLagMaxMillis;
        maxEntries = b.maxEntries;
        maxBytes = b.maxBytes;
        weightedBytes = b.weightedBytes;
    }

    /**
     * Starts a snapshot; every figure is zero until set.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Tells whether hits and misses are counted: the cache's {@code statistics} setting.
     *
     * @return {@code true} if they are; {@link #hits()}, {@link #misses()}, {@link #gets()} and
     *     {@link #hitPercentage()} are 0 otherwise
     */
    public boolean statisticsEnabled() {
        return statisticsEnabled;
    }

    /** @return reads that found a live entry, while statistics are enabled */
    public long hits() {
        return hits;
    }

    /** @return reads that found none, while statistics are enabled */
    public long misses() {
        return misses;
    }

    /** @return all reads: {@link #hits()} plus {@link #misses()} */
    public long gets() {
        return hits + misses;
    }

    /** @return hits as a percentage of reads, 0 when there were no reads */
    public float hitPercentage() {
        long gets = gets();
        return gets == 0 ? 0f : (float) (hits * 100.0 / gets);
    }

    /** @return values stored: puts, increments and computes that stored a value */
    public long puts() {
        return puts;
    }

    /** @return live entries removed by a delete, a match, a compute or a clear */
    public long removals() {
        return removals;
    }

    /**
     * Returns the entries evicted: taken out, least recently used first, because the cache held
     * more than its {@code max_entries} or its entries weighed more than its {@code max_bytes}.
     * Each one raised one {@code cache/evicted} event and no other; an entry found past its
     * deadline is counted in {@link #expirations()} instead.
     *
     * @return entries removed to respect a capacity limit
     */
    public long evictions() {
        return evictions;
    }

    /** @return entries whose deadline passed */
    public long expirations() {
        return expirations;
    }

    /** @return live entries when the snapshot was taken */
    public long size() {
        return size;
    }

    /** @return the number of slots (lock stripes) */
    public int slots() {
        return slots;
    }

    /** @return the most entries held by one slot */
    public long maxSlotItems() {
        return maxSlotItems;
    }

    /** @return the fewest entries held by one slot */
    public long minSlotItems() {
        return minSlotItems;
    }

    /** @return events handed to EventAdmin */
    public long eventsPosted() {
        return eventsPosted;
    }

    /** @return events that had a subscriber but could not be handed to EventAdmin */
    public long eventsDropped() {
        return eventsDropped;
    }

    /** @return the median time from deadline to the sweeper noticing the expiry, in ms */
    public long expiryLagP50Millis() {
        return expiryLagP50Millis;
    }

    /** @return the 99th percentile of that lateness, in ms */
    public long expiryLagP99Millis() {
        return expiryLagP99Millis;
    }

    /** @return the largest lateness seen, in ms */
    public long expiryLagMaxMillis() {
        return expiryLagMaxMillis;
    }

    /**
     * Returns the cache's {@code max_entries}: the most live entries it holds before it evicts.
     *
     * @return the limit, 0 for none
     * @since 1.2
     */
    public long maxEntries() {
        return maxEntries;
    }

    /**
     * Returns the cache's {@code max_bytes}: the most its entries may weigh before it evicts.
     *
     * @return the limit in bytes, 0 for none
     * @since 1.2
     */
    public long maxBytes() {
        return maxBytes;
    }

    /**
     * Returns what the live entries weigh, in bytes of heap: their nodes and bucket-array shares,
     * keys and values, as a 64-bit JVM with compressed references lays them out. With
     * {@code max_bytes} set, the cache keeps this figure as entries are written; without, the
     * snapshot measures it, reading every entry.
     *
     * @return the footprint in bytes
     * @since 1.2
     */
    public long weightedBytes() {
        return weightedBytes;
    }

    @Override
    public String toString() {
        return "CacheStats[statisticsEnabled=" + statisticsEnabled + ", hits=" + hits + ", misses=" + misses + ", puts=" + puts + ", removals=" + removals
            + ", evictions=" + evictions + ", expirations=" + expirations + ", size=" + size + ", slots=" + slots
            + ", maxSlotItems=" + maxSlotItems + ", minSlotItems=" + minSlotItems + ", eventsPosted=" + eventsPosted
            + ", eventsDropped=" + eventsDropped + ", expiryLagP50Millis=" + expiryLagP50Millis
            + ", expiryLagP99Millis=" + expiryLagP99Millis + ", expiryLagMaxMillis=" + expiryLagMaxMillis
            + ", maxEntries=" + maxEntries + ", maxBytes=" + maxBytes + ", weightedBytes=" + weightedBytes + "]";
    }

    /** Builds a {@link CacheStats}; not safe for use by several threads at once. */
    public static final class Builder {
        private boolean statisticsEnabled;
        private long hits;
        private long misses;
        private long puts;
        private long removals;
        private long evictions;
        private long expirations;
        private long size;
        private int slots;
        private long maxSlotItems;
        private long minSlotItems;
        private long eventsPosted;
        private long eventsDropped;
        private long expiryLagP50Millis;
        private long expiryLagP99Millis;
        private long expiryLagMaxMillis;
        private long maxEntries;
        private long maxBytes;
        private long weightedBytes;

        private Builder() {
        }

        /** @param v whether hits and misses are counted @return this builder */
        public Builder statisticsEnabled(boolean v) {
            statisticsEnabled = v;
            return this;
        }

        /** @param v reads that found a live entry @return this builder */
        public Builder hits(long v) {
            hits = v;
            return this;
        }

        /** @param v reads that found none @return this builder */
        public Builder misses(long v) {
            misses = v;
            return this;
        }

        /** @param v values stored @return this builder */
        public Builder puts(long v) {
            puts = v;
            return this;
        }

        /** @param v live entries removed @return this builder */
        public Builder removals(long v) {
            removals = v;
            return this;
        }

        /** @param v entries evicted @return this builder */
        public Builder evictions(long v) {
            evictions = v;
            return this;
        }

        /** @param v entries expired @return this builder */
        public Builder expirations(long v) {
            expirations = v;
            return this;
        }

        /** @param v live entries @return this builder */
        public Builder size(long v) {
            size = v;
            return this;
        }

        /** @param v slots @return this builder */
        public Builder slots(int v) {
            slots = v;
            return this;
        }

        /** @param v most entries in one slot @return this builder */
        public Builder maxSlotItems(long v) {
            maxSlotItems = v;
            return this;
        }

        /** @param v fewest entries in one slot @return this builder */
        public Builder minSlotItems(long v) {
            minSlotItems = v;
            return this;
        }

        /** @param v events posted @return this builder */
        public Builder eventsPosted(long v) {
            eventsPosted = v;
            return this;
        }

        /** @param v events dropped @return this builder */
        public Builder eventsDropped(long v) {
            eventsDropped = v;
            return this;
        }

        /** @param v median expiry lateness in ms @return this builder */
        public Builder expiryLagP50Millis(long v) {
            expiryLagP50Millis = v;
            return this;
        }

        /** @param v 99th percentile expiry lateness in ms @return this builder */
        public Builder expiryLagP99Millis(long v) {
            expiryLagP99Millis = v;
            return this;
        }

        /** @param v largest expiry lateness in ms @return this builder */
        public Builder expiryLagMaxMillis(long v) {
            expiryLagMaxMillis = v;
            return this;
        }

        /** @param v the {@code max_entries} limit, 0 for none @return this builder */
        public Builder maxEntries(long v) {
            maxEntries = v;
            return this;
        }

        /** @param v the {@code max_bytes} limit, 0 for none @return this builder */
        public Builder maxBytes(long v) {
            maxBytes = v;
            return this;
        }

        /** @param v what the live entries weigh, in bytes @return this builder */
        public Builder weightedBytes(long v) {
            weightedBytes = v;
            return this;
        }

        /** @return the snapshot */
        public CacheStats build() {
            return new CacheStats(this);
        }
    }
}
