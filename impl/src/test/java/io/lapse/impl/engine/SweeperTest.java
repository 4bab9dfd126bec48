package io.lapse.impl.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.lapse.testing.Await;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SweeperTest {

    private static final String PREFIX = "sweeper-test-";

    private final ManualClock clock = new ManualClock();
    private final TimeSource time = new TimeSource(clock);
    private final List<Throwable> failures = new CopyOnWriteArrayList<>();
    private final Sweeper sweeper = new Sweeper(time, PREFIX, (t, e) -> failures.add(e));

    @AfterEach
    void stop() {
        sweeper.close();
    }

    /** The sweep threads alive, the clock thread aside. */
    private static long liveThreads() {
        return Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.getName().startsWith(PREFIX) && !t.getName().equals(PREFIX + "clock") && t.isAlive()).count();
    }

    private static long clockThreads() {
        return Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.getName().equals(PREFIX + "clock") && t.isAlive()).count();
    }

    @Test
    void expiresIdleTablesWithoutAnyCallerActivity() {
        RecordingListener events = new RecordingListener();
        CacheTable table = new CacheTable("idle", new CacheSettings(4, 0, true, 0, null), time, events);
        sweeper.configure(1, 1);
        sweeper.add(table);
        sweeper.start();
        for (int i = 0; i < 100; i++) {
            table.put("k" + i, "v", Duration.ofMillis(100 + i));
        }
        clock.advance(150);
        // TTLs of 100 to 150 ms have passed: 51 entries.
        Await.until("51 expiries", () -> events.of(EventKind.EXPIRED).size() == 51);
        clock.advance(50);
        Await.until("100 expiries", () -> events.of(EventKind.EXPIRED).size() == 100);
        assertTrue(events.of(EventKind.EXPIRED).stream().allMatch(e -> e.thread.startsWith(PREFIX)));
        assertEquals(0, table.size());
        table.close();
    }

    @Test
    void wakesAtTheNextDeadlineRatherThanAtTheNextTick() {
        // The real clock, and a tick so long that only a wake-up at the deadline can expire the
        // entries within the wait below.
        TimeSource real = new TimeSource(Clock.system());
        RecordingListener events = new RecordingListener();
        CacheTable table = new CacheTable("prompt", new CacheSettings(4, 0, true, 0, null), real, events);
        try (Sweeper slow = new Sweeper(real, PREFIX, (t, e) -> failures.add(e))) {
            slow.configure(1, Sweeper.MAX_RESOLUTION_MILLIS);
            slow.add(table);
            table.put("soon", "v", Duration.ofMillis(200));
            table.put("later", "v", Duration.ofMillis(700));
            slow.start();
            Await.until("both expiries, long before the next tick", () -> events.of(EventKind.EXPIRED).size() == 2);
            assertEquals(List.of("soon", "later"), events.of(EventKind.EXPIRED).stream().map(e -> e.key)
                .collect(Collectors.toList()), "each at its own deadline, in deadline order");
        }
        table.close();
    }

    @Test
    void threadsStopOnCloseAndChangeLiveWithoutLosingEntries() {
        RecordingListener events = new RecordingListener();
        CacheTable table = new CacheTable("live", new CacheSettings(6, 0, true, 0, null), time, events);
        sweeper.add(table);
        sweeper.start();
        for (int i = 0; i < 1_000; i++) {
            table.put("k" + i, "v", Duration.ofMillis(i < 500 ? 100 : 10_000));
        }
        Await.until("one thread", () -> liveThreads() == 1);
        sweeper.configure(3, 2);
        Await.until("three threads", () -> liveThreads() == 3);
        assertEquals(1_000, table.size());
        clock.advance(100);
        // Each of the three threads sweeps its own third of the 64 slots.
        Await.until("500 expiries", () -> events.of(EventKind.EXPIRED).size() == 500);
        sweeper.configure(1, 10);
        Await.until("one thread again", () -> liveThreads() == 1);
        assertEquals(1, clockThreads(), "the clock thread stays across changes");
        assertEquals(500, table.size());
        sweeper.close();
        assertEquals(0, liveThreads());
        assertEquals(0, clockThreads());
        sweeper.close();
        table.close();
    }

    @Test
    void aStoppedSweeperLeavesReadsExact() {
        CacheTable table = new CacheTable("exact", new CacheSettings(2, 0, true, 0, null), time, TableListener.NONE);
        sweeper.start();
        Await.until("a tick", () -> time.coarseNow() == clock.millis());
        sweeper.close();
        table.put("k", "v", Duration.ofMillis(2_000));
        clock.advance(2_000);
        assertNull(table.get("k"), "without ticks, reads must ask the precise clock");
        table.close();
    }

    @Test
    void aTableWhoseSweepThrowsDoesNotStopTheOthers() {
        RecordingListener events = new RecordingListener();
        RecordingListener broken = new RecordingListener();
        broken.hook = e -> {
            throw new IllegalStateException("listener broke its contract");
        };
        CacheTable bad = new CacheTable("bad", new CacheSettings(2, 0, true, 0, null), time, broken);
        CacheTable good = new CacheTable("good", new CacheSettings(2, 0, true, 0, null), time, events);
        sweeper.configure(1, 1);
        sweeper.add(bad);
        sweeper.add(good);
        sweeper.start();
        bad.put("k", "v", Duration.ofMillis(10));
        good.put("k", "v", Duration.ofMillis(10));
        good.put("later", "v", Duration.ofMillis(20));
        clock.advance(10);
        Await.until("the good table's first expiry", () -> events.of(EventKind.EXPIRED).size() == 1);
        clock.advance(10);
        Await.until("the good table's second expiry", () -> events.of(EventKind.EXPIRED).size() == 2);
        assertEquals(0, bad.size());
        assertEquals(1, bad.stats().eventsDropped());
        bad.close();
        good.close();
    }

    @Test
    void refusesBadSettingsAndKeepsTheOldOnes() {
        sweeper.configure(2, 5);
        assertThrows(IllegalArgumentException.class, () -> sweeper.configure(0, 5));
        assertThrows(IllegalArgumentException.class, () -> sweeper.configure(Sweeper.MAX_THREADS + 1, 5));
        assertThrows(IllegalArgumentException.class, () -> sweeper.configure(1, 0));
        assertThrows(IllegalArgumentException.class, () -> sweeper.configure(1, Sweeper.MAX_RESOLUTION_MILLIS + 1));
        sweeper.start();
        Await.until("two threads", () -> liveThreads() == 2);
        assertFalse(failures.iterator().hasNext());
    }

    @Test
    void theCoarseTimeNeverGoesBackWhateverTheNumberOfSweepThreads() throws Exception {
        // Review B14: with several sweep threads ticking, one descheduled between reading the
        // clock and writing the horizon could move it back. One clock thread ticks now.
        TimeSource real = new TimeSource(Clock.system());
        try (Sweeper many = new Sweeper(real, PREFIX, (t, e) -> failures.add(e))) {
            many.configure(8, 1);
            many.start();
            long last = real.coarseNow();
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
            long samples = 0;
            while (System.nanoTime() < end) {
                long now = real.coarseNow();
                assertTrue(now >= last, "the coarse time went back from " + last + " to " + now);
                last = now;
                samples++;
            }
            assertTrue(samples > 1_000);
            assertEquals(1, clockThreads());
        }
    }

    @Test
    void theSystemClockCountsFromAPositiveOrigin() {
        // Review B14: nanoTime may be negative; the wheel's arithmetic wants a positive time.
        // millis() is nanos() truncated; bracket it by two nanos() readings, since a loaded machine
        // may let milliseconds pass between any two calls.
        long before = Clock.system().nanos();
        long millis = Clock.system().millis();
        long after = Clock.system().nanos();
        assertTrue(millis >= 86_400_000L, "a day past the origin at the first reading: " + millis);
        assertTrue(before / 1_000_000L <= millis && millis <= after / 1_000_000L,
                millis + " ms outside the nanos readings " + before + " and " + after);
    }
}
