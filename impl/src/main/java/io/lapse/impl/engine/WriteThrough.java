package io.lapse.impl.engine;

import java.util.List;

/**
 * Where a {@link CacheTable} sends each change before it applies it, for a cache whose store
 * writes through: put, putIfAbsent, increment, setTtl, compute, remove, removes by match and
 * clear each call it once per slot they change.
 *
 * <p><b>Called under the key's slot lock</b>, before the change is applied: this is the one place
 * where the table calls out while holding a lock, so that the store sees the changes of each key
 * in the order the cache applies them. An implementation must therefore be quick and must never
 * call back into the table (a write to the same slot would wait for ever, and is refused). A
 * method that returns has made the change durable; one that throws leaves the cache unchanged:
 * the table passes the failure to its caller as an {@link IllegalStateException}.
 *
 * <p>Implementations must be safe for use by several threads at once: changes of different slots
 * arrive concurrently.
 */
public interface WriteThrough {

    /**
     * A key now holds a value, with a deadline (an insert or an update).
     *
     * @param key the key
     * @param value the table's own value: a String, a Long or a byte[] that must not be changed
     * @param expiresAtMillis the deadline that writes gave the entry, in epoch ms; 0 if none (with
     *     idle expiry, the entry may leave earlier)
     * @throws IllegalStateException naming the cache and the store's problem; nothing changed
     * @throws IllegalArgumentException if the store cannot hold such a value; nothing changed
     */
    void put(String key, Object value, long expiresAtMillis);

    /**
     * A key no longer has an entry.
     *
     * @param key the key
     * @throws IllegalStateException naming the cache and the store's problem; nothing changed
     */
    void remove(String key);

    /**
     * Keys of one slot no longer have entries (a remove by match, a clear).
     *
     * @param keys the keys, not empty
     * @throws IllegalStateException naming the cache and the store's problem; nothing changed
     */
    void removeAll(List<String> keys);
}
