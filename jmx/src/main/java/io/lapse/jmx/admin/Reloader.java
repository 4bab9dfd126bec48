package io.lapse.jmx.admin;

import io.lapse.cache.Cache;

/**
 * Reloads a cache from its store: what {@code reload()} in JMX and {@code cache:reload} in the
 * shell call.
 *
 * <p>This is the seam for persistence: stores do not exist yet, so the management components use
 * {@link #NO_STORES}. Persistence plugs in here by giving the components another
 * {@code Reloader} that finds the store of the cache by its name (for example the store service
 * carrying the same {@code cache.name}) and falls back to the same error when a cache has none.
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
