package io.lapse.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Serializable;
import java.lang.management.ManagementFactory;
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
import org.osgi.test.common.annotation.InjectService;

import io.lapse.cache.CacheService;
import io.lapse.testing.Await;

/**
 * The JCache provider as a bundle gets it in Felix: a {@code CachingProvider} service of the
 * jcache bundle, on the impl bundle's engine and sweeps. An idle entry's expiry is heard by a
 * {@code CacheEntryExpiredListener} close to its deadline, with no call on the cache to prompt it;
 * the cache's JCache statistics are in the platform MBeanServer; and a cache made through JCache
 * is the caller's own, not a configured cache.
 */
class JCacheIT {

    /** How late after its deadline an idle entry's expiry may be heard: the sweeper's 10 ms, and a loaded machine's slack. */
    private static final long LATE_BOUND_MILLIS = 250;

    @InjectService(timeout = Await.SERVICE_MILLIS)
    static CachingProvider provider;

    @InjectService(timeout = Await.SERVICE_MILLIS)
    static CacheService caches;

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
