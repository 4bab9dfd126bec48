package io.lapse.impl.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.lapse.testing.Await;

/**
 * The thread of a level's expiry ({@link LevelExpiry}), on the system clock: it reports what only
 * the level holds with nothing reading or writing the cache, wakes for a deadline earlier than the
 * one it sleeps until, goes on after a level that failed, and stops when closed.
 */
class LevelExpiryTest {

    private final TimeSource time = new TimeSource(Clock.system());
    private final RecordingListener events = new RecordingListener();
    private final MemoryLevel level = new MemoryLevel();
    private final List<Throwable> failures = new CopyOnWriteArrayList<>();
    private CacheTable table;
    private LevelBacking backing;

    private void start(long maxEntries) {
        table = new CacheTable("t", new CacheSettings(4, 0, true, 0, null)
            .withLimits(new Limits(maxEntries, 0, Limits.MAX_ITEM_SIZE)), time, events);
        backing = table.backBy(level);
        backing.expiry().start("level-expiry-test", failures::add);
    }

    @AfterEach
    void stop() {
        if (backing != null) {
            backing.expiry().close();
            table.close();
        }
    }

    @Test
    void anIdleCacheHearsEveryExpiryOnceAlsoOfEntriesOnlyTheLevelHolds() {
        start(2);
        for (int i = 0; i < 30; i++) {
            table.put("k" + i, "v" + i, Duration.ofMillis(40 + 5 * i));
        }
        Await.until("30 expiries from the level's thread", () -> events.of(EventKind.EXPIRED).size() >= 30);
        Map<String, Integer> counts = new HashMap<>();
        for (RecordingListener.Event e : events.of(EventKind.EXPIRED)) {
            counts.merge(e.key, 1, Integer::sum);
            assertTrue(time.toEpochMillis(time.now()) >= e.expiresAt, "never before the deadline: " + e);
        }
        assertEquals(30, counts.size());
        assertTrue(counts.values().stream().allMatch(c -> c == 1), counts.toString());
        assertTrue(level.rows.isEmpty(), "every row deleted");
        assertTrue(events.of(EventKind.EXPIRED).stream().allMatch(e -> e.thread.equals("level-expiry-test")),
            "reported by the level's thread, nothing else calling");
    }

    @Test
    void aWriteWithAnEarlierDeadlineWakesTheThread() {
        start(0);
        table.put("late", "v", Duration.ofSeconds(30));
        Await.until("the thread to sleep until the late deadline", () -> events.of(EventKind.EXPIRED).isEmpty()
            && backing.expiry().sleepsUntil() > time.now() + 10_000);
        table.put("soon", "v", Duration.ofMillis(20));
        Await.until("the early entry's expiry", () -> events.of(EventKind.EXPIRED).size() == 1);
        assertEquals("soon", events.of(EventKind.EXPIRED).get(0).key);
    }

    @Test
    void aLevelThatFailsIsReportedAndItsExpiriesComeOnceItIsBack() {
        start(0);
        table.put("k", "v", Duration.ofMillis(30));
        level.down.set(true);
        Await.until("the failure reported", () -> !failures.isEmpty());
        IllegalStateException e = (IllegalStateException) failures.get(0);
        assertTrue(e.getMessage().contains("cache 't'") && e.getMessage().contains("level"), e.getMessage());
        assertTrue(events.of(EventKind.EXPIRED).isEmpty(), "nothing reported while the level is down");
        int tried = level.refused.get();
        Await.until("two more tries, a second apart", () -> level.refused.get() >= tried + 2);
        assertEquals(1, failures.size(), "a level that keeps failing is reported once in 10 s, not at each try");
        level.down.set(false);
        Await.until("the expiry once the level answers again", () -> events.of(EventKind.EXPIRED).size() == 1);
        assertNotNull(events.of(EventKind.EXPIRED).get(0));
    }

    @Test
    void closeStopsTheThreadAndAStartIsRefusedTwice() {
        start(0);
        assertThrows(IllegalStateException.class, () -> backing.expiry().start("again", failures::add));
        backing.expiry().close();
        Await.until("the thread to end", () -> Thread.getAllStackTraces().keySet().stream()
            .noneMatch(t -> t.getName().equals("level-expiry-test")));
        backing.expiry().close();
        assertThrows(IllegalStateException.class, () -> backing.expiry().start("after", failures::add));
        assertFalse(failures.stream().anyMatch(f -> !(f instanceof IllegalStateException)), failures.toString());
    }
}
