package io.lapse.jmx;

import java.util.List;

/**
 * All caches, as {@code io.lapse:type=CacheManager}. Open types only; free of side effects.
 */
public interface CacheManagerMXBean {

    /** @return the names of the caches that exist now, sorted */
    @Description("The names of the caches that exist now, sorted")
    String[] getCacheNames();

    /**
     * Lists the caches, as htable's {@code htable.listTables}.
     *
     * @return the names of the caches, sorted
     */
    @Description("The names of the caches that exist now, sorted")
    String[] listTables();

    /**
     * One row per cache with htable.stats' figures, the capacity limits and what the entries
     * weigh, and the counters, as htable's {@code htable.stats}.
     *
     * @return the rows, sorted by cache name
     */
    @Description("One row per cache: slots, items, max and min items per slot, max_entries, max_bytes (0 = no"
        + " limit) and what the entries weigh in bytes, and the counters")
    List<CacheStatsRow> stats();
}
