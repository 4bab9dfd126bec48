package io.lapse.jmx;

import javax.management.ConstructorParameters;

import io.lapse.cache.CacheStats;
import io.lapse.jmx.admin.StatFigure;

/**
 * One row of {@link CacheManagerMXBean#stats()}: a cache's name and the figures of its
 * statistics that have a column ({@link StatFigure#columns()}), in that order. Immutable; mapped
 * to a {@code CompositeData} by the MXBean framework, which needs each property spelled out as a
 * getter and a constructor parameter; {@code StatFiguresTest} holds them to {@link StatFigure}.
 */
public final class CacheStatsRow {

    private final String name;
    private final long items;
    private final int slots;
    private final long maxSlotItems;
    private final long minSlotItems;
    private final long maxEntries;
    private final long maxBytes;
    private final long weightedBytes;
    private final long hits;
    private final long misses;
    private final long gets;
    private final long puts;
    private final long removals;
    private final long expirations;
    private final long evictions;
    private final long eventsPosted;
    private final long eventsDropped;
    private final long expiryLagP50Millis;
    private final long expiryLagP99Millis;
    private final long expiryLagMaxMillis;

    /**
     * Creates a row; the parameters are the properties of the same names.
     */
    @ConstructorParameters({"name", "items", "slots", "maxSlotItems", "minSlotItems", "maxEntries", "maxBytes",
        "weightedBytes", "hits", "misses", "gets", "puts", "removals", "expirations", "evictions", "eventsPosted",
        "eventsDropped", "expiryLagP50Millis", "expiryLagP99Millis", "expiryLagMaxMillis"})
    public CacheStatsRow(String name, long items, int slots, long maxSlotItems, long minSlotItems, long maxEntries,
        long maxBytes, long weightedBytes, long hits, long misses, long gets, long puts, long removals,
        long expirations, long evictions, long eventsPosted, long eventsDropped, long expiryLagP50Millis,
        long expiryLagP99Millis, long expiryLagMaxMillis) {
        this.name = name;
        this.items = items;
        this.slots = slots;
        this.maxSlotItems = maxSlotItems;
        this.minSlotItems = minSlotItems;
        this.maxEntries = maxEntries;
        this.maxBytes = maxBytes;
        this.weightedBytes = weightedBytes;
        this.hits = hits;
        this.misses = misses;
        this.gets = gets;
        this.puts = puts;
        this.removals = removals;
        this.expirations = expirations;
        this.evictions = evictions;
        this.eventsPosted = eventsPosted;
        this.eventsDropped = eventsDropped;
        this.expiryLagP50Millis = expiryLagP50Millis;
        this.expiryLagP99Millis = expiryLagP99Millis;
        this.expiryLagMaxMillis = expiryLagMaxMillis;
    }

    /**
     * The row of a cache, each figure read as {@link StatFigure} says.
     *
     * @param name the cache's name
     * @param s a snapshot of its statistics
     * @return the row
     */
    static CacheStatsRow of(String name, CacheStats s) {
        return new CacheStatsRow(name, StatFigure.ITEMS.read(s).longValue(), StatFigure.SLOTS.read(s).intValue(),
            StatFigure.MAX_SLOT_ITEMS.read(s).longValue(), StatFigure.MIN_SLOT_ITEMS.read(s).longValue(),
            StatFigure.MAX_ENTRIES.read(s).longValue(), StatFigure.MAX_BYTES.read(s).longValue(),
            StatFigure.WEIGHTED_BYTES.read(s).longValue(), StatFigure.HITS.read(s).longValue(),
            StatFigure.MISSES.read(s).longValue(), StatFigure.GETS.read(s).longValue(),
            StatFigure.PUTS.read(s).longValue(), StatFigure.REMOVALS.read(s).longValue(),
            StatFigure.EXPIRATIONS.read(s).longValue(), StatFigure.EVICTIONS.read(s).longValue(),
            StatFigure.EVENTS_POSTED.read(s).longValue(), StatFigure.EVENTS_DROPPED.read(s).longValue(),
            StatFigure.EXPIRY_LAG_P50.read(s).longValue(), StatFigure.EXPIRY_LAG_P99.read(s).longValue(),
            StatFigure.EXPIRY_LAG_MAX.read(s).longValue());
    }

    /** @return the cache name */
    public String getName() {
        return name;
    }

    /** @return {@link StatFigure#ITEMS} */
    public long getItems() {
        return items;
    }

    /** @return {@link StatFigure#SLOTS} */
    public int getSlots() {
        return slots;
    }

    /** @return {@link StatFigure#MAX_SLOT_ITEMS} */
    public long getMaxSlotItems() {
        return maxSlotItems;
    }

    /** @return {@link StatFigure#MIN_SLOT_ITEMS} */
    public long getMinSlotItems() {
        return minSlotItems;
    }

    /** @return {@link StatFigure#MAX_ENTRIES} */
    public long getMaxEntries() {
        return maxEntries;
    }

    /** @return {@link StatFigure#MAX_BYTES} */
    public long getMaxBytes() {
        return maxBytes;
    }

    /** @return {@link StatFigure#WEIGHTED_BYTES} */
    public long getWeightedBytes() {
        return weightedBytes;
    }

    /** @return {@link StatFigure#HITS} */
    public long getHits() {
        return hits;
    }

    /** @return {@link StatFigure#MISSES} */
    public long getMisses() {
        return misses;
    }

    /** @return {@link StatFigure#GETS} */
    public long getGets() {
        return gets;
    }

    /** @return {@link StatFigure#PUTS} */
    public long getPuts() {
        return puts;
    }

    /** @return {@link StatFigure#REMOVALS} */
    public long getRemovals() {
        return removals;
    }

    /** @return {@link StatFigure#EXPIRATIONS} */
    public long getExpirations() {
        return expirations;
    }

    /** @return {@link StatFigure#EVICTIONS} */
    public long getEvictions() {
        return evictions;
    }

    /** @return {@link StatFigure#EVENTS_POSTED} */
    public long getEventsPosted() {
        return eventsPosted;
    }

    /** @return {@link StatFigure#EVENTS_DROPPED} */
    public long getEventsDropped() {
        return eventsDropped;
    }

    /** @return {@link StatFigure#EXPIRY_LAG_P50} */
    public long getExpiryLagP50Millis() {
        return expiryLagP50Millis;
    }

    /** @return {@link StatFigure#EXPIRY_LAG_P99} */
    public long getExpiryLagP99Millis() {
        return expiryLagP99Millis;
    }

    /** @return {@link StatFigure#EXPIRY_LAG_MAX} */
    public long getExpiryLagMaxMillis() {
        return expiryLagMaxMillis;
    }
}
