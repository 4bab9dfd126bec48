package io.lapse.impl.osgi;

import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.Designate;

import io.lapse.cache.Cache;
import io.lapse.cache.CacheService;
import io.lapse.impl.engine.CacheTable;

/**
 * One cache per configuration of factory PID {@code io.lapse.cache}: creates its
 * {@link CacheTable}, claims its name, joins it to the sweeps and registers it as a
 * {@link Cache} service with {@code cache.name}; undoes all of it, in reverse, when the
 * configuration is deleted or the bundle stops.
 *
 * <p>The {@code Cache} service is registered by this component rather than by DS, so that its
 * properties are exactly the contract's ({@code cache.name}) and so that a rename moves the
 * service and its entries together.
 *
 * <p>A configuration change applies live ({@link CacheTable#reconfigure}): the entries stay.
 * An invalid configuration, or one whose name another configuration holds, is logged with its
 * PID, property and value and leaves things as they are: no cache if there was none yet (the
 * next valid update of the configuration creates it), the current settings and entries if there
 * was one. Activation never fails, so a configuration can always be fixed in place.
 *
 * <p>Concurrency: SCR calls the lifecycle methods one at a time; the cache itself is safe for
 * any number of threads.
 */
@Component(
    name = CacheService.FACTORY_PID,
    service = {},
    immediate = true,
    configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = CacheConfig.class, factory = true)
public final class CacheComponent {

    @Reference
    private Sweeps sweeps;

    @Reference
    private CacheDirectory directory;

    @Reference
    private EventBridge events;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
        policyOption = ReferencePolicyOption.GREEDY)
    private volatile LoggerFactory loggers;

    private final ComponentLog log = new ComponentLog(() -> loggers, CacheComponent.class);
    private BundleContext context;
    private String pid;
    private String name;
    private CacheTable table;
    private EventPublisher publisher;
    private ServiceRegistration<Cache> registration;

    @Activate
    void activate(BundleContext bundleContext, Map<String, Object> properties) {
        context = bundleContext;
        pid = String.valueOf(properties.get(Constants.SERVICE_PID));
        apply(properties);
    }

    @Modified
    void modified(Map<String, Object> properties) {
        apply(properties);
    }

    private void apply(Map<String, Object> properties) {
        CacheConfiguration config;
        try {
            config = CacheConfiguration.parse(properties);
        } catch (IllegalArgumentException e) {
            refuse(e.getMessage());
            return;
        }
        config.warnings.forEach(w -> log.warn("Cache configuration " + pid + ": " + w));
        if (table == null) {
            create(config);
        } else if (!config.name.equals(name) && !rename(config.name)) {
            return;
        } else {
            table.reconfigure(config.settings);
        }
    }

    private void refuse(String problem) {
        log.error("Cache configuration " + pid + ": " + problem + (table == null
            ? "; the cache was not created (it will be when the configuration is fixed)"
            : "; cache '" + name + "' keeps its current settings"), null);
    }

    private void create(CacheConfiguration config) {
        EventPublisher created = new EventPublisher(config.name, events);
        CacheTable fresh = new CacheTable(config.name, config.settings, sweeps.time(), created);
        created.bind(fresh);
        try {
            directory.claim(config.name, pid, fresh);
        } catch (IllegalArgumentException e) {
            fresh.close();
            refuse(e.getMessage());
            return;
        }
        publisher = created;
        table = fresh;
        name = config.name;
        sweeps.add(table);
        registration = context.registerService(Cache.class, table, serviceProperties(name));
        table.announce();
    }

    private boolean rename(String newName) {
        try {
            directory.claim(newName, pid, table);
        } catch (IllegalArgumentException e) {
            log.error("Cache configuration " + pid + ": " + e.getMessage() + "; cache '" + name
                + "' keeps its name and settings", null);
            return false;
        }
        String old = name;
        directory.release(old, table);
        name = newName;
        table.rename(newName);
        publisher.rename(newName);
        // Last, so that whoever sees the service move also finds the directory updated.
        registration.setProperties(serviceProperties(newName));
        log.info("Cache '" + old + "' is now named '" + newName + "'");
        return true;
    }

    private static Dictionary<String, Object> serviceProperties(String name) {
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(CacheService.CACHE_NAME, name);
        properties.put(Constants.SERVICE_DESCRIPTION, "Lapse cache " + name);
        return properties;
    }

    @Deactivate
    void deactivate() {
        if (table == null) {
            return;
        }
        // The name goes first, so that whoever sees the service gone also finds the directory
        // without it (the reverse of create).
        directory.release(name, table);
        registration.unregister();
        sweeps.remove(table);
        table.close();
        table = null;
    }
}
