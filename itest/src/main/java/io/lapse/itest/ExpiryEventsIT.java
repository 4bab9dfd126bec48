package io.lapse.itest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

import io.lapse.cache.Cache;
import io.lapse.cache.CacheEvents;
import io.lapse.cache.CacheStats;
import io.lapse.cache.Match;
import io.lapse.testing.Await;

/**
 * The events of the contract, received by real {@code EventHandler}s through Felix EventAdmin.
 *
 * <p>To show that nothing arrives for an entry, each test ends with a sentinel entry that
 * expires last: the events of one cache arrive in order, so once the sentinel's expiry is
 * in, any event for an earlier deadline would have come before it.
 */
class ExpiryEventsIT {

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

    private static void awaitSentinel(Recorder recorder, Cache cache) {
        String name = cache.name();
        cache.put("~sentinel", "end", Duration.ofMillis(1));
        Await.until("the sentinel of " + name, () -> recorder.has(CacheEvents.TOPIC_EXPIRED, name, "~sentinel"));
    }

    @Test
    void everyExpiringEntryRaisesOneExpiredEventAndRemovedOrReplacedOnesNone() throws Exception {
        try (Recorder recorder = Recorder.on(context, CacheEvents.TOPIC_EXPIRED)) {
            Cache c = caches.create("expiring", "autoexpire", "300ms");
            long written = System.currentTimeMillis();
            for (int i = 0; i < 200; i++) {
                c.put("k" + i, "v" + i);
            }
            for (int i = 0; i < 20; i++) {
                assertEquals("v" + i, c.remove("k" + i));
            }
            for (int i = 20; i < 40; i++) {
                c.put("k" + i, "replaced" + i);
            }
            c.put("bytes", new byte[] {1, 2, 3});
            c.put("number", 42);
            Await.until("182 expiries", () -> recorder.of(CacheEvents.TOPIC_EXPIRED, "expiring").size() >= 182);
            awaitSentinel(recorder, c);

            List<Recorder.Received> expired = recorder.of(CacheEvents.TOPIC_EXPIRED, "expiring").stream()
                .filter(r -> !r.key().equals("~sentinel")).collect(Collectors.toList());
            assertEquals(182, expired.size(), "one event per expiring entry, none for removed ones");
            Map<String, Object> byKey = new HashMap<>();
            for (Recorder.Received r : expired) {
                assertNull(byKey.put(r.key(), r.value()), "two events for " + r.key());
                assertTrue(r.expires() >= written + 300 - 20 && r.expires() <= r.receivedAt,
                    "deadline " + r.expires() + " received " + r.receivedAt + " written " + written);
                assertTrue(r.event.getProperty("timestamp") instanceof Long, "EventAdmin timestamp");
            }
            for (int i = 0; i < 20; i++) {
                assertTrue(!byKey.containsKey("k" + i), "removed k" + i + " raised an expiry");
            }
            for (int i = 20; i < 40; i++) {
                assertEquals("replaced" + i, byKey.get("k" + i), "only the replacing value expires");
            }
            for (int i = 40; i < 200; i++) {
                assertEquals("v" + i, byKey.get("k" + i));
            }
            assertArrayEquals(new byte[] {1, 2, 3}, (byte[]) byKey.get("bytes"));
            assertEquals(42L, byKey.get("number"));
            assertEquals(0, c.size());
            caches.delete("expiring");
        }
    }

    @Test
    void aHandlerWritingBackIntoTheCacheFromHandleEventDoesNotDeadlock() throws Exception {
        Cache c = caches.create("writeback", "autoexpire", "100ms");
        AtomicInteger rewrites = new AtomicInteger();
        try (Recorder recorder = Recorder.filtered(context, "(cache.name=writeback)", CacheEvents.TOPIC_EXPIRED)) {
            recorder.then(e -> {
                String key = (String) e.getProperty(CacheEvents.CACHE_KEY);
                Object value = e.getProperty(CacheEvents.CACHE_VALUE);
                if ("first".equals(value)) {
                    // The same key, and the counter, written back from inside the handler.
                    c.put(key, "second");
                    c.increment("rewrites", 1);
                    c.compute(key, (k, v) -> v);
                    rewrites.incrementAndGet();
                }
            });
            for (int i = 0; i < 50; i++) {
                c.put("k" + i, "first");
            }
            Await.until("50 write-backs", () -> rewrites.get() == 50);
            Await.until("the written-back values to expire in turn",
                () -> recorder.received.stream().filter(r -> "second".equals(r.value())).count() == 50);
            assertEquals(100, recorder.received.stream().filter(r -> r.key().startsWith("k")).count());
        }
        caches.delete("writeback");
    }

    @Test
    void aThrowingHandlerStopsNeitherDeliveryToOthersNorTheSweeps() throws Exception {
        Cache c = caches.create("throwing", "autoexpire", "50ms");
        try (Recorder thrower = Recorder.on(context, CacheEvents.TOPIC_EXPIRED);
            Recorder witness = Recorder.on(context, CacheEvents.TOPIC_EXPIRED)) {
            thrower.then(e -> {
                throw new IllegalStateException("handler failure (expected by the test)");
            });
            for (int i = 0; i < 20; i++) {
                c.put("early" + i, i);
            }
            Await.until("20 early expiries at the witness", () -> witness.of(CacheEvents.TOPIC_EXPIRED, "throwing").size() == 20);
            for (int i = 0; i < 20; i++) {
                c.put("late" + i, i);
            }
            Await.until("20 late expiries at the witness", () -> witness.of(CacheEvents.TOPIC_EXPIRED, "throwing").size() == 40);
            // EventAdmin calls the two handlers in no fixed order: the thrower may get the last event after the witness
            Await.until("the thrower to get every event too", () -> thrower.of(CacheEvents.TOPIC_EXPIRED, "throwing").size() == 40);
        }
        caches.delete("throwing");
    }

    @Test
    void aFilterOnCacheNameReceivesOnlyThatCachesEvents() throws Exception {
        Cache a = caches.create("filter-a", "autoexpire", "50ms");
        Cache b = caches.create("filter-b", "autoexpire", "50ms");
        try (Recorder onlyA = Recorder.filtered(context, "(cache.name=filter-a)", CacheEvents.TOPIC_ALL);
            Recorder all = Recorder.on(context, CacheEvents.TOPIC_EXPIRED)) {
            for (int i = 0; i < 10; i++) {
                a.put("k" + i, "a");
                b.put("k" + i, "b");
            }
            b.remove("k0");
            awaitSentinel(all, a);
            awaitSentinel(all, b);
            Await.until("b's ten events at the unfiltered handler",
                () -> all.of(CacheEvents.TOPIC_EXPIRED, "filter-b").size() == 10);
            // events are in order per cache, not across caches: a's may still be on their way
            Await.until("a's ten events and its sentinel at the filtered handler",
                () -> onlyA.of(CacheEvents.TOPIC_EXPIRED).size() >= 11);
            a.put("~end", "end", Duration.ofMillis(1));
            Await.until("a's last entry at the filtered handler", () -> onlyA.has(CacheEvents.TOPIC_EXPIRED, "filter-a",
                "~end"));
            assertTrue(onlyA.received.stream().allMatch(r -> "filter-a".equals(r.cache())), onlyA.received.toString());
            assertEquals(12, onlyA.of(CacheEvents.TOPIC_EXPIRED).size(), "a's ten, its sentinel and its last, no more");
        }
        caches.delete("filter-a");
        caches.delete("filter-b");
    }

    @Test
    void removalsMatchesClearsAndCreationRaiseTheirEvents() throws Exception {
        try (Recorder recorder = Recorder.filtered(context, "(cache.name=topics)", CacheEvents.TOPIC_ALL)) {
            Cache c = caches.create("topics");
            Await.until("cache/created", () -> recorder.of(CacheEvents.TOPIC_CREATED).size() == 1);
            c.put("user:1", "a");
            c.put("user:2", "b");
            c.put("other", "c", Duration.ofHours(1));
            c.put("x", "y");
            assertEquals("y", c.remove("x"));
            assertEquals(2, c.removeKeys(Match.glob("user:*")));
            Await.until("three cache/removed", () -> recorder.of(CacheEvents.TOPIC_REMOVED).size() == 3);
            Set<String> removed = recorder.of(CacheEvents.TOPIC_REMOVED).stream().map(Recorder.Received::key)
                .collect(Collectors.toSet());
            assertEquals(Set.of("x", "user:1", "user:2"), removed);
            c.put("more", 1L);
            assertEquals(2, c.clear());
            Await.until("cache/cleared", () -> recorder.of(CacheEvents.TOPIC_CLEARED).size() == 1);
            assertEquals(2L, recorder.of(CacheEvents.TOPIC_CLEARED).get(0).count());
            assertEquals(3, recorder.of(CacheEvents.TOPIC_REMOVED).size(), "a clear raises no per-entry events");
        }
        caches.delete("topics");
    }

    @Test
    void topicsWithoutSubscribersCostNoEventAndEventAdminIsOptional() throws Exception {
        Cache c = caches.create("quiet", "autoexpire", "50ms");
        c.put("a", "1");
        c.remove("a");
        c.put("b", "1");
        Await.until("b to expire", () -> c.stats().expirations() == 1);
        CacheStats nobody = c.stats();
        assertEquals(0, nobody.eventsPosted(), "no handler subscribes, so no event is built or posted");
        assertEquals(0, nobody.eventsDropped());

        try (Recorder recorder = Recorder.filtered(context, "(cache.name=quiet)", CacheEvents.TOPIC_EXPIRED)) {
            c.put("c", "1");
            c.remove("c");
            c.put("d", "1");
            Await.until("d's expiry", () -> recorder.has(CacheEvents.TOPIC_EXPIRED, "quiet", "d"));
            assertEquals(1, c.stats().eventsPosted(), "only the subscribed topic is posted");

            Bundle eventAdmin = Bundles.named(context, "org.apache.felix.eventadmin");
            eventAdmin.stop();
            try {
                c.put("e", "1");
                c.put("f", "2", Duration.ofHours(1));
                Await.until("e to expire without EventAdmin", () -> c.stats().expirations() == 3);
                assertEquals("2", c.get("f"), "the cache works without EventAdmin");
                // the event thread counts it once EventAdmin, or its absence, has answered
                Await.until("an event with a subscriber but no EventAdmin to be counted",
                    () -> c.stats().eventsDropped() == 1);
            } finally {
                eventAdmin.start();
            }
            c.put("g", "1");
            Await.until("delivery to resume with EventAdmin back",
                () -> recorder.has(CacheEvents.TOPIC_EXPIRED, "quiet", "g"));
        }
        caches.delete("quiet");
    }

    @Test
    void expiriesArriveWhileTheCacheIsIdle() throws Exception {
        try (Recorder recorder = Recorder.filtered(context, "(cache.name=idle)", CacheEvents.TOPIC_EXPIRED)) {
            Cache c = caches.create("idle");
            Set<String> keys = new HashSet<>();
            for (int i = 0; i < 100; i++) {
                c.put("k" + i, i, Duration.ofMillis(100 + 5L * i));
                keys.add("k" + i);
            }
            // No call touches the cache from here on: only the sweeper can notice the deadlines.
            Await.until("100 expiries of an idle cache", () -> recorder.received.size() == 100);
            assertEquals(keys, recorder.received.stream().map(Recorder.Received::key).collect(Collectors.toSet()));
            for (Recorder.Received r : recorder.received) {
                long late = r.receivedAt - r.expires();
                assertTrue(late >= 0, "arrived " + (-late) + " ms before its deadline: " + r);
            }
        }
        caches.delete("idle");
    }
}
