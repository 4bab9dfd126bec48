package io.lapse.impl.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.lapse.cache.CacheEntry;
import io.lapse.cache.CacheStats;
import io.lapse.cache.Match;
import io.lapse.cache.replication.Replica;

/**
 * A table backed by a level ({@link LevelBacking}), with a fake clock: writes go through to the
 * level, misses read it, the heap table is bounded and evicts silently, whole-cache operations
 * cover the level, every expiry is reported exactly once whichever level holds the entry, and a
 * level that fails fails the call and changes nothing.
 */
class LevelBackingTest {

    private final ManualClock clock = new ManualClock();
    private final TimeSource time = new TimeSource(clock);
    private final RecordingListener events = new RecordingListener();
    private final MemoryLevel level = new MemoryLevel();
    private CacheTable table;
    private LevelBacking backing;

    private void backed(long maxEntries) {
        backed(maxEntries, level);
    }

    private void backed(long maxEntries, MemoryLevel lv) {
        CacheSettings st = new CacheSettings(4, 0, true, 0, null)
            .withLimits(new Limits(maxEntries, 0, Limits.MAX_ITEM_SIZE));
        table = new CacheTable("t", st, time, events);
        backing = table.backBy(lv);
    }

    @AfterEach
    void close() {
        if (table != null) {
            table.close();
        }
    }

    /** How many nodes the heap table holds, without reading through to the level. */
    private long heapEntries() {
        return table.footprint.entries();
    }

    private Map<String, Integer> expiredCounts() {
        Map<String, Integer> counts = new HashMap<>();
        events.of(EventKind.EXPIRED).forEach(e -> counts.merge(e.key, 1, Integer::sum));
        return counts;
    }

    @Test
    void writesGoThroughAndMissesReadTheLevelWhileTheHeapTableStaysWithinItsLimit() {
        backed(10);
        for (int i = 0; i < 100; i++) {
            table.put("k" + i, "v" + i, Duration.ofSeconds(60));
            assertTrue(heapEntries() <= 11, "the heap table holds its limit and the write in flight");
        }
        assertEquals(100, level.rows.size());
        assertEquals(time.toEpochMillis(time.now() + 60_000), level.row("k5").expiresAtMillis());
        for (int i = 0; i < 100; i++) {
            assertEquals("v" + i, table.get("k" + i), "k" + i + " from whichever level holds it");
        }
        assertTrue(backing.levelReads() >= 80, "most reads missed the heap table: " + backing.levelReads());
        assertEquals(100, table.size());
        assertTrue(events.of(EventKind.EVICTED).isEmpty(), "leaving the heap table is no eviction");
        CacheStats stats = table.stats();
        assertEquals(0, stats.evictions());
        assertEquals(100, stats.size());
        assertEquals(100, stats.puts());
        CacheEntry e = table.getEntry("k7");
        assertEquals(level.row("k7").expiresAtMillis(), e.expiresAtMillis(), "brought in with its deadline");
    }

    @Test
    void singleKeyWritesDecideOnTheEntryInTheLevel() {
        backed(2);
        table.put("n", 40L);
        table.put("s", "x");
        table.put("a", "1");
        table.put("b", "2");
        table.put("c", "3");
        assertEquals(40L, table.level.level().get("n").value());
        assertEquals(42L, table.increment("n", 2), "the level's 40, not a missing key's 0");
        assertEquals("x", table.putIfAbsent("s", "y"));
        table.put("d", "4");
        table.put("e", "5");
        assertEquals("x!", table.compute("s", (k, v) -> v + "!"));
        table.put("f", "6");
        table.put("g", "7");
        assertEquals("1", table.remove("a"), "removing a key only the level holds returns its value");
        assertNull(level.row("a"));
        List<RecordingListener.Event> removed = events.of(EventKind.REMOVED);
        assertEquals(1, removed.size());
        assertEquals("a", removed.get(0).key);
        assertEquals("1", removed.get(0).value);
        assertTrue(table.setTtl("b", Duration.ofSeconds(5)));
        assertEquals(time.toEpochMillis(time.now() + 5_000), level.row("b").expiresAtMillis());
        assertNull(table.remove("nobody"));
    }

    @Test
    void everyExpiryIsReportedOnceWhicheverLevelHoldsTheEntryAndWhoeverMeetsItFirst() {
        backed(20);
        for (int i = 0; i < 200; i++) {
            table.put("k" + i, "v" + i, Duration.ofMillis(100 + i % 3));
        }
        table.put("keep", "forever");
        clock.advance(200);
        // some met by reads, some by writes, some by the heap table's sweep, the rest by the level's expiry
        for (int i = 0; i < 50; i++) {
            assertNull(table.get("k" + i));
        }
        for (int i = 50; i < 60; i++) {
            table.put("k" + i, "new");
        }
        table.sweep(0, 1);
        int before = events.of(EventKind.EXPIRED).size();
        assertTrue(before >= 10, "each write reported the entry it found expired: " + before);
        assertEquals(200 - before, backing.expireDue(), "the rest, found by the level's deadlines");
        assertEquals(0, backing.expireDue(), "nothing is due twice");
        Map<String, Integer> counts = expiredCounts();
        assertEquals(200, counts.size());
        assertTrue(counts.values().stream().allMatch(c -> c == 1), counts.toString());
        for (RecordingListener.Event e : events.of(EventKind.EXPIRED)) {
            int i = Integer.parseInt(e.key.substring(1));
            assertEquals("v" + i, e.value);
        }
        assertEquals(11, level.rows.size(), "the ten rewritten keys and keep");
        assertEquals(200, table.stats().expirations());
        assertEquals("new", table.get("k55"));
        assertEquals("forever", table.get("keep"));
    }

    @Test
    void anEntryTheHeapTableDroppedAsExpiredIsNotBroughtBackNorReportedByIt() {
        backed(0);
        table.put("k", "v", Duration.ofMillis(100));
        clock.advance(150);
        assertNull(table.get("k"), "the heap table's node is past its deadline");
        assertTrue(events.of(EventKind.EXPIRED).isEmpty(), "the heap table reports nothing of a backed entry");
        assertNotNull(level.row("k"), "the row is there until the level's expiry deletes it");
        assertNull(table.get("k"), "a read through finds the row past its deadline: a miss");
        assertEquals(1, events.of(EventKind.EXPIRED).size(), "and that read, deleting the row, reported it");
        assertNull(level.row("k"));
        assertEquals(0, backing.expireDue());
        assertEquals(1, events.of(EventKind.EXPIRED).size());
    }

    @Test
    void aWriteOverAnEntryPastItsDeadlineReportsItExpiredFirst() {
        backed(1);
        table.put("k", "old", Duration.ofMillis(100));
        table.put("other", "x");
        clock.advance(100);
        table.put("k", "new");
        List<RecordingListener.Event> expired = events.of(EventKind.EXPIRED);
        assertEquals(1, expired.size());
        assertEquals("old", expired.get(0).value);
        assertEquals("new", table.get("k"));
        assertEquals(0, level.row("k").expiresAtMillis());
        assertEquals(0, backing.expireDue());
    }

    @Test
    void matchesCountsLookupsAndIterationCoverTheLevel() {
        backed(5);
        for (int i = 0; i < 300; i++) {
            table.put((i % 2 == 0 ? "even:" : "odd:") + String.format("%03d", i), i % 3 == 0 ? "fizz" : "v" + i);
        }
        table.put("gone", "soon", Duration.ofMillis(10));
        clock.advance(10);
        assertEquals(150, table.countKeys(Match.prefix("even:")));
        assertEquals(100, table.countValues(Match.regex("^fizz$")));
        assertEquals(List.of("odd:001", "odd:003"), table.keys(Match.glob("odd:00?"), 0, 2));
        assertEquals(List.of("odd:005", "odd:007"), table.keys(Match.prefix("odd:0"), 2, 2));
        List<String> all = new ArrayList<>();
        for (Iterator<CacheEntry> it = table.iterator(); it.hasNext();) {
            all.add(it.next().key());
        }
        assertEquals(300, all.size(), "every live entry once, the one past its deadline not");
        assertEquals(new TreeSet<>(all).size(), all.size());

        assertEquals(100, table.removeValues(Match.regex("^fizz$")));
        assertEquals(100, events.of(EventKind.REMOVED).size());
        assertEquals(100, table.removeKeys(Match.prefix("odd:")));
        assertEquals(200, events.of(EventKind.REMOVED).size());
        assertEquals(100, table.size());
        assertEquals(1, events.of(EventKind.EXPIRED).size(), "size() expired what was due first");

        table.put("late", "x", Duration.ofMillis(10));
        clock.advance(10);
        assertEquals(100, table.clear());
        assertEquals(2, events.of(EventKind.EXPIRED).size(), "a clear reports what was due as expired");
        assertEquals(100, events.of(EventKind.CLEARED).get(0).count);
        assertTrue(level.rows.isEmpty());
        assertEquals(0, heapEntries());
        assertNull(table.get("even:000"));
    }

    @Test
    void aLevelThatFailsFailsTheCallAndChangesNeitherLevel() {
        backed(1);
        table.put("b", "2");
        level.put(new CacheEntry("a", "1", 0));
        level.down.set(true);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> table.put("c", "3"));
        assertTrue(e.getMessage().contains("cache 't'") && e.getMessage().contains("level"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> table.put("b", "changed"));
        assertThrows(IllegalStateException.class, () -> table.remove("b"));
        assertThrows(IllegalStateException.class, () -> table.get("a"), "a read that fails is no miss");
        assertThrows(IllegalStateException.class, table::clear);
        assertThrows(IllegalStateException.class, () -> table.countKeys(Match.prefix("")));
        assertEquals("2", table.get("b"), "the heap table still serves what it holds");
        level.down.set(false);
        assertEquals("1", table.get("a"));
        assertEquals("2", table.get("b"));
        assertNull(table.get("c"));
        assertEquals(2, level.rows.size());
        assertTrue(events.of(EventKind.REMOVED).isEmpty() && events.of(EventKind.CLEARED).isEmpty());
    }

    @Test
    void deadlinesAreRoundedUpToTheLevelsPrecisionInBothLevels() {
        MemoryLevel seconds = new MemoryLevel(1000);
        backed(0, seconds);
        clock.advance(123);
        table.put("k", "v", Duration.ofMillis(1500));
        long row = seconds.row("k").expiresAtMillis();
        assertEquals(0, row % 1000);
        assertTrue(row >= time.toEpochMillis(time.now() + 1500) && row < time.toEpochMillis(time.now() + 2500));
        assertEquals(row, table.getEntry("k").expiresAtMillis());
        table.put("never", "v");
        assertEquals(0, seconds.row("never").expiresAtMillis());
    }

    @Test
    void whatALevelCannotKeepIsRefusedClearly() {
        CacheTable idle = new CacheTable("i", new CacheSettings(4, 0, true, 1000, null), time, events);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> idle.backBy(new MemoryLevel())).getMessage()
            .contains("idleexpire"));
        idle.close();
        CacheTable grouped = new CacheTable("g", new CacheSettings(4, 0, true, 0, null).withKeygroups(10), time, events);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> grouped.backBy(new MemoryLevel())).getMessage()
            .contains("keygroups"));
        grouped.close();
        CacheTable full = new CacheTable("f", new CacheSettings(4, 0, true, 0, null), time, events);
        full.put("k", "v");
        assertThrows(IllegalStateException.class, () -> full.backBy(new MemoryLevel()));
        full.close();

        backed(0);
        assertThrows(IllegalStateException.class, () -> table.backBy(new MemoryLevel()), "one level per table");
        assertThrows(IllegalStateException.class, () -> table.replicate(Replica.ExpiryEvents.OWNER));
        assertThrows(IllegalArgumentException.class,
            () -> table.reconfigure(new CacheSettings(4, 0, true, 500, null)));
        assertThrows(IllegalStateException.class, () -> table.replace(table.newContents(), null));
        level.put(new CacheEntry("elsewhere", "v", 0));
        IllegalStateException inside = assertThrows(IllegalStateException.class,
            () -> table.compute("k", (k, v) -> table.get("elsewhere")));
        assertTrue(inside.getMessage().contains("compute"), inside.getMessage());
    }

    @Test
    void aNewTableOverTheSameLevelSeesEverythingAndReportsWhatExpiredMeanwhile() {
        backed(0);
        table.put("stays", "v");
        table.put("goes", "v", Duration.ofMillis(100));
        table.close();
        level.down.set(true);
        assertEquals(0, table.stats().size(), "a closed table's final figures, which need not its level");
        assertEquals(2, table.stats().puts());
        level.down.set(false);
        assertTrue(events.of(EventKind.EXPIRED).isEmpty());
        clock.advance(500);
        backed(0);
        assertEquals("v", table.get("stays"));
        assertEquals(1, backing.expireDue());
        assertEquals("goes", events.of(EventKind.EXPIRED).get(0).key);
        assertEquals(1, table.size());
    }
}
