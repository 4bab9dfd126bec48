package io.lapse.impl.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.lapse.cache.Match;
import io.lapse.testing.Await;
import io.lapse.impl.engine.CacheSettings;
import io.lapse.impl.engine.CacheTable;
import io.lapse.impl.engine.Clock;
import io.lapse.impl.engine.EventKind;
import io.lapse.impl.engine.Limits;
import io.lapse.impl.engine.TableListener;
import io.lapse.impl.engine.TimeSource;

/** A store over an embedded H2: load, reload, malformed rows, write-back, write-through. */
class TableStoreTest {

    /** Records the log and the table-wide reports. */
    static final class Recorded implements StoreLog, TableListener {
        final List<String> lines = Collections.synchronizedList(new ArrayList<>());
        final List<Long> loaded = Collections.synchronizedList(new ArrayList<>());
        volatile Runnable onWarn = () -> { };

        @Override
        public void info(String message) {
            lines.add("INFO " + message);
        }

        @Override
        public void warn(String message) {
            lines.add("WARN " + message);
            onWarn.run();
        }

        @Override
        public void error(String message, Throwable cause) {
            lines.add("ERROR " + message);
        }

        @Override
        public boolean wants(EventKind kind) {
            return kind == EventKind.LOADED;
        }

        @Override
        public void entry(EventKind kind, String cache, String key, Object value, long expiresAtMillis) {
        }

        @Override
        public void table(EventKind kind, String cache, long count) {
            loaded.add(count);
        }

        List<String> starting(String prefix) {
            List<String> found = new ArrayList<>();
            for (String l : new ArrayList<>(lines)) {
                if (l.startsWith(prefix)) {
                    found.add(l);
                }
            }
            return found;
        }
    }

    private final H2 db = H2.memory();
    private final Recorded recorded = new Recorded();
    private final CacheTable table = new CacheTable("c", new CacheSettings(4, 0, true, 0, null),
        new TimeSource(Clock.system()), recorded);
    private TableStore store;

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
        table.close();
    }

    private TableStore store(WriteMode mode, boolean expires) {
        return store(StoreSettings.defaults("kv", mode, expires));
    }

    private TableStore store(StoreSettings settings) {
        store = new TableStore(table, settings, db, Duration.ZERO, TableStore.DEFAULT_TIMEOUT, recorded);
        if (store.writeThroughHook() != null) {
            table.writeThrough(store.writeThroughHook());
        }
        return store;
    }

    private static long inSeconds(long seconds) {
        return System.currentTimeMillis() / 1000 + seconds;
    }

    @Test
    void loadsKeysArraysStringsAndIntegersAndReportsTheCount() throws Exception {
        db.htable("kv");
        db.sql("INSERT INTO kv VALUES ('s', 0, 0, 'text', 0)", "INSERT INTO kv VALUES ('n', 0, 1, '42', 0)",
            "INSERT INTO kv VALUES ('gw', 1, 0, 'a', 0)", "INSERT INTO kv VALUES ('gw', 1, 0, 'b', 0)",
            "INSERT INTO kv VALUES ('gw', 1, 1, '3', 0)");
        assertEquals(6, store(WriteMode.NONE, false).load(true));
        assertEquals("text", table.get("s"));
        assertEquals(42L, table.get("n"));
        assertEquals("a", table.get("gw[0]"));
        assertEquals("b", table.get("gw[1]"));
        assertEquals(3L, table.get("gw[2]"));
        assertEquals(3L, table.get("gw::size"));
        assertEquals(List.of(6L), recorded.loaded);
        assertEquals(1, recorded.starting("INFO cache 'c': loaded 6 entries from " + db.url + " table kv").size(),
            recorded.lines.toString());
    }

    @Test
    void withDeadlinesRowsPastThemAreSkippedAndTheOthersKeepThem() throws Exception {
        db.htable("kv");
        long later = inSeconds(3600);
        db.sql("INSERT INTO kv VALUES ('past', 0, 0, 'p', " + inSeconds(-5) + ")",
            "INSERT INTO kv VALUES ('later', 0, 0, 'l', " + later + ")", "INSERT INTO kv VALUES ('never', 0, 0, 'n', 0)",
            "INSERT INTO kv VALUES ('null', 0, 0, 'x', NULL)");
        assertEquals(3, store(WriteMode.NONE, true).load(false));
        assertNull(table.get("past"));
        assertEquals(later * 1000, table.getEntry("later").expiresAtMillis());
        assertEquals(0, table.getEntry("never").expiresAtMillis());
        assertEquals(0, table.getEntry("null").expiresAtMillis());
        assertEquals(List.of(), recorded.loaded, "load(false) leaves the report to the caller");
    }

    @Test
    void withoutDeadlinesEntriesGetTheCachesDefaultTtl() throws Exception {
        table.reconfigure(new CacheSettings(4, 60_000, true, 0, null));
        db.htable("kv");
        db.sql("INSERT INTO kv VALUES ('k', 0, 0, 'v', " + inSeconds(-5) + ")");
        long before = System.currentTimeMillis();
        store(WriteMode.NONE, false).load(false);
        long deadline = table.getEntry("k").expiresAtMillis();
        assertTrue(deadline >= before + 59_000 && deadline <= System.currentTimeMillis() + 61_000, "" + deadline);
    }

    @Test
    void malformedRowsAreLoggedWithTheirKeyAndSkippedTheRestLoads() throws Exception {
        db.sql("CREATE TABLE kv (key_name VARCHAR(5000), key_type VARCHAR(10), value_type VARCHAR(10), "
            + "key_value VARCHAR(100), expires VARCHAR(20))");
        db.sql("INSERT INTO kv VALUES ('good', '0', '0', 'g', '0')",
            "INSERT INTO kv VALUES ('badint', '0', '1', 'twelve', '0')",
            "INSERT INTO kv VALUES ('badtype', '0', '7', 'x', '0')",
            "INSERT INTO kv VALUES ('badkeytype', 'x', '0', 'x', '0')",
            "INSERT INTO kv VALUES (NULL, '0', '0', 'x', '0')",
            "INSERT INTO kv VALUES ('', '0', '0', 'x', '0')",
            "INSERT INTO kv VALUES ('nullvalue', '0', '0', NULL, '0')",
            "INSERT INTO kv VALUES ('badexpires', '0', '0', 'x', 'soon')",
            "INSERT INTO kv VALUES ('" + "k".repeat(4097) + "', '0', '0', 'x', '0')",
            "INSERT INTO kv VALUES ('also', '0', '1', ' 7 ', '0')");
        assertEquals(2, store(WriteMode.NONE, true).load(false));
        assertEquals("g", table.get("good"));
        assertEquals(7L, table.get("also"));
        List<String> warnings = recorded.starting("WARN ");
        assertEquals(8, warnings.size(), warnings.toString());
        assertTrue(warnings.contains("WARN cache 'c': table kv: row with key_name 'badint' skipped: value_type 1 "
            + "(integer) but key_value 'twelve' is not an integer"), warnings.toString());
        assertTrue(warnings.contains("WARN cache 'c': table kv: row with key_name 'badtype' skipped: unknown value_type 7 "
            + "(0 is a string, 1 an integer)"), warnings.toString());
        assertTrue(warnings.contains("WARN cache 'c': table kv: row with key_name 'badkeytype' skipped: unknown key_type x "
            + "(0 is a key, 1 an array)"), warnings.toString());
        assertTrue(warnings.contains("WARN cache 'c': table kv: row with key_name NULL skipped: key_name is NULL"));
        assertTrue(warnings.contains("WARN cache 'c': table kv: row with key_name 'badexpires' skipped: expires 'soon' "
            + "is not an integer"), warnings.toString());
        assertTrue(warnings.stream().anyMatch(w -> w.contains("'nullvalue' skipped: key_value is NULL")));
        assertTrue(warnings.stream().anyMatch(w -> w.contains("row with key_name '' skipped: cache 'c': key is empty")));
        assertTrue(recorded.lines.stream().anyMatch(l -> l.startsWith("INFO") && l.contains("(10 rows, 0 past their "
            + "deadline, 8 malformed)")), recorded.lines.toString());
    }

    @Test
    void aNegativeOrOverflowingDeadlineIsMalformedAndOneTooFarAheadIsCappedAtTheLongestTtl() throws Exception {
        db.htable("kv");
        long fine = inSeconds(60);
        db.sql("INSERT INTO kv VALUES ('negative', 0, 0, 'n', -5)",
            "INSERT INTO kv VALUES ('overflow', 0, 0, 'o', 9300000000000000)",
            "INSERT INTO kv VALUES ('largest', 0, 0, 'l', 9223372036854775807)",
            "INSERT INTO kv VALUES ('y9999', 0, 0, 'far', 253402300799)",
            "INSERT INTO kv VALUES ('fine', 0, 0, 'ok', " + fine + ")");
        long before = System.currentTimeMillis();
        assertEquals(2, store(WriteMode.NONE, true).load(false));
        long after = System.currentTimeMillis();
        assertNull(table.getEntry("negative"), "a negative deadline does not mean never");
        assertNull(table.getEntry("overflow"));
        assertNull(table.getEntry("largest"));
        assertEquals(fine * 1000, table.getEntry("fine").expiresAtMillis());
        long capped = table.getEntry("y9999").expiresAtMillis();
        long longest = io.lapse.cache.Cache.MAX_TTL.toMillis();
        assertTrue(capped >= before + longest - 1_000 && capped <= after + longest, "deadline " + capped);
        List<String> warnings = recorded.starting("WARN ");
        assertTrue(warnings.contains("WARN cache 'c': table kv: row with key_name 'negative' skipped: expires -5 is "
            + "negative (0 or NULL is no deadline)"), warnings.toString());
        assertTrue(warnings.contains("WARN cache 'c': table kv: row with key_name 'overflow' skipped: expires "
            + "9300000000000000 is not a time in epoch seconds"), warnings.toString());
        assertTrue(warnings.contains("WARN cache 'c': table kv: row with key_name 'largest' skipped: expires "
            + "9223372036854775807 is not a time in epoch seconds"), warnings.toString());
        assertTrue(warnings.contains("WARN cache 'c': table kv: 1 rows have an expires more than 36500 days ahead "
            + "(the first with key_name 'y9999'), so they are loaded with a deadline 36500 days from now"),
            warnings.toString());
    }

    @Test
    void aTableFullOfBadRowsLogsTheFirstTenAndACount() throws Exception {
        db.htable("kv");
        db.sql("INSERT INTO kv SELECT 'k' || X, 0, 1, 'nope', 0 FROM SYSTEM_RANGE(1, 50)");
        assertEquals(0, store(WriteMode.NONE, false).load(false));
        assertEquals(11, recorded.starting("WARN ").size());
        assertEquals(1, recorded.starting("WARN cache 'c': table kv: 50 malformed rows skipped in all").size());
    }

    @Test
    void packedColumnsBecomeOneStringValue() throws Exception {
        db.sql("CREATE TABLE routes (prefix VARCHAR(20), gw VARCHAR(20), weight INT, expires BIGINT)",
            "INSERT INTO routes VALUES ('4420', 'gw-a', 10, 0)", "INSERT INTO routes VALUES ('331', NULL, 5, 0)");
        StoreSettings s = new StoreSettings("routes", "key_name", "key_type", "value_type", "key_value", "expires",
            List.of("prefix", "gw", "weight"), 100, true, "::size", WriteMode.NONE);
        assertEquals(2, store(s).load(false));
        assertEquals("gw-a,10", table.get("4420"));
        assertEquals(",5", table.get("331"));
    }

    @Test
    void aReloadThatCannotReadTheTableKeepsTheContentsAndSaysWhy() throws Exception {
        db.htable("kv");
        db.sql("INSERT INTO kv VALUES ('k', 0, 0, 'v', 0)");
        store(WriteMode.NONE, false).load(true);
        db.sql("INSERT INTO kv VALUES ('k2', 0, 0, 'v2', 0)");

        db.down.set(true);
        IllegalStateException down = assertThrows(IllegalStateException.class, () -> store.load(true));
        assertEquals("cache 'c': load from " + db.url + " table kv failed, so the contents are unchanged: Connection "
            + "refused: the test took the database down (SQL state 08001)", down.getMessage());
        db.down.set(false);

        db.sql("ALTER TABLE kv DROP COLUMN value_type");
        IllegalStateException malformed = assertThrows(IllegalStateException.class, () -> store.load(true));
        assertTrue(malformed.getMessage().startsWith("cache 'c': load from " + db.url + " table kv failed, so the "
            + "contents are unchanged: Column \"VALUE_TYPE\" not found"), malformed.getMessage());
        db.sql("DROP TABLE kv");
        assertTrue(assertThrows(IllegalStateException.class, () -> store.load(true)).getMessage()
            .contains("Table \"KV\" not found"));

        assertEquals("v", table.get("k"));
        assertNull(table.get("k2"));
        assertEquals(1, table.size());
        assertEquals(List.of(1L), recorded.loaded, "no cache/loaded for a failed load");
    }

    @Test
    void writeBackReplacesTheRowsWithTheLiveEntriesInOneTransaction() throws Exception {
        db.htable("kv");
        db.sql("INSERT INTO kv VALUES ('old', 0, 0, 'o', 0)", "INSERT INTO kv VALUES ('arr', 1, 0, 'a', 0)");
        store(WriteMode.ON_STOP, true).load(false);
        table.remove("old");
        table.put("s", "text");
        table.put("n", 7L, Duration.ofHours(1));
        table.put("gone", "x", Duration.ofMillis(1));
        table.put("bytes", new byte[] {1});
        Await.until("the entry with a 1 ms TTL to expire", () -> !table.containsKey("gone"));
        assertTrue(store.writeBack(table.drain()));
        List<String> rows = db.rows("SELECT key_name, key_type, value_type, key_value, expires > 0 FROM kv ORDER BY 1");
        assertEquals(List.of("arr::size|0|1|1|FALSE", "arr[0]|0|0|a|FALSE", "n|0|1|7|TRUE", "s|0|0|text|FALSE"), rows);
        assertTrue(recorded.starting("WARN cache 'c': 1 entries hold a byte[]").size() == 1, recorded.lines.toString());
    }

    @Test
    void aFailedWriteBackRollsBackAndASuspendedOneWritesNothing() throws Exception {
        db.htable("kv");
        db.sql("INSERT INTO kv VALUES ('keep', 0, 0, 'k', 0)");
        store(WriteMode.ON_STOP, false).load(false);
        table.put("long", "x".repeat(5_000));
        assertFalse(store.writeBack(new ArrayList<>(List.of(table.getEntry("keep"), table.getEntry("long")))),
            "the value is too long for the column");
        assertEquals(List.of("keep|k"), db.rows("SELECT key_name, key_value FROM kv"));
        assertEquals(1, recorded.starting("ERROR cache 'c': write-back to " + db.url + " table kv failed and was rolled "
            + "back, so the table is left as it was: ").size(), recorded.lines.toString());

        store.suspend();
        assertFalse(store.writeBack(List.of()));
        assertEquals(List.of("keep|k"), db.rows("SELECT key_name, key_value FROM kv"));
        assertEquals(1, recorded.starting("WARN cache 'c': no write-back").size());
        store.load(false);
        assertFalse(store.suspended(), "a load that succeeds lifts the suspension");
    }

    @Test
    void writeThroughCommitsEachChangeBeforeTheCallReturns() throws Exception {
        db.htable("kv");
        db.sql("INSERT INTO kv VALUES ('old', 0, 0, 'o', " + inSeconds(-1) + ")",
            "INSERT INTO kv VALUES ('gw', 1, 0, 'a', 0)", "INSERT INTO kv VALUES ('gw', 1, 0, 'b', 0)");
        store(WriteMode.WRITE_THROUGH, true).load(false);
        assertEquals(List.of("gw::size|0|1|2", "gw[0]|0|0|a", "gw[1]|0|0|b"),
            db.rows("SELECT key_name, key_type, value_type, key_value FROM kv ORDER BY 1"),
            "expired rows went, arrays were flattened, at the load");

        table.put("k", "v");
        assertEquals(List.of("k|0|v|0"), db.rows("SELECT key_name, value_type, key_value, expires FROM kv WHERE key_name = 'k'"));
        table.put("k", 5L, Duration.ofHours(1));
        assertEquals(List.of("k|1|5|" + (table.getEntry("k").expiresAtMillis() / 1000)),
            db.rows("SELECT key_name, value_type, key_value, expires FROM kv WHERE key_name = 'k'"));
        table.increment("k", 2);
        table.setTtl("k", Duration.ZERO);
        assertEquals(List.of("k|1|7|0"), db.rows("SELECT key_name, value_type, key_value, expires FROM kv WHERE key_name = 'k'"));
        table.remove("gw[0]");
        assertEquals(1, table.removeKeys(Match.prefix("gw[")));
        assertEquals(List.of("gw::size", "k"), db.rows("SELECT key_name FROM kv ORDER BY 1"));
        table.clear();
        assertEquals(List.of(), db.rows("SELECT key_name FROM kv"));

        IllegalArgumentException bytes = assertThrows(IllegalArgumentException.class, () -> table.put("b", new byte[] {1}));
        assertEquals("cache 'c': key 'b' holds a byte[], which table kv cannot hold (value_type 0 is a string, 1 an "
            + "integer)", bytes.getMessage());
        assertNull(table.getEntry("b"));
    }

    @Test
    void aLoadLeavesOutWhatDoesNotFitTheLimitsWithOneWarningAndTheRowsStay() throws Exception {
        table.reconfigure(limited(3));
        db.htable("kv");
        for (int i = 0; i < 5; i++) {
            db.sql("INSERT INTO kv VALUES ('k" + i + "', 0, 0, 'v" + i + "', 0)");
        }
        assertEquals(3, store(WriteMode.NONE, false).load(true));
        assertEquals(3, table.size());
        assertEquals(List.of(3L), recorded.loaded, "cache/loaded counts what the cache holds");
        assertEquals(List.of("WARN cache 'c': table kv: 2 entries were left out of the load, as the cache's limits "
            + "(max_entries 3, max_bytes 0; 0 is none) let it hold no more; their rows stay in the table"),
            recorded.starting("WARN "));
        assertEquals(List.of("5"), db.rows("SELECT COUNT(*) FROM kv"));
    }

    @Test
    void withWriteThroughTheRowsOfEvictedEntriesStayAndAReloadBringsThemBackAsFarAsTheLimitsLetIt() throws Exception {
        table.reconfigure(limited(2));
        db.htable("kv");
        store(WriteMode.WRITE_THROUGH, true).load(false);
        table.put("a", "1");
        table.put("b", "2");
        table.put("c", "3");
        assertEquals(2, table.size(), "one entry evicted");
        assertEquals(1, table.stats().evictions());
        assertEquals(List.of("a", "b", "c"), db.rows("SELECT key_name FROM kv ORDER BY 1"), "an eviction deletes no row");

        assertEquals(2, store.load(false), "a reload keeps the limit");
        assertEquals(1, recorded.starting("WARN cache 'c': table kv: 1 entry was left out of the load").size(),
            recorded.lines.toString());
        assertEquals(List.of("a", "b", "c"), db.rows("SELECT key_name FROM kv ORDER BY 1"), "a reload deletes no row");

        table.reconfigure(limited(0));
        assertEquals(3, store.load(false), "without the limit the evicted entry comes back");
        assertEquals("1", table.get("a"));
        assertEquals("2", table.get("b"));
        assertEquals("3", table.get("c"));
    }

    /** The test table's settings with at most {@code maxEntries} entries, 0 for no limit. */
    private static CacheSettings limited(long maxEntries) {
        return new CacheSettings(4, 0, true, 0, null).withLimits(new Limits(maxEntries, 0, Limits.MAX_ITEM_SIZE));
    }

    @Test
    void aWriteThroughFailureLeavesCacheAndTableUnchanged() throws Exception {
        db.htable("kv");
        store(WriteMode.WRITE_THROUGH, true).load(false);
        table.put("k", "v");
        db.sql("ALTER TABLE kv ADD CONSTRAINT short CHECK (LENGTH(key_value) < 5)");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> table.put("k", "far too long"));
        assertTrue(e.getMessage().startsWith("cache 'c': write-through write of key 'k' to " + db.url + " table kv "
            + "failed, so the cache is unchanged: "), e.getMessage());
        assertEquals("v", table.get("k"));
        assertEquals(List.of("k|v"), db.rows("SELECT key_name, key_value FROM kv"));

        db.down.set(true);
        assertThrows(IllegalStateException.class, () -> table.put("k", "new"));
        db.down.set(false);
        table.put("k", "new");
        assertEquals(List.of("k|new"), db.rows("SELECT key_name, key_value FROM kv"), "a new connection after the failure");
    }

    @Test
    void aChangeCommittedWhileTheTableIsReadSurvivesTheSwap() throws Exception {
        db.htable("kv");
        db.sql("INSERT INTO kv VALUES ('a', 0, 0, 'loaded', 0)", "INSERT INTO kv VALUES ('bad', 0, 1, 'x', 0)",
            "INSERT INTO kv VALUES ('z', 0, 0, 'loaded', 0)");
        store(WriteMode.WRITE_THROUGH, true).load(false);
        // the malformed row's warning comes while the rows are read: write then, after the query
        recorded.onWarn = () -> {
            recorded.onWarn = () -> { };
            table.put("a", "written meanwhile");
            table.put("new", "written meanwhile");
            table.remove("z");
        };
        store.load(false);
        assertEquals("written meanwhile", table.get("a"));
        assertEquals("written meanwhile", table.get("new"));
        assertNull(table.get("z"));
        assertEquals(List.of("a|written meanwhile", "bad|x", "new|written meanwhile"),
            db.rows("SELECT key_name, key_value FROM kv ORDER BY 1"));
    }

    @Test
    void aPutWhoseTtlRanOutWhileTheTableWasReadDoesNotBringTheOverwrittenValueBack() throws Exception {
        db.htable("kv");
        db.sql("INSERT INTO kv VALUES ('k', 0, 0, 'old', 0)", "INSERT INTO kv VALUES ('bad', 0, 1, 'x', 0)");
        store(WriteMode.WRITE_THROUGH, true).load(false);
        // while the reload reads the rows (the malformed row's warning), k is overwritten with a
        // 50 ms TTL, and the read goes on past that deadline
        recorded.onWarn = () -> {
            recorded.onWarn = () -> { };
            table.put("k", "new", Duration.ofMillis(50));
            long deadline = table.getEntry("k").expiresAtMillis();
            try {
                Await.until("the 50 ms TTL to run out", () -> System.currentTimeMillis() > deadline + 5);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        };
        store.load(false);
        assertNull(table.get("k"), "the value the put overwrote is back");
        assertEquals(0, table.size());
    }

    @Test
    void aSwapThatFailsDropsTheJournal() throws Exception {
        db.htable("kv");
        db.sql("INSERT INTO kv VALUES ('bad', 0, 1, 'x', 0)");
        store(WriteMode.WRITE_THROUGH, true).load(false);
        JdbcWriteThrough hook = (JdbcWriteThrough) store.writeThroughHook();
        recorded.onWarn = () -> {
            recorded.onWarn = () -> { };
            table.put("during", "the read");
            table.close();
        };
        assertThrows(IllegalStateException.class, () -> store.load(false));
        assertFalse(hook.journaling(), "the journal of a swap that failed is kept, and grows with every write");
    }

    @Test
    void concurrentReloadsOfOneCacheRunOneAtATime() throws Exception {
        db.htable("kv");
        db.sql("INSERT INTO kv VALUES ('k', 0, 0, 'v', 0)");
        store(WriteMode.NONE, false);
        java.util.concurrent.atomic.AtomicInteger inside = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger most = new java.util.concurrent.atomic.AtomicInteger();
        db.onConnect = () -> {
            most.accumulateAndGet(inside.incrementAndGet(), Math::max);
            // stay inside long enough for the other threads to try to come in
            java.util.concurrent.locks.LockSupport.parkNanos(20_000_000);
            inside.decrementAndGet();
        };
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < 4; i++) {
            Thread t = new Thread(() -> {
                try {
                    assertEquals(1, store.load(true));
                } catch (Throwable e) {
                    failures.add(e);
                }
            });
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join(30_000);
        }
        assertEquals(List.of(), failures);
        assertEquals(1, most.get(), "two reloads ran at once");
        assertEquals(List.of(1L, 1L, 1L, 1L), recorded.loaded);
    }

    @Test
    void settingsRefuseWhatCouldNotBeAnIdentifierAndWriteThroughWithoutDeadlines() {
        IllegalArgumentException table = assertThrows(IllegalArgumentException.class,
            () -> StoreSettings.defaults("kv; DROP TABLE x", WriteMode.NONE, false));
        assertTrue(table.getMessage().startsWith("property 'dbtable' = 'kv; DROP TABLE x' is not a table name"));
        assertThrows(IllegalArgumentException.class, () -> new StoreSettings("kv", "key name", "t", "v", "k", "e",
            List.of(), 10, false, "::size", WriteMode.NONE));
        assertThrows(IllegalArgumentException.class, () -> new StoreSettings("kv", "k", "t", "v", "k", "e",
            List.of("only"), 10, false, "::size", WriteMode.NONE));
        IllegalArgumentException through = assertThrows(IllegalArgumentException.class,
            () -> StoreSettings.defaults("kv", WriteMode.WRITE_THROUGH, false));
        assertTrue(through.getMessage().startsWith("property 'dbmode' = 'write-through' needs 'db_expires' = true"));
        assertEquals("app.kv", StoreSettings.defaults("app.kv", WriteMode.NONE, false).table());
    }
}
