package io.lapse.impl.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import io.lapse.cache.CacheEntry;

/**
 * Review B7: a compute function that writes to another slot of its cache, or walks an
 * iterator, holds one slot lock and waits for another, which deadlocks against a change of size,
 * a reload or a close that takes every slot lock in order. Such writes are refused instead.
 */
class ComputeRefusalTest {

    private final ManualClock clock = new ManualClock();
    private final TimeSource time = new TimeSource(clock);
    private final CacheTable table = new CacheTable("c", new CacheSettings(4, 0, true, 0, null), time,
        TableListener.NONE);

    /** Two keys of different slots, the first in the lower one. */
    private static String[] lowerThenHigherSlot() {
        for (int i = 0; i < 1000; i++) {
            for (int j = 0; j < 1000; j++) {
                String low = "low" + i;
                String high = "high" + j;
                if (CacheTable.segmentIndex(CacheTable.spread(low.hashCode()), 16)
                    < CacheTable.segmentIndex(CacheTable.spread(high.hashCode()), 16)) {
                    return new String[] {low, high};
                }
            }
        }
        throw new AssertionError("no such keys");
    }

    @Test
    void aWriteToAnotherSlotInsideComputeIsRefusedRatherThanDeadlockingAChangeOfSize() {
        String[] keys = lowerThenHigherSlot();
        String low = keys[0];
        String high = keys[1];
        table.put(low, "l");
        table.put(high, "h");
        AtomicReference<Throwable> computeFailure = new AtomicReference<>();
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            CountDownLatch inside = new CountDownLatch(1);
            AtomicReference<Thread> resizer = new AtomicReference<>();
            Thread computer = new Thread(() -> {
                try {
                    table.compute(high, (k, v) -> {
                        inside.countDown();
                        // wait until the change of size holds the low slot and waits for this one
                        Thread r;
                        while ((r = resizer.get()) == null || r.getState() != Thread.State.WAITING) {
                            Thread.onSpinWait();
                        }
                        table.put(low, "written inside compute");
                        return "computed";
                    });
                } catch (Throwable t) {
                    computeFailure.set(t);
                }
            }, "computer");
            computer.start();
            assertTrue(inside.await(5, TimeUnit.SECONDS));
            Thread r = new Thread(() -> table.reconfigure(new CacheSettings(6, 0, true, 0, null)), "resizer");
            resizer.set(r);
            r.start();
            computer.join();
            r.join();
        }, "compute writing to another slot deadlocked against a change of size");
        assertTrue(computeFailure.get() instanceof IllegalStateException, String.valueOf(computeFailure.get()));
        assertTrue(computeFailure.get().getMessage().contains("compute function"), computeFailure.get().getMessage());
        assertEquals("l", table.get(low), "a refused compute changes nothing");
        assertEquals("h", table.get(high));
        assertEquals(64, table.stats().slots());
    }

    @Test
    void everyWriteAndWholeCacheOperationInsideComputeIsRefused() {
        table.put("k", "v");
        table.put("other", "o");
        Iterator<CacheEntry> made = table.iterator();
        Runnable[] refused = {
            () -> table.put("other", "x"),
            () -> table.put("other", "x", Duration.ofSeconds(1)),
            () -> table.putIfAbsent("new", "x"),
            () -> table.remove("other"),
            () -> table.increment("n", 1),
            () -> table.setTtl("other", Duration.ofSeconds(1)),
            () -> table.compute("other", (k, v) -> "x"),
            () -> table.clear(),
            () -> table.size(),
            () -> table.iterator(),
            made::hasNext,
            () -> table.stats(),
            () -> table.resetStats(),
            () -> table.removeKeys(io.lapse.cache.Match.prefix("o")),
            () -> table.countValues(io.lapse.cache.Match.prefix("o")),
            () -> table.keys(io.lapse.cache.Match.prefix("o"), 0, 10),
        };
        for (Runnable call : refused) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> table.compute("k", (k, v) -> {
                    call.run();
                    return "changed";
                }));
            assertTrue(e.getMessage().contains("compute function"), e.getMessage());
        }
        assertEquals("v", table.get("k"), "every refused compute changed nothing");
        assertEquals("o", table.get("other"));
        assertEquals("vo", table.compute("k", (k, v) -> v + String.valueOf(table.get("other"))), "reads are allowed");
    }
}
