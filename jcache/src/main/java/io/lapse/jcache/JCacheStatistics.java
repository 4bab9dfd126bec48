package io.lapse.jcache;

import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

import javax.cache.management.CacheStatisticsMXBean;

/**
 * A cache's statistics as JCache counts them: gets are hits plus misses; a put is counted when an
 * entry is stored (not when a creation's expiry is zero, nor when a conditional put does not put);
 * a removal when an entry is removed by a caller (not an expiry, nor a clear); average times in
 * microseconds. Counted only while statistics are enabled. Evictions are the Lapse cache's own
 * count since the last {@link #clear()}: none for a cache made through JCache, which has no
 * capacity limit; a configured cache's, for a view of one with {@code max_entries} or
 * {@code max_bytes}.
 *
 * <p>Thread-safe: striped counters; a read of several figures may see a change between them.
 */
final class JCacheStatistics implements CacheStatisticsMXBean {

    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder puts = new LongAdder();
    private final LongAdder removals = new LongAdder();
    private final LongSupplier evictions;
    private volatile long evictionsBefore;
    private final LongAdder getNanos = new LongAdder();
    private final LongAdder putNanos = new LongAdder();
    private final LongAdder removeNanos = new LongAdder();
    private volatile boolean enabled;

    /** @param evictions the Lapse cache's count of evictions, read when asked */
    JCacheStatistics(LongSupplier evictions) {
        this.evictions = evictions;
        this.evictionsBefore = evictions.getAsLong();
    }

    boolean enabled() {
        return enabled;
    }

    void enable(boolean on) {
        enabled = on;
    }

    /** A start time for a timed operation, or 0 when statistics are off. */
    long start() {
        return enabled ? System.nanoTime() : 0L;
    }

    /** Counts a hit if an entry was found, else a miss. */
    void found(boolean hit) {
        if (enabled) {
            (hit ? hits : misses).increment();
        }
    }

    void puts(long n) {
        if (enabled && n > 0) {
            puts.add(n);
        }
    }

    void removals(long n) {
        if (enabled && n > 0) {
            removals.add(n);
        }
    }

    void gotSince(long start) {
        if (enabled && start != 0) {
            getNanos.add(System.nanoTime() - start);
        }
    }

    void putSince(long start) {
        if (enabled && start != 0) {
            putNanos.add(System.nanoTime() - start);
        }
    }

    void removedSince(long start) {
        if (enabled && start != 0) {
            removeNanos.add(System.nanoTime() - start);
        }
    }

    @Override
    public void clear() {
        for (LongAdder a : new LongAdder[] {hits, misses, puts, removals, getNanos, putNanos, removeNanos}) {
            a.reset();
        }
        evictionsBefore = evictions.getAsLong();
    }

    @Override
    public long getCacheHits() {
        return hits.sum();
    }

    @Override
    public float getCacheHitPercentage() {
        return percent(hits.sum(), misses.sum());
    }

    @Override
    public long getCacheMisses() {
        return misses.sum();
    }

    @Override
    public float getCacheMissPercentage() {
        return percent(misses.sum(), hits.sum());
    }

    /** The share of {@code part} in {@code part + rest}, in percent; 0 when both are 0. */
    private static float percent(long part, long rest) {
        long all = part + rest;
        return all == 0 ? 0f : (float) part * 100f / all;
    }

    @Override
    public long getCacheGets() {
        return hits.sum() + misses.sum();
    }

    @Override
    public long getCachePuts() {
        return puts.sum();
    }

    @Override
    public long getCacheRemovals() {
        return removals.sum();
    }

    @Override
    public long getCacheEvictions() {
        return Math.max(0, evictions.getAsLong() - evictionsBefore);
    }

    @Override
    public float getAverageGetTime() {
        return average(getNanos.sum(), getCacheGets());
    }

    @Override
    public float getAveragePutTime() {
        return average(putNanos.sum(), puts.sum());
    }

    @Override
    public float getAverageRemoveTime() {
        return average(removeNanos.sum(), removals.sum());
    }

    private static float average(long nanos, long count) {
        return count == 0 ? 0f : (nanos / 1000f) / count;
    }
}
