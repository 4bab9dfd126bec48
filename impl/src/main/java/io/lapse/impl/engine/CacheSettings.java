package io.lapse.impl.engine;

/**
 * What a cache's configuration sets, checked and in the engine's units. Immutable; a
 * configuration change swaps the whole object, so an operation sees one consistent set. Hit and
 * miss counting is off unless {@link #withStatistics} turns it on, as in the configuration; there
 * are no capacity limits unless {@link #withLimits} sets some.
 */
public final class CacheSettings {

    /** The fewest slot bits; htable's lower bound. */
    public static final int MIN_SIZE = 2;
    /** The most slot bits. */
    public static final int MAX_SIZE = 20;

    final int sizeBits;
    final long ttlMillis;
    final boolean updateExpire;
    final long idleMillis;
    final Long initval;
    final boolean statistics;
    final Limits limits;
    /** The most entries a keygroup may hold; 0 when the cache has no keygroups. */
    final int maxGroupItems;

    /**
     * Creates settings.
     *
     * @param sizeBits log2 of the slot count, {@link #MIN_SIZE} to {@link #MAX_SIZE}
     * @param ttlMillis the default TTL, 0 for never
     * @param updateExpire whether a rewrite restarts an entry's TTL
     * @param idleMillis how long an entry may go unread and unwritten, 0 for ever
     * @param initval what reads and increments of a missing key see, or {@code null}
     * @throws IllegalArgumentException if a figure is out of range
     */
    public CacheSettings(int sizeBits, long ttlMillis, boolean updateExpire, long idleMillis, Long initval) {
        this(sizeBits, ttlMillis, updateExpire, idleMillis, initval, false, Limits.NONE, 0);
    }

    private CacheSettings(int sizeBits, long ttlMillis, boolean updateExpire, long idleMillis, Long initval,
        boolean statistics, Limits limits, int maxGroupItems) {
        if (sizeBits < MIN_SIZE || sizeBits > MAX_SIZE) {
            throw new IllegalArgumentException("size " + sizeBits + " is outside " + MIN_SIZE + ".." + MAX_SIZE);
        }
        if (ttlMillis < 0 || idleMillis < 0) {
            throw new IllegalArgumentException("negative duration");
        }
        if (maxGroupItems < 0) {
            throw new IllegalArgumentException("max_group_items " + maxGroupItems + " is negative");
        }
        this.sizeBits = sizeBits;
        this.ttlMillis = ttlMillis;
        this.updateExpire = updateExpire;
        this.idleMillis = idleMillis;
        this.initval = initval;
        this.statistics = statistics;
        this.limits = limits;
        this.maxGroupItems = maxGroupItems;
    }

    /**
     * Returns these settings with hit and miss counting on or off.
     *
     * @param on whether reads are counted
     * @return the settings
     */
    public CacheSettings withStatistics(boolean on) {
        return new CacheSettings(sizeBits, ttlMillis, updateExpire, idleMillis, initval, on, limits, maxGroupItems);
    }

    /**
     * Returns these settings with other capacity limits.
     *
     * @param next the limits, not null
     * @return the settings
     */
    public CacheSettings withLimits(Limits next) {
        if (next == null) {
            throw new NullPointerException("limits");
        }
        return new CacheSettings(sizeBits, ttlMillis, updateExpire, idleMillis, initval, statistics, next, maxGroupItems);
    }

    /**
     * Returns these settings with keygroups on, capped, or off.
     *
     * @param maxItems the most entries a group may hold, at least 1; 0 for no keygroups
     * @return the settings
     * @throws IllegalArgumentException if {@code maxItems} is negative
     */
    public CacheSettings withKeygroups(int maxItems) {
        return new CacheSettings(sizeBits, ttlMillis, updateExpire, idleMillis, initval, statistics, limits, maxItems);
    }

    /**
     * The defaults of the configuration: 2^10 slots, no expiry, updates restart the TTL, reads
     * not counted.
     *
     * @return default settings
     */
    public static CacheSettings defaults() {
        return new CacheSettings(10, 0, true, 0, null);
    }

    /** @return log2 of the slot count */
    public int sizeBits() {
        return sizeBits;
    }

    /** @return the default TTL in ms, 0 for never */
    public long ttlMillis() {
        return ttlMillis;
    }

    /** @return whether a rewrite restarts an entry's TTL */
    public boolean updateExpire() {
        return updateExpire;
    }

    /** @return the idle expiry in ms, 0 for none */
    public long idleMillis() {
        return idleMillis;
    }

    /** @return the value a missing key reads as, or {@code null} */
    public Long initval() {
        return initval;
    }

    /** @return whether hits and misses are counted */
    public boolean statistics() {
        return statistics;
    }

    /** @return the most entries a keygroup may hold; 0 when the cache has no keygroups */
    public int maxGroupItems() {
        return maxGroupItems;
    }

    /** @return the capacity limits */
    public Limits limits() {
        return limits;
    }

    @Override
    public String toString() {
        return "size=" + sizeBits + ", autoexpire=" + ttlMillis + "ms, updateexpire=" + updateExpire + ", idleexpire="
            + idleMillis + "ms, initval=" + (initval == null ? "unset" : initval) + ", statistics=" + statistics + ", " + limits
            + (maxGroupItems == 0 ? "" : ", keygroups of at most " + maxGroupItems);
    }
}
