package io.lapse.jmx;

import io.lapse.cache.Cache;
import io.lapse.cache.CacheStats;

/**
 * The {@link CacheMXBean} of one cache. Each attribute reads a fresh {@link CacheStats}; safe
 * for use by any number of threads, as the cache is.
 */
final class CacheView implements CacheMXBean {

    private final Cache cache;

    CacheView(Cache cache) {
        this.cache = cache;
    }

    private CacheStats stats() {
        return cache.stats();
    }

    @Override
    public String getName() {
        return cache.name();
    }

    @Override
    public long getCacheHits() {
        return stats().hits();
    }

    @Override
    public long getCacheMisses() {
        return stats().misses();
    }

    @Override
    public float getCacheHitPercentage() {
        return stats().hitPercentage();
    }

    @Override
    public long getCacheGets() {
        return stats().gets();
    }

    @Override
    public long getCachePuts() {
        return stats().puts();
    }

    @Override
    public long getCacheRemovals() {
        return stats().removals();
    }

    @Override
    public long getCacheEvictions() {
        return stats().evictions();
    }

    @Override
    public long getCacheExpirations() {
        return stats().expirations();
    }

    @Override
    public long getSize() {
        return cache.size();
    }

    @Override
    public int getSlots() {
        return stats().slots();
    }

    @Override
    public long getMaxSlotItems() {
        return stats().maxSlotItems();
    }

    @Override
    public long getMinSlotItems() {
        return stats().minSlotItems();
    }

    @Override
    public long getEventsPosted() {
        return stats().eventsPosted();
    }

    @Override
    public long getEventsDropped() {
        return stats().eventsDropped();
    }

    @Override
    public long getExpiryLagP50Millis() {
        return stats().expiryLagP50Millis();
    }

    @Override
    public long getExpiryLagP99Millis() {
        return stats().expiryLagP99Millis();
    }

    @Override
    public long getExpiryLagMaxMillis() {
        return stats().expiryLagMaxMillis();
    }

    @Override
    public void resetStats() {
        cache.resetStats();
    }
}
