package io.lapse.jmx;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import io.lapse.cache.Cache;
import io.lapse.jmx.admin.CleanErrors;

/**
 * The {@link CacheManagerMXBean}, over the caches the exporter currently tracks. Safe for use by
 * any number of threads: it reads a concurrent map of caches and takes no lock.
 */
final class ManagerView implements CacheManagerMXBean {

    private final Supplier<Map<String, Cache>> caches;

    /** @param caches the caches by name, sorted; read on every call */
    ManagerView(Supplier<Map<String, Cache>> caches) {
        this.caches = caches;
    }

    @Override
    public String[] getCacheNames() {
        return caches.get().keySet().toArray(new String[0]);
    }

    @Override
    public String[] listTables() {
        return getCacheNames();
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalStateException if a cache failed unexpectedly (a bug, an {@code Error}):
     *     one line naming it, through {@link CleanErrors}
     */
    @Override
    public List<CacheStatsRow> stats() {
        List<CacheStatsRow> rows = new ArrayList<>();
        for (Map.Entry<String, Cache> e : caches.get().entrySet()) {
            CacheStatsRow row = CleanErrors.call(e.getKey(), "stats", () -> {
                try {
                    return CacheStatsRow.of(e.getKey(), e.getValue().stats());
                } catch (IllegalStateException closed) {
                    return null; // it went away between the listing and its statistics: it has no row
                }
            });
            if (row != null) {
                rows.add(row);
            }
        }
        return rows;
    }
}
