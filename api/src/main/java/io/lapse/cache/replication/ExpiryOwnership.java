package io.lapse.cache.replication;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Decides which node raises {@code cache/expired} for a key when a replicated cache is configured
 * with {@code expiry_events=owner}: every node expires the entry at its deadline, and only the
 * node for which this answers {@code true} raises the event. Implemented by the provider (the
 * owner of the key's partition in the cluster).
 *
 * <p>Called after every lock of the cache is released, on the thread that expired the entry (a
 * sweeper's, usually): it must answer quickly and must not call into the cache.
 */
@ConsumerType
public interface ExpiryOwnership {

    /**
     * Tells whether this node raises the expiry of a key.
     *
     * @param cache the cache's name
     * @param key the key whose entry expired
     * @return {@code true} if this node raises {@code cache/expired} for it
     */
    boolean raisesExpired(String cache, String key);

    /**
     * Tells that this node expired an entry whose expiry it did not raise, because another node
     * owns the key: if that node leaves the cluster before it raised it, the provider may raise it
     * here with {@link Replica#raiseExpired}. Called with no lock held, on the thread that expired
     * the entry, right after {@link #raisesExpired} answered {@code false}; must be quick, must not
     * call into the cache. Does nothing unless implemented.
     *
     * @param cache the cache's name
     * @param key the key
     * @param value the value, a {@code String}, a {@code Long} or a {@code byte[]} that must not be
     *     modified (copy it to keep it)
     * @param expiresAtMillis the entry's deadline in epoch milliseconds
     */
    default void passed(String cache, String key, Object value, long expiresAtMillis) {
    }

    /**
     * Tells that this node expired an entry of a keygroup whose expiry it did not raise: as
     * {@link #passed(String, String, Object, long)}, which it calls unless implemented, with the
     * entry's group for {@link Replica#raiseExpired(String, Object, long, String)}.
     *
     * @param cache the cache's name
     * @param key the key
     * @param value the value, a {@code String}, a {@code Long} or a {@code byte[]} that must not be
     *     modified (copy it to keep it)
     * @param expiresAtMillis the entry's deadline in epoch milliseconds
     * @param group the entry's keygroup, or {@code null} for none
     * @since 1.1
     */
    default void passed(String cache, String key, Object value, long expiresAtMillis, String group) {
        passed(cache, key, value, expiresAtMillis);
    }
}
