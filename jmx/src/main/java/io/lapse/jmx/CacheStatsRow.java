package io.lapse.jmx;

import javax.management.ConstructorParameters;

import io.lapse.cache.CacheStats;

/**
 * One row of {@link CacheManagerMXBean#stats()}: a cache's name, slot figures and counters.
 * Immutable; mapped to a {@code CompositeData} by the MXBean framework.
 */
public final class CacheStatsRow {

    private final String name;
    private final int slots;
    private final long items;
    private final long maxSlotItems;
    private final long minSlotItems;
    private final long hits;
    private final long misses;
    private final long puts;
    private final long removals;
    private final long evictions;
    private final long expirations;
    private final long eventsPosted;
    private final long eventsDropped;

    /**
     * Creates a row; the parameters are the properties of the same names.
     */
    @ConstructorParameters({"name", "slots", "items", "maxSlotItems", "minSlotItems", "hits", "misses", "puts",
        "removals", "evictions", "expirations", "eventsPosted", "eventsDropped"})
    public CacheStatsRow(String name, int slots, long items, long maxSlotItems, long minSlotItems, long hits,
        long misses, long puts, long removals, long evictions, long expirations, long eventsPosted,
        long eventsDropped) {
        this.name = name;
        this.slots = slots;
        this.items = items;
        this.maxSlotItems = maxSlotItems;
        this.minSlotItems = minSlotItems;
        this.hits = hits;
        this.misses = misses;
        this.puts = puts;
        this.removals = removals;
        this.evictions = evictions;
        this.expirations = expirations;
        this.eventsPosted = eventsPosted;
        this.eventsDropped = eventsDropped;
    }

    static CacheStatsRow of(String name, CacheStats s) {
        return new CacheStatsRow(name, s.slots(), s.size(), s.maxSlotItems(), s.minSlotItems(), s.hits(), s.misses(),
            s.puts(), s.removals(), s.evictions(), s.expirations(), s.eventsPosted(), s.eventsDropped());
    }

    /** @return the cache name */
    public String getName() {
        return name;
    }

    /** @return slots */
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

    /** @return hits */
    public long getHits() {
        return hits;
    }

    /** @return misses */
    public long getMisses() {
        return misses;
    }

    /** @return puts */
    public long getPuts() {
        return puts;
    }

    /** @return removals */
    public long getRemovals() {
        return removals;
    }

    /** @return evictions */
    public long getEvictions() {
        return evictions;
    }

    /** @return expirations */
    public long getExpirations() {
        return expirations;
    }

    /** @return events posted */
    public long getEventsPosted() {
        return eventsPosted;
    }

    /** @return events dropped */
    public long getEventsDropped() {
        return eventsDropped;
    }
}
