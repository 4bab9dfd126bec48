package io.lapse.cache.spi;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Makes caches in code, beside the caches ConfigAdmin configures: each runs on the same engine and
 * the same expiry sweeps (so its entries expire on time even when no one touches them, each
 * reported exactly once), but belongs to its caller: it is not registered as a
 * {@link io.lapse.cache.Cache} service, is not listed by {@link io.lapse.cache.CacheService}, has
 * no MBean, and lives until its owner closes it or the factory stops.
 *
 * <p>In OSGi the impl bundle registers one as a service; when that service goes away, every cache
 * it made is closed. On a plain class path, {@link java.util.ServiceLoader} finds one in the impl
 * jar, which runs its own sweeper thread while it has open caches.
 *
 * <p>Implementations are safe for use by any number of threads.
 */
@ProviderType
public interface CacheFactory {

    /**
     * Makes a cache: no default TTL ({@code autoexpire} 0), {@code updateexpire} off (an update
     * keeps the entry's deadline unless the write gives a TTL), no idle expiry, no store, no
     * limits, statistics on.
     *
     * @param name the cache's name, used in its error messages and thread names only: caches of
     *     one name may coexist, and none clashes with a configured cache; 1 to 256 characters
     * @param expired told of each entry whose deadline passed, exactly once, after every lock is
     *     released, on the thread that found it (a sweeper's, or a caller's whose call met it); it
     *     must not throw and should return quickly
     * @return the cache, open
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the name is empty or too long
     * @throws IllegalStateException if the factory has stopped
     */
    OwnedCache create(String name, ExpiryListener expired);
}
