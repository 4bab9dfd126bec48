package io.lapse.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.Arrays;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

import io.lapse.cache.Cache;
import io.lapse.testing.Await;

/**
 * The jmx bundle in a real framework: the MXBeans are in the platform MBeanServer exactly while
 * their caches exist, and read as open types.
 */
class JmxIT {

    private static final MBeanServer SERVER = ManagementFactory.getPlatformMBeanServer();
    @InjectBundleContext
    static BundleContext context;

    @InjectService(timeout = Await.SERVICE_MILLIS)
    static ConfigurationAdmin configAdmin;

    private static Caches caches;

    @BeforeAll
    static void caches() {
        caches = new Caches(context, configAdmin);
    }

    @AfterAll
    static void deleteEveryCache() throws Exception {
        caches.deleteAll();
    }

    @Test
    void mbeansExistExactlyWhileTheirCachesDo() throws Exception {
        ObjectName manager = new ObjectName("io.lapse:type=CacheManager");
        ObjectName bean = new ObjectName("io.lapse:type=Cache,name=jmx-visible");
        Await.until("the manager MBean", () -> SERVER.isRegistered(manager));
        assertFalse(SERVER.isRegistered(bean));

        Cache c = caches.create("jmx-visible", "size", "3");
        Await.until("the cache MBean", () -> SERVER.isRegistered(bean));
        c.put("a", "1");
        c.get("a");
        assertEquals(1L, SERVER.getAttribute(bean, "Size"));
        assertEquals(false, SERVER.getAttribute(bean, "StatisticsEnabled"), "reads are not counted by default");
        assertEquals(0L, SERVER.getAttribute(bean, "CacheHits"));
        caches.configure("jmx-visible", "name", "jmx-visible", "size", "3", "statistics", "true");
        Await.until("statistics to be switched on live", () -> {
            try {
                return Boolean.TRUE.equals(SERVER.getAttribute(bean, "StatisticsEnabled"));
            } catch (javax.management.JMException e) {
                throw new AssertionError(e);
            }
        });
        c.get("a");
        assertEquals(1L, SERVER.getAttribute(bean, "CacheHits"));
        assertEquals(8, SERVER.getAttribute(bean, "Slots"));
        assertTrue(Arrays.asList((String[]) SERVER.getAttribute(manager, "CacheNames")).contains("jmx-visible"));
        CompositeData[] rows = (CompositeData[]) SERVER.invoke(manager, "stats", null, null);
        assertTrue(Arrays.stream(rows).anyMatch(r -> "jmx-visible".equals(r.get("name")) && Long.valueOf(1).equals(r.get("items"))));

        caches.delete("jmx-visible");
        Await.until("the cache MBean to go", () -> !SERVER.isRegistered(bean));

        Bundle jmx = Bundles.named(context, "io.lapse.jmx");
        jmx.stop();
        assertFalse(SERVER.isRegistered(manager), "stopping the jmx bundle removes its MBeans");
        jmx.start();
        Await.until("the manager MBean back", () -> SERVER.isRegistered(manager));
    }
}
