package io.lapse.jmx;

import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

import io.lapse.cache.CacheStats;
import io.lapse.cache.replication.ReplicationStatus;
import io.lapse.jmx.admin.CacheAdmin;
import io.lapse.jmx.admin.CleanErrors;
import io.lapse.jmx.admin.DumpPage;
import io.lapse.jmx.admin.KeyPage;
import io.lapse.jmx.admin.ReplicationStatuses;
import io.lapse.jmx.admin.StatFigure;

/**
 * The {@link CacheMXBean} of one cache: each operation goes through {@link CacheAdmin} and
 * {@link CleanErrors}; every attribute but the name and the replication attributes comes from a
 * {@link CacheStats} (a figure, read as {@link StatFigure} says, or the statistics setting), and a
 * snapshot costs a pass over the cache. A read of one attribute takes a fresh snapshot, so it is never stale; the reads of
 * one batch ({@link BatchedReads}: a {@code getAttributes} call, as jconsole sends on each
 * refresh) share one, taken at the batch's first read.
 *
 * <p>The replication attributes read the cache's {@link ReplicationStatus}, found by the cache's
 * name now (so they follow a rename) at each read: they need no snapshot, inside a batch or out,
 * and a cache without a status reads 0 and {@code none}.
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

    private final ReplicationStatuses replication;

    /**
     * @param admin the cache's operations
     * @param replication where the cache's replication status is found, if it is replicated
     */
    CacheView(CacheAdmin admin, ReplicationStatuses replication) {
        this.admin = admin;
        this.replication = replication;
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

    /** A figure, from the batch's snapshot or a fresh one, as {@link StatFigure} reads it. */
    private Number figure(StatFigure figure) {
        return figure.read(stats());
    }

    /**
     * A figure of the cache's replication status, or {@code otherwise} when it is not replicated.
     * A provider's status never throws: if one does all the same, that is a bug of the provider,
     * logged with its stack trace, and the read fails on one line naming the attribute and the
     * cache ({@link CleanErrors#unexpected}).
     */
    private <T> T replicated(String attribute, Function<ReplicationStatus, T> read, T otherwise) {
        String name = admin.name();
        Optional<ReplicationStatus> status = replication.find(name);
        if (status.isEmpty()) {
            return otherwise;
        }
        return CleanErrors.call(name, attribute, () -> {
            try {
                return read.apply(status.get());
            } catch (RuntimeException e) {
                throw CleanErrors.unexpected(name, attribute, e);
            }
        });
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
        return figure(StatFigure.HITS).longValue();
    }

    @Override
    public long getCacheMisses() {
        return figure(StatFigure.MISSES).longValue();
    }

    @Override
    public float getCacheHitPercentage() {
        return figure(StatFigure.HIT_PERCENTAGE).floatValue();
    }

    @Override
    public long getCacheGets() {
        return figure(StatFigure.GETS).longValue();
    }

    @Override
    public long getCachePuts() {
        return figure(StatFigure.PUTS).longValue();
    }

    @Override
    public long getCacheRemovals() {
        return figure(StatFigure.REMOVALS).longValue();
    }

    @Override
    public long getCacheEvictions() {
        return figure(StatFigure.EVICTIONS).longValue();
    }

    @Override
    public long getCacheExpirations() {
        return figure(StatFigure.EXPIRATIONS).longValue();
    }

    @Override
    public long getSize() {
        return figure(StatFigure.ITEMS).longValue();
    }

    @Override
    public int getSlots() {
        return figure(StatFigure.SLOTS).intValue();
    }

    @Override
    public long getMaxSlotItems() {
        return figure(StatFigure.MAX_SLOT_ITEMS).longValue();
    }

    @Override
    public long getMinSlotItems() {
        return figure(StatFigure.MIN_SLOT_ITEMS).longValue();
    }

    @Override
    public long getMaxEntries() {
        return figure(StatFigure.MAX_ENTRIES).longValue();
    }

    @Override
    public long getMaxBytes() {
        return figure(StatFigure.MAX_BYTES).longValue();
    }

    @Override
    public long getWeightedBytes() {
        return figure(StatFigure.WEIGHTED_BYTES).longValue();
    }

    @Override
    public long getEventsPosted() {
        return figure(StatFigure.EVENTS_POSTED).longValue();
    }

    @Override
    public long getEventsDropped() {
        return figure(StatFigure.EVENTS_DROPPED).longValue();
    }

    @Override
    public long getExpiryLagP50Millis() {
        return figure(StatFigure.EXPIRY_LAG_P50).longValue();
    }

    @Override
    public long getExpiryLagP99Millis() {
        return figure(StatFigure.EXPIRY_LAG_P99).longValue();
    }

    @Override
    public long getExpiryLagMaxMillis() {
        return figure(StatFigure.EXPIRY_LAG_MAX).longValue();
    }

    @Override
    public int getClusterMembers() {
        return replicated("ClusterMembers", s -> s.members().size(), 0);
    }

    @Override
    public double getReplicationLagP99Millis() {
        return replicated("ReplicationLagP99Millis", ReplicationStatus::replicationLagP99Millis, 0.0);
    }

    @Override
    public long getChangesSent() {
        return replicated("ChangesSent", ReplicationStatus::changesSent, 0L);
    }

    @Override
    public long getChangesReceived() {
        return replicated("ChangesReceived", ReplicationStatus::changesReceived, 0L);
    }

    @Override
    public long getChangesDropped() {
        return replicated("ChangesDropped", ReplicationStatus::changesDropped, 0L);
    }

    @Override
    public long getEventsDuplicated() {
        return replicated("EventsDuplicated", ReplicationStatus::eventsDuplicated, 0L);
    }

    @Override
    public String getReplicationState() {
        return replicated("ReplicationState", ReplicationStatuses::stateName, ReplicationStatuses.NOT_REPLICATED);
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
    public KeyPage keys(String kind, String pattern, long offset, int limit) {
        return CleanErrors.call(admin.name(), "keys", () -> admin.keys(kind, pattern, offset, limit));
    }

    @Override
    public long invalidateGroup(String group) {
        return CleanErrors.call(admin.name(), "invalidateGroup", () -> admin.invalidateGroup(group));
    }

    @Override
    public KeyPage groupKeys(String group, long offset, int limit) {
        return CleanErrors.call(admin.name(), "groupKeys", () -> admin.groupKeys(group, offset, limit));
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
