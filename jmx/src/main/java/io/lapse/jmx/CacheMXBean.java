package io.lapse.jmx;

/**
 * One cache, as {@code io.lapse:type=Cache,name=<name>}: its counters (with JCache's names where
 * JCache has them) and slot figures. Open types only, so jconsole and any remote client render
 * it without Lapse classes.
 */
public interface CacheMXBean {

    /** @return the cache name */
    String getName();

    /** @return reads that found a live entry */
    long getCacheHits();

    /** @return reads that found none */
    long getCacheMisses();

    /** @return hits as a percentage of reads */
    float getCacheHitPercentage();

    /** @return all reads */
    long getCacheGets();

    /** @return values stored */
    long getCachePuts();

    /** @return live entries removed */
    long getCacheRemovals();

    /** @return entries evicted for capacity */
    long getCacheEvictions();

    /** @return entries expired */
    long getCacheExpirations();

    /** @return live entries */
    long getSize();

    /** @return slots (lock stripes) */
    int getSlots();

    /** @return the most entries in one slot */
    long getMaxSlotItems();

    /** @return the fewest entries in one slot */
    long getMinSlotItems();

    /** @return events handed to EventAdmin */
    long getEventsPosted();

    /** @return events that had a subscriber but no EventAdmin to take them */
    long getEventsDropped();

    /** @return median lateness of expiries, ms */
    long getExpiryLagP50Millis();

    /** @return 99th percentile lateness of expiries, ms */
    long getExpiryLagP99Millis();

    /** @return largest lateness of an expiry, ms */
    long getExpiryLagMaxMillis();

    /** Sets the counters and lateness figures to zero; entries are untouched. */
    void resetStats();
}
