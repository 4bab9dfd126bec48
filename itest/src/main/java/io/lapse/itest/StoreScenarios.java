package io.lapse.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import org.apache.felix.service.command.CommandProcessor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

import io.lapse.cache.Cache;
import io.lapse.cache.CacheEvents;
import io.lapse.cache.CacheService;
import io.lapse.cache.CacheStore;
import io.lapse.testing.Await;

/**
 * What a cache with a store does in a real framework, the same against each database: load at
 * start (keys and arrays, strings and integers, with and without deadlines) with its
 * {@code cache/loaded} event, reload after the table changed (through the MBean and the shell),
 * write-back on stop and a restart that sees the same contents, write-through in the table before
 * the call returns. A subclass gives the database.
 *
 * <p>A write-back when the whole framework stops, and a load by the next framework, are checked
 * outside the framework, by {@code FrameworkRestartIT}.
 */
abstract class StoreScenarios {

    @InjectBundleContext
    static BundleContext context;

    @InjectService(timeout = Await.SERVICE_MILLIS)
    static ConfigurationAdmin configAdmin;

    @InjectService(timeout = Await.SERVICE_MILLIS)
    static CommandProcessor commandProcessor;

    private static final MBeanServer JMX = ManagementFactory.getPlatformMBeanServer();

    private final List<String> tables = new ArrayList<>();
    private final List<String> configurations = new ArrayList<>();

    private Caches caches() {
        return new Caches(context, configAdmin);
    }

    @AfterAll
    static void deleteEveryCache() throws Exception {
        new Caches(context, configAdmin).deleteAll();
    }

    abstract TestDatabase database();

    @AfterEach
    void dropTablesAndCaches() throws Exception {
        for (String alias : configurations) {
            caches().delete(alias);
            caches().awaitGone(alias);
        }
        for (String table : tables) {
            database().dropQuietly(table);
        }
    }

    /** A fresh htable table for this test, dropped after it. */
    String table() throws Exception {
        String table = TestDatabase.freshTable();
        tables.add(table);
        database().htable(table);
        return table;
    }

    /** Creates a cache named like its table, with a store in this test's database, and waits for it. */
    Cache cache(String table, Object... more) throws Exception {
        List<Object> properties = new ArrayList<>(List.of("name", table, "dbtable", table));
        properties.addAll(database().properties());
        properties.addAll(List.of(more));
        configurations.add(table);
        caches().configure(table, properties.toArray());
        return caches().cache(table);
    }

    /** Rows in Java's order of strings, whatever the database's collation. */
    static List<String> sorted(List<String> rows) {
        List<String> sorted = new ArrayList<>(rows);
        java.util.Collections.sort(sorted);
        return sorted;
    }

    static String row(String key, int keyType, int valueType, String value, long expires) {
        return "(" + "'" + key + "', " + keyType + ", " + valueType + ", '" + value + "', " + expires + ")";
    }

    void insert(String table, String... rows) throws Exception {
        for (String row : rows) {
            database().sql("INSERT INTO " + table + " (key_name, key_type, value_type, key_value, expires) VALUES " + row);
        }
    }

    @Test
    void loadsKeysArraysStringsIntegersAndDeadlinesBeforeTheCacheAppearsThenPostsLoaded() throws Exception {
        String t = table();
        long later = TestDatabase.epochSeconds(3600);
        insert(t, row("s", 0, 0, "text", 0), row("n", 0, 1, "42", 0), row("gw", 1, 0, "a", 0), row("gw", 1, 1, "7", later),
            row("later", 0, 0, "l", later), row("past", 0, 0, "p", TestDatabase.epochSeconds(-10)));
        try (Recorder loaded = Recorder.filtered(context, "(cache.name=" + t + ")", CacheEvents.TOPIC_LOADED)) {
            Cache c = cache(t, "db_expires", "true");
            assertEquals(6, c.size(), "the cache is registered only once its load is over");
            assertEquals("text", c.get("s"));
            assertEquals(42L, c.get("n"));
            assertEquals("a", c.get("gw[0]"));
            assertEquals(7L, c.get("gw[1]"));
            assertEquals(2L, c.get("gw::size"));
            assertEquals(later * 1000, c.getEntry("later").expiresAtMillis());
            assertEquals(0, c.getEntry("s").expiresAtMillis());
            assertNull(c.get("past"), "a row past its deadline is not loaded");
            Await.until("cache/loaded", () -> loaded.of(CacheEvents.TOPIC_LOADED).size() == 1);
            assertEquals(6L, loaded.of(CacheEvents.TOPIC_LOADED).get(0).count());
        }
        CacheStore store = Caches.await(context, CacheStore.class, "(" + CacheService.CACHE_NAME + "=" + t + ")",
            Caches.SERVICE_TIMEOUT);
        String description = store.description();
        assertTrue(description.contains("table " + t) && description.contains(database().url()), description);
        assertFalse(description.contains("it-secret"), "no password: " + description);
    }

    @Test
    void withoutDeadlinesEveryRowLoadsUnderTheDefaultTtl() throws Exception {
        String t = table();
        insert(t, row("old", 0, 0, "o", TestDatabase.epochSeconds(-10)));
        long before = System.currentTimeMillis();
        Cache c = cache(t, "autoexpire", "1h");
        long deadline = c.getEntry("old").expiresAtMillis();
        assertTrue(deadline >= before + 3_599_000 && deadline <= System.currentTimeMillis() + 3_601_000, "" + deadline);
    }

    @Test
    void aReloadThroughTheMBeanAndTheShellReplacesTheContentsWithTheChangedTable() throws Exception {
        String t = table();
        insert(t, row("a", 0, 0, "1", 0), row("b", 0, 0, "2", 0));
        Cache c = cache(t);
        c.put("written", "only in the cache");
        database().sql("UPDATE " + t + " SET key_value = 'changed' WHERE key_name = 'a'",
            "DELETE FROM " + t + " WHERE key_name = 'b'");
        insert(t, row("c", 0, 1, "3", 0));
        try (Recorder loaded = Recorder.filtered(context, "(cache.name=" + t + ")", CacheEvents.TOPIC_LOADED)) {
            ObjectName bean = new ObjectName("io.lapse:type=Cache,name=" + t);
            Await.until("the cache's MBean", () -> JMX.isRegistered(bean));
            assertEquals(2L, JMX.invoke(bean, "reload", null, null));
            assertEquals("changed", c.get("a"));
            assertNull(c.get("b"));
            assertEquals(3L, c.get("c"));
            assertNull(c.get("written"), "a reload replaces the contents");

            insert(t, row("d", 0, 0, "4", 0));
            try (GogoSession shell = new GogoSession(commandProcessor)) {
                assertEquals("loaded 3 entries\n", shell.run("cache:reload " + t));
            }
            assertEquals("4", c.get("d"));
            Await.until("two cache/loaded events", () -> loaded.of(CacheEvents.TOPIC_LOADED).size() == 2);
        }
    }

    @Test
    void writeBackOnStopAndARestartSeeTheSameContents() throws Exception {
        String t = table();
        insert(t, row("kept", 0, 0, "k", 0), row("removed", 0, 0, "r", 0), row("arr", 1, 0, "x", 0));
        Cache c = cache(t, "dbmode", "on-stop", "db_expires", "true");
        c.remove("removed");
        c.put("s", "string");
        c.put("n", 41L);
        c.increment("n", 1);
        c.put("ttl", "soon gone", Duration.ofHours(2));
        long deadline = c.getEntry("ttl").expiresAtMillis();
        assertEquals(List.of("arr|1|0|x", "kept|0|0|k", "removed|0|0|r"),
            sorted(database().rows("SELECT key_name, key_type, value_type, key_value FROM " + t)),
            "nothing is written before the stop");

        Bundle impl = Bundles.named(context, "io.lapse.impl");
        impl.stop();
        assertEquals(List.of("arr::size|0|1|1|0", "arr[0]|0|0|x|0", "kept|0|0|k|0", "n|0|1|42|0", "s|0|0|string|0",
            "ttl|0|0|soon gone|" + deadline / 1000),
            sorted(database().rows("SELECT key_name, key_type, value_type, key_value, expires FROM " + t)),
            "written back in htable's flat form when the cache stopped");
        impl.start();

        Cache again = caches().cache(t);
        assertEquals(6, again.size());
        assertEquals("k", again.get("kept"));
        assertNull(again.get("removed"));
        assertEquals(42L, again.get("n"));
        assertEquals("string", again.get("s"));
        assertEquals("x", again.get("arr[0]"));
        // to the second, as the table keeps them; the cache keeps deadlines on the monotonic clock, whose
        // offset from the wall clock is sampled again at every tick, so the millisecond may move by one
        long reloaded = again.getEntry("ttl").expiresAtMillis();
        assertTrue(Math.abs(reloaded - deadline / 1000 * 1000) <= 1, "deadlines to the second: " + reloaded + " for "
            + deadline / 1000 + " s");
    }

    @Test
    void writeThroughIsInTheTableBeforeTheCallReturns() throws Exception {
        String t = table();
        insert(t, row("a", 0, 0, "1", 0));
        Cache c = cache(t, "dbmode", "write-through", "db_expires", "true");
        c.put("b", "2");
        assertEquals(List.of("b|0|2|0"), sorted(database().rows("SELECT key_name, value_type, key_value, expires FROM " + t
            + " WHERE key_name = 'b'")));
        c.put("a", 10L, Duration.ofHours(1));
        assertEquals(List.of("a|1|10|" + c.getEntry("a").expiresAtMillis() / 1000),
            sorted(database().rows("SELECT key_name, value_type, key_value, expires FROM " + t + " WHERE key_name = 'a'")));
        assertEquals(11L, c.increment("a", 1));
        assertEquals(List.of("11"), sorted(database().rows("SELECT key_value FROM " + t + " WHERE key_name = 'a'")));
        c.remove("b");
        assertEquals(List.of("a"), sorted(database().rows("SELECT key_name FROM " + t)));
        assertEquals(1, c.clear());
        assertEquals(List.of(), sorted(database().rows("SELECT key_name FROM " + t)));
    }
}
