package io.lapse.impl.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.lapse.cache.CacheEntry;
import io.lapse.cache.CacheStats;
import io.lapse.cache.Match;
import io.lapse.testing.Await;

/**
 * Capacity limits of the engine: eviction by the clock hand, its reports and counts, weighing,
 * admission of values, live changes of the limits and loads that keep them. Single-threaded, on a
 * clock that moves only when told; the bound under concurrent writers is {@link CapacityBoundTest}'s.
 */
class CapacityTest {

    private final ManualClock clock = new ManualClock();
    private final TimeSource time = new TimeSource(clock);
    private final RecordingListener events = new RecordingListener();
    private CacheTable table;

    private CacheTable table(int sizeBits, long ttlMillis, Limits limits) {
        table = new CacheTable("capped", new CacheSettings(sizeBits, ttlMillis, true, 0, null).withLimits(limits), time,
            events);
        return table;
    }

    private static Limits entries(long max) {
        return new Limits(max, 0, Limits.MAX_ITEM_SIZE);
    }

    private static Limits bytes(long max) {
        return new Limits(0, max, Limits.MAX_ITEM_SIZE);
    }

    @AfterEach
    void close() {
        if (table != null) {
            table.close();
        }
    }

    private List<RecordingListener.Event> reported(EventKind kind) {
        return events.events.stream().filter(e -> e.kind == kind).collect(Collectors.toList());
    }

    @Test
    void aCacheOverMaxEntriesEvictsDownToItAndReportsEachEvictionOnce() {
        table(4, 0, entries(10));
        for (int i = 0; i < 100; i++) {
            table.put("k" + i, "v" + i);
            assertTrue(table.size() <= 10, "size " + table.size() + " after " + (i + 1) + " writes");
        }
        assertEquals(10, table.size());
        List<RecordingListener.Event> evicted = reported(EventKind.EVICTED);
        assertEquals(90, evicted.size());
        Set<String> keys = evicted.stream().map(e -> e.key).collect(Collectors.toSet());
        assertEquals(90, keys.size(), "an entry was evicted twice: " + evicted);
        for (RecordingListener.Event e : evicted) {
            assertEquals("v" + e.key.substring(1), e.value, "the event carries the evicted value");
            assertFalse(table.containsKey(e.key), e.key + " was reported evicted and is still there");
        }
        assertEquals(List.of(), reported(EventKind.EXPIRED));
        assertEquals(List.of(), reported(EventKind.REMOVED));
        CacheStats stats = table.stats();
        assertEquals(90, stats.evictions());
        assertEquals(0, stats.removals());
        assertEquals(0, stats.expirations());
        assertEquals(10, stats.maxEntries());
        assertEquals(0, stats.maxBytes());
    }

    @Test
    void aWriteEvictsWhenEveryEntryIsReferencedAndTheSlotsHoldManyChunksOfBuckets() {
        // 16 slots of 256 buckets: the hand must clear four chunks of each, a full turn, before
        // it finds an entry to evict
        table(4, 0, entries(4096));
        for (int i = 0; i <= 4096; i++) {
            table.put("k" + i, "v");
        }
        assertTrue(table.size() <= 4096, "size " + table.size() + " after the write that went over the limit");
        assertEquals(4097 - table.size(), reported(EventKind.EVICTED).size());
    }

    @Test
    void anEvictionGoesABatchBelowTheLimitSoTheNextWritesEvictNothing() {
        table(4, 0, entries(4096));
        for (int i = 0; i <= 4096; i++) {
            table.put("k" + i, "v");
        }
        assertEquals(4096 - 4, table.size(), "1/1,024 of the limit below it");
        assertEquals(5, table.stats().evictions());
        for (int i = 4097; i < 4097 + 4; i++) {
            table.put("k" + i, "v");
        }
        assertEquals(4096, table.size(), "the batch left room for four writes");
        assertEquals(5, table.stats().evictions());
        table.put("one more", "v");
        assertEquals(4096 - 4, table.size());
        assertEquals(10, reported(EventKind.EVICTED).size(), "each evicted entry reported once");
    }

    @Test
    void aBatchIsAtMost64EntriesAndNoneBelow1024() {
        table(6, 0, entries(200_000));
        for (int i = 0; i <= 200_000; i++) {
            table.put("k" + i, "v");
        }
        assertEquals(200_000 - 64, table.size(), "1/1,024 of 200,000 is 195: the batch stops at 64");
        table.reconfigure(table.settings().withLimits(entries(1_023)));
        assertEquals(1_023, table.size(), "lowering a limit evicts down to it, no batch under 1,024");
        table.put("one more", "v");
        assertEquals(1_023, table.size());
    }

    @Test
    void anEvictionOfBytesGoesABatchBelowMaxBytes() {
        String value = "x".repeat(1000);
        long one = Weights.entry("k0000", value, 0, false);
        long cap = 1 << 20;
        table(4, 0, bytes(cap));
        int i = 0;
        while (table.stats().evictions() == 0) {
            table.put(String.format("k%04d", i++), value);
        }
        long bytes = table.footprint.bytes();
        assertTrue(bytes <= cap - (cap >> 10) && bytes > cap - (cap >> 10) - one - Weights.buckets(64),
            "bytes " + bytes + " after an eviction under max_bytes " + cap);
    }

    @Test
    void theEntryNobodyReadSinceTheHandPassedGoesBeforeAnyThatWasRead() {
        for (int seed = 0; seed < 100; seed++) {
            events.events.clear();
            table(3, 0, entries(16));
            for (int i = 0; i < 17; i++) {
                table.put("k" + i, "v");
            }
            // That first eviction took the hand a whole turn, taking every reference on the way:
            // from here on, an entry is used only if it is read.
            List<String> live = new ArrayList<>();
            table.forEach(e -> live.add(e.key()));
            String idle = live.get(new Random(seed).nextInt(live.size()));
            live.stream().filter(k -> !k.equals(idle)).forEach(table::get);
            events.events.clear();
            table.put("new", "v");
            List<String> evicted = reported(EventKind.EVICTED).stream().map(e -> e.key).collect(Collectors.toList());
            assertEquals(List.of(idle), evicted, "seed " + seed + ": the one entry nobody read");
            table.close();
        }
    }

    @Test
    void aReadRecordsItsUseWithoutALockWhileEverySlotIsHeld() throws Exception {
        table(3, 0, entries(16));
        for (int i = 0; i < 17; i++) {
            table.put("k" + i, "v");
        }
        List<String> live = new ArrayList<>();
        table.forEach(e -> live.add(e.key()));
        String readUnderLocks = live.get(0);
        String idle = live.get(1);
        Object[] got = new Object[1];
        for (Segment s : table.segments) {
            s.lock();
        }
        try {
            Thread reader = new Thread(() -> got[0] = table.get(readUnderLocks), "locked-out-reader");
            reader.start();
            reader.join(Await.TIMEOUT.toMillis());
            assertFalse(reader.isAlive(), "the read waited for a slot lock");
        } finally {
            for (Segment s : table.segments) {
                s.unlock();
            }
        }
        assertEquals("v", got[0]);
        live.stream().skip(2).forEach(table::get);
        events.events.clear();
        table.put("new", "v");
        assertEquals(List.of(idle), reported(EventKind.EVICTED).stream().map(e -> e.key).collect(Collectors.toList()),
            "the read made while every slot was locked counted as a use");
    }

    @Test
    void theHandVisitsEveryBucketOnceATurnInBitReversedOrder() {
        for (int length : new int[] {1, 2, 4, 64}) {
            Set<Integer> seen = new HashSet<>();
            int cursor = 0;
            do {
                assertTrue(seen.add(cursor), "bucket " + cursor + " twice in a turn of " + length);
                cursor = ClockHand.following(cursor, length - 1);
            } while (cursor != 0);
            assertEquals(length, seen.size());
        }
        // Halfway through 4 buckets (0, 2 seen), the slot doubles: 0 and 2 split into 0, 4 and
        // 2, 6, the buckets already seen; the rest of the turn is exactly the others.
        Set<Integer> rest = new HashSet<>();
        for (int cursor = ClockHand.following(2, 3); cursor != 0; cursor = ClockHand.following(cursor, 7)) {
            rest.add(cursor);
        }
        assertEquals(Set.of(1, 5, 3, 7), rest);
    }

    @Test
    void approximateLruStaysWithinAPointOfExactLruOnAZipfTrace() {
        int keys = 8192;
        int capacity = keys / 4;
        table(6, 0, entries(capacity));
        Map<Integer, Boolean> exact = new LinkedHashMap<>(capacity * 2, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Integer, Boolean> eldest) {
                return size() > capacity;
            }
        };
        double[] cdf = new double[keys];
        double sum = 0;
        for (int i = 0; i < keys; i++) {
            sum += 1 / Math.pow(i + 1, 0.99);
            cdf[i] = sum;
        }
        Random random = new Random(5);
        int accesses = 400_000;
        int clockHits = 0;
        int lruHits = 0;
        for (int a = 0; a < accesses; a++) {
            double u = random.nextDouble() * sum;
            int lo = 0;
            int hi = keys - 1;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (cdf[mid] < u) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            // rank to key through a fixed scramble, so hot keys do not share slots
            int key = (lo * 0x9E3779B1) >>> 8;
            if (table.get("k" + key) != null) {
                clockHits++;
            } else {
                table.put("k" + key, "v");
            }
            if (exact.get(key) != null) {
                lruHits++;
            } else {
                exact.put(key, Boolean.TRUE);
            }
        }
        double clock = 100.0 * clockHits / accesses;
        double lru = 100.0 * lruHits / accesses;
        assertTrue(Math.abs(clock - lru) <= 1.0, "hit ratio " + clock + "% beside exact LRU's " + lru + "%");
        assertTrue(table.size() <= capacity);
    }

    @Test
    void anEntryPastItsDeadlineIsExpiredNotEvicted() {
        table(2, 10, entries(4));
        for (int i = 0; i < 4; i++) {
            table.put("old" + i, "v");
        }
        clock.advance(20);
        table.put("new", "v", Duration.ofHours(1));
        assertEquals(List.of(), reported(EventKind.EVICTED), "entries past their deadline are expired, not evicted");
        assertEquals(1, reported(EventKind.EXPIRED).size(), "the hand expired what it met first, then stopped");
        CacheStats stats = table.stats();
        assertEquals(4, stats.expirations(), "the snapshot expired the other three");
        assertEquals(0, stats.evictions());
    }

    @Test
    void loweringALimitLiveEvictsAtOnceWithEvents() {
        table(4, 0, Limits.NONE);
        for (int i = 0; i < 100; i++) {
            table.put("k" + i, "v");
        }
        assertEquals(0, table.stats().evictions());
        table.reconfigure(table.settings().withLimits(entries(10)));
        assertEquals(10, table.size(), "at once, when reconfigure returns");
        assertEquals(90, reported(EventKind.EVICTED).size());
        assertEquals(90, table.stats().evictions());
        table.reconfigure(table.settings().withLimits(Limits.NONE));
        for (int i = 100; i < 200; i++) {
            table.put("k" + i, "v");
        }
        assertEquals(110, table.size(), "no limit, no eviction");
    }

    @Test
    void weighsEntriesAsTheyAreWrittenAndKeepsTheirBytesUnderMaxBytes() {
        String value = "x".repeat(1000);
        long one = Weights.entry("k00", value, 0, false);
        long cap = one * 10 + 16 * Weights.buckets(4);
        table(2, 0, bytes(cap));
        for (int i = 0; i < 100; i++) {
            table.put(String.format("k%02d", i), value);
            assertTrue(table.footprint.bytes() <= cap, "bytes after " + (i + 1) + " writes");
        }
        CacheStats stats = table.stats();
        assertTrue(stats.size() >= 8, stats.toString());
        assertTrue(stats.weightedBytes() <= cap && stats.weightedBytes() > cap - one - Weights.buckets(8), stats.toString());
        assertEquals(100 - stats.size(), stats.evictions());
        assertEquals(cap, stats.maxBytes());
        assertEquals(weighAll(), stats.weightedBytes(), "the kept figure is what the entries weigh");
        // a value of two bytes a character weighs more: it takes the room of two
        long size = stats.size();
        String wide = "\u0100".repeat(1000);
        table.put(table.iterator().next().key(), wide);
        assertTrue(table.stats().weightedBytes() <= cap);
        assertTrue(table.size() < size, "an entry went to make room for the wider value");
        // an update that shrinks a value gives bytes back, and nothing is evicted for it
        events.events.clear();
        table.forEach(e -> table.put(e.key(), "small"));
        assertEquals(List.of(), reported(EventKind.EVICTED));
        assertEquals(table.stats().weightedBytes(), weighAll(), "the kept figure is what the entries weigh");
    }

    /** What the table's entries and bucket arrays weigh, reckoned afresh. */
    private long weighAll() {
        long[] sum = new long[1];
        table.forEach(e -> sum[0] += Weights.entry(e.key(), e.value(), Weights.flags(e.key(), e.value()), false));
        for (Segment s : table.segments) {
            sum[0] += Weights.buckets(s.table() == null ? 0 : s.table().length);
        }
        return sum[0];
    }

    @Test
    void removalsClearsAndExpiriesGiveTheirRoomBack() {
        table(3, 0, new Limits(10, 1 << 20, Limits.MAX_ITEM_SIZE));
        for (int i = 0; i < 10; i++) {
            table.put("a" + i, "v");
        }
        table.remove("a0");
        table.removeKeys(Match.prefix("a1"));
        table.put("ttl", "v", Duration.ofMillis(5));
        table.put("fresh", "v");
        assertEquals(0, table.stats().evictions(), "room made by removals is used first");
        clock.advance(10);
        table.sweep(0, 1);
        table.put("fresh2", "v");
        assertEquals(0, table.stats().evictions(), "room made by an expiry is used first");
        assertEquals(10, table.footprint.entries());
        table.clear();
        assertEquals(0, table.footprint.entries());
        assertEquals(weighAll(), table.footprint.bytes(), "the bucket arrays stay, nothing else");
        for (int i = 0; i < 10; i++) {
            table.put("b" + i, "v");
        }
        assertEquals(0, table.stats().evictions(), "a clear gives all the room back");
    }

    @Test
    void aValueLargerThanMaxItemSizeIsRefusedAndChangesNothing() {
        table(2, 0, new Limits(0, 0, 100));
        table.put("k", "before");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> table.put("k", "y".repeat(101)));
        assertEquals("cache 'capped': the value for key 'k' has 101 characters, more than max_item_size 100 allows",
            e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> table.putIfAbsent("other", new byte[101]));
        assertEquals("cache 'capped': the value for key 'other' has 101 bytes, more than max_item_size 100 allows",
            e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> table.compute("k", (k, v) -> "z".repeat(200)));
        assertEquals("before", table.get("k"));
        assertEquals(1, table.size());
        table.put("k", "y".repeat(100));
        assertEquals(100, ((String) table.get("k")).length());
    }

    @Test
    void anEntryHeavierThanMaxBytesAloneIsRefusedAndChangesNothing() {
        table(2, 0, bytes(2_000));
        table.put("k", "before");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> table.put("k", "y".repeat(5_000)));
        assertTrue(e.getMessage().startsWith("cache 'capped': the entry for key 'k' would weigh "), e.getMessage());
        assertTrue(e.getMessage().endsWith(" bytes, more than max_bytes 2000 allows"), e.getMessage());
        assertEquals("before", table.get("k"));
        assertEquals(List.of(), reported(EventKind.EVICTED));
    }

    @Test
    void startingToWeighLiveWeighsWhatIsStoredAndEvictsDownToTheLimit() {
        table(3, 0, entries(1000));
        for (int i = 0; i < 50; i++) {
            table.put("k" + i, (i % 2 == 0 ? "\u20ac" : "e").repeat(100));
        }
        long all = weighAll();
        table.reconfigure(table.settings().withLimits(new Limits(1000, all / 2, Limits.MAX_ITEM_SIZE)));
        CacheStats stats = table.stats();
        assertTrue(stats.weightedBytes() <= all / 2, stats.toString());
        assertEquals(weighAll(), stats.weightedBytes());
        assertEquals(50 - stats.size(), stats.evictions());
        assertEquals(stats.evictions(), reported(EventKind.EVICTED).size());
    }

    @Test
    void theSnapshotMeasuresWhatEntriesWeighWithoutALimit() {
        table(3, 0, Limits.NONE);
        table.put("a", "\u0100bc");
        table.put("b", 7L);
        table.put("c", new byte[33]);
        assertEquals(weighAll(), table.stats().weightedBytes());
        assertTrue(table.stats().weightedBytes() > 3 * Weights.NODE);
        table.put("c", "\u0100".repeat(100));
        assertEquals(weighAll(), table.stats().weightedBytes());
    }

    @Test
    void aLoadKeepsTheLimitsAndCountsWhatItLeftOut() {
        table(3, 0, entries(20));
        table.put("before", "v");
        Contents fresh = table.newContents();
        for (int i = 0; i < 50; i++) {
            fresh.putWithDefaultTtl("row" + i, "v");
        }
        assertEquals(20, fresh.size());
        assertEquals(30, fresh.leftOut());
        assertEquals(20, table.replace(fresh, null));
        assertEquals(20, table.size());
        assertEquals(20, table.footprint.entries());
        table.put("after", "v");
        assertEquals(20, table.size(), "the swapped-in contents count toward the limit");
        assertEquals(1, table.stats().evictions());
    }

    @Test
    void contentsMadeBeforeALimitWasLoweredAreEvictedDownToItWhenSwappedIn() {
        table(3, 0, entries(20));
        Contents fresh = table.newContents();
        for (int i = 0; i < 20; i++) {
            fresh.putWithDefaultTtl("row" + i, "v");
        }
        table.reconfigure(table.settings().withLimits(entries(10)));
        assertEquals(20, table.replace(fresh, null), "what the contents held when swapped in");
        assertEquals(10, table.size());
        assertEquals(10, reported(EventKind.EVICTED).size());
    }

    @Test
    void aChangeOfSizeKeepsTheCountsTrue() {
        table(3, 0, new Limits(30, 1 << 20, Limits.MAX_ITEM_SIZE));
        for (int i = 0; i < 30; i++) {
            table.put("k" + i, "v" + i);
        }
        assertEquals(weighAll(), table.footprint.bytes());
        table.reconfigure(new CacheSettings(6, 0, true, 0, null).withLimits(table.settings().limits()));
        assertEquals(30, table.footprint.entries());
        assertEquals(weighAll(), table.footprint.bytes(), "the entries and the new slots' bucket arrays");
        table.put("k30", "v");
        assertEquals(30, table.size());
        assertEquals(1, table.stats().evictions());
    }

    @Test
    void evictionLeavesAStoreThatWritesThroughAlone() {
        table(2, 0, entries(5));
        List<String> calls = new ArrayList<>();
        table.writeThrough(new WriteThrough() {
            @Override
            public void put(String key, Object value, long expiresAtMillis) {
                calls.add("put " + key);
            }

            @Override
            public void remove(String key) {
                calls.add("remove " + key);
            }

            @Override
            public void removeAll(List<String> keys) {
                calls.add("remove " + keys);
            }
        });
        for (int i = 0; i < 20; i++) {
            table.put("k" + i, "v");
        }
        assertEquals(15, table.stats().evictions());
        assertTrue(calls.stream().noneMatch(c -> c.startsWith("remove")), "an evicted entry stays in the store: " + calls);
        assertEquals(20, calls.size());
        Set<String> left = new HashSet<>();
        for (CacheEntry e : table) {
            left.add(e.key());
        }
        assertEquals(5, left.size());
    }
}
