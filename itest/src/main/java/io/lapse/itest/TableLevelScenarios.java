package io.lapse.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

import io.lapse.cache.Cache;
import io.lapse.cache.CacheEvents;
import io.lapse.cache.Match;
import io.lapse.testing.Await;

/**
 * A cache backed by a table level ({@code level = table}), the same against each database: every
 * write is in the table before the call returns, with its deadline in whole seconds; the heap table
 * holds a part and reads the rest through; rows another program inserts are entries; each expiry is
 * reported once; lookups and removals by prefix and glob reach SQL with the table's wildcards in
 * the keys taken literally; a cache created anew finds every entry. A subclass gives the database.
 */
abstract class TableLevelScenarios {

    @InjectBundleContext
    static BundleContext context;

    @InjectService(timeout = Await.SERVICE_MILLIS)
    static ConfigurationAdmin configAdmin;

    private final List<String> tables = new ArrayList<>();
    private final List<String> configurations = new ArrayList<>();

    abstract TestDatabase database();

    private Caches caches() {
        return new Caches(context, configAdmin);
    }

    @AfterAll
    static void deleteEveryCache() throws Exception {
        new Caches(context, configAdmin).deleteAll();
    }

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

    private Cache levelled(String table) throws Exception {
        List<Object> properties = new ArrayList<>(List.of("name", table, "level", "table", "dbtable", table,
            "max_entries", 10L));
        properties.addAll(database().properties());
        configurations.add(table);
        caches().configure(table, properties.toArray());
        return caches().cache(table);
    }

    @Test
    void aTableLevelHoldsEveryEntryInTheTableAndExpiresEachOnce() throws Exception {
        String table = TestDatabase.freshTable();
        tables.add(table);
        database().htable(table);
        try (Recorder recorder = Recorder.filtered(context, "(cache.name=" + table + ")", CacheEvents.TOPIC_ALL)) {
            Cache c = levelled(table);
            for (int i = 0; i < 40; i++) {
                c.put("k" + i, i % 2 == 0 ? "v" + i : (Object) (long) i);
            }
            for (int i = 0; i < 5; i++) {
                c.put("short" + i, "gone soon", Caches.ms(500));
            }
            c.put("50%_off!", "literal");
            c.put("50xyoff!", "other");
            assertEquals(47, database().rows("SELECT key_name FROM " + table + " WHERE key_type = 0").size(),
                "every write is in the table before it returns");
            List<String> deadline = database().rows("SELECT expires FROM " + table + " WHERE key_name = 'short0'");
            assertEquals(1, deadline.size());
            assertTrue(Long.parseLong(deadline.get(0)) >= TestDatabase.epochSeconds(0), "whole seconds: " + deadline);
            for (int i = 0; i < 40; i++) {
                assertEquals(i % 2 == 0 ? "v" + i : (Object) (long) i, c.get("k" + i), "k" + i);
            }
            database().sql("INSERT INTO " + table + " (key_name, key_type, value_type, key_value, expires) VALUES "
                + "('outside', 0, 1, '42', 0)");
            assertEquals(42L, c.get("outside"), "a row another program wrote is an entry");

            Await.until("5 cache/expired, with no read or write of those keys",
                () -> recorder.of(CacheEvents.TOPIC_EXPIRED, table).size() >= 5);
            Map<String, Integer> expired = new HashMap<>();
            recorder.of(CacheEvents.TOPIC_EXPIRED, table).forEach(r -> expired.merge(r.key(), 1, Integer::sum));
            assertEquals(5, expired.size(), expired.toString());
            assertTrue(expired.values().stream().allMatch(n -> n == 1), "each expiry once: " + expired);
            for (Recorder.Received r : recorder.of(CacheEvents.TOPIC_EXPIRED, table)) {
                assertEquals(0, r.expires() % 1000, "the table keeps whole seconds: " + r.expires());
            }
            assertTrue(database().rows("SELECT key_name FROM " + table + " WHERE key_name LIKE 'short%'").isEmpty(),
                "an expiry deletes its row");

            assertEquals(List.of("50%_off!"), c.keys(Match.glob("50%_off!"), 0, 10),
                "the table's wildcards in a glob are its own characters");
            assertEquals(List.of("50%_off!", "50xyoff!"), c.keys(Match.glob("50??off!"), 0, 10));
            assertEquals(List.of("k1", "k10", "k11"), c.keys(Match.prefix("k1"), 0, 3));
            assertEquals(11, c.removeKeys(Match.prefix("k1")), "k1 and k10..k19");
            assertEquals(29, c.countKeys(Match.regex("^k[0-9]+$")));
            assertEquals(32, c.size(), "29 k-keys, the two 50-keys and outside");
            IllegalArgumentException bytes = assertThrows(IllegalArgumentException.class,
                () -> c.put("raw", new byte[] {1}));
            assertTrue(bytes.getMessage().contains("raw"), bytes.getMessage());
            assertNull(c.get("raw"));
        }

        caches().delete(table);
        caches().awaitGone(table);
        Cache again = levelled(table);
        assertEquals(32, again.size(), "the table kept every entry");
        assertEquals("v2", again.get("k2"));
        assertEquals(42L, again.get("outside"));
        assertNull(again.get("k12"));
        assertEquals(32, again.clear());
        assertTrue(database().rows("SELECT key_name FROM " + table).isEmpty());
    }
}
