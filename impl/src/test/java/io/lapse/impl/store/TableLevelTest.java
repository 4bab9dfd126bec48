package io.lapse.impl.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import io.lapse.cache.CacheEntry;
import io.lapse.cache.Match;
import io.lapse.testing.Await;

/**
 * The table level over an embedded H2, in htable's layout as {@link H2#htable} creates it. The
 * H2 here waits a minute for a row lock unless told otherwise, so every bound seen comes from the
 * level. PostgreSQL is not covered here: the impl module's tests have no PostgreSQL driver.
 */
class TableLevelTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(1);
    /** The slack allowed above a bound: a loaded machine, H2's polling of its lock waits. */
    private static final long SLACK_MILLIS = 4_000;
    private static final String ROWS = "SELECT key_name, key_type, value_type, key_value, expires FROM kv "
        + "ORDER BY key_name, key_type, key_value";

    private final H2 db = H2.memory(";LOCK_TIMEOUT=60000");
    private final AtomicReference<String> name = new AtomicReference<>("c");
    private TableLevel level;
    private Connection holder;

    @AfterEach
    void close() throws Exception {
        if (holder != null) {
            holder.rollback();
            holder.close();
        }
        if (level != null) {
            level.close();
        }
    }

    private TableLevel level() throws Exception {
        return level(db, TableLevel.MAX_CONNECTIONS);
    }

    private TableLevel level(H2 database, int connections) throws Exception {
        database.htable("kv");
        level = new TableLevel(StoreSettings.defaults("kv", WriteMode.NONE, true), database, TIMEOUT, name::get,
            connections);
        return level;
    }

    private static CacheEntry entry(String key, Object value, long expiresAtMillis) {
        return new CacheEntry(key, value, expiresAtMillis);
    }

    /** Locks a row from a second session, in a transaction left open until the test ends. */
    private void lockRow(String key) throws Exception {
        holder = DriverManager.getConnection(db.url, "sa", "");
        holder.setAutoCommit(false);
        try (Statement st = holder.createStatement()) {
            assertEquals(1, st.executeUpdate("UPDATE kv SET key_value = key_value WHERE key_name = '" + key + "'"));
        }
    }

    private long sessions() throws Exception {
        return Long.parseLong(db.rows("SELECT COUNT(*) FROM INFORMATION_SCHEMA.SESSIONS").get(0));
    }

    private static long millisSince(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1_000_000;
    }

    private static void assertAboutTheTimeout(long millis) {
        assertTrue(millis >= TIMEOUT.toMillis() - 100 && millis <= TIMEOUT.toMillis() + SLACK_MILLIS,
            "took " + millis + " ms with db_timeout " + TIMEOUT.toMillis() + " ms");
    }

    @Test
    void refusesSettingsItCannotKeepWholeEntriesWith() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new TableLevel(
            StoreSettings.defaults("kv", WriteMode.NONE, false), db, TIMEOUT, name::get));
        assertTrue(e.getMessage().contains("'db_expires' = true"), e.getMessage());
        StoreSettings packed = new StoreSettings("kv", "key_name", "key_type", "value_type", "key_value", "expires",
            List.of("k", "v1", "v2"), 1000, true, "::size", WriteMode.NONE);
        e = assertThrows(IllegalArgumentException.class, () -> new TableLevel(packed, db, TIMEOUT, name::get));
        assertTrue(e.getMessage().contains("'cols' = 'k,v1,v2'") && e.getMessage().contains("table kv"),
            e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new TableLevel(
            StoreSettings.defaults("kv", WriteMode.NONE, true), db, Duration.ZERO, name::get));
        assertTrue(e.getMessage().contains("'db_timeout'"), e.getMessage());
    }

    @Test
    void roundTripsStringsAndIntegersWithDeadlinesRoundedUpToWholeSeconds() throws Exception {
        level();
        assertEquals(1000, level.deadlinePrecisionMillis());
        long latest = Long.MAX_VALUE / 1000 * 1000;
        level.put(entry("s", "text", 1500));
        level.put(entry("n", 42L, 0));
        level.put(entry("negative", -7L, 1));
        level.put(entry("exact", "", 3000));
        level.put(entry("wide", "é中\uD83D\uDE00", 1_700_000_000_001L));
        level.put(entry("latest", Long.MIN_VALUE, latest));
        assertEquals(entry("s", "text", 2000), level.get("s"));
        assertEquals(entry("n", 42L, 0), level.get("n"));
        assertEquals(entry("negative", -7L, 1000), level.get("negative"));
        assertEquals(entry("exact", "", 3000), level.get("exact"));
        assertEquals(entry("wide", "é中\uD83D\uDE00", 1_700_000_001_000L), level.get("wide"));
        assertEquals(entry("latest", Long.MIN_VALUE, latest), level.get("latest"));
        assertNull(level.get("missing"));
        assertNull(level.get("S"), "keys are case-sensitive");
        assertEquals(List.of("exact|0|0||3", "latest|0|1|" + Long.MIN_VALUE + "|" + latest / 1000, "n|0|1|42|0",
            "negative|0|1|-7|1", "s|0|0|text|2", "wide|0|0|é中\uD83D\uDE00|1700000001"), db.rows(ROWS),
            "flat rows, value_type 0 or 1, expires in seconds rounded up");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> level.put(entry("far", "x", latest + 1)));
        assertTrue(e.getMessage().contains("'far'") && e.getMessage().contains("table kv"), e.getMessage());
        assertNull(level.get("far"));
    }

    @Test
    void aPutReplacesTheKeysRowTypeAndDeadline() throws Exception {
        level();
        level.put(entry("k", "a", 5000));
        level.put(entry("k", 7L, 0));
        assertEquals(List.of("k|0|1|7|0"), db.rows(ROWS));
        level.put(entry("k", "b", 999));
        assertEquals(List.of("k|0|0|b|1"), db.rows(ROWS));
        assertEquals(entry("k", "b", 1000), level.get("k"));
    }

    @Test
    void refusesBytesAndGroupsNamingTheTableAndKeyAndChangesNothing() throws Exception {
        level();
        level.put(entry("k", "old", 0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> level.put(entry("k", new byte[] {1, 2}, 0)));
        assertTrue(e.getMessage().contains("table kv") && e.getMessage().contains("'k'")
            && e.getMessage().contains("byte[]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> level.put(new CacheEntry("k", "new", 0, "g")));
        assertTrue(e.getMessage().contains("table kv") && e.getMessage().contains("'k'")
            && e.getMessage().contains("group 'g'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> level.put(entry("fresh", new byte[0], 0)));
        assertThrows(IllegalArgumentException.class, () -> level.put(new CacheEntry("fresh", 1L, 0, "g")));
        assertEquals(List.of("k|0|0|old|0"), db.rows(ROWS));
    }

    @Test
    void readsRowsHtableWrote() throws Exception {
        level();
        db.sql("INSERT INTO kv VALUES ('s', 0, 0, 'text', NULL)", "INSERT INTO kv VALUES ('n', 0, 1, ' 42 ', 0)",
            "INSERT INTO kv VALUES ('t', 0, NULL, 'x', 1700000000)");
        assertEquals(entry("s", "text", 0), level.get("s"));
        assertEquals(entry("n", 42L, 0), level.get("n"));
        assertEquals(entry("t", "x", 1_700_000_000_000L), level.get("t"), "a NULL value_type is a string, as in htable");
    }

    @Test
    void aRowItCannotReadFailsTheReadNamingItsKeyAndTheLevelGoesOn() throws Exception {
        level();
        level.put(entry("ok", "fine", 0));
        db.sql("INSERT INTO kv VALUES ('bad', 0, 1, 'abc', 0)");
        assertFails(() -> level.get("bad"), "read of key 'bad'", "row with key_name 'bad' cannot be read as an "
            + "entry: value_type 1 (integer) but key_value 'abc' is not an integer");
        assertFails(() -> level.scan(Match.prefix(""), null, 10), "scan of prefix ''", "row with key_name 'bad'");
        db.sql("DELETE FROM kv WHERE key_name = 'bad'", "INSERT INTO kv VALUES ('neg', 0, 0, 'x', -5)",
            "INSERT INTO kv VALUES ('null', 0, 0, NULL, 0)", "INSERT INTO kv VALUES ('seven', 0, 7, 'x', 0)");
        assertFails(() -> level.get("neg"), "read of key 'neg'", "expires -5 is not a time in epoch seconds");
        assertFails(() -> level.get("null"), "read of key 'null'", "key_value is NULL");
        assertFails(() -> level.get("seven"), "read of key 'seven'", "unknown value_type 7");
        assertEquals(entry("ok", "fine", 0), level.get("ok"));
    }

    /** Asserts that a call fails with the level's message: cache, what, database, table, cause. */
    private void assertFails(Executable call, String what, String cause) {
        IllegalStateException e = assertThrows(IllegalStateException.class, call);
        String prefix = "cache '" + name.get() + "': level " + what + " in " + db.url + " table kv ";
        assertTrue(e.getMessage().startsWith(prefix) && e.getMessage().contains(cause), e.getMessage());
    }

    @Test
    void removeSaysWhetherItDeletedARowAndLeavesArrayRows() throws Exception {
        level();
        db.sql("INSERT INTO kv VALUES ('gw', 1, 0, 'a', 0)", "INSERT INTO kv VALUES ('gw', 1, 0, 'b', 0)");
        level.put(entry("gw", "flat", 0));
        assertTrue(level.remove("gw"));
        assertFalse(level.remove("gw"));
        assertFalse(level.remove("never"));
        assertNull(level.get("gw"));
        assertEquals(List.of("gw|1|0|a|0", "gw|1|0|b|0"), db.rows(ROWS));
    }

    @Test
    void removeAllDeletesKeysInBatchesOfOneTransactionAndLeavesArrayRows() throws Exception {
        level();
        db.sql("INSERT INTO kv SELECT 'k' || X, 0, 0, 'v', 0 FROM SYSTEM_RANGE(1, 2500)",
            "INSERT INTO kv VALUES ('k1', 1, 0, 'element', 0)");
        List<String> keys = new ArrayList<>();
        for (int i = 1; i <= 2300; i++) {
            keys.add("k" + i);
        }
        keys.add("absent");
        level.removeAll(keys);
        assertEquals(200, level.size());
        assertEquals(List.of("k1|1", "k2301|0", "k2500|0"), db.rows("SELECT key_name, key_type FROM kv "
            + "WHERE key_name IN ('k1', 'k2300', 'k2301', 'k2500') ORDER BY 1"));
        level.removeAll(List.of());
        assertThrows(NullPointerException.class, () -> level.removeAll(Collections.singletonList(null)));
        assertEquals(200, level.size());
    }

    @Test
    void arrayRowsAreNoneOfTheLevelsEntries() throws Exception {
        level();
        db.sql("INSERT INTO kv VALUES ('arr', 1, 0, 'a', 5)", "INSERT INTO kv VALUES ('arr', 1, 1, '2', 5)",
            "INSERT INTO kv VALUES (NULL, 0, 0, 'no key', 5)");
        level.put(entry("a", "flat", 3000));
        assertNull(level.get("arr"));
        assertEquals(List.of(entry("a", "flat", 3000)), level.scan(Match.prefix(""), null, 10));
        assertEquals(List.of(entry("a", "flat", 3000)), level.scan(Match.regex("."), null, 10));
        assertEquals(List.of(entry("a", "flat", 3000)), level.due(Long.MAX_VALUE, 10));
        assertEquals(1, level.size());
        level.put(entry("arr", "flat too", 0));
        assertEquals(entry("arr", "flat too", 0), level.get("arr"));
        assertEquals(2, level.size());
        assertEquals(2, level.clear());
        assertEquals(0, level.size());
        assertEquals(0, level.clear());
        assertEquals(List.of("null|0|0|no key|5", "arr|1|1|2|5", "arr|1|0|a|5"),
            db.rows("SELECT key_name, key_type, value_type, key_value, expires FROM kv ORDER BY key_name NULLS FIRST, "
                + "key_value"), "clear leaves array rows, and rows with no key, which are no entries");
    }

    @Test
    void aKeyWithSeveralFlatRowsIsOneEntry() throws Exception {
        level();
        // another writer's table, without a unique key
        db.sql("INSERT INTO kv VALUES ('a', 0, 0, '1', 0)", "INSERT INTO kv VALUES ('b', 0, 0, '2', 0)",
            "INSERT INTO kv VALUES ('b', 0, 0, '2', 0)", "INSERT INTO kv VALUES ('b', 0, 0, '2', 0)",
            "INSERT INTO kv VALUES ('c', 0, 0, '3', 0)", "INSERT INTO kv VALUES ('d', 0, 0, '4', 0)");
        assertEquals(List.of("a", "b", "c"), keys(level.scan(Match.prefix(""), null, 3)), "a full page");
        assertEquals(List.of("c", "d"), keys(level.scan(Match.prefix(""), "b", 3)));
        assertEquals(6, level.size(), "each row counts");
        level.put(entry("b", "two", 4000));
        assertEquals(List.of("b|two|4", "b|two|4", "b|two|4"),
            db.rows("SELECT key_name, key_value, expires FROM kv WHERE key_name = 'b'"));
        assertEquals(List.of(entry("b", "two", 4000)), level.due(Long.MAX_VALUE, 10), "due names the key once");
        assertEquals(entry("b", "two", 4000), level.get("b"));
        assertTrue(level.remove("b"));
        assertEquals(List.of("a", "c", "d"), keys(level.scan(Match.prefix(""), null, 10)));
    }

    private static List<String> keys(List<CacheEntry> entries) {
        return entries.stream().map(CacheEntry::key).collect(Collectors.toList());
    }

    @Test
    void dueReturnsTheEarliestDeadlinesUpToUntilInTheirOrder() throws Exception {
        level();
        level.put(entry("late", "x", 5000));
        level.put(entry("first", "x", 1500));
        level.put(entry("b", 1L, 3000));
        level.put(entry("a", 2L, 2001));
        level.put(entry("never", "x", 0));
        db.sql("INSERT INTO kv VALUES ('arr', 1, 0, 'x', 1)");
        assertEquals(List.of(), level.due(1999, 10));
        assertEquals(List.of(entry("first", "x", 2000)), level.due(2000, 10));
        assertEquals(List.of(entry("first", "x", 2000), entry("a", 2L, 3000), entry("b", 1L, 3000)),
            level.due(3999, 10), "by deadline, then by key");
        assertEquals(List.of(entry("first", "x", 2000), entry("a", 2L, 3000)), level.due(Long.MAX_VALUE, 2));
        assertEquals(4, level.due(Long.MAX_VALUE, 100).size(), "never is not due");
        assertEquals(List.of(), level.due(-1, 10));
        assertThrows(IllegalArgumentException.class, () -> level.due(5000, 0));
    }

    @Test
    void translatesMatchesToLikeWithItsLiteralsEscaped() {
        assertEquals("50!%!_!!\\%", TableLevel.like(Match.prefix("50%_!\\")));
        assertNull(TableLevel.like(Match.prefix("")));
        assertEquals("a%_%b", TableLevel.like(Match.glob("a*?b")));
        assertEquals("a%_%b", TableLevel.like(Match.glob("a**?*b")));
        assertEquals("!!!%%x", TableLevel.like(Match.glob("!%*x")));
        assertEquals("!!%", TableLevel.like(Match.glob("!*")));
        assertEquals("x!_y", TableLevel.like(Match.glob("x_y")));
        assertNull(TableLevel.like(Match.glob("*")));
        assertNull(TableLevel.like(Match.glob("***")));
        assertNull(TableLevel.like(Match.regex("^a")));
    }

    @Test
    void scanPagesFollowCompareToNeverSkipOrRepeatAKeyAndAreNarrowedInSql() throws Exception {
        level();
        Random random = new Random(20261207);
        String[] starts = {"user:", "user_", "user%", "us", "a\\b", "a!b", "50%", "50_", "x_y", "x%y", "", "Z", "z",
            "é", "中", "\uFF21", "\uD83D\uDE00", "\uE000"};
        String[] parts = {"a", "b", "A", "_", "%", "\\", "!", "*", "?", ":", "1", "2", "9", " ", "é", "\uD83D\uDE00",
            "\uFFFD"};
        Map<String, CacheEntry> all = new TreeMap<>();
        while (all.size() < 3000) {
            StringBuilder key = new StringBuilder(starts[random.nextInt(starts.length)]);
            for (int n = random.nextInt(7); n > 0; n--) {
                key.append(parts[random.nextInt(parts.length)]);
            }
            String k = key.toString();
            Object value = random.nextBoolean() ? (Object) ("v" + random.nextInt()) : (Object) random.nextLong();
            long deadline = random.nextInt(4) == 0 ? 0 : 1_700_000_000_000L + random.nextInt(1_000_000);
            all.put(k, entry(k, value, (deadline + 999) / 1000 * 1000));
            level.put(entry(k, value, deadline));
        }
        List<String> keys = new ArrayList<>(all.keySet());
        assertTrue(keys.contains(""));

        Map<Match, Boolean> matches = new LinkedHashMap<>();
        for (String p : List.of("", "user:", "user_", "user%", "a\\b", "a!b", "50%", "x_y", "é", "\uD83D\uDE00",
            "\uE000", "none")) {
            matches.put(Match.prefix(p), true);
        }
        for (String g : List.of("*", "user:*", "user_*", "*%*", "*_*", "*\\*", "*!*", "a\\b*", "x%y*", "*:*a",
            "\uD83D\uDE00*", "*\uFFFD", "u*r*1*", keys.get(1234), "user%")) {
            matches.put(Match.glob(g), true);
        }
        for (String g : List.of("50%?*", "x?y*", "*?", "??", "?\uD83D\uDE00*", "*\uD83D\uDE00?")) {
            matches.put(Match.glob(g), false);
        }
        for (String r : List.of("^user:", "1$", "[%_]", "a\\\\b", "\uD83D\uDE00", "^$")) {
            matches.put(Match.regex(r), false);
        }
        for (Map.Entry<Match, Boolean> m : matches.entrySet()) {
            Predicate<String> accepts = accepts(m.getKey());
            List<String> expected = keys.stream().filter(accepts).collect(Collectors.toList());
            // every page sorts the table (htable's DDL has no index): small pages for short scans;
            // a scan that is not narrowed exactly may return up to every key
            int returned = m.getValue() ? expected.size() : keys.size();
            List<Integer> limits = returned <= 40 ? List.of(1, 7, 5000)
                : returned <= 400 ? List.of(7, 5000) : List.of(113, 5000);
            for (int limit : limits) {
                List<String> seen = pages(m.getKey(), limit, all);
                String what = m.getKey() + " in pages of " + limit;
                assertEquals(expected, seen.stream().filter(accepts).collect(Collectors.toList()),
                    what + ": every matching key once, in order");
                if (m.getValue()) {
                    assertEquals(expected, seen, what + ": narrowed in SQL to exactly the matching keys");
                }
            }
        }
    }

    /** Pages through a scan, checking each page; returns the keys in the order they came. */
    private List<String> pages(Match match, int limit, Map<String, CacheEntry> all) {
        List<String> seen = new ArrayList<>();
        String after = null;
        for (;;) {
            List<CacheEntry> page = level.scan(match, after, limit);
            assertTrue(page.size() <= limit, match + ": a page of " + page.size() + " over the limit " + limit);
            for (CacheEntry e : page) {
                assertEquals(all.get(e.key()), e, "the entry as it was put");
                if (!seen.isEmpty()) {
                    String last = seen.get(seen.size() - 1);
                    assertTrue(last.compareTo(e.key()) < 0, match + ": key '" + e.key() + "' after '" + last + "'");
                }
                seen.add(e.key());
            }
            if (page.size() < limit) {
                break;
            }
            after = seen.get(seen.size() - 1);
        }
        if (!seen.isEmpty()) {
            assertEquals(List.of(), level.scan(match, seen.get(seen.size() - 1), limit),
                match + ": a short page is the last");
        }
        return seen;
    }

    /** The cache's own reading of a match, brute force: RE2 and java.util.regex agree on these patterns. */
    private static Predicate<String> accepts(Match match) {
        switch (match.kind()) {
            case PREFIX:
                return key -> key.startsWith(match.pattern());
            case GLOB:
                StringBuilder regex = new StringBuilder();
                StringBuilder literal = new StringBuilder();
                for (char c : match.pattern().toCharArray()) {
                    if (c == '*' || c == '?') {
                        regex.append(Pattern.quote(literal.toString())).append(c == '*' ? ".*" : ".");
                        literal.setLength(0);
                    } else {
                        literal.append(c);
                    }
                }
                Pattern glob = Pattern.compile(regex.append(Pattern.quote(literal.toString())).toString(),
                    Pattern.DOTALL);
                return key -> glob.matcher(key).matches();
            default:
                Pattern found = Pattern.compile(match.pattern());
                return key -> found.matcher(key).find();
        }
    }

    @Test
    void aDatabaseWhoseOrderIsNotJavasFailsTheScanInsteadOfSkippingKeys() throws Exception {
        H2 ignoringCase = H2.memory(";IGNORECASE=TRUE");
        level(ignoringCase, 2);
        level.put(entry("B", "x", 0));
        level.put(entry("a", "x", 0));
        level.put(entry("c", "x", 0));
        IllegalStateException e = assertThrows(IllegalStateException.class,
            () -> level.scan(Match.prefix(""), null, 10));
        assertTrue(e.getMessage().contains("String.compareTo") && e.getMessage().contains("table kv"), e.getMessage());
    }

    @Test
    void argumentsAreChecked() throws Exception {
        level();
        assertThrows(IllegalArgumentException.class, () -> level.scan(Match.prefix(""), null, 0));
        assertThrows(NullPointerException.class, () -> level.scan(null, null, 1));
        assertThrows(NullPointerException.class, () -> level.get(null));
        assertThrows(NullPointerException.class, () -> level.remove(null));
        assertThrows(NullPointerException.class, () -> level.put(null));
    }

    @Test
    void keepsItsConnectionsOpenAcrossCalls() throws Exception {
        level();
        AtomicInteger connects = new AtomicInteger();
        db.onConnect = connects::incrementAndGet;
        for (int i = 0; i < 50; i++) {
            level.put(entry("k" + i, "v", 0));
            assertEquals(entry("k" + i, "v", 0), level.get("k" + i));
        }
        level.scan(Match.glob("k*"), null, 10);
        level.size();
        assertEquals(1, connects.get(), "one connection, kept");
        assertEquals(1, level.pool().idle());
    }

    @Test
    void closeIsIdempotentReleasesItsConnectionsAndLaterCallsFail() throws Exception {
        level();
        long before = sessions();
        level.put(entry("a", "one", 0));
        level.put(entry("b", "two", 0));
        assertEquals(before + 1, sessions());
        // a call under way when the level closes: it ends within db_timeout and closes its connection
        lockRow("a");
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread writer = new Thread(() -> {
            try {
                level.put(entry("a", "new", 0));
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "held-writer");
        writer.start();
        Await.until("the put to wait for the row lock", () -> {
            try {
                return db.rows("SELECT COUNT(*) FROM INFORMATION_SCHEMA.SESSIONS WHERE EXECUTING_STATEMENT LIKE "
                    + "'UPDATE kv SET value_type%'").equals(List.of("1"));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        long started = System.nanoTime();
        level.close();
        level.close();
        assertTrue(millisSince(started) < TIMEOUT.toMillis(), "close never waits for a call");
        writer.join(TIMEOUT.toMillis() + SLACK_MILLIS);
        assertFalse(writer.isAlive());
        assertTrue(failure.get() instanceof IllegalStateException
            && failure.get().getMessage().contains("timed out after 1s (db_timeout)"), String.valueOf(failure.get()));
        Await.until("the level's connections to close", () -> {
            try {
                return sessions() == before + 1; // the lock holder's
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        for (Executable call : everyCall()) {
            IllegalStateException e = assertThrows(IllegalStateException.class, call);
            assertTrue(e.getMessage().startsWith("cache 'c': level ") && e.getMessage().contains(db.url + " table kv")
                && e.getMessage().endsWith("refused: the level is closed"), e.getMessage());
        }
    }

    /** Each method of the level once. */
    private List<Executable> everyCall() {
        return List.of(() -> level.get("a"), () -> level.put(entry("a", "x", 0)), () -> level.remove("a"),
            () -> level.removeAll(List.of("a", "b")), () -> level.scan(Match.prefix("a"), null, 10),
            () -> level.scan(Match.regex("a"), "a", 10), () -> level.due(Long.MAX_VALUE, 10), level::size,
            level::clear);
    }

    @Test
    void aDatabaseThatIsDownFailsEveryCallNamingCacheDatabaseAndTable() throws Exception {
        level();
        db.down.set(true);
        for (Executable call : everyCall()) {
            IllegalStateException e = assertThrows(IllegalStateException.class, call);
            assertTrue(e.getMessage().startsWith("cache 'c': level ") && e.getMessage().contains(" in " + db.url
                + " table kv failed: Connection refused: the test took the database down (SQL state 08001)"),
                e.getMessage());
        }
    }

    @Test
    void aDatabaseThatGoesDownUnderItsConnectionsFailsEveryCallAndOneThatComesBackServesAgain() throws Exception {
        level();
        level.put(entry("a", "one", 0));
        assertEquals(1, level.pool().idle());
        db.down.set(true);
        db.sql("SHUTDOWN");
        name.set("renamed");
        for (Executable call : everyCall()) {
            IllegalStateException e = assertThrows(IllegalStateException.class, call);
            assertTrue(e.getMessage().startsWith("cache 'renamed': level ") && e.getMessage().contains(" in " + db.url
                + " table kv failed: "), e.getMessage());
        }
        assertEquals(0, level.pool().idle(), "the dead connection was dropped");
        db.down.set(false);
        db.htable("kv");
        level.put(entry("a", "again", 0));
        assertEquals(entry("a", "again", 0), level.get("a"));
    }

    @Test
    void statementsHeldByARowLockAreBoundedByDbTimeoutAndChangeNothing() throws Exception {
        level();
        level.put(entry("a", "one", 0));
        level.put(entry("b", "two", 0));
        level.put(entry("c", "three", 0));
        List<String> rows = db.rows(ROWS);
        lockRow("a");
        String timedOut = " in " + db.url + " table kv timed out after 1s (db_timeout): ";
        Map<String, Executable> writes = new LinkedHashMap<>();
        writes.put("write of key 'a'", () -> level.put(entry("a", "new", 0)));
        writes.put("removal of key 'a'", () -> level.remove("a"));
        writes.put("removal of 2 keys", () -> level.removeAll(List.of("b", "a")));
        writes.put("clear", level::clear);
        for (Map.Entry<String, Executable> w : writes.entrySet()) {
            long started = System.nanoTime();
            IllegalStateException e = assertThrows(IllegalStateException.class, w.getValue());
            assertAboutTheTimeout(millisSince(started));
            assertTrue(e.getMessage().startsWith("cache 'c': level " + w.getKey() + timedOut), e.getMessage());
            // H2 reads past a row lock (MVCC): the level still answers
            assertEquals(entry("a", "one", 0), level.get("a"));
            assertEquals(entry("b", "two", 0), level.get("b"), "one transaction: b was not removed either");
        }
        holder.rollback();
        assertEquals(rows, db.rows(ROWS), "nothing changed");
        level.put(entry("a", "new", 0));
        assertEquals(entry("a", "new", 0), level.get("a"));
    }

    @Test
    void aCallWaitsForAFreeConnectionAtMostDbTimeout() throws Exception {
        level(db, 1);
        level.put(entry("a", "one", 0));
        ConnectionPool.Lease lease = level.pool().take();
        long started = System.nanoTime();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> level.get("a"));
        assertAboutTheTimeout(millisSince(started));
        assertTrue(e.getMessage().startsWith("cache 'c': level read of key 'a' in " + db.url + " table kv timed out "
            + "after 1s (db_timeout): no connection came free within 1s: all 1 are in use"), e.getMessage());
        level.pool().give(lease);
        assertEquals(entry("a", "one", 0), level.get("a"));
    }

    @Test
    void manyThreadsAtOnceLeaveOneRowPerKey() throws Exception {
        level();
        int threads = 8;
        CountDownLatch start = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(threads);
        CyclicBarrier together = new CyclicBarrier(threads);
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < threads; t++) {
            long seed = t;
            new Thread(() -> {
                Random random = new Random(seed);
                try {
                    start.await();
                    // first every thread puts one new key at once, round after round: puts that
                    // race to insert the key's row
                    for (int round = 0; round < 50; round++) {
                        together.await(10, TimeUnit.SECONDS);
                        level.put(entry("r" + round, seed, 0));
                    }
                    for (int i = 0; i < 300; i++) {
                        String key = "k" + random.nextInt(10);
                        switch (random.nextInt(5)) {
                            case 0:
                                level.remove(key);
                                break;
                            case 1:
                                level.get(key);
                                break;
                            case 2:
                                List<String> page = keys(level.scan(Match.prefix("k"), null, 20));
                                assertEquals(page.stream().distinct().sorted().collect(Collectors.toList()), page);
                                break;
                            default:
                                level.put(entry(key, (long) i, 0));
                        }
                    }
                } catch (Throwable e) {
                    failures.add(e);
                } finally {
                    done.countDown();
                }
            }, "level-" + t).start();
        }
        start.countDown();
        assertTrue(done.await(60, TimeUnit.SECONDS), "the threads ended");
        assertEquals(List.of(), failures);
        assertEquals(List.of(), db.rows("SELECT key_name FROM kv GROUP BY key_name HAVING COUNT(*) > 1"),
            "no key has two rows");
        assertEquals(List.of("50"), db.rows("SELECT COUNT(*) FROM kv WHERE key_name LIKE 'r%'"));
        assertEquals(db.rows("SELECT COUNT(*) FROM kv").get(0), String.valueOf(level.size()));
    }
}
