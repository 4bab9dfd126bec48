package io.lapse.impl.osgi;

import java.util.Dictionary;
import java.util.Hashtable;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;

import io.lapse.cache.CacheService;
import io.lapse.cache.replication.Replica;
import io.lapse.impl.engine.CacheTable;

/**
 * The {@link Replica} service of one cache while its configuration says {@code replicate=true}:
 * registered once the cache itself is (after the load of its table, so every node loads its own
 * first), changed with {@code expiry_events} and the cache's name, unregistered when
 * {@code replicate} goes off or the cache stops. A replication provider (the
 * {@code io.lapse.cluster} bundle) tracks these services.
 *
 * <p>Not thread safe: its owner, {@link CacheComponent}, calls it under its own lock.
 */
final class ReplicaRegistration {

    private final BundleContext context;
    private final CacheTable table;
    private ServiceRegistration<Replica> registration;

    ReplicaRegistration(BundleContext context, CacheTable table) {
        this.context = context;
        this.table = table;
    }

    /**
     * Brings the service in line with the configuration.
     *
     * @param events which nodes raise expiries, or {@code null} when the cache is not replicated
     * @param name the cache's name
     */
    void update(Replica.ExpiryEvents events, String name) {
        if (events == null) {
            close();
            return;
        }
        Replica replica = table.replicate(events);
        if (registration == null) {
            registration = context.registerService(Replica.class, replica, properties(name, events));
        } else {
            registration.setProperties(properties(name, events));
        }
    }

    /** Unregisters the service, if registered, and stops replicating the table. */
    void close() {
        if (registration != null) {
            registration.unregister();
            registration = null;
        }
        table.replicate(null);
    }

    private static Dictionary<String, Object> properties(String name, Replica.ExpiryEvents events) {
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(CacheService.CACHE_NAME, name);
        properties.put("expiry_events", events.configValue());
        properties.put(Constants.SERVICE_DESCRIPTION, "Lapse replica of cache " + name);
        return properties;
    }
}
