package io.lapse.impl.osgi;

import io.lapse.impl.engine.CacheTable;
import io.lapse.impl.engine.TimeSource;

/**
 * The expiry sweeps as a service private to this bundle: caches take their time from it and
 * join its sweeps while they exist. Implementations are safe for use by any number of threads.
 */
public interface Sweeps {

    /**
     * Returns the time source the sweeps advance, for new tables.
     *
     * @return the time source
     */
    TimeSource time();

    /**
     * Changes the thread count and resolution live.
     *
     * @param threads 1 to 64
     * @param resolutionMillis 1 ms to 60 s
     * @throws IllegalArgumentException if a figure is out of range; nothing changes then
     */
    void configure(int threads, long resolutionMillis);

    /**
     * Adds a table to the sweeps.
     *
     * @param table the table
     */
    void add(CacheTable table);

    /**
     * Removes a table from the sweeps.
     *
     * @param table the table
     */
    void remove(CacheTable table);
}
