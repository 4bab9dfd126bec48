package io.lapse.impl.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import io.lapse.cache.CacheEntry;
import io.lapse.cache.CacheStats;

/**
 * The bound of a limit under concurrent writers: two threads write ten times the limit of new
 * keys (and rewrite some, and read) while a third watches the table's counts; neither the entries
 * nor their bytes ever exceed the limit by more than the documented slack, one entry per writing
 * thread, and once the writers stop the table is within its limits exactly. Every key written
 * ends exactly once: still in the table, or reported evicted once, never both.
 */
class CapacityBoundTest {

    private static final int WRITERS = 2;
    private static final int MAX_ENTRIES = 2_000;

    @Test
    void twoWritersNeverTakeTheTableOverItsLimitsBeyondTheSlack() throws Exception {
        String value = "v".repeat(100);
        long oneEntry = Weights.entry("w0-0000000", value, 0, false);
        long maxBytes = oneEntry * MAX_ENTRIES * 3 / 4;
        RecordingListener events = new RecordingListener();
        CacheTable table = new CacheTable("bound", new CacheSettings(6, 0, true, 0, null)
            .withLimits(new Limits(MAX_ENTRIES, maxBytes, Limits.MAX_ITEM_SIZE)), new TimeSource(new ManualClock()), events);
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicLong mostEntries = new AtomicLong();
        AtomicLong mostBytes = new AtomicLong();
        long samples[] = new long[1];
        Thread watcher = new Thread(() -> {
            while (writing.get()) {
                mostEntries.accumulateAndGet(table.footprint.entries(), Math::max);
                mostBytes.accumulateAndGet(table.footprint.bytes(), Math::max);
                mostEntries.accumulateAndGet(table.size(), Math::max);
                samples[0]++;
            }
        }, "bound-watcher");
        Thread[] writers = new Thread[WRITERS];
        int perWriter = MAX_ENTRIES * 10 / WRITERS;
        for (int w = 0; w < WRITERS; w++) {
            int id = w;
            writers[w] = new Thread(() -> {
                try {
                    for (int i = 0; i < perWriter; i++) {
                        String key = String.format("w%d-%07d", id, i);
                        table.put(key, value);
                        if (i % 7 == 0) {
                            table.put(String.format("w%d-%07d", id, i / 2), value);
                        }
                        table.get(String.format("w%d-%07d", id, i - 3));
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, "bound-writer-" + w);
        }
        watcher.start();
        for (Thread t : writers) {
            t.start();
        }
        for (Thread t : writers) {
            t.join();
        }
        writing.set(false);
        watcher.join();
        assertNull(failure.get());

        assertTrue(samples[0] > 100, "the watcher looked only " + samples[0] + " times");
        assertTrue(mostEntries.get() <= MAX_ENTRIES + WRITERS, "entries reached " + mostEntries.get());
        // A write that links an entry may also double its slot's bucket array before it evicts;
        // arrays never shrink here, so the largest one now bounds the largest such growth.
        int longest = 0;
        for (Segment s : table.segments) {
            Node[] tab = s.table();
            longest = Math.max(longest, tab == null ? 0 : tab.length);
        }
        long growth = Weights.buckets(longest) - Weights.buckets(longest / 2);
        assertTrue(mostBytes.get() <= maxBytes + WRITERS * (oneEntry + growth), "bytes reached " + mostBytes.get());
        CacheStats stats = table.stats();
        assertTrue(stats.size() <= MAX_ENTRIES && stats.weightedBytes() <= maxBytes, stats.toString());
        assertEquals(table.footprint.entries(), stats.size());

        Map<String, Integer> endings = new HashMap<>();
        for (RecordingListener.Event e : events.events) {
            assertEquals(EventKind.EVICTED, e.kind, e.toString());
            endings.merge(e.key, 1, Integer::sum);
        }
        for (CacheEntry e : table) {
            endings.merge(e.key(), 1, Integer::sum);
        }
        assertEquals(stats.evictions() + stats.size(), endings.values().stream().mapToLong(Integer::longValue).sum());
        long rewritten = endings.values().stream().filter(n -> n > 1).count();
        // a key rewritten after its eviction lives again, and may be evicted again: its endings
        // may be two; a key written once ends once
        assertEquals(WRITERS * perWriter, endings.size(), "every key written ended");
        assertTrue(rewritten < WRITERS * perWriter / 7 + WRITERS, rewritten + " keys ended more than once");
        table.close();
    }
}
