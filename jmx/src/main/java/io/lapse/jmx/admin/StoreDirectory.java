package io.lapse.jmx.admin;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

import io.lapse.cache.Cache;
import io.lapse.cache.CacheService;
import io.lapse.cache.CacheStore;

/**
 * The {@link Reloader} of the MBeans and shell commands: finds the {@link CacheStore} service
 * carrying the cache's {@code cache.name} and reloads through it; a cache without one answers
 * as {@link Reloader#NO_STORES} does.
 *
 * <p>Thread safety: the stores are a concurrent map, changed by SCR's callbacks and read by any
 * number of callers; a reload runs in the caller's thread, and the store serializes reloads of
 * one cache.
 */
@Component(service = Reloader.class)
public final class StoreDirectory implements Reloader {

    private final Map<CacheStore, String> names = new ConcurrentHashMap<>();
    private final Map<String, CacheStore> stores = new ConcurrentHashMap<>();

    @Reference(service = CacheStore.class, cardinality = ReferenceCardinality.MULTIPLE,
        policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void addStore(CacheStore store, Map<String, Object> properties) {
        String name = String.valueOf(properties.get(CacheService.CACHE_NAME));
        String old = names.put(store, name);
        if (old != null) {
            stores.remove(old, store);
        }
        stores.put(name, store);
    }

    void updatedStore(CacheStore store, Map<String, Object> properties) {
        addStore(store, properties);
    }

    void removeStore(CacheStore store) {
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
