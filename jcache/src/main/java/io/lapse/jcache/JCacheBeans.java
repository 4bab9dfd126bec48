package io.lapse.jcache;

import java.lang.management.ManagementFactory;

import javax.cache.CacheException;
import javax.management.InstanceAlreadyExistsException;
import javax.management.InstanceNotFoundException;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

/**
 * Registers a cache's JCache MXBeans in the platform MBean server, under the names JCache gives
 * them: {@code javax.cache:type=CacheStatistics|CacheConfiguration,CacheManager=<uri>,Cache=<name>},
 * with {@code :}, {@code =}, {@code ,} and newlines in the URI and name replaced by dots.
 * Stateless.
 */
final class JCacheBeans {

    static final String STATISTICS = "CacheStatistics";
    static final String CONFIGURATION = "CacheConfiguration";

    private JCacheBeans() {
    }

    static ObjectName name(String type, String manager, String cache) {
        try {
            return new ObjectName("javax.cache:type=" + type + ",CacheManager=" + safe(manager) + ",Cache=" + safe(cache));
        } catch (MalformedObjectNameException e) {
            throw new CacheException("cache '" + cache + "': no MBean name for it: " + e.getMessage(), e);
        }
    }

    /** Registers a bean, replacing none: a name already taken is left to its owner. */
    static void register(Object bean, ObjectName name) {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        try {
            if (!server.isRegistered(name)) {
                server.registerMBean(bean, name);
            }
        } catch (InstanceAlreadyExistsException e) {
            // registered meanwhile by another thread of the same cache: the same bean's figures
        } catch (Exception e) {
            throw new CacheException("the MBean " + name + " could not be registered: " + e.getMessage(), e);
        }
    }

    static void unregister(ObjectName name) {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        try {
            if (server.isRegistered(name)) {
                server.unregisterMBean(name);
            }
        } catch (InstanceNotFoundException e) {
            // gone already
        } catch (Exception e) {
            throw new CacheException("the MBean " + name + " could not be unregistered: " + e.getMessage(), e);
        }
    }

    private static String safe(String s) {
        return s == null ? "" : s.replaceAll(":|=|\n|,", ".");
    }
}
