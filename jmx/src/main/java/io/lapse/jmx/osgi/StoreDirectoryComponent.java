package io.lapse.jmx.osgi;

import java.util.Map;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

import io.lapse.cache.Cache;
import io.lapse.cache.CacheStore;
import io.lapse.jmx.admin.Reloader;
import io.lapse.jmx.admin.StoreDirectory;

/**
 * The bundle's {@link Reloader} service, private to the bundle: a {@link StoreDirectory} of every
 * {@link CacheStore} service, which the MBeans and the shell commands reload through. Safe for
 * use by any number of threads, as the directory is.
 */
@Component(name = "io.lapse.jmx.admin.StoreDirectory", service = Reloader.class)
public final class StoreDirectoryComponent implements Reloader {

    private final StoreDirectory stores = new StoreDirectory();

    @Reference(service = CacheStore.class, cardinality = ReferenceCardinality.MULTIPLE,
        policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void addStore(CacheStore store, Map<String, Object> properties) {
        stores.addStore(store, properties);
    }

    void updatedStore(CacheStore store, Map<String, Object> properties) {
        stores.updatedStore(store, properties);
    }

    void removeStore(CacheStore store) {
        stores.removeStore(store);
    }

    @Override
    public long reload(Cache cache) {
        return stores.reload(cache);
    }
}
