package io.lapse.jmx;

import javax.management.ConstructorParameters;

import io.lapse.cache.CacheStats;

/**
 * One row of {@link CacheManagerMXBean#stats()}: a cache's name, htable.stats' slot figures and
 * the counters of its {@link CacheMXBean}. Immutable; mapped to a {@code CompositeData} by the
 * MXBean framework.
 */
public final class CacheStatsRow {

    private final String name;
    private final int slots;
    private final long items;
    private final long maxSlotItems;
    private final long minSlotItems;
    private final long hits;
    private final long misses;
    private final long gets;
    private final long puts;
    private final long removals;
    private final long evictions;
    private final long expirations;
    private final long eventsPosted;
    private final long eventsDropped;
    private final long expiryLagP50Millis;
    private final long expiryLagP99Millis;
    private final long expiryLagMaxMillis;

    /**
     * Creates a row; the parameters are the properties of the same names.
     */
    @ConstructorParameters({"name", "slots", "items", "maxSlotItems", "minSlotItems", "hits", "misses", "gets",
        "puts", "removals", "evictions", "expirations", "eventsPosted", "eventsDropped", "expiryLagP50Millis",
        "expiryLagP99Millis", "expiryLagMaxMillis"})
    public CacheStatsRow(String name, int slots, long items, long maxSlotItems, long minSlotItems, long hits,
        long misses, long gets, long puts, long removals, long evictions, long expirations, long eventsPosted,
        long eventsDropped, long expiryLagP50Millis, long expiryLagP99Millis, long expiryLagMaxMillis) {
        this.name = name;
        this.slots = slots;
        this.items = items;
        this.maxSlotItems = maxSlotItems;
        this.minSlotItems = minSlotItems;
        this.hits = hits;
        this.misses = misses;
        this.gets = gets;
        this.puts = puts;
        this.removals = removals;
        this.evictions = evictions;
        this.expirations = expirations;
        this.eventsPosted = eventsPosted;
        this.eventsDropped = eventsDropped;
        this.expiryLagP50Millis = expiryLagP50Millis;
        this.expiryLagP99Millis = expiryLagP99Millis;
        this.expiryLagMaxMillis = expiryLagMaxMillis;
    }

    static CacheStatsRow of(String name, CacheStats s) {
        return new CacheStatsRow(name, s.slots(), s.size(), s.maxSlotItems(), s.minSlotItems(), s.hits(), s.misses(),
            s.gets(), s.puts(), s.removals(), s.evictions(), s.expirations(), s.eventsPosted(), s.eventsDropped(),
            s.expiryLagP50Millis(), s.expiryLagP99Millis(), s.expiryLagMaxMillis());
    }

    /** @return the cache name */
    public String getName() {
        return name;
    }

    /** @return slots (lock stripes) */
    public int getSlots() {
        return slots;
    }

    /** @return live entries */
    public long getItems() {
        return items;
    }

    /** @return the most entries in one slot */
    public long getMaxSlotItems() {
        return maxSlotItems;
    }

    /** @return the fewest entries in one slot */
    public long getMinSlotItems() {
        return minSlotItems;
    }

    /** @return reads that found a live entry */
    public long getHits() {
        return hits;
    }

    /** @return reads that found none */
    public long getMisses() {
        return misses;
    }

    /** @return all reads */
    public long getGets() {
        return gets;
    }

    /** @return values stored */
    public long getPuts() {
        return puts;
    }

    /** @return live entries removed */
    public long getRemovals() {
        return removals;
    }

    /** @return entries evicted for capacity */
    public long getEvictions() {
        return evictions;
    }

    /** @return entries expired */
    public long getExpirations() {
        return expirations;
    }

    /** @return events handed to EventAdmin */
    public long getEventsPosted() {
        return eventsPosted;
    }

    /** @return events with a subscriber but no EventAdmin */
    public long getEventsDropped() {
        return eventsDropped;
    }

    /** @return median expiry lateness, ms */
    public long getExpiryLagP50Millis() {
        return expiryLagP50Millis;
    }

    /** @return 99th percentile expiry lateness, ms */
    public long getExpiryLagP99Millis() {
        return expiryLagP99Millis;
    }

    /** @return largest expiry lateness, ms */
    public long getExpiryLagMaxMillis() {
        return expiryLagMaxMillis;
    }
}
