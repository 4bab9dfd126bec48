package io.lapse.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Serializable;
import java.lang.management.ManagementFactory;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryExpiredListener;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;
import javax.cache.spi.CachingProvider;
import javax.management.MBeanServer;
import javax.management.ObjectName;

import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

import io.lapse.cache.CacheService;
import io.lapse.testing.Await;

/**
 * The JCache provider as a bundle gets it in Felix: a {@code CachingProvider} service of the
 * jcache bundle, on the impl bundle's engine and sweeps. An idle entry's expiry is heard by a
 * {@code CacheEntryExpiredListener} close to its deadline, with no call on the cache to prompt it;
 * the cache's JCache statistics are in the platform MBeanServer; a cache made through JCache is the
 * caller's own, not a configured cache; and a configured cache is seen through JCache by its name,
 * its expiries reaching a JCache listener through EventAdmin.
 */
class JCacheIT {

    /** How late after its deadline an idle entry's expiry may be heard: the sweeper's 10 ms, and a loaded machine's slack. */
    private static final long LATE_BOUND_MILLIS = 250;

    @InjectService(timeout = Await.SERVICE_MILLIS)
    static CachingProvider provider;

    @InjectService(timeout = Await.SERVICE_MILLIS)
    static CacheService caches;

    @InjectService(timeout = Await.SERVICE_MILLIS)
    static ConfigurationAdmin configAdmin;

    @InjectBundleContext
    static BundleContext context;

    /** Records the keys and old values of the expiries heard. */
    static final class Recorded implements CacheEntryExpiredListener<String, Object>, Serializable {
        private static final long serialVersionUID = 1L;
        final transient BlockingQueue<String> heard = new LinkedBlockingQueue<>();

        @Override
        public void onExpired(Iterable<CacheEntryEvent<? extends String, ? extends Object>> expired) {
            expired.forEach(e -> heard.add(e.getKey() + "=" + e.getOldValue()));
        }
    }

    @Test
    void aConfiguredCacheIsSeenThroughJCacheAndItsExpiriesReachAViewsListener() throws Exception {
        Caches configured = new Caches(context, configAdmin);
        try {
            io.lapse.cache.Cache cache = configured.create("jcache-configured", "autoexpire", "300ms");
            cache.put("native", 42L);
            CacheManager manager = provider.getCacheManager(provider.getDefaultURI(), JCacheIT.class.getClassLoader());
            Cache<String, Object> view = manager.getCache("jcache-configured");
            assertTrue(view != null, "the configured cache is found by name");
            assertEquals(42L, view.get("native"));
            Recorded recorded = new Recorded();
            view.registerCacheEntryListener(new MutableCacheEntryListenerConfiguration<>(
                FactoryBuilder.factoryOf(recorded), null, true, false));
            view.put("through-jcache", "v");
            long in = cache.getEntry("through-jcache").expiresAtMillis() - System.currentTimeMillis();
            assertTrue(in > 0 && in <= 300, "the cache's autoexpire gave the entry " + in + " ms");

            Set<String> heard = new TreeSet<>();
            for (int i = 0; i < 2; i++) {
                String one = recorded.heard.poll(Await.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                assertTrue(one != null, "an expiry of the configured cache heard through JCache: " + heard);
                heard.add(one);
            }
            assertEquals(Set.of("native=42", "through-jcache=v"), heard);
            assertNull(recorded.heard.poll(100, TimeUnit.MILLISECONDS), "each heard once");
            view.close();
            assertEquals(0L, cache.size(), "closing the view leaves the configured cache open");
        } finally {
            configured.deleteAll();
        }
    }

    /** Records when each expiry is heard; serialisable as JCache's factories ask, though never serialised. */
    static final class Heard implements CacheEntryExpiredListener<String, String>, Serializable {
        private static final long serialVersionUID = 1L;
        final transient BlockingQueue<Object[]> events = new LinkedBlockingQueue<>();

        @Override
        public void onExpired(Iterable<CacheEntryEvent<? extends String, ? extends String>> expired) {
            long now = System.currentTimeMillis();
            for (CacheEntryEvent<? extends String, ? extends String> e : expired) {
                events.add(new Object[] {e.getKey(), e.getOldValue(), now});
            }
        }
    }

    @Test
    void anIdleEntryIsHeardToExpireCloseToItsDeadline() throws Exception {
        CacheManager manager = provider.getCacheManager(provider.getDefaultURI(), JCacheIT.class.getClassLoader());
        Heard heard = new Heard();
        MutableConfiguration<String, String> config = new MutableConfiguration<String, String>()
            .setTypes(String.class, String.class)
            .setStatisticsEnabled(true)
            .setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(new Duration(TimeUnit.MILLISECONDS, 300)))
            .addCacheEntryListenerConfiguration(new MutableCacheEntryListenerConfiguration<>(
                FactoryBuilder.factoryOf(heard), null, true, true));
        Cache<String, String> cache = manager.createCache("sessions-jcache", config);
        try {
            cache.put("idle", "session-1");
            // the deadline as the cache keeps it: 300 ms from the sweeper's clock, which ticks every 10 ms
            long deadline = cache.unwrap(io.lapse.cache.Cache.class).getEntry("idle").expiresAtMillis();

            Object[] event = heard.events.poll(Await.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            assertTrue(event != null, "the idle entry's expiry was heard");
            assertEquals("idle", event[0]);
            assertEquals("session-1", event[1], "the expired value comes as the old value");
            long late = (Long) event[2] - deadline;
            System.out.println("JCacheIT: the idle entry's expiry was heard " + late + " ms after its deadline");
            assertTrue(late >= 0, "heard " + (-late) + " ms before its deadline");
            assertTrue(late <= LATE_BOUND_MILLIS, "heard " + late + " ms after its deadline");
            assertNull(heard.events.poll(100, TimeUnit.MILLISECONDS), "the expiry is heard once");
            assertNull(cache.get("idle"));

            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            ObjectName stats = new ObjectName("javax.cache:type=CacheStatistics,CacheManager="
                + provider.getDefaultURI().toString().replaceAll(":|=|\n|,", ".") + ",Cache=sessions-jcache");
            assertEquals(1L, server.getAttribute(stats, "CachePuts"));
            assertEquals(1L, server.getAttribute(stats, "CacheMisses"));
            assertFalse(caches.names().contains("sessions-jcache"), "a JCache cache is not a configured cache");
        } finally {
            manager.destroyCache("sessions-jcache");
        }
        assertNull(manager.getCache("sessions-jcache"));
    }
}
