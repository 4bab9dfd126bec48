package io.lapse.cache;

import java.util.Optional;
import java.util.SortedSet;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Looks caches up by name. Registered as an OSGi service by the Lapse implementation bundle.
 *
 * <p>Caches come and go with their configurations (factory PID {@value #FACTORY_PID}); a consumer
 * that needs one particular cache should rather reference its {@link Cache} service, e.g.
 * {@code @Reference(target = "(cache.name=sessions)") Cache sessions}, so that its lifecycle
 * follows the cache's.
 *
 * <p>Implementations are safe for use by any number of threads.
 */
@ProviderType
public interface CacheService {

    /** The service property carrying a cache's name, on every {@link Cache} service. */
    String CACHE_NAME = "cache.name";

    /** The factory PID of cache configurations: one configuration per cache. */
    String FACTORY_PID = "io.lapse.cache";

    /** The PID of the sweeper configuration (threads, resolution). */
    String SWEEPER_PID = "io.lapse.sweeper";

    /**
     * Finds a cache by name.
     *
     * @param name the cache name
     * @return the cache, or empty if no cache of that name exists now
     * @throws NullPointerException if {@code name} is null
     */
    Optional<Cache> find(String name);

    /**
     * Returns a cache by name.
     *
     * @param name the cache name
     * @return the cache
     * @throws NullPointerException if {@code name} is null
     * @throws java.util.NoSuchElementException if no cache of that name exists; the message
     *     names the caches that do
     */
    Cache get(String name);

    /**
     * Returns the names of the caches that exist now.
     *
     * @return a sorted snapshot, never {@code null}
     */
    SortedSet<String> names();
}
