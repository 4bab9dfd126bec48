package io.lapse.itest;

import java.io.IOException;
import java.time.Duration;
import java.util.Dictionary;
import java.util.Hashtable;

import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

import io.lapse.cache.Cache;
import io.lapse.cache.CacheService;

/** Creates caches through ConfigurationAdmin, as a user does, and finds their services. */
final class Caches {

    private final Felix felix;
    private final ConfigurationAdmin configAdmin;

    Caches(Felix felix) throws InterruptedException {
        this.felix = felix;
        this.configAdmin = felix.service(ConfigurationAdmin.class, null, Felix.DEFAULT_TIMEOUT);
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

    Cache cache(String name) throws InterruptedException {
        return felix.apiService(Cache.class, "(" + CacheService.CACHE_NAME + "=" + name + ")", Felix.DEFAULT_TIMEOUT);
    }

    CacheService service() throws InterruptedException {
        return felix.apiService(CacheService.class, null, Felix.DEFAULT_TIMEOUT);
    }

    /**
     * How many Cache services carry this name now; counted over all class spaces, as the test
     * side's {@code Cache} is not the api bundle's.
     */
    int registered(String name) {
        try {
            ServiceReference<?>[] refs = felix.context().getAllServiceReferences(Cache.class.getName(),
                "(" + CacheService.CACHE_NAME + "=" + name + ")");
            return refs == null ? 0 : refs.length;
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

    static Duration ms(long millis) {
        return Duration.ofMillis(millis);
    }
}
