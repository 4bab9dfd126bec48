package io.lapse.impl.spi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import io.lapse.cache.spi.OwnedCache;
import io.lapse.impl.engine.CacheTable;
import io.lapse.impl.engine.ManualClock;
import io.lapse.impl.engine.TimeSource;

/**
 * Caches made in code ({@link OwnedTables}), with a fake clock and sweeps the test watches: each
 * joins the sweeps while open, hears its own expiries once, closes alone or with the factory's
 * stop; and what the factory refuses, named.
 */
class OwnedTablesTest {

    private final ManualClock clock = new ManualClock();
    private final TimeSource time = new TimeSource(clock);
    private final Set<CacheTable> sweeping = ConcurrentHashMap.newKeySet();
    private final OwnedTables tables = new OwnedTables(time, new OwnedTables.Sweeps() {
        @Override
        public void join(CacheTable table) {
            sweeping.add(table);
        }

        @Override
        public void leave(CacheTable table) {
            sweeping.remove(table);
        }
    });

    @Test
    void aCacheJoinsTheSweepsWhileOpenAndHearsItsOwnExpiriesOnce() {
        List<String> heard = new CopyOnWriteArrayList<>();
        OwnedCache a = tables.create("a", (key, value, at) -> heard.add("a:" + key));
        OwnedCache b = tables.create("a", (key, value, at) -> heard.add("b:" + key));
        assertNotSame(a.cache(), b.cache(), "two caches of one name coexist");
        assertEquals(2, sweeping.size());
        a.cache().put("k", "v", Duration.ofSeconds(1));
        b.cache().put("k", "v");
        clock.advance(1_000);
        assertEquals(null, a.cache().get("k"));
        a.cache().get("k");
        assertEquals(List.of("a:k"), heard, "reported once, to its own listener");
        assertEquals("v", b.cache().get("k"));
        a.close();
        a.close();
        assertTrue(a.isClosed());
        assertEquals(1, sweeping.size());
        assertThrows(IllegalStateException.class, () -> a.cache().get("k"));
    }

    @Test
    void anExpiredByteArrayReachesTheListenerAsItsOwnCopy() {
        List<byte[]> heard = new CopyOnWriteArrayList<>();
        OwnedCache c = tables.create("bytes", (key, value, at) -> heard.add((byte[]) value));
        c.cache().put("k", new byte[] {1, 2, 3}, Duration.ofMillis(10));
        clock.advance(10);
        c.close();
        assertEquals(1, heard.size(), "the close reported the entry due");
        assertArrayEquals(new byte[] {1, 2, 3}, heard.get(0));
    }

    @Test
    void theStopClosesEveryCacheAndRefusesMore() {
        OwnedCache a = tables.create("a", (key, value, at) -> { });
        OwnedCache b = tables.create("b", (key, value, at) -> { });
        tables.stop();
        assertTrue(a.isClosed() && b.isClosed());
        assertTrue(sweeping.isEmpty());
        IllegalStateException refused = assertThrows(IllegalStateException.class,
            () -> tables.create("c", (key, value, at) -> { }));
        assertTrue(refused.getMessage().contains("'c'") && refused.getMessage().contains("stopped"),
            refused.getMessage());
        assertFalse(sweeping.stream().anyMatch(t -> !t.isClosed()));
    }

    @Test
    void refusesBadNamesAndListenersNamingThem() {
        assertThrows(NullPointerException.class, () -> tables.create(null, (key, value, at) -> { }));
        NullPointerException noListener = assertThrows(NullPointerException.class, () -> tables.create("x", null));
        assertTrue(noListener.getMessage().contains("'x'"), noListener.getMessage());
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
            () -> tables.create("", (key, value, at) -> { }));
        assertTrue(empty.getMessage().contains("1 to 256"), empty.getMessage());
        assertThrows(IllegalArgumentException.class, () -> tables.create("n".repeat(257), (key, value, at) -> { }));
        assertTrue(sweeping.isEmpty(), "nothing refused joined the sweeps");
    }
}
