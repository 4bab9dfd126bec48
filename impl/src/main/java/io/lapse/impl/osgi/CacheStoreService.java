package io.lapse.impl.osgi;

import io.lapse.cache.CacheStore;
import io.lapse.impl.engine.CacheTable;
import io.lapse.impl.store.TableStore;

/**
 * The {@link CacheStore} service of one cache: reloads go to its {@link TableStore}, which
 * serializes them. Safe for use by any number of threads.
 */
final class CacheStoreService implements CacheStore {

    private final CacheTable table;
    private final TableStore store;

    CacheStoreService(CacheTable table, TableStore store) {
        this.table = table;
        this.store = store;
    }

    @Override
    public long reload() {
        return store.load(true);
    }

    @Override
    public String description() {
        return "cache '" + table.name() + "': " + store.describe();
    }

    @Override
    public String toString() {
        return description();
    }
}
