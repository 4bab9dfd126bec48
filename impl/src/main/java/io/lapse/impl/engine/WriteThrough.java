package io.lapse.impl.engine;

import java.util.List;

/**
 * Where a {@link CacheTable} sends each change before it applies it, for a cache whose store
 * writes through: put, putIfAbsent, increment, setTtl, compute, remove, removes by match and
 * clear each call it once per key, or once per chunk of keys they change.
 *
 * <p><b>Called with no slot lock held</b>, before the change is applied: the table holds the key's
 * store stripe instead (see {@link StoreStripes}), so the store sees the changes of each key in the
 * order the cache applies them, and a store that hangs holds up only the writes of its stripe,
 * never reads, expiry or other caches. The stripe is held for as long as the call takes, so an
 * implementation should bound its calls (a query timeout) and must never call back into the table
 * with a write (it would wait for its own stripe). A method that returns has made the change
 * durable; one that throws leaves the cache unchanged: the table passes the failure to its caller
 * as an {@link IllegalStateException}.
 *
 * <p>Implementations must be safe for use by several threads at once: changes of keys of
 * different stripes arrive concurrently.
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
     * Keys no longer have entries (a chunk of a remove by match or of a clear).
     *
     * @param keys the keys, not empty
     * @throws IllegalStateException naming the cache and the store's problem; nothing changed
     */
    void removeAll(List<String> keys);
}
