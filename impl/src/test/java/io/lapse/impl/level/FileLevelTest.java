package io.lapse.impl.level;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.lapse.cache.CacheEntry;
import io.lapse.cache.Match;

/**
 * The embedded file level on H2's MVStore: what is put comes back as it was put, across a close
 * and a reopen; scans page through keys in order, narrowed by a prefix or a glob's literal start;
 * the deadline index hands out what is due in deadline order and survives rewrites.
 */
class FileLevelTest {

    @TempDir
    Path folder;

    private FileLevel level;

    private FileLevel open() {
        level = FileLevel.open(folder.resolve("levels").resolve("cache.mv"));
        return level;
    }

    @AfterEach
    void close() {
        if (level != null) {
            level.close();
        }
    }

    @Test
    void everyValueDeadlineAndGroupComesBackAsItWasPutAfterAReopen() {
        List<CacheEntry> put = List.of(
            new CacheEntry("text", "a value", 0),
            new CacheEntry("long", Long.MIN_VALUE, 1_796_600_000_000L),
            new CacheEntry("bytes", new byte[] {0, -1, 127}, Long.MAX_VALUE),
            new CacheEntry("empty", "", 5),
            new CacheEntry("unicode ✓ 𝄞", "värde 𝄞", 0, "gröup"),
            new CacheEntry("lone \ud800", "also \udc00 lone", 7, "g\udfff"),
            new CacheEntry("big", "x".repeat(1 << 20), 0, "g"));
        open();
        put.forEach(level::put);
        level.close();
        open();
        assertEquals(put.size(), level.size());
        for (CacheEntry e : put) {
            CacheEntry back = level.get(e.key());
            assertEquals(e, back, e.key());
        }
        assertArrayEquals(new byte[] {0, -1, 127}, (byte[]) level.get("bytes").value());
        assertNull(level.get("missing"));
        assertTrue(Files.exists(folder.resolve("levels").resolve("cache.mv")), "the folder was made");
    }

    @Test
    void removalsAndAClearTakeEntriesAndTheirDeadlinesOut() {
        open();
        for (int i = 0; i < 10; i++) {
            level.put(new CacheEntry("k" + i, "v", 1_000 + i));
        }
        assertTrue(level.remove("k0"));
        assertFalse(level.remove("k0"));
        level.removeAll(List.of("k1", "k2", "never"));
        assertEquals(7, level.size());
        assertEquals(7, level.index().size());
        assertEquals(List.of("k3", "k4"), keys(level.due(1_004, 100)));
        assertEquals(7, level.clear());
        assertEquals(0, level.size());
        assertTrue(level.index().isEmpty());
        assertTrue(level.due(Long.MAX_VALUE, 10).isEmpty());
    }

    @Test
    void dueHandsOutWhatIsDueInDeadlineOrderAndFollowsRewrites() {
        open();
        level.put(new CacheEntry("late", "v", 3_000));
        level.put(new CacheEntry("early", "v", 1_000));
        level.put(new CacheEntry("never", "v", 0));
        level.put(new CacheEntry("moved", "v", 2_000));
        level.put(new CacheEntry("moved", "w", 5_000));
        level.put(new CacheEntry("cleared", "v", 1_500));
        level.put(new CacheEntry("cleared", "v", 0));
        assertEquals(List.of("early", "late"), keys(level.due(4_999, 100)));
        assertEquals(List.of("early", "late", "moved"), keys(level.due(Long.MAX_VALUE, 100)));
        assertEquals(List.of("early"), keys(level.due(Long.MAX_VALUE, 1)));
        assertEquals(3, level.index().size(), "a rewrite leaves no old deadline behind");
    }

    @Test
    void anIndexEntryLeftByAWriteCutOffIsSkippedAndRemoved() {
        open();
        level.put(new CacheEntry("k", "v", 2_000));
        // what a write cut off between its two maps leaves: the new deadline indexed, the entry old
        level.index().put(FileLevel.indexKey(1_000, "k"), "");
        level.index().put(FileLevel.indexKey(1_500, "gone"), "");
        assertEquals(List.of("k"), keys(level.due(Long.MAX_VALUE, 10)));
        assertEquals(Set.of(FileLevel.indexKey(2_000, "k")), level.index().keySet());
    }

    @Test
    void scansPageThroughKeysInOrderNarrowedByAPrefixOrAGlob() {
        open();
        for (int i = 0; i < 250; i++) {
            level.put(new CacheEntry(String.format("user:%03d", i), "v", 0));
            level.put(new CacheEntry(String.format("sess:%03d", i), "v", 0));
        }
        level.put(new CacheEntry("user", "v", 0));
        List<String> all = new ArrayList<>();
        String after = null;
        for (;;) {
            List<CacheEntry> page = level.scan(Match.prefix("user:"), after, 100);
            all.addAll(keys(page));
            if (page.size() < 100) {
                break;
            }
            after = page.get(page.size() - 1).key();
        }
        assertEquals(250, all.size());
        assertEquals(all.stream().sorted().collect(Collectors.toList()), all, "in key order");
        assertTrue(all.stream().allMatch(k -> k.startsWith("user:")));
        assertEquals(List.of("user:010", "user:011"), keys(level.scan(Match.glob("user:01*"), null, 2)));
        assertEquals(List.of("sess:000", "sess:001"), keys(level.scan(Match.glob("*:00?"), null, 2)),
            "a glob that starts with a wildcard scans from the first key; the cache matches again");
        assertEquals(501, level.scan(Match.regex("^u"), null, 1_000).size(), "a regex is not narrowed");
        assertEquals(List.of("user:249"), keys(level.scan(Match.prefix("user:"), "user:248", 10)));
        assertTrue(level.scan(Match.prefix("zzz"), null, 10).isEmpty());
        assertThrows(IllegalArgumentException.class, () -> level.scan(Match.prefix(""), null, 0));
    }

    @Test
    void aFileOtherThanALevelOrOneInUseIsRefusedNamingIt() throws Exception {
        open();
        IllegalStateException inUse = assertThrows(IllegalStateException.class,
            () -> FileLevel.open(folder.resolve("levels").resolve("cache.mv")));
        assertTrue(inUse.getMessage().startsWith("level file '" + folder.resolve("levels").resolve("cache.mv")
            .toAbsolutePath() + "' cannot be opened"), inUse.getMessage());
        Path text = folder.resolve("not-a-level.mv");
        Files.writeString(text, "this is not an MVStore file, but it is long enough to be read as one ".repeat(100));
        IllegalStateException garbage = assertThrows(IllegalStateException.class, () -> FileLevel.open(text));
        assertTrue(garbage.getMessage().contains("not-a-level.mv"), garbage.getMessage());
        Path blocked = folder.resolve("a-file");
        Files.writeString(blocked, "x");
        IllegalStateException noFolder = assertThrows(IllegalStateException.class,
            () -> FileLevel.open(blocked.resolve("under").resolve("cache.mv")));
        assertTrue(noFolder.getMessage().contains("cannot be opened"), noFolder.getMessage());
    }

    @Test
    void callsAfterACloseFailNamingTheFileAndACloseIsIdempotent() {
        open();
        level.put(new CacheEntry("k", "v", 0));
        level.close();
        level.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> level.get("k"));
        assertTrue(e.getMessage().contains("cache.mv") && e.getMessage().contains("could not read"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> level.put(new CacheEntry("k", "w", 0)));
        level = null;
    }

    private static List<String> keys(List<CacheEntry> entries) {
        return entries.stream().map(CacheEntry::key).collect(Collectors.toList());
    }
}
