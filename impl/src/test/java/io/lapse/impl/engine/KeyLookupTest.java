package io.lapse.impl.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.lapse.cache.Cache;
import io.lapse.cache.Match;

/**
 * {@link CacheTable#keys}: the live keys that match a regex, prefix or glob, paged by offset and
 * limit, with a fake clock so that expiry is exact.
 */
class KeyLookupTest {

    private final ManualClock clock = new ManualClock();
    private final TimeSource time = new TimeSource(clock);
    private final RecordingListener events = new RecordingListener();
    // 16 slots, so that keys lie across many slots and chunks
    private final CacheTable table = new CacheTable("t", new CacheSettings(4, 0, true, 0, null), time, events);

    @AfterEach
    void close() {
        table.close();
    }

    @Test
    void findsTheKeysThatMatchARegexAPrefixOrAGlob() {
        table.put("user:1", "a");
        table.put("user:2", "b");
        table.put("user:10", "c");
        table.put("session:1", "d");
        table.put("xuser:1", "e");
        assertEquals(Set.of("user:1", "user:2", "user:10"), set(table.keys(Match.prefix("user:"), 0, 100)));
        assertEquals(Set.of("user:1", "session:1", "xuser:1"), set(table.keys(Match.regex(":1$"), 0, 100)));
        assertEquals(Set.of("user:1", "user:2"), set(table.keys(Match.glob("user:?"), 0, 100)));
        assertEquals(Set.of("user:1", "user:2", "user:10", "xuser:1"), set(table.keys(Match.glob("*user:*"), 0, 100)));
        assertEquals(5, table.keys(Match.prefix(""), 0, 100).size(), "the empty prefix matches every key");
        assertTrue(table.keys(Match.prefix("nobody"), 0, 100).isEmpty());
    }

    @Test
    void pagesCoverEveryMatchingKeyOnceAndEndWithAShortPage() {
        Set<String> expected = new HashSet<>();
        for (int i = 0; i < 1_000; i++) {
            table.put("k" + i, "v");
            expected.add("k" + i);
            table.put("other" + i, "v");
        }
        List<String> seen = new ArrayList<>();
        long offset = 0;
        int pages = 0;
        for (;;) {
            List<String> page = table.keys(Match.prefix("k"), offset, 64);
            pages++;
            seen.addAll(page);
            offset += page.size();
            if (page.size() < 64) {
                break;
            }
        }
        assertEquals(expected.size(), seen.size(), "no key twice");
        assertEquals(expected, new HashSet<>(seen));
        assertEquals(16, pages, "15 full pages of 64 and one of 40");
        assertEquals(table.keys(Match.prefix("k"), 0, Cache.MAX_KEYS_PAGE).subList(100, 110),
            table.keys(Match.prefix("k"), 100, 10), "an offset skips matching keys in the same order");
        assertTrue(table.keys(Match.prefix("k"), 1_000, 10).isEmpty(), "an offset past the end gives an empty page");
    }

    @Test
    void anEntryPastItsDeadlineIsNeverAKeyEvenBeforeASweep() {
        table.put("short", "v", Duration.ofMillis(100));
        table.put("long", "v", Duration.ofMillis(200));
        table.put("never", "v");
        assertEquals(Set.of("short", "long", "never"), set(table.keys(Match.prefix(""), 0, 10)));
        clock.advance(100);
        assertEquals(Set.of("long", "never"), set(table.keys(Match.prefix(""), 0, 10)));
        clock.advance(100);
        assertEquals(List.of("never"), table.keys(Match.prefix(""), 0, 10));
        assertEquals(0, events.of(EventKind.EXPIRED).size(), "a lookup reports nothing: expiry stays the sweep's and the reads'");
    }

    @Test
    void theReturnedListIsTheCallersOwn() {
        table.put("a", "v");
        List<String> keys = table.keys(Match.prefix(""), 0, 10);
        keys.add("b");
        keys.remove("a");
        assertEquals(List.of("a"), table.keys(Match.prefix(""), 0, 10));
    }

    @Test
    void refusesBadArgumentsNamingTheCacheAndWhatWasWrong() {
        table.put("a", "v");
        assertThrows(NullPointerException.class, () -> table.keys(null, 0, 10));
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
            () -> table.keys(Match.prefix(""), -1, 10));
        assertTrue(negative.getMessage().contains("cache 't'") && negative.getMessage().contains("offset -1"),
            negative.getMessage());
        for (int limit : new int[] {0, -5, Cache.MAX_KEYS_PAGE + 1, Integer.MAX_VALUE}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> table.keys(Match.prefix(""), 0, limit));
            assertTrue(e.getMessage().contains("limit " + limit) && e.getMessage().contains(String.valueOf(Cache.MAX_KEYS_PAGE)),
                e.getMessage());
        }
        IllegalArgumentException badRegex = assertThrows(IllegalArgumentException.class,
            () -> table.keys(Match.regex("(unclosed"), 0, 10));
        assertTrue(badRegex.getMessage().contains("cache 't'"), badRegex.getMessage());
        assertEquals(List.of("a"), table.keys(Match.prefix(""), 0, Cache.MAX_KEYS_PAGE), "the largest page is served");
    }

    @Test
    void aLookupThatRunsOutOfItsBudgetSaysHowFarItGot() {
        for (int i = 0; i < 200_000; i++) {
            table.put("key" + i, "v");
        }
        IllegalStateException e = assertThrows(IllegalStateException.class,
            () -> table.keys(Match.regex("^k(e|f)y[0-9]*5$").within(Duration.ofNanos(1)), 0, Cache.MAX_KEYS_PAGE));
        assertTrue(e.getMessage().contains("looking up keys") && e.getMessage().contains("looked at"), e.getMessage());
    }

    @Test
    void aClosedTableRefusesALookup() {
        table.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> table.keys(Match.prefix(""), 0, 1));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }

    @Test
    void keysWrittenDuringAWalkOfManyChunksAreFoundOnceOrNotAtAllAndTheOthersAlways() throws Exception {
        for (int i = 0; i < 5_000; i++) {
            table.put("stay" + i, "v");
        }
        Thread writer = new Thread(() -> {
            for (int i = 0; i < 5_000; i++) {
                table.put("new" + i, "v");
                table.remove("new" + (i / 2));
            }
        });
        writer.start();
        List<String> all = new ArrayList<>();
        try {
            all.addAll(table.keys(Match.prefix(""), 0, Cache.MAX_KEYS_PAGE));
        } finally {
            writer.join();
        }
        assertEquals(all.size(), new TreeSet<>(all).size(), "no key twice in one lookup");
        for (int i = 0; i < 5_000; i++) {
            assertTrue(all.contains("stay" + i), "stay" + i + " was live throughout and must be found");
        }
    }

    private static Set<String> set(List<String> keys) {
        Set<String> s = new HashSet<>(keys);
        assertEquals(keys.size(), s.size(), "no key twice: " + keys);
        return s;
    }
}
