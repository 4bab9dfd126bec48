package io.lapse.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.log.LogReaderService;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

import io.lapse.cache.Cache;
import io.lapse.cache.CacheEvents;
import io.lapse.cache.CacheStats;
import io.lapse.testing.Await;

/**
 * A handler that takes 50 ms per event holds up only the events of the cache it listens to: the
 * expiries of another cache, reported by the same sweep thread, still reach their handler within
 * one resolution (10 ms by default) of their deadlines, and every event of the slow cache still
 * arrives, once. A handler that stops altogether makes its cache's backlog fill to its bound, past
 * which events are dropped, counted and logged once (review B10), never an OutOfMemoryError.
 */
class SlowHandlerIT {

    @InjectBundleContext
    static BundleContext context;

    @InjectService(timeout = Await.SERVICE_MILLIS)
    static ConfigurationAdmin configAdmin;

    @InjectService(timeout = Await.SERVICE_MILLIS)
    static LogReaderService logReader;

    private static Caches caches;

    @BeforeAll
    static void caches() {
        caches = new Caches(context, configAdmin);
    }

    @AfterAll
    static void deleteEveryCache() throws Exception {
        caches.deleteAll();
    }

    private static final long RESOLUTION = 10;
    /** What a loaded 2-core machine adds to a thread's wake-up; the same allowance as the benchmarks' p99. */
    private static final long SCHEDULING = 25;

    @Test
    void aSlowHandlerOfOneCacheNeverDelaysAnotherCachesExpiries() throws Exception {
        Cache slow = caches.create("slow");
        Cache timely = caches.create("timely");
        try (Recorder slowHandler = Recorder.filtered(context, "(cache.name=slow)", CacheEvents.TOPIC_EXPIRED);
            Recorder witness = Recorder.filtered(context, "(cache.name=timely)", CacheEvents.TOPIC_EXPIRED)) {
            slowHandler.then(e -> LockSupport.parkNanos(Duration.ofMillis(50).toNanos()));
            for (int i = 0; i < 40; i++) {
                // 40 events at 50 ms each: two seconds of handler time, all due at once
                slow.put("s" + i, "v", Duration.ofMillis(100));
            }
            for (int i = 0; i < 20; i++) {
                timely.put("t" + i, "v", Duration.ofMillis(200 + 50 * i));
            }
            Await.until("the timely cache's 20 expiries", () -> witness.of(CacheEvents.TOPIC_EXPIRED, "timely").size() == 20);
            List<Long> lateness = witness.of(CacheEvents.TOPIC_EXPIRED, "timely").stream()
                .map(r -> r.receivedAt - r.expires()).sorted().collect(Collectors.toList());
            assertTrue(lateness.get(lateness.size() - 1) <= RESOLUTION + SCHEDULING,
                "expiries of the timely cache came late behind the slow handler: " + lateness + " ms");
            assertTrue(slowHandler.of(CacheEvents.TOPIC_EXPIRED, "slow").size() < 40,
                "the slow handler was still busy while the timely expiries arrived");

            Await.until("the slow cache's 40 expiries", () -> slowHandler.of(CacheEvents.TOPIC_EXPIRED, "slow").size() == 40);
            assertEquals(40, slowHandler.of(CacheEvents.TOPIC_EXPIRED, "slow").stream().map(Recorder.Received::key)
                .distinct().count(), "each once");
            // counted once the handler returns from the last one
            Await.until("40 events counted as delivered", () -> slow.stats().eventsPosted() == 40);
            CacheStats stats = slow.stats();
            assertEquals(0, stats.eventsDropped());
        }
        caches.delete("slow");
        caches.delete("timely");
    }

    @Test
    void aBacklogPastItsBoundDropsCountsAndLogsTheBurstOnce() throws Exception {
        Cache bounded = caches.create("bounded", "event_backlog", "100");
        CountDownLatch stuck = new CountDownLatch(1);
        try (LogCapture log = new LogCapture(logReader);
            Recorder blocked = Recorder.filtered(context, "(cache.name=bounded)", CacheEvents.TOPIC_EXPIRED)) {
            blocked.then(e -> {
                try {
                    stuck.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                }
            });
            for (int i = 0; i < 1_000; i++) {
                bounded.put("k" + i, "v", Duration.ofMillis(50));
            }
            Await.until("1,000 expiries", () -> bounded.stats().expirations() == 1_000);
            // The drops are final once the handler holds one event and at most 101 are undelivered:
            // the sweep counts an expiry a moment before it offers the event to the backlog, and the
            // backlog may fill before the event thread takes the first event to the handler.
            Await.until("the handler stuck and every other expiry queued or dropped",
                () -> !blocked.received.isEmpty()
                    && bounded.stats().eventsDropped() + bounded.stats().eventsPosted() >= 1_000 - 101);
            // one in the handler, at most 100 waiting, maybe a few delivered before EventAdmin
            // had the handler: the rest dropped and counted
            long dropped = bounded.stats().eventsDropped();
            long deliveredBefore = bounded.stats().eventsPosted();
            assertTrue(dropped >= 1_000 - 101 - deliveredBefore - 5 && dropped < 1_000, dropped + " dropped, "
                + deliveredBefore + " delivered before the handler stuck");
            log.await("cache 'bounded'", "event backlog", "EventsDropped");
            assertEquals(1, log.containing("cache 'bounded'", "event backlog holds").size(), "logged once per burst");

            stuck.countDown();
            Await.until("every event delivered or dropped",
                () -> bounded.stats().eventsPosted() + bounded.stats().eventsDropped() == 1_000);
            assertEquals(dropped, bounded.stats().eventsDropped(), "nothing dropped once it drained");
            assertTrue(bounded.stats().eventsPosted() - deliveredBefore <= 101,
                "the backlog held the one in the handler and at most 100 more");
            log.await("cache 'bounded'", "drains again", dropped + " events were dropped");
            assertEquals(1_000 - dropped, blocked.of(CacheEvents.TOPIC_EXPIRED, "bounded").size());
        }
        caches.delete("bounded");
    }
}
