package io.lapse.impl.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentMap;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the map view ({@link MapView}) adds to the map contract Guava's suite checks
 * ({@link MapViewGuavaTests}), with a fake clock: entries take the cache's default TTL, expired
 * ones are absent from every method, a step that changes nothing changes nothing, and the cache's
 * own rules (initval, value types, writes inside a function) show through.
 */
class MapViewTest {

    private final ManualClock clock = new ManualClock();
    private final TimeSource time = new TimeSource(clock);
    private final RecordingListener events = new RecordingListener();
    private final CacheTable table = new CacheTable("m", new CacheSettings(4, 1_000, true, 0, 7L), time, events);
    private final ConcurrentMap<String, Object> map = table.asMap();

    @AfterEach
    void close() {
        table.close();
    }

    @Test
    void entriesTakeTheDefaultTtlAndExpiredOnesAreAbsentFromEveryMethod() {
        map.put("a", "1");
        map.putIfAbsent("b", "2");
        map.merge("c", "3", (x, y) -> x);
        assertEquals(time.toEpochMillis(time.now() + 1_000), table.getEntry("a").expiresAtMillis());
        assertEquals(3, map.size());
        clock.advance(1_000);
        assertEquals(0, map.size());
        assertTrue(map.isEmpty());
        assertNull(map.get("a"));
        assertFalse(map.containsKey("b"));
        assertFalse(map.containsValue("3"));
        assertTrue(map.entrySet().isEmpty() && map.keySet().isEmpty() && map.values().isEmpty());
        assertNull(map.putIfAbsent("a", "new"), "an expired entry is no entry");
        assertEquals("new", map.get("a"));
    }

    @Test
    void aStepThatDecidesToChangeNothingCountsNoPutAndKeepsTheDeadline() {
        map.put("k", "v");
        long deadline = table.getEntry("k").expiresAtMillis();
        long puts = table.stats().puts();
        clock.advance(500);
        assertEquals("v", map.putIfAbsent("k", "other"));
        assertFalse(map.replace("k", "not-v", "w"));
        assertFalse(map.remove("k", "not-v"));
        assertEquals("v", map.computeIfAbsent("k", k -> "x"));
        assertNull(map.computeIfPresent("absent", (k, v) -> "x"));
        assertNull(map.replace("absent", "x"));
        assertEquals(puts, table.stats().puts(), "no put counted");
        assertEquals(deadline, table.getEntry("k").expiresAtMillis(), "no deadline restarted");
        assertFalse(map.containsKey("absent"));
        assertTrue(map.replace("k", "v", "w"));
        assertEquals(puts + 1, table.stats().puts());
        assertTrue(table.getEntry("k").expiresAtMillis() > deadline, "a change is a write: updateexpire restarts the TTL");
    }

    @Test
    void theCachesRulesShowThroughTheMap() {
        assertNull(map.get("missing"), "no initval through the map");
        assertEquals(7L, table.get("missing"), "while the cache itself answers it");
        assertNull(map.get(42), "a key of another type is absent");
        assertThrows(NullPointerException.class, () -> map.get(null));
        assertThrows(NullPointerException.class, () -> map.put("k", null));
        assertThrows(NullPointerException.class, () -> map.put(null, "v"));
        assertThrows(IllegalArgumentException.class, () -> map.put("k", new Object()));
        assertThrows(IllegalArgumentException.class, () -> map.put("", "v"), "an empty key");
        map.put("n", 5);
        assertEquals(5L, map.get("n"), "an integral number comes back as a Long");
        assertEquals(12L, map.merge("n", 7L, (a, b) -> (Long) a + (Long) b));
        byte[] bytes = {1, 2};
        map.put("b", bytes);
        assertArrayEquals(bytes, (byte[]) map.get("b"));
        assertTrue(map.remove("b", new byte[] {1, 2}), "byte[] values compare by their bytes");
        IllegalStateException inside = assertThrows(IllegalStateException.class,
            () -> map.compute("k", (k, v) -> map.put("other", "x")));
        assertTrue(inside.getMessage().contains("compute"), inside.getMessage());
        assertFalse(map.containsKey("k"), "the refused compute changed nothing");
    }

    @Test
    void iteratorsRemoveFromTheCacheAndSetValueWritesThrough() {
        for (int i = 0; i < 10; i++) {
            map.put("k" + i, "v" + i);
        }
        map.entrySet().removeIf(e -> e.getKey().endsWith("3"));
        map.keySet().remove("k4");
        map.values().remove("v5");
        for (Map.Entry<String, Object> e : map.entrySet()) {
            if (e.getKey().equals("k6")) {
                assertEquals("v6", e.setValue("six"));
            }
        }
        assertEquals("six", table.get("k6"));
        assertEquals(7, table.size());
        assertEquals(3, events.of(EventKind.REMOVED).size(), "each removal is the cache's, with its event");
        Map<String, Object> copy = new HashMap<>(map);
        assertEquals(copy, map);
        assertEquals(copy.hashCode(), map.hashCode());
        map.clear();
        assertEquals(1, events.of(EventKind.CLEARED).size());
        assertSame(map, table.asMap());
        assertSame(map, table.cache().asMap(), "the consumers' view gives the same map");
    }
}
