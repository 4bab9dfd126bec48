package io.lapse.itest;

import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
import java.util.Dictionary;
import java.util.Hashtable;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Filter;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.util.tracker.ServiceTracker;

import io.lapse.cache.Cache;
import io.lapse.cache.CacheService;
import io.lapse.testing.Await;

/**
 * Creates caches through ConfigurationAdmin, as a user does, and finds their {@link Cache}
 * services.
 *
 * <p>A service found here stays in use by {@code context} until that context is closed (osgi-test
 * closes an injected context after its scope, releasing every service it got), so a delayed DS
 * component is not deactivated under the test.
 */
final class Caches {

    /** A timeout long enough for any service of a healthy framework to appear on a slow machine. */
    static final Duration SERVICE_TIMEOUT = Duration.ofSeconds(10);

    private final BundleContext context;
    private final ConfigurationAdmin configAdmin;

    /**
     * @param context the test's bundle context, e.g. one injected by {@code @InjectBundleContext}
     * @param configAdmin the framework's ConfigurationAdmin
     */
    Caches(BundleContext context, ConfigurationAdmin configAdmin) {
        this.context = context;
        this.configAdmin = configAdmin;
    }

    ConfigurationAdmin configAdmin() {
        return configAdmin;
    }

    /**
     * Creates or updates the factory configuration {@code io.lapse.cache~<alias>}.
     *
     * @param alias the configuration's name within the factory
     * @param properties key, value, key, value...
     */
    Configuration configure(String alias, Object... properties) throws IOException {
        Configuration c = configAdmin.getFactoryConfiguration(CacheService.FACTORY_PID, alias, "?");
        Dictionary<String, Object> d = new Hashtable<>();
        for (int i = 0; i < properties.length; i += 2) {
            d.put((String) properties[i], properties[i + 1]);
        }
        c.update(d);
        return c;
    }

    /** Creates a cache named like its configuration and waits for its service. */
    Cache create(String name, Object... properties) throws Exception {
        Object[] all = new Object[properties.length + 2];
        all[0] = "name";
        all[1] = name;
        System.arraycopy(properties, 0, all, 2, properties.length);
        configure(name, all);
        return cache(name);
    }

    /** Waits for the {@code Cache} service of a name. */
    Cache cache(String name) throws InterruptedException {
        return await(context, Cache.class, "(" + CacheService.CACHE_NAME + "=" + name + ")", SERVICE_TIMEOUT);
    }

    /** How many Cache services carry this name now. */
    int registered(String name) {
        try {
            Collection<ServiceReference<Cache>> refs = context.getServiceReferences(Cache.class,
                "(" + CacheService.CACHE_NAME + "=" + name + ")");
            return refs.size();
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException(e);
        }
    }

    void awaitGone(String name) {
        Await.until("the Cache service '" + name + "' to go", () -> registered(name) == 0);
    }

    void delete(String alias) throws IOException {
        Configuration c = configAdmin.getFactoryConfiguration(CacheService.FACTORY_PID, alias, "?");
        c.delete();
    }

    /**
     * Deletes every cache configuration and waits for every {@code Cache} service to go: the
     * framework is shared by all test classes, and each starts with no cache, as in a framework
     * of its own.
     */
    void deleteAll() throws Exception {
        Configuration[] all = configAdmin.listConfigurations("(service.factoryPid=" + CacheService.FACTORY_PID + ")");
        for (Configuration c : all == null ? new Configuration[0] : all) {
            c.delete();
        }
        Await.until("every Cache service to go", () -> {
            try {
                return context.getServiceReferences(Cache.class, null).isEmpty();
            } catch (InvalidSyntaxException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    static Duration ms(long millis) {
        return Duration.ofMillis(millis);
    }

    /**
     * Waits for a service of a type and filter, and returns it in use by {@code context}.
     *
     * @param filter an LDAP filter on the service properties, or {@code null} for any
     * @throws AssertionError if none appears within {@code timeout}
     */
    static <T> T await(BundleContext context, Class<T> type, String filter, Duration timeout)
        throws InterruptedException {
        String objectClass = "(objectClass=" + type.getName() + ")";
        String combined = filter == null ? objectClass : "(&" + objectClass + filter + ")";
        Filter ldap;
        try {
            ldap = context.createFilter(combined);
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException("invalid service filter " + filter + ": " + e.getMessage(), e);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        ServiceTracker<T, T> tracker = new ServiceTracker<>(context, ldap, null);
        tracker.open();
        try {
            while (true) {
                long remainingMillis = Duration.ofNanos(deadline - System.nanoTime()).toMillis();
                if (remainingMillis <= 0 || tracker.waitForService(remainingMillis) == null) {
                    throw new AssertionError("no service " + combined + " within " + timeout);
                }
                ServiceReference<T> reference = tracker.getServiceReference();
                // the test's own use, held until its context closes: the tracker's ends below
                T service = reference == null ? null : context.getService(reference);
                if (service != null) {
                    return service;
                }
            }
        } finally {
            tracker.close();
        }
    }
}
