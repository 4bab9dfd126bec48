package io.lapse.impl.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.lapse.cache.CacheEntry;

/** The bulk replace a load swaps in, and the drain a write-back takes out. */
class ReplaceTest {

    private final ManualClock clock = new ManualClock();
    private final TimeSource time = new TimeSource(clock);
    private final RecordingListener events = new RecordingListener();
    private final CacheTable table = new CacheTable("t", new CacheSettings(4, 0, true, 0, null), time, events);

    @AfterEach
    void close() {
        table.close();
    }

    @Test
    void replaceSwapsEveryEntryAndLeavesTheLoadedReportToTheCaller() {
        table.put("old", "1");
        table.put("both", "old");
        Contents fresh = table.newContents();
        assertTrue(fresh.put("both", "new", 0));
        assertTrue(fresh.put("n", 42L, 0));
        assertEquals("old", table.get("both"), "nothing changes before the swap");

        assertEquals(2, table.replace(fresh, null));
        assertNull(table.get("old"));
        assertEquals("new", table.get("both"));
        assertEquals(42L, table.get("n"));
        assertEquals(2, table.size());
        assertTrue(events.events.isEmpty(), "live entries are replaced silently: " + events.events);
        table.loaded(2);
        assertEquals(2, events.of(EventKind.LOADED).get(0).count);
        assertThrows(IllegalStateException.class, () -> fresh.put("late", "x", 0), "contents are used once");
    }

    @Test
    void oldEntriesWhoseDeadlinePassedRaiseTheirExpiryOnceAtTheSwap() {
        table.put("gone", "g", Duration.ofMillis(100));
        table.put("live", "l", Duration.ofSeconds(100));
        clock.advance(200);
        table.replace(table.newContents(), null);
        assertEquals(List.of("gone"), events.keys(EventKind.EXPIRED));
        table.sweep(0, 1);
        clock.advance(200_000);
        table.sweep(0, 1);
        assertEquals(List.of("gone"), events.keys(EventKind.EXPIRED), "never again, and 'live' was replaced");
        assertEquals(1, table.stats().expirations());
    }

    @Test
    void rowsWhoseDeadlinePassedAreLeftOutAndTheRestKeepTheirs() {
        Contents fresh = table.newContents();
        long epoch = clock.epochMillis();
        assertFalse(fresh.put("past", "p", epoch - 1));
        assertFalse(fresh.put("now", "p", epoch));
        assertTrue(fresh.put("soon", "s", epoch + 500));
        assertTrue(fresh.put("never", "n", 0));
        table.replace(fresh, null);
        assertNull(table.get("past"));
        assertEquals(epoch + 500, table.getEntry("soon").expiresAtMillis());
        assertEquals(0, table.getEntry("never").expiresAtMillis());
        clock.advance(500);
        table.sweep(0, 1);
        assertEquals(List.of("soon"), events.keys(EventKind.EXPIRED));
    }

    @Test
    void theDefaultTtlCountsFromTheLoad() {
        table.reconfigure(new CacheSettings(4, 1_000, true, 0, null));
        Contents fresh = table.newContents();
        fresh.putWithDefaultTtl("k", "v");
        table.replace(fresh, null);
        assertEquals(clock.epochMillis() + 1_000, table.getEntry("k").expiresAtMillis());
    }

    @Test
    void badRowsAreRefusedOneByOneAndLaterOnesReplaceEarlierOnes() {
        Contents fresh = table.newContents();
        assertThrows(IllegalArgumentException.class, () -> fresh.put("", "v", 0));
        assertThrows(IllegalArgumentException.class, () -> fresh.put("k", 1.5, 0));
        fresh.put("k", "first", 0);
        fresh.put("k", "second", 0);
        fresh.put("x", "x", 0);
        fresh.remove("x");
        assertEquals(1, fresh.size());
        assertEquals(1, table.replace(fresh, null));
        assertEquals("second", table.get("k"));
    }

    @Test
    void contentsBuiltBeforeASizeChangeAreSpreadOverTheNewSlots() {
        Contents fresh = table.newContents();
        for (int i = 0; i < 1_000; i++) {
            fresh.put("k" + i, (long) i, 0);
        }
        table.reconfigure(new CacheSettings(7, 0, true, 0, null));
        table.replace(fresh, null);
        assertEquals(128, table.stats().slots());
        for (int i = 0; i < 1_000; i++) {
            assertEquals((long) i, table.get("k" + i));
        }
        table.put("k1", 7L);
        assertEquals(7L, table.get("k1"));
        assertEquals(1_000, table.size());
    }

    @Test
    void theCallbackUnderTheLocksBringsTheContentsUpToDate() {
        Contents fresh = table.newContents();
        fresh.put("a", "loaded", 0);
        table.replace(fresh, c -> {
            c.put("a", "written meanwhile", 0);
            c.put("b", "also", 0);
        });
        assertEquals("written meanwhile", table.get("a"));
        assertEquals("also", table.get("b"));
    }

    @Test
    void contentsOfAnotherTableAreRefused() {
        CacheTable other = new CacheTable("o", CacheSettings.defaults(), time, TableListener.NONE);
        try {
            assertThrows(IllegalArgumentException.class, () -> table.replace(other.newContents(), null));
        } finally {
            other.close();
        }
    }

    @Test
    void readersSeeTheOldContentsOrTheNewNeverAMix() throws Exception {
        int keys = 2_000;
        Contents first = table.newContents();
        for (int i = 0; i < keys; i++) {
            first.put("k" + i, 0L, 0);
        }
        table.replace(first, null);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<String> problem = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            while (!stop.get() && problem.get() == null) {
                // each swap brings a later generation: within a pass they may only grow
                long seen = 0;
                for (int i = 0; i < keys; i++) {
                    Object v = table.get("k" + i);
                    if (v == null) {
                        problem.set("k" + i + " was missing");
                    } else if ((Long) v < seen) {
                        problem.set("k" + i + " showed generation " + v + " after a key showed " + seen);
                    } else {
                        seen = (Long) v;
                    }
                }
            }
        });
        reader.start();
        try {
            for (long round = 1; round <= 40; round++) {
                Contents fresh = table.newContents();
                for (int i = 0; i < keys; i++) {
                    fresh.put("k" + i, round, 0);
                }
                table.replace(fresh, null);
            }
        } finally {
            stop.set(true);
            reader.join(10_000);
        }
        assertFalse(reader.isAlive());
        assertNull(problem.get());
    }

    @Test
    void drainClosesTheTableAndReturnsTheLiveEntriesWithTheirDeadlines() {
        table.put("a", "1");
        table.put("b", 2L, Duration.ofSeconds(10));
        table.put("gone", "x", Duration.ofMillis(5));
        clock.advance(10);
        List<CacheEntry> live = new ArrayList<>(table.drain());
        live.sort(Comparator.comparing(CacheEntry::key));
        assertEquals(2, live.size());
        assertEquals("a", live.get(0).key());
        assertEquals(0, live.get(0).expiresAtMillis());
        assertEquals(2L, live.get(1).value());
        assertEquals(clock.epochMillis() - 10 + 10_000, live.get(1).expiresAtMillis());
        assertTrue(table.isClosed());
        assertThrows(IllegalStateException.class, () -> table.put("c", "3"));
        assertThrows(IllegalStateException.class, table::drain);
    }
}
