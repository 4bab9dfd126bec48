package io.lapse.impl.osgi;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

import io.lapse.cache.spi.CacheFactory;
import io.lapse.cache.spi.ExpiryListener;
import io.lapse.cache.spi.OwnedCache;
import io.lapse.impl.engine.CacheTable;
import io.lapse.impl.spi.OwnedTables;

/**
 * Registers the {@link CacheFactory} service: caches made in code on the framework's own sweeps
 * and clock. On deactivation (the bundle stopping, the sweeps going) it closes every cache it made
 * and refuses to make more, so that no cache of a stopped bundle keeps expiring.
 */
@Component(service = CacheFactory.class)
public final class CacheFactoryComponent implements CacheFactory {

    private final OwnedTables tables;

    @Activate
    public CacheFactoryComponent(@Reference Sweeps sweeps) {
        this.tables = new OwnedTables(sweeps.time(), new OwnedTables.Sweeps() {
            @Override
            public void join(CacheTable table) {
                sweeps.add(table);
            }

            @Override
            public void leave(CacheTable table) {
                sweeps.remove(table);
            }
        });
    }

    @Deactivate
    void deactivate() {
        tables.stop();
    }

    @Override
    public OwnedCache create(String name, ExpiryListener expired) {
        return tables.create(name, expired);
    }
}
