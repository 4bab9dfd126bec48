package io.lapse.jmx;

import java.util.function.Supplier;

import io.lapse.cache.CacheStats;
import io.lapse.jmx.admin.CacheAdmin;
import io.lapse.jmx.admin.CleanErrors;
import io.lapse.jmx.admin.DumpPage;

/**
 * The {@link CacheMXBean} of one cache: each operation goes through {@link CacheAdmin} and
 * {@link CleanErrors}; each attribute is a figure of a {@link CacheStats}, which costs a pass over
 * the cache. A read of one attribute takes a fresh snapshot, so it is never stale; the reads of
 * one batch ({@link BatchedReads}: a {@code getAttributes} call, as jconsole sends on each
 * refresh) share one, taken at the batch's first read.
 *
 * <p>Safe for use by any number of threads, as the cache is: a batch belongs to the thread that
 * runs it (a thread-local, cleared when the batch ends).
 */
final class CacheView implements CacheMXBean, BatchedReads {

    private final CacheAdmin admin;

    /**
     * The snapshot of the batch the calling thread is in: empty until its first read, then the
     * {@link CacheStats} or the {@link RuntimeException} that pass ended with, so that a failing
     * pass is not repeated for every attribute of the batch. No entry outside a batch.
     */
    private final ThreadLocal<Object[]> batch = new ThreadLocal<>();

    CacheView(CacheAdmin admin) {
        this.admin = admin;
    }

    @Override
    public <T> T inOneSnapshot(Supplier<T> reads) {
        if (batch.get() != null) {
            return reads.get();
        }
        batch.set(new Object[1]);
        try {
            return reads.get();
        } finally {
            batch.remove();
        }
    }

    private CacheStats stats() {
        Object[] current = batch.get();
        if (current == null) {
            return freshStats();
        }
        if (current[0] == null) {
            try {
                current[0] = freshStats();
            } catch (RuntimeException e) {
                current[0] = e;
            }
        }
        if (current[0] instanceof RuntimeException) {
            throw (RuntimeException) current[0];
        }
        return (CacheStats) current[0];
    }

    private CacheStats freshStats() {
        return CleanErrors.call(admin.name(), "stats", () -> admin.cache().stats());
    }

    @Override
    public String getName() {
        return admin.name();
    }

    @Override
    public boolean isStatisticsEnabled() {
        return stats().statisticsEnabled();
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
        return stats().size();
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
    public String get(String key) {
        return CleanErrors.call(admin.name(), "get", () -> admin.get(key));
    }

    @Override
    public boolean delete(String key) {
        return CleanErrors.call(admin.name(), "delete", () -> admin.delete(key));
    }

    @Override
    public void sets(String key, String value) {
        CleanErrors.run(admin.name(), "sets", () -> admin.sets(key, value));
    }

    @Override
    public void seti(String key, long value) {
        CleanErrors.run(admin.name(), "seti", () -> admin.seti(key, value));
    }

    @Override
    public boolean setex(String key, long seconds) {
        return CleanErrors.call(admin.name(), "setex", () -> admin.setex(key, seconds));
    }

    @Override
    public DumpPage dump(long offset, int limit) {
        return CleanErrors.call(admin.name(), "dump", () -> admin.dump(offset, limit));
    }

    @Override
    public long reload() {
        return CleanErrors.call(admin.name(), "reload", admin::reload);
    }

    @Override
    public long reset() {
        return CleanErrors.call(admin.name(), "reset", admin::reset);
    }

    @Override
    public long removeKeysMatching(String regex) {
        return CleanErrors.call(admin.name(), "removeKeysMatching", () -> admin.removeKeysMatching(regex));
    }

    @Override
    public long removeValuesMatching(String regex) {
        return CleanErrors.call(admin.name(), "removeValuesMatching", () -> admin.removeValuesMatching(regex));
    }

    @Override
    public long countKeysMatching(String regex) {
        return CleanErrors.call(admin.name(), "countKeysMatching", () -> admin.countKeysMatching(regex));
    }

    @Override
    public void resetStats() {
        CleanErrors.run(admin.name(), "resetStats", () -> admin.cache().resetStats());
    }
}
