package io.lapse.jmx;

import java.lang.management.ManagementFactory;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import javax.management.StandardMBean;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

import io.lapse.cache.Cache;
import io.lapse.cache.CacheService;

/**
 * Registers the Lapse MXBeans in the platform MBeanServer (the one jconsole attaches to):
 * {@code io.lapse:type=CacheManager} while this component is active, and
 * {@code io.lapse:type=Cache,name=<name>} exactly while the cache's {@link Cache} service is
 * registered.
 *
 * <p>Concurrency: the tracked caches and registrations are guarded by this object's lock; MBean
 * registration happens under it so that a cache's MBean can never outlive its service. The
 * MBeanServer calls no code of ours while registering a StandardMBean, so nothing is called out
 * under the lock.
 */
@Component(immediate = true, service = {})
public final class JmxExporter {

    static final String DOMAIN = "io.lapse";
    static final String MANAGER = DOMAIN + ":type=CacheManager";

    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    private final Map<Cache, String> names = new HashMap<>();
    private final Map<String, ObjectName> registered = new HashMap<>();
    private boolean active;

    @Activate
    synchronized void activate() throws JMException {
        active = true;
        register(new ObjectName(MANAGER), new StandardMBean(new ManagerView(this::caches), CacheManagerMXBean.class, true));
        names.forEach(this::registerCache);
    }

    @Deactivate
    synchronized void deactivate() {
        active = false;
        names.values().forEach(this::unregisterCache);
        unregister(objectName(MANAGER));
    }

    @Reference(service = Cache.class, cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
        policyOption = ReferencePolicyOption.GREEDY)
    synchronized void addCache(Cache cache, Map<String, Object> properties) {
        String name = String.valueOf(properties.get(CacheService.CACHE_NAME));
        names.put(cache, name);
        if (active) {
            registerCache(cache, name);
        }
    }

    synchronized void updatedCache(Cache cache, Map<String, Object> properties) {
        String name = String.valueOf(properties.get(CacheService.CACHE_NAME));
        String old = names.put(cache, name);
        if (active && !name.equals(old)) {
            unregisterCache(old);
            registerCache(cache, name);
        }
    }

    synchronized void removeCache(Cache cache) {
        String name = names.remove(cache);
        if (active && name != null) {
            unregisterCache(name);
        }
    }

    private synchronized SortedMap<String, Cache> caches() {
        SortedMap<String, Cache> byName = new TreeMap<>();
        names.forEach((cache, name) -> byName.put(name, cache));
        return Collections.unmodifiableSortedMap(byName);
    }

    /** Cache names are {@code [A-Za-z0-9_.-]+}, all legal in an unquoted ObjectName value. */
    static ObjectName cacheObjectName(String name) {
        return objectName(DOMAIN + ":type=Cache,name=" + name);
    }

    private static ObjectName objectName(String name) {
        try {
            return new ObjectName(name);
        } catch (MalformedObjectNameException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private void registerCache(Cache cache, String name) {
        ObjectName on = cacheObjectName(name);
        register(on, new StandardMBean(new CacheView(cache), CacheMXBean.class, true));
        registered.put(name, on);
    }

    private void unregisterCache(String name) {
        ObjectName on = registered.remove(name);
        if (on != null) {
            unregister(on);
        }
    }

    private void register(ObjectName name, StandardMBean bean) {
        try {
            if (server.isRegistered(name)) {
                // Left behind by an earlier instance that could not clean up: ours wins.
                server.unregisterMBean(name);
            }
            server.registerMBean(bean, name);
        } catch (JMException e) {
            throw new IllegalStateException("cannot register MBean " + name + ": " + e.getMessage(), e);
        }
    }

    private void unregister(ObjectName name) {
        try {
            if (server.isRegistered(name)) {
                server.unregisterMBean(name);
            }
        } catch (JMException e) {
            throw new IllegalStateException("cannot unregister MBean " + name + ": " + e.getMessage(), e);
        }
    }
}
