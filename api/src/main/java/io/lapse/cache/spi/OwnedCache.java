package io.lapse.cache.spi;

import org.osgi.annotation.versioning.ProviderType;

import io.lapse.cache.Cache;

/**
 * A cache made by a {@link CacheFactory}, and the right to close it. Thread-safe.
 */
@ProviderType
public interface OwnedCache extends AutoCloseable {

    /**
     * Returns the cache.
     *
     * @return the same cache every time; after {@link #close()} its operations throw
     *     {@link IllegalStateException}
     */
    Cache cache();

    /**
     * Tells whether the cache was closed, by its owner or by the factory's stop.
     *
     * @return {@code true} once closed
     */
    boolean isClosed();

    /**
     * Closes the cache: it leaves the sweeps, entries already past their deadline are reported to
     * its {@link ExpiryListener} (each once, as at a configured cache's stop), the others are
     * dropped unreported, and its operations throw {@link IllegalStateException} from then on.
     * Idempotent.
     */
    @Override
    void close();
}
