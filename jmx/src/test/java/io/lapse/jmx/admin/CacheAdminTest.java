package io.lapse.jmx.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import io.lapse.impl.engine.CacheSettings;
import io.lapse.impl.engine.CacheTable;
import io.lapse.impl.engine.ManualClock;
import io.lapse.impl.engine.TableListener;
import io.lapse.impl.engine.TimeSource;

class CacheAdminTest {

    private final ManualClock clock = new ManualClock(System.currentTimeMillis());
    private final CacheTable table = new CacheTable("demo", new CacheSettings(4, 0, true, 0, 7L).withKeygroups(5_000),
        new TimeSource(clock), TableListener.NONE);
    private final CacheAdmin admin = new CacheAdmin(table, Reloader.NO_STORES);

    @AfterEach
    void close() {
        table.close();
    }

    @Test
    void setsGetsAndDeletesLikeHtable() {
        admin.sets("s", "text");
        admin.seti("n", -5);
        table.put("b", new byte[] {1, 2, 3});
        assertEquals("text", admin.get("s"));
        assertEquals("-5", admin.get("n"));
        assertEquals("base64:AQID", admin.get("b"));
        assertEquals(-5L, table.get("n"), "seti stores a Long");
        assertNull(admin.get("missing"), "initval (7) is not a stored value");
        assertTrue(admin.delete("s"));
        assertFalse(admin.delete("s"));
        assertNull(admin.get("s"));
    }

    @Test
    void setexGivesALiveEntryANewTtl() {
        admin.sets("k", "v");
        assertTrue(admin.setex("k", 2));
        assertFalse(admin.setex("missing", 2));
        clock.advance(1_999);
        assertEquals("v", admin.get("k"));
        clock.advance(1);
        assertNull(admin.get("k"));
        admin.sets("forever", "v");
        assertTrue(admin.setex("forever", 0));
        assertEquals(0, table.getEntry("forever").expiresAtMillis());
    }

    @Test
    void refusesBadInputNamingTheCacheAndChangesNothing() {
        admin.sets("keep", "me");
        assertRefused("cache 'demo': key is null", () -> admin.get(null));
        assertRefused("cache 'demo': value is null", () -> admin.sets("k", null));
        assertRefused("cache 'demo': key is empty", () -> admin.sets("", "v"));
        assertRefused("cache 'demo': key of 5000 characters is longer than the limit of 4096",
            () -> admin.delete("k".repeat(5000)));
        assertRefused("cache 'demo': seconds -1 is negative", () -> admin.setex("keep", -1));
        assertRefused("cache 'demo': offset -1 is negative", () -> admin.dump(-1, 10));
        assertRefused("cache 'demo': limit 0 must be at least 1", () -> admin.dump(0, 0));
        assertRefused("cache 'demo': key regex is null", () -> admin.countKeysMatching(null));
        assertRefused("cache 'demo': key regex of 1025 characters is longer than the limit of 1024",
            () -> admin.countKeysMatching("x".repeat(1025)));
        assertRefused("cache 'demo': prefix of 1025 characters is longer than the limit of 1024",
            () -> admin.removeKeysWithPrefix("x".repeat(1025)));
        assertRefused("cache 'demo': prefix is null", () -> admin.removeKeysWithPrefix(null));
        IllegalArgumentException invalid = assertThrows(IllegalArgumentException.class,
            () -> admin.removeKeysMatching("(unclosed"));
        assertTrue(invalid.getMessage().startsWith("cache 'demo': invalid regex '(unclosed'"), invalid.getMessage());
        IllegalArgumentException complex = assertThrows(IllegalArgumentException.class,
            () -> admin.removeValuesMatching("((a{1000}){1000}){1000}"));
        assertTrue(complex.getMessage().startsWith("cache 'demo': value regex '((a{1000}){1000}){1000}' is too complex"),
            complex.getMessage());
        assertEquals(1, table.size());
        assertEquals("me", admin.get("keep"));
    }

    @Test
    void reloadSaysTheCacheHasNoStore() {
        admin.sets("k", "v");
        IllegalStateException e = assertThrows(IllegalStateException.class, admin::reload);
        assertEquals("cache 'demo' has no store to reload from", e.getMessage());
        assertEquals("v", admin.get("k"));
    }

    @Test
    void reloadUsesTheReloaderItIsGiven() {
        CacheAdmin withStore = new CacheAdmin(table, cache -> {
            cache.put("loaded", "yes");
            return 1;
        });
        assertEquals(1, withStore.reload());
        assertEquals("yes", withStore.get("loaded"));
    }

    @Test
    void removesAndCountsByPattern() {
        for (int i = 0; i < 10; i++) {
            admin.sets("user:" + i, i % 2 == 0 ? "even" : "odd");
        }
        admin.seti("counter", 42);
        assertEquals(10, admin.countKeysMatching("^user:"));
        assertEquals(5, admin.removeValuesMatching("^odd$"));
        assertEquals(1, admin.removeValuesMatching("^4[0-9]$"), "a Long matches as its decimal text");
        assertEquals(2, admin.removeKeysMatching("user:[0-3]$"));
        assertEquals(1, admin.removeKeysWithPrefix("user:4"));
        assertEquals(2, table.size());
        assertEquals(2, admin.reset());
        assertEquals(0, table.size());
    }

    @Test
    void dumpPagesThroughEveryLiveEntryOnce() {
        for (int i = 0; i < 2500; i++) {
            admin.sets("k" + i, "v" + i);
        }
        Set<String> seen = new HashSet<>();
        long offset = 0;
        int pages = 0;
        while (offset >= 0) {
            DumpPage page = admin.dump(offset, 5000);
            assertEquals(offset, page.getOffset());
            assertEquals(2500, page.getSize());
            assertTrue(page.getRows().length <= CacheAdmin.MAX_DUMP_ROWS, "a larger limit is served as the cap");
            for (DumpRow row : page.getRows()) {
                assertTrue(seen.add(row.getKey()), "twice: " + row.getKey());
                assertEquals("v" + row.getKey().substring(1), row.getValue());
                assertEquals("String", row.getType());
                assertEquals(0, row.getExpiresAtMillis());
                assertFalse(row.isTruncated());
            }
            offset = page.getNextOffset();
            pages++;
        }
        assertEquals(2500, seen.size());
        assertEquals(3, pages);
        DumpPage beyond = admin.dump(10_000, 10);
        assertEquals(0, beyond.getRows().length);
        assertEquals(-1, beyond.getNextOffset());
    }

    @Test
    void dumpStopsAtTheByteCapAndCutsLongValues() {
        String value = "x".repeat(100_000);
        for (int i = 0; i < 1000; i++) {
            admin.sets(String.format("%04d", i) + "k".repeat(4000), value);
        }
        DumpPage page = admin.dump(0, 1000);
        int rows = page.getRows().length;
        long bytes = 0;
        for (DumpRow row : page.getRows()) {
            assertTrue(row.isTruncated());
            assertEquals(CacheAdmin.MAX_DUMP_VALUE_CHARS, row.getValue().length());
            assertEquals(100_000, row.getValueLength());
            bytes += row.getKey().length() + row.getValue().length() + CacheAdmin.ROW_OVERHEAD_BYTES;
        }
        assertTrue(bytes <= CacheAdmin.MAX_DUMP_BYTES, bytes + " bytes");
        assertTrue(rows > 100 && rows < 1000, rows + " rows");
        assertEquals(rows, page.getNextOffset());
    }

    @Test
    void keysPagesThroughTheMatchingKeysOfEveryKindOnce() {
        for (int i = 0; i < 2500; i++) {
            admin.sets("user:" + i, "v");
            admin.sets("other:" + i, "v");
        }
        Set<String> seen = new HashSet<>();
        long offset = 0;
        int pages = 0;
        while (offset >= 0) {
            KeyPage page = admin.keys("prefix", "user:", offset, 5000);
            assertEquals(offset, page.getOffset());
            assertTrue(page.getKeys().length <= CacheAdmin.MAX_DUMP_ROWS, "a larger limit is served as the cap");
            for (String key : page.getKeys()) {
                assertTrue(key.startsWith("user:") && seen.add(key), "twice or unmatched: " + key);
            }
            offset = page.getNextOffset();
            pages++;
        }
        assertEquals(2500, seen.size());
        assertEquals(3, pages);
        assertEquals(Set.of("user:7", "other:7"), Set.of(admin.keys("regex", "^[a-z]+:7$", 0, 10).getKeys()));
        KeyPage exact = admin.keys("glob", "user:2?9", 0, 100);
        assertEquals(10, exact.getKeys().length, "user:209, user:219 ... user:299");
        assertEquals(-1, exact.getNextOffset(), "a page that holds every match says there is none after it");
        KeyPage full = admin.keys("glob", "user:2?9", 0, 10);
        assertEquals(-1, full.getNextOffset(), "a page filled exactly by the last matches is the last");
        assertEquals(9, admin.keys("glob", "user:2?9", 0, 9).getNextOffset(), "one match is left after nine");
        assertTrue(admin.setex("user:7", 1));
        clock.advance(1_000);
        assertEquals(0, admin.keys("regex", "^user:7$", 0, 10).getKeys().length, "an expired key never appears");
    }

    @Test
    void keysStopsAtTheByteCap() {
        for (int i = 0; i < 1000; i++) {
            admin.sets(String.format("%04d", i) + "k".repeat(4000), "v");
        }
        KeyPage page = admin.keys("prefix", "", 0, 1000);
        long bytes = 0;
        for (String key : page.getKeys()) {
            bytes += key.length() + CacheAdmin.ROW_OVERHEAD_BYTES;
        }
        assertTrue(bytes <= CacheAdmin.MAX_DUMP_BYTES, bytes + " bytes");
        int rows = page.getKeys().length;
        assertTrue(rows > 100 && rows < 1000, rows + " keys");
        assertEquals(rows, page.getNextOffset());
    }

    @Test
    void keysRefusesBadInputNamingTheCache() {
        assertRefused("cache 'demo': kind is null", () -> admin.keys(null, "a", 0, 1));
        assertRefused("cache 'demo': match kind 'like' is none of regex, prefix, glob", () -> admin.keys("like", "a", 0, 1));
        assertRefused("cache 'demo': match kind of 40 characters is none of regex, prefix, glob",
            () -> admin.keys("x".repeat(40), "a", 0, 1));
        assertRefused("cache 'demo': glob is null", () -> admin.keys("glob", null, 0, 1));
        assertRefused("cache 'demo': key regex is null", () -> admin.keys("regex", null, 0, 1));
        assertRefused("cache 'demo': prefix of 1025 characters is longer than the limit of 1024",
            () -> admin.keys("prefix", "p".repeat(1025), 0, 1));
        assertRefused("cache 'demo': offset -1 is negative", () -> admin.keys("prefix", "", -1, 10));
        assertRefused("cache 'demo': limit 0 must be at least 1", () -> admin.keys("prefix", "", 0, 0));
        assertThrows(IllegalArgumentException.class, () -> admin.keys("regex", "(unclosed", 0, 1));
    }

    @Test
    void groupKeysPagesThroughAGroupInKeyOrderAndInvalidateGroupRemovesIt() {
        for (int i = 0; i < 2500; i++) {
            table.put(String.format("k%04d", i), "v", null, "big");
        }
        table.put("other", "v", null, "small");
        KeyPage first = admin.groupKeys("big", 0, 5000);
        assertEquals(CacheAdmin.MAX_DUMP_ROWS, first.getKeys().length, "a larger limit is served as the cap");
        assertEquals("k0000", first.getKeys()[0]);
        assertEquals("k0999", first.getKeys()[999]);
        assertEquals(1000, first.getNextOffset());
        KeyPage last = admin.groupKeys("big", 2000, 1000);
        assertEquals("k2000", last.getKeys()[0]);
        assertEquals(500, last.getKeys().length);
        assertEquals(-1, last.getNextOffset());
        assertEquals(0, admin.groupKeys("big", 9_999, 10).getKeys().length);
        assertEquals(2500, admin.invalidateGroup("big"));
        assertEquals(1, table.size());
        assertRefused("cache 'demo': group is null", () -> admin.invalidateGroup(null));
        assertRefused("cache 'demo': group is null", () -> admin.groupKeys(null, 0, 1));
        assertRefused("cache 'demo': offset -1 is negative", () -> admin.groupKeys("small", -1, 1));
        assertRefused("cache 'demo': limit 0 must be at least 1", () -> admin.groupKeys("small", 0, 0));
        assertRefused("cache 'demo': group is empty", () -> admin.invalidateGroup(""));
        assertEquals(1, table.size());
    }

    @Test
    void dumpRendersBytesAndDeadlines() {
        table.put("bytes", new byte[] {1, 2, 3}, Duration.ofSeconds(10));
        DumpRow row = admin.dump(0, 10).getRows()[0];
        assertEquals("byte[]", row.getType());
        assertEquals("base64:AQID", row.getValue());
        assertEquals(3, row.getValueLength());
        assertEquals(table.getEntry("bytes").expiresAtMillis(), row.getExpiresAtMillis());
        assertTrue(row.getRemainingMillis() > 0 && row.getRemainingMillis() <= 10_000, row.getRemainingMillis() + " ms");
        clock.advance(10_000);
        assertEquals(0, admin.dump(0, 10).getRows().length, "an expired entry never appears");
    }

    @Test
    void dumpLeavesOutEntriesWhoseDeadlineTheWallClockHasPassed() {
        // The table's clock says an hour ago, so its deadlines are in the wall clock's past while
        // it still holds them as live: the dump checks deadlines itself, as the page is built.
        ManualClock past = new ManualClock(System.currentTimeMillis() - 3_600_000);
        CacheTable lagging = new CacheTable("lagging", new CacheSettings(2, 0, true, 0, null), new TimeSource(past),
            TableListener.NONE);
        try {
            lagging.put("soon", "v", Duration.ofMinutes(1));
            lagging.put("never", "v");
            assertEquals(2, lagging.size());
            DumpRow[] rows = new CacheAdmin(lagging, Reloader.NO_STORES).dump(0, 10).getRows();
            assertEquals(1, rows.length);
            assertEquals("never", rows[0].getKey());
        } finally {
            lagging.close();
        }
    }

    @Test
    void aClosedCacheAnswersIllegalState() {
        table.close();
        assertThrows(IllegalStateException.class, () -> admin.sets("k", "v"));
        assertThrows(IllegalStateException.class, () -> admin.dump(0, 1));
    }

    private static void assertRefused(String message, Executable call) {
        assertEquals(message, assertThrows(IllegalArgumentException.class, call).getMessage());
    }
}
