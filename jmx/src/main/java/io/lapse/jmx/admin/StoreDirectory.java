package io.lapse.jmx.admin;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.lapse.cache.Cache;
import io.lapse.cache.CacheService;
import io.lapse.cache.CacheStore;

/**
 * The {@link Reloader} of the MBeans and shell commands: finds the {@link CacheStore} carrying
 * the cache's {@code cache.name} and reloads through it; a cache without one answers as
 * {@link Reloader#NO_STORES} does. In the bundle, the component
 * {@code io.lapse.jmx.osgi.StoreDirectoryComponent} adds and removes the {@code CacheStore}
 * services, with their service properties.
 *
 * <p>Thread safety: the stores are a concurrent map, changed by any thread and read by any
 * number of callers; a reload runs in the caller's thread, and the store serializes reloads of
 * one cache.
 */
public final class StoreDirectory implements Reloader {

    private final Map<CacheStore, String> names = new ConcurrentHashMap<>();
    private final Map<String, CacheStore> stores = new ConcurrentHashMap<>();

    /**
     * Adds a store, under the cache it serves.
     *
     * @param store the store
     * @param properties its service properties: {@code cache.name} names the cache
     */
    public void addStore(CacheStore store, Map<String, Object> properties) {
        String name = String.valueOf(properties.get(CacheService.CACHE_NAME));
        String old = names.put(store, name);
        if (old != null) {
            stores.remove(old, store);
        }
        stores.put(name, store);
    }

    /**
     * Moves a store to the cache its properties name now.
     *
     * @param store a store added before
     * @param properties its service properties now
     */
    public void updatedStore(CacheStore store, Map<String, Object> properties) {
        addStore(store, properties);
    }

    /**
     * Removes a store; nothing happens if it was not added.
     *
     * @param store the store
     */
    public void removeStore(CacheStore store) {
        String name = names.remove(store);
        if (name != null) {
            stores.remove(name, store);
        }
    }

    @Override
    public long reload(Cache cache) {
        CacheStore store = stores.get(cache.name());
        if (store == null) {
            return NO_STORES.reload(cache);
        }
        return store.reload();
    }
}
