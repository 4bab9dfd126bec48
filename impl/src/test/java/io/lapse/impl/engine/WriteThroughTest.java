package io.lapse.impl.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.lapse.cache.Match;

/** The hook a write-through store gets: every change, before it is applied, and a veto. */
class WriteThroughTest {

    /** A store that records the changes it is told of, and fails on demand. */
    private static class Store implements WriteThrough {
        final List<String> log = Collections.synchronizedList(new ArrayList<>());
        final Map<String, Object> rows = Collections.synchronizedMap(new TreeMap<>());
        final AtomicBoolean down = new AtomicBoolean();

        private void check() {
            if (down.get()) {
                throw new IllegalStateException("cache 't': the database is down");
            }
        }

        @Override
        public void put(String key, Object value, long expiresAtMillis) {
            check();
            log.add("put " + key + "=" + value + " @" + expiresAtMillis);
            rows.put(key, value);
        }

        @Override
        public void remove(String key) {
            check();
            log.add("remove " + key);
            rows.remove(key);
        }

        @Override
        public void removeAll(List<String> keys) {
            check();
            List<String> sorted = new ArrayList<>(keys);
            Collections.sort(sorted);
            log.add("removeAll " + sorted);
            keys.forEach(rows::remove);
        }
    }

    private final ManualClock clock = new ManualClock();
    private final TimeSource time = new TimeSource(clock);
    private final RecordingListener events = new RecordingListener();
    private final CacheTable table = new CacheTable("t", new CacheSettings(2, 0, true, 0, 5L), time, events);
    private final Store store = new Store();

    @AfterEach
    void close() {
        table.close();
    }

    @Test
    void everyChangeReachesTheStoreBeforeTheCallReturnsWithItsDeadline() {
        table.writeThrough(store);
        long epoch = clock.epochMillis();
        table.put("a", "1");
        table.put("b", 2, Duration.ofSeconds(10));
        assertEquals(List.of("put a=1 @0", "put b=2 @" + (epoch + 10_000)), store.log);
        store.log.clear();

        assertEquals("1", table.putIfAbsent("a", "x"));
        assertNull(table.putIfAbsent("c", "3"));
        assertEquals(6, table.increment("n", 1));
        assertEquals(8, table.increment("n", 2));
        assertTrue(table.setTtl("a", Duration.ofSeconds(1)));
        assertFalse(table.setTtl("missing", Duration.ofSeconds(1)));
        assertEquals("33", table.compute("c", (k, v) -> v + "3"));
        assertNull(table.compute("b", (k, v) -> null));
        assertEquals("1", table.remove("a"));
        assertNull(table.remove("a"));
        assertEquals(List.of("put c=3 @0", "put n=6 @0", "put n=8 @0", "put a=1 @" + (epoch + 1_000), "put c=33 @0",
            "remove b", "remove a"), store.log);
        assertEquals(Map.of("c", "33", "n", 8L), store.rows);
    }

    @Test
    void removesByMatchAndClearTellTheStoreSlotBySlot() {
        for (int i = 0; i < 20; i++) {
            table.put("k" + i, "v" + i);
        }
        table.put("other", "o");
        table.writeThrough(store);
        assertEquals(20, table.removeKeys(Match.prefix("k")));
        List<String> removed = new ArrayList<>();
        for (String line : store.log) {
            assertTrue(line.startsWith("removeAll "), line);
            removed.addAll(List.of(line.substring(11, line.length() - 1).split(", ")));
        }
        Collections.sort(removed);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            expected.add("k" + i);
        }
        Collections.sort(expected);
        assertEquals(expected, removed);
        assertTrue(store.log.size() <= 4, "one call per slot: " + store.log);
        store.log.clear();
        assertEquals(1, table.clear());
        assertEquals(List.of("removeAll [other]"), store.log);
    }

    @Test
    void aStoreFailureLeavesTheCacheUnchangedAndReachesTheCaller() {
        table.put("a", "1");
        table.put("n", 1L);
        table.writeThrough(store);
        store.down.set(true);
        List<Runnable> changes = List.of(
            () -> table.put("a", "2"),
            () -> table.put("new", "x", Duration.ofSeconds(1)),
            () -> table.putIfAbsent("new", "x"),
            () -> table.increment("n", 1),
            () -> table.setTtl("a", Duration.ofSeconds(1)),
            () -> table.compute("a", (k, v) -> "3"),
            () -> table.compute("a", (k, v) -> null),
            () -> table.remove("a"),
            () -> table.removeKeys(Match.prefix("")),
            () -> table.removeValues(Match.prefix("1")),
            table::clear);
        for (Runnable change : changes) {
            IllegalStateException e = assertThrows(IllegalStateException.class, change::run);
            assertEquals("cache 't': the database is down", e.getMessage());
        }
        assertEquals("1", table.get("a"));
        assertEquals(0, table.getEntry("a").expiresAtMillis());
        assertEquals(1L, table.get("n"));
        assertNull(table.getEntry("new"));
        assertEquals(2, table.size());
        assertTrue(events.events.isEmpty(), "nothing happened, so nothing is reported: " + events.events);
        store.down.set(false);
        table.put("a", "2");
        assertEquals("2", table.get("a"));
    }

    @Test
    void aKeyTheCacheRefusesNeverReachesTheStore() {
        table.writeThrough(store);
        assertThrows(IllegalArgumentException.class, () -> table.put("", "x"));
        assertThrows(IllegalArgumentException.class, () -> table.put("k".repeat(5_000), "x"));
        assertThrows(IllegalArgumentException.class, () -> table.increment("", 1));
        assertTrue(store.log.isEmpty(), store.log.toString());
    }

    @Test
    void aStoreThatThrowsSomethingElseStillFailsTheCallWithAnIllegalStateException() {
        table.writeThrough(new Store() {
            @Override
            public void put(String key, Object value, long expiresAtMillis) {
                throw new UnsupportedOperationException("broken");
            }
        });
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> table.put("k", "v"));
        assertTrue(e.getMessage().startsWith("cache 't': its store failed: "), e.getMessage());
        assertNull(table.getEntry("k"));
    }

    @Test
    void withoutTheHookNothingIsCalledAndReadsNeverAre() {
        table.writeThrough(store);
        table.put("a", "1");
        table.get("a");
        table.getEntry("a");
        table.containsKey("a");
        table.countKeys(Match.prefix("a"));
        table.size();
        assertEquals(1, store.log.size());
        table.writeThrough(null);
        table.put("b", "2");
        table.remove("a");
        assertEquals(1, store.log.size());
    }
}
