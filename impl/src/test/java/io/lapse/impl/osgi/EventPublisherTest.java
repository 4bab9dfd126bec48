package io.lapse.impl.osgi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.ServiceReference;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;

import io.lapse.cache.CacheEvents;
import io.lapse.impl.engine.EventKind;
import io.lapse.testing.Await;

/**
 * What one cache's {@link EventPublisher} hands to EventAdmin, per kind, with which properties;
 * how it counts what it delivered and what it could not; its bounded backlog; its order; its stop.
 */
class EventPublisherTest {

    private final RecordingEventAdmin admin = new RecordingEventAdmin();
    private final RecordedLog log = new RecordedLog();
    private final List<EventBridge> bridges = new ArrayList<>();
    private final List<EventPublisher> publishers = new ArrayList<>();

    @AfterEach
    void stop() {
        admin.release.countDown();
        publishers.forEach(p -> p.close(0));
        bridges.forEach(EventBridge::deactivate);
    }

    private EventBridge bridge(EventAdmin eventAdmin, String... topics) {
        EventBridge bridge = new EventBridge(eventAdmin);
        bridge.activate();
        bridge.addHandler(handler(topics));
        bridges.add(bridge);
        return bridge;
    }

    @SuppressWarnings("unchecked")
    private static ServiceReference<EventHandler> handler(String... topics) {
        return FakeFramework.proxy(ServiceReference.class, (proxy, method, args) ->
            method.getName().equals("getProperty")
                ? (EventConstants.EVENT_TOPIC.equals(args[0]) ? topics : null)
                : FakeFramework.objectCall(proxy, method, args));
    }

    private EventPublisher publisher(EventBridge bridge, int backlogEvents, long backlogBytes) {
        EventPublisher publisher = new EventPublisher(bridge, backlogEvents, backlogBytes, log.of(CacheComponent.class));
        publishers.add(publisher);
        return publisher;
    }

    private EventPublisher publisher() {
        return publisher(bridge(admin, CacheEvents.TOPIC_ALL), EventPublisher.DEFAULT_BACKLOG_EVENTS,
            EventPublisher.DEFAULT_BACKLOG_BYTES);
    }

    private Event onlyEventSent() {
        Await.until("one event sent", () -> admin.sent.size() == 1);
        return admin.sent.get(0);
    }

    private static Map<String, Object> properties(Event event) {
        return Arrays.stream(event.getPropertyNames()).collect(Collectors.toMap(n -> n, event::getProperty));
    }

    @Test
    void anExpiryCarriesTheCacheKeyValueDeadlineAndTimestamp() {
        long before = System.currentTimeMillis();
        publisher().entry(EventKind.EXPIRED, "sessions", "k1", "v1", 1_234L);
        Event event = onlyEventSent();
        assertEquals(CacheEvents.TOPIC_EXPIRED, event.getTopic());
        Map<String, Object> properties = properties(event);
        assertEquals("sessions", properties.get(CacheEvents.CACHE_NAME));
        assertEquals("k1", properties.get(CacheEvents.CACHE_KEY));
        assertEquals("v1", properties.get(CacheEvents.CACHE_VALUE));
        assertEquals(1_234L, properties.get(CacheEvents.CACHE_EXPIRES));
        long timestamp = (Long) properties.get(EventConstants.TIMESTAMP);
        assertTrue(timestamp >= before && timestamp <= System.currentTimeMillis(), "timestamp " + timestamp);
        assertFalse(properties.containsKey(CacheEvents.CACHE_COUNT), properties.toString());
    }

    @Test
    void eachKindGoesOutOnItsOwnTopic() {
        EventPublisher publisher = publisher();
        publisher.entry(EventKind.REMOVED, "c", "k", 7L, 0);
        publisher.entry(EventKind.EVICTED, "c", "k", 7L, 0);
        publisher.table(EventKind.CLEARED, "c", 3);
        publisher.table(EventKind.LOADED, "c", 4);
        publisher.table(EventKind.CREATED, "c", 0);
        Await.until("five events sent", () -> admin.sent.size() == 5);
        assertEquals(List.of(CacheEvents.TOPIC_REMOVED, CacheEvents.TOPIC_EVICTED, CacheEvents.TOPIC_CLEARED,
            CacheEvents.TOPIC_LOADED, CacheEvents.TOPIC_CREATED), admin.topics());
    }

    @Test
    void anEntryWithoutADeadlineCarriesNoExpires() {
        publisher().entry(EventKind.REMOVED, "c", "k", 7L, 0);
        Map<String, Object> properties = properties(onlyEventSent());
        assertEquals(7L, properties.get(CacheEvents.CACHE_VALUE));
        assertFalse(properties.containsKey(CacheEvents.CACHE_EXPIRES), properties.toString());
    }

    @Test
    void clearedAndLoadedCarryTheirCountAndNoEntry() {
        EventPublisher publisher = publisher();
        publisher.table(EventKind.CLEARED, "c", 3);
        publisher.table(EventKind.LOADED, "c", 4);
        Await.until("two events sent", () -> admin.sent.size() == 2);
        assertEquals(3L, admin.sent.get(0).getProperty(CacheEvents.CACHE_COUNT));
        assertEquals(4L, admin.sent.get(1).getProperty(CacheEvents.CACHE_COUNT));
        for (Event event : admin.sent) {
            assertEquals("c", event.getProperty(CacheEvents.CACHE_NAME));
            assertFalse(event.containsProperty(CacheEvents.CACHE_KEY), event.toString());
        }
    }

    @Test
    void createdCarriesOnlyTheCacheName() {
        publisher().table(EventKind.CREATED, "c", 0);
        Map<String, Object> properties = properties(onlyEventSent());
        assertEquals("c", properties.get(CacheEvents.CACHE_NAME));
        assertFalse(properties.containsKey(CacheEvents.CACHE_COUNT), properties.toString());
        assertFalse(properties.containsKey(CacheEvents.CACHE_KEY), properties.toString());
    }

    @Test
    void aByteValueIsCopiedIntoItsEvent() {
        byte[] value = {1, 2, 3};
        publisher().entry(EventKind.REMOVED, "c", "k", value, 0);
        byte[] sent = (byte[]) onlyEventSent().getProperty(CacheEvents.CACHE_VALUE);
        assertArrayEquals(new byte[] {1, 2, 3}, sent);
        assertNotSame(value, sent, "a handler never holds the table's own array");
    }

    @Test
    void wantsOnlyTheKindsAHandlerSubscribesTo() {
        EventPublisher expiries = publisher(bridge(admin, CacheEvents.TOPIC_EXPIRED), 100, 1_000_000);
        assertTrue(expiries.wants(EventKind.EXPIRED));
        assertFalse(expiries.wants(EventKind.REMOVED));
        EventBridge nobody = new EventBridge(admin);
        bridges.add(nobody);
        EventPublisher unheard = publisher(nobody, 100, 1_000_000);
        for (EventKind kind : EventKind.values()) {
            assertFalse(unheard.wants(kind), kind + " without a handler");
        }
    }

    @Test
    void countsWhatEventAdminTookAsDelivered() {
        EventPublisher publisher = publisher();
        for (int i = 0; i < 10; i++) {
            publisher.entry(EventKind.REMOVED, "c", "k" + i, "v", 0);
        }
        Await.until("ten counted delivered", publisher::delivered, n -> n == 10);
        assertEquals(0, publisher.undelivered());
    }

    @Test
    void withoutEventAdminEveryEventIsCountedUndelivered() {
        EventPublisher publisher = publisher(bridge(null, CacheEvents.TOPIC_ALL), 100, 1_000_000);
        for (int i = 0; i < 10; i++) {
            publisher.entry(EventKind.REMOVED, "c", "k" + i, "v", 0);
        }
        Await.until("ten counted undelivered", publisher::undelivered, n -> n == 10);
        assertEquals(0, publisher.delivered());
    }

    @Test
    void resetCountsStartsBothCountsFromZero() {
        EventPublisher delivering = publisher();
        delivering.entry(EventKind.REMOVED, "c", "k", "v", 0);
        Await.until("one delivered", delivering::delivered, n -> n == 1);
        EventPublisher failing = publisher(bridge(null, CacheEvents.TOPIC_ALL), 100, 1_000_000);
        failing.entry(EventKind.REMOVED, "c", "k", "v", 0);
        Await.until("one undelivered", failing::undelivered, n -> n == 1);

        delivering.resetCounts();
        failing.resetCounts();

        assertEquals(0, delivering.delivered());
        assertEquals(0, failing.undelivered());
        delivering.entry(EventKind.REMOVED, "c", "k", "v", 0);
        Await.until("counted again from zero", delivering::delivered, n -> n == 1);
    }

    @Test
    void pastItsEventBacklogEventsAreDroppedCountedAndLoggedOnce() {
        admin.held = e -> true;
        EventPublisher publisher = publisher(bridge(admin, CacheEvents.TOPIC_ALL), 10, 1_000_000);
        for (int i = 0; i < 50; i++) {
            publisher.entry(EventKind.REMOVED, "c", "k" + i, "v", 0);
        }
        // one is with the held handler, ten wait: the rest are dropped at once
        assertTrue(publisher.undelivered() >= 39, publisher.undelivered() + " undelivered");
        assertTrue(publisher.backlog() <= 10, publisher.backlog() + " waiting");
        assertEquals(1, log.lines("WARN").size(), log.toString());
        assertTrue(log.lines("WARN").get(0).contains("EventsDropped"), log.toString());

        admin.release.countDown();
        Await.until("the backlog delivered", () -> publisher.delivered() + publisher.undelivered() == 50);
        assertTrue(publisher.delivered() <= 11, publisher.delivered() + " delivered");
    }

    @Test
    void pastItsByteBacklogEventsAreDroppedAndCounted() {
        admin.held = e -> true;
        // a report of a 1-char key and a 100-char value weighs 266 bytes: three fit in 1,000
        EventPublisher publisher = publisher(bridge(admin, CacheEvents.TOPIC_ALL), 1_000, 1_000);
        String value = "v".repeat(100);
        for (int i = 0; i < 50; i++) {
            publisher.entry(EventKind.REMOVED, "c", String.valueOf((char) ('a' + i % 26)), value, 0);
        }
        assertTrue(publisher.undelivered() >= 46, publisher.undelivered() + " undelivered");
        admin.release.countDown();
        Await.until("the backlog delivered", () -> publisher.delivered() + publisher.undelivered() == 50);
        assertTrue(publisher.delivered() <= 4, publisher.delivered() + " delivered");
    }

    @Test
    void newLimitsApplyToTheNextEvents() {
        admin.held = e -> true;
        EventPublisher publisher = publisher(bridge(admin, CacheEvents.TOPIC_ALL), 1, 1_000_000);
        publisher.limits(100, 1_000_000);
        for (int i = 0; i < 50; i++) {
            publisher.entry(EventKind.REMOVED, "c", "k" + i, "v", 0);
        }
        assertEquals(0, publisher.undelivered(), "fifty fit in the new bound");
        admin.release.countDown();
        Await.until("all delivered", publisher::delivered, n -> n == 50);
    }

    @Test
    void oneCachesEventsArriveInTheOrderReported() {
        EventPublisher publisher = publisher();
        List<Object> reported = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            publisher.entry(EventKind.REMOVED, "c", "k" + i, "v", 0);
            reported.add("k" + i);
        }
        Await.until("all sent", () -> admin.sent.size() == 2_000);
        assertEquals(reported, admin.keys());
    }

    @Test
    void aSlowHandlerOfOneCacheNeverHoldsUpAnothersEvents() {
        admin.held = e -> "slow".equals(e.getProperty(CacheEvents.CACHE_NAME));
        EventBridge bridge = bridge(admin, CacheEvents.TOPIC_ALL);
        EventPublisher slow = publisher(bridge, 100, 1_000_000);
        EventPublisher quick = publisher(bridge, 100, 1_000_000);
        slow.entry(EventKind.REMOVED, "slow", "s1", "v", 0);
        slow.entry(EventKind.REMOVED, "slow", "s2", "v", 0);
        for (int i = 0; i < 20; i++) {
            quick.entry(EventKind.REMOVED, "quick", "q" + i, "v", 0);
        }
        Await.until("the quick cache's events delivered", quick::delivered, n -> n == 20);
        assertEquals(0, slow.delivered(), "the slow cache's handler still holds its first event");
        admin.release.countDown();
        Await.until("the slow cache's events delivered", slow::delivered, n -> n == 2);
        List<Object> slowKeys = admin.sent.stream().filter(e -> "slow".equals(e.getProperty(CacheEvents.CACHE_NAME)))
            .map(e -> e.getProperty(CacheEvents.CACHE_KEY)).collect(Collectors.toList());
        assertEquals(List.of("s1", "s2"), slowKeys);
    }

    @Test
    void closeDeliversWhatWaitsThenCountsLaterEventsUndelivered() {
        admin.held = e -> "k0".equals(e.getProperty(CacheEvents.CACHE_KEY));
        EventPublisher publisher = publisher();
        for (int i = 0; i < 10; i++) {
            publisher.entry(EventKind.REMOVED, "c", "k" + i, "v", 0);
        }
        admin.release.countDown();
        assertEquals(0, publisher.close(10_000), "nothing dropped: the handler caught up within the bound");
        assertEquals(10, publisher.delivered());

        publisher.entry(EventKind.REMOVED, "c", "late", "v", 0);
        assertEquals(1, publisher.undelivered());
        assertFalse(admin.keys().contains("late"));
    }

    @Test
    void closeDropsAndCountsWhatTheHandlersDidNotTakeInTime() {
        admin.held = e -> true;
        EventPublisher publisher = publisher();
        for (int i = 0; i < 10; i++) {
            publisher.entry(EventKind.REMOVED, "c", "k" + i, "v", 0);
        }
        Await.until("the first event with the handler", () -> publisher.backlog() == 9);
        assertEquals(9, publisher.close(50));
        assertEquals(9, publisher.undelivered());
        assertEquals(0, publisher.backlog());
    }

    @Test
    void theBridgesStopEndsTheEventThreads() {
        EventBridge bridge = bridge(admin, CacheEvents.TOPIC_ALL);
        EventPublisher first = publisher(bridge, 100, 1_000_000);
        EventPublisher second = publisher(bridge, 100, 1_000_000);
        first.entry(EventKind.REMOVED, "a", "k", "v", 0);
        second.entry(EventKind.REMOVED, "b", "k", "v", 0);
        Await.until("both delivered", () -> admin.sent.size() == 2);
        assertFalse(admin.threads.isEmpty());
        for (Thread t : admin.threads) {
            assertTrue(t.getName().startsWith("lapse-events-"), t.getName());
        }

        first.close(1_000);
        second.close(1_000);
        bridge.deactivate();

        for (Thread t : admin.threads) {
            assertFalse(t.isAlive(), t.getName() + " still runs after the stop");
        }
    }
}
