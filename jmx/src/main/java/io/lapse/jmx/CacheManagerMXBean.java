package io.lapse.jmx;

import java.util.List;

/**
 * All caches, as {@code io.lapse:type=CacheManager}. Open types only.
 */
public interface CacheManagerMXBean {

    /** @return the names of the caches that exist now, sorted */
    String[] getCacheNames();

    /**
     * Lists the caches, as htable's {@code htable.listTables}; free of side effects.
     *
     * @return the names of the caches, sorted
     */
    String[] listTables();

    /**
     * One row per cache with htable.stats' figures and the counters, as htable's
     * {@code htable.stats}.
     *
     * @return the rows, sorted by cache name
     */
    List<CacheStatsRow> stats();
}
