package io.lapse.cache.spi;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Told of each entry of a cache made by a {@link CacheFactory} whose deadline passed, exactly
 * once, as {@link io.lapse.cache.CacheEvents#TOPIC_EXPIRED} is for a configured cache.
 */
@ConsumerType
@FunctionalInterface
public interface ExpiryListener {

    /**
     * An entry expired. Called after every lock is released, on the thread that found it: a
     * sweeper's, or that of a call on the same key or the whole cache. Must not throw, and should
     * return quickly: a sweeper waits for it.
     *
     * @param key the key
     * @param value the value it had: a String, a Long, or a byte[] the listener may keep
     * @param expiresAtMillis its deadline, epoch milliseconds
     */
    void expired(String key, Object value, long expiresAtMillis);
}
