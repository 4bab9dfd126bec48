package io.lapse.impl.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import io.lapse.cache.CacheEntry;
import io.lapse.cache.Match;
import io.lapse.testing.Await;

/**
 * Passes over the whole table: matches run in chunks outside the slot locks and under a budget
 * (review B9), the listener is called with no lock held (B12), an iteration copies a bounded
 * chunk at a time (B13).
 */
class MatchChunksTest {

    private static final int KEYS = 1_000_000;

    @Test
    void aCostlyMatchOverAMillionKeysStopsNearItsBudgetAndNeverHoldsUpExpiry() throws Exception {
        TimeSource time = new TimeSource(Clock.system());
        SweeperFaultsTest.Lateness late = new SweeperFaultsTest.Lateness();
        // 4 slots: a quarter of a million keys each, which a match used to hold locked throughout
        CacheTable table = new CacheTable("big", new CacheSettings(2, 0, true, 0, null), time, late);
        try (Sweeper sweeper = new Sweeper(time, "match-test-", (t, e) -> { })) {
            sweeper.configure(1, 10);
            sweeper.add(table);
            sweeper.start();
            for (int i = 0; i < KEYS; i++) {
                table.put("key" + i, "v");
            }
            // the fill's garbage collected now, not during the match; what the collector still
            // pauses meanwhile holds up every thread alike and is allowed for below
            System.gc();
            long gcBefore = collectionMillis();
            for (int i = 0; i < 4; i++) {
                table.put("due" + i, "v", Duration.ofMillis(300 + 100 * i));
            }
            Duration budget = Duration.ofSeconds(1);
            long start = System.nanoTime();
            long counted = -1;
            IllegalStateException stopped = null;
            try {
                counted = table.countKeys(Match.regex("^k(e|f|g)y[0-9]*[0-9]$").within(budget));
            } catch (IllegalStateException e) {
                stopped = e;
            }
            long tookMillis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(tookMillis <= budget.toMillis() + 1_000, "the call took " + tookMillis + " ms");
            if (stopped != null) {
                assertTrue(stopped.getMessage().contains("stopped after") && stopped.getMessage().contains("looked at"),
                    stopped.getMessage());
            } else {
                assertEquals(KEYS, counted);
            }
            Await.until("the four due entries expired", () -> late.late.size() == 4);
            long paused = collectionMillis() - gcBefore;
            for (long l : late.late) {
                assertTrue(l <= 10 + 50 + paused, "an expiry came " + l + " ms after its deadline during the "
                    + "match (the collector paused " + paused + " ms meanwhile)");
            }
            assertEquals(KEYS, table.size());
        }
        table.close();
    }

    /** Milliseconds the JVM's collectors have spent collecting, in all. */
    static long collectionMillis() {
        long total = 0;
        for (java.lang.management.GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            total += Math.max(0, gc.getCollectionTime());
        }
        return total;
    }

    @Test
    void aTextTooLongForThePatternWithinTheBudgetIsRefusedBeforeItIsMatched() {
        CacheTable table = new CacheTable("long", new CacheSettings(2, 0, true, 0, null),
            new TimeSource(new ManualClock()), TableListener.NONE);
        String huge = "a".repeat(16 * 1024 * 1024);
        table.put("huge", huge);
        table.put("small", "abc");
        long start = System.nanoTime();
        IllegalStateException e = assertThrows(IllegalStateException.class,
            () -> table.removeValues(Match.regex("[a-z]{1000}").within(Duration.ofSeconds(1))));
        long tookMillis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(tookMillis < 1_000, "took " + tookMillis + " ms");
        assertTrue(e.getMessage().contains("16777216 characters"), e.getMessage());
        assertTrue(e.getMessage().contains("cache 'long'"), e.getMessage());
        assertEquals(huge, table.get("huge"), "nothing removed");
        assertEquals(2, table.size());
        table.close();
    }

    @Test
    void theListenerIsCalledWithNoLockOfTheTableHeld() {
        // Review B12: reports of removes by match, clears and counts came under the layout read
        // lock, so a listener that reconfigured the table waited for itself.
        CacheTable[] self = new CacheTable[1];
        List<String> removed = new CopyOnWriteArrayList<>();
        TableListener reconfiguring = new TableListener() {
            @Override
            public boolean wants(EventKind kind) {
                return true;
            }

            @Override
            public void entry(EventKind kind, String cache, String key, Object value, long expiresAtMillis) {
                removed.add(key);
                self[0].reconfigure(new CacheSettings(2 + removed.size() % 3, 0, true, 0, null));
            }

            @Override
            public void table(EventKind kind, String cache, long count) {
                self[0].reconfigure(new CacheSettings(3, 0, true, 0, null));
            }
        };
        ManualClock clock = new ManualClock();
        CacheTable table = new CacheTable("self", new CacheSettings(2, 0, true, 0, null), new TimeSource(clock),
            reconfiguring);
        self[0] = table;
        for (int i = 0; i < 50; i++) {
            table.put("k" + i, "v");
            table.put("e" + i, "v", Duration.ofMillis(5));
        }
        clock.advance(10);
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            assertEquals(50, table.removeKeys(Match.prefix("k")));
            assertEquals(0, table.size());
            table.put("x", "v");
            assertEquals(1, table.clear());
        }, "a listener that changes the table waited for a lock its own caller held");
        assertEquals(100, removed.size(), "50 removed, 50 expired, each reported once: " + removed);
        table.close();
    }

    @Test
    void anIterationCopiesABoundedChunkNotAWholeSlot() {
        // Review B13: an iterator copied a whole slot at once, values included.
        CacheTable table = new CacheTable("copies", new CacheSettings(2, 0, true, 0, null),
            new TimeSource(new ManualClock()), TableListener.NONE);
        byte[] value = new byte[100 * 1024];
        for (int i = 0; i < 400; i++) {
            table.put("k" + i, value);
        }
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        Iterator<CacheEntry> it = table.iterator();
        long before = threads.getThreadAllocatedBytes(id);
        it.next();
        long copied = threads.getThreadAllocatedBytes(id) - before;
        // 400 values of 100 KiB over 4 slots: a whole slot is 10 MB
        assertTrue(copied < 3 * 1024 * 1024, "the first next() allocated " + copied + " bytes");
        int n = 1;
        while (it.hasNext()) {
            it.next();
            n++;
        }
        assertEquals(400, n);
        table.close();
    }
}
