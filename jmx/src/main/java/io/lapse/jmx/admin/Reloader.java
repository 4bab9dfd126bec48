package io.lapse.jmx.admin;

import io.lapse.cache.Cache;

/**
 * Reloads a cache from its store: what {@code reload()} in JMX and {@code cache:reload} in the
 * shell call.
 *
 * <p>In the bundle this is a {@link StoreDirectory}, registered as a service private to the
 * bundle by the component {@code io.lapse.jmx.osgi.StoreDirectoryComponent}: it finds the
 * {@code CacheStore} service carrying the cache's {@code cache.name}; a cache without one answers
 * as {@link #NO_STORES} does.
 *
 * <p>Implementations must be safe for use by any number of threads.
 */
@FunctionalInterface
public interface Reloader {

    /** The reloader while no cache can have a store: every call fails, saying so. */
    Reloader NO_STORES = cache -> {
        throw new IllegalStateException("cache '" + cache.name() + "' has no store to reload from");
    };

    /**
     * Replaces the contents of a cache with what its store holds.
     *
     * @param cache the cache
     * @return how many entries were loaded
     * @throws IllegalStateException if the cache has no store, or the store cannot be read; the
     *     contents are then unchanged
     */
    long reload(Cache cache);
}
