package io.lapse.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.RuntimeMBeanException;
import javax.sql.DataSource;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.log.LogReaderService;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

import io.lapse.cache.Cache;
import io.lapse.cache.CacheEvents;
import io.lapse.testing.Await;

/**
 * What a cache with a store does when things go wrong, in a real framework over H2: a database
 * that is down or a table that lost a column at reload (the contents stay, the caller is told
 * why), a load at start that fails (the cache comes up empty and does not wipe the table when it
 * stops), malformed rows (logged with their key and skipped), a database that holds a row lock
 * while the bundle stops (the stop ends within seconds and says what it gave up); and a database
 * given as a {@code DataSource} service chosen by a filter.
 */
class StoreFailuresIT {

    private static final MBeanServer JMX = ManagementFactory.getPlatformMBeanServer();

    @InjectBundleContext
    static BundleContext context;

    @InjectService(timeout = Await.SERVICE_MILLIS)
    static ConfigurationAdmin configAdmin;

    @InjectService(timeout = Await.SERVICE_MILLIS)
    static LogReaderService logReader;

    private static Caches caches;

    @BeforeAll
    static void caches() {
        caches = new Caches(context, configAdmin);
    }

    @AfterAll
    static void deleteEveryCache() throws Exception {
        caches.deleteAll();
    }

    private Cache create(TestDatabase db, String table, Object... more) throws Exception {
        List<Object> properties = new java.util.ArrayList<>(List.of("name", table, "dbtable", table));
        properties.addAll(db.properties());
        properties.addAll(List.of(more));
        caches.configure(table, properties.toArray());
        return caches.cache(table);
    }

    private static String reloadFailure(String cache) throws Exception {
        ObjectName bean = new ObjectName("io.lapse:type=Cache,name=" + cache);
        Await.until("the cache's MBean", () -> JMX.isRegistered(bean));
        RuntimeMBeanException e = assertThrows(RuntimeMBeanException.class, () -> JMX.invoke(bean, "reload", null, null));
        assertTrue(e.getCause() instanceof IllegalStateException, String.valueOf(e.getCause()));
        return e.getCause().getMessage();
    }

    @Test
    void aReloadWithTheDatabaseDownKeepsTheContentsAndSaysWhy() throws Exception {
        try (TestDatabase.H2 db = new TestDatabase.H2()) {
            String t = TestDatabase.freshTable();
            db.htable(t);
            db.sql("INSERT INTO " + t + " VALUES ('k', 0, 0, 'v', 0)");
            Cache c = create(db, t, "dbmode", "on-stop");
            c.put("mine", "kept too");
            db.stopServer();

            String message = reloadFailure(t);
            assertTrue(message.startsWith("cache '" + t + "': load from " + db.url() + " table " + t + " failed, so the "
                + "contents are unchanged: "), message);
            assertTrue(message.contains("Connection is broken") || message.contains("onnection refused"), message);
            assertEquals("v", c.get("k"));
            assertEquals("kept too", c.get("mine"));
            assertEquals(2, c.size());
            caches.delete(t);
            caches.awaitGone(t);
        }
    }

    @Test
    void aReloadOfATableThatLostAColumnKeepsTheContentsAndSaysWhy() throws Exception {
        try (TestDatabase.H2 db = new TestDatabase.H2()) {
            String t = TestDatabase.freshTable();
            db.htable(t);
            db.sql("INSERT INTO " + t + " VALUES ('k', 0, 1, '5', 0)");
            Cache c = create(db, t);
            db.sql("ALTER TABLE " + t + " DROP COLUMN value_type");
            String message = reloadFailure(t);
            assertTrue(message.startsWith("cache '" + t + "': load from " + db.url() + " table " + t + " failed, so the "
                + "contents are unchanged: Column \"VALUE_TYPE\" not found"), message);
            assertEquals(5L, c.get("k"));
            caches.delete(t);
            caches.awaitGone(t);
        }
    }

    @Test
    void aLoadAtStartThatFailsComesUpEmptyAndNeverOverwritesTheTable() throws Exception {
        try (TestDatabase.H2 db = new TestDatabase.H2(); LogCapture log = new LogCapture(logReader)) {
            String t = TestDatabase.freshTable();
            db.sql("CREATE TABLE " + t + " (key_name VARCHAR(50), key_value VARCHAR(50))",
                "INSERT INTO " + t + " VALUES ('precious', 'row')");
            Cache c = create(db, t, "dbmode", "on-stop");
            String error = log.await("Cache configuration io.lapse.cache~" + t, "load from " + db.url() + " table " + t
                + " failed", "the cache comes up empty");
            assertTrue(error.contains("KEY_TYPE"), "the cause: " + error);
            assertEquals(0, c.size());
            c.put("new", "entry");

            caches.delete(t);
            caches.awaitGone(t);
            log.await("cache '" + t + "': no write-back");
            assertEquals(List.of("precious|row"), db.rows("SELECT key_name, key_value FROM " + t),
                "the empty cache did not replace the table's rows");
        }
    }

    @Test
    void malformedRowsAreLoggedWithTheirKeyAndTheRestLoads() throws Exception {
        try (TestDatabase.H2 db = new TestDatabase.H2(); LogCapture log = new LogCapture(logReader);
            Recorder loaded = Recorder.on(context, CacheEvents.TOPIC_LOADED)) {
            String t = TestDatabase.freshTable();
            db.htable(t);
            db.sql("INSERT INTO " + t + " VALUES ('good', 0, 1, '1', 0)", "INSERT INTO " + t + " VALUES ('bad', 0, 1, "
                + "'one', 0)", "INSERT INTO " + t + " VALUES ('odd', 0, 9, 'x', 0)");
            Cache c = create(db, t);
            assertEquals(1L, c.get("good"));
            assertNull(c.get("bad"));
            log.await("cache '" + t + "': table " + t + ": row with key_name 'bad' skipped: value_type 1 (integer) but "
                + "key_value 'one' is not an integer");
            log.await("row with key_name 'odd' skipped: unknown value_type 9");
            Await.until("cache/loaded with the count", () -> loaded.of(CacheEvents.TOPIC_LOADED, t).size() == 1
                && loaded.of(CacheEvents.TOPIC_LOADED, t).get(0).count() == 1L);
            caches.delete(t);
            caches.awaitGone(t);
        }
    }

    @Test
    void aDataSourceServiceChosenByAFilterServesTheTable() throws Exception {
        try (TestDatabase.H2 db = new TestDatabase.H2()) {
            String t = TestDatabase.freshTable();
            db.htable(t);
            db.sql("INSERT INTO " + t + " VALUES ('from', 0, 0, 'a DataSource', 0)");
            org.h2.jdbcx.JdbcDataSource ds = new org.h2.jdbcx.JdbcDataSource();
            ds.setURL(db.url());
            ds.setUser("sa");
            ds.setPassword("it-secret");
            ServiceRegistration<DataSource> registration = context.registerService(DataSource.class, ds,
                FrameworkUtil.asDictionary(Map.of("dataSourceName", "it-" + t)));
            try {
                caches.configure(t, "name", t, "dbtable", t, "db_datasource", "(dataSourceName=it-" + t + ")",
                    "dbmode", "write-through", "db_expires", "true");
                Cache c = caches.cache(t);
                assertEquals("a DataSource", c.get("from"));
                c.put("to", "the table");
                assertEquals(List.of("to|the table"), db.rows("SELECT key_name, key_value FROM " + t + " WHERE key_name = 'to'"));
                caches.delete(t);
                caches.awaitGone(t);
            } finally {
                registration.unregister();
            }
        }
    }

    @Test
    void stoppingTheImplBundleWhileTheDatabaseHoldsARowLockEndsInBoundedTimeAndSaysWhatItGaveUp() throws Exception {
        try (TestDatabase.H2 db = new TestDatabase.H2(); LogCapture log = new LogCapture(logReader);
            Connection holder = db.connect()) {
            String onStop = TestDatabase.freshTable();
            String through = TestDatabase.freshTable();
            db.htable(onStop);
            db.sql("INSERT INTO " + onStop + " VALUES ('k1', 0, 0, 'v1', 0)", "INSERT INTO " + onStop
                + " VALUES ('k2', 0, 0, 'v2', 0)");
            db.htable(through);
            db.sql("INSERT INTO " + through + " VALUES ('gone', 0, 0, 'x', " + TestDatabase.epochSeconds(-100) + ")",
                "INSERT INTO " + through + " VALUES ('live', 0, 0, 'y', 0)");
            // H2 makes these sessions wait a minute for a row lock: any shorter stop is the store's doing
            List<Object> database = List.of("db_url", db.url() + ";LOCK_TIMEOUT=60000", "db_user", "sa",
                "db_password", "it-secret", "db_timeout", "1s");
            List<Object> first = new java.util.ArrayList<>(List.of("name", onStop, "dbtable", onStop, "dbmode",
                "on-stop"));
            first.addAll(database);
            caches.configure(onStop, first.toArray());
            caches.cache(onStop).put("k3", "v3");

            // another session locks a row of each table: the write-back at stop will wait for one,
            // and the load of a write-through cache waits for the other (it deletes expired rows)
            holder.setAutoCommit(false);
            try (Statement st = holder.createStatement()) {
                st.executeUpdate("UPDATE " + onStop + " SET key_value = key_value WHERE key_name = 'k1'");
                st.executeUpdate("UPDATE " + through + " SET key_value = key_value WHERE key_name = 'gone'");
            }
            List<Object> second = new java.util.ArrayList<>(List.of("name", through, "dbtable", through, "dbmode",
                "write-through", "db_expires", "true"));
            second.addAll(database);
            caches.configure(through, second.toArray());
            Await.until("the load of " + through + " to wait for the row lock", () -> blockedSessions(db) > 0);

            Bundle impl = Bundles.named(context, "io.lapse.impl");
            long started = System.nanoTime();
            impl.stop();
            long millis = (System.nanoTime() - started) / 1_000_000;
            try {
                assertTrue(millis < 15_000, "the stop took " + millis + " ms; with db_timeout 1s it must take seconds");
                log.await("Cache configuration io.lapse.cache~" + through, "gave up waiting for the load of cache '"
                    + through + "'", "after 1000 ms: it is stuck in the database");
                log.await("cache '" + onStop + "': write-back to ", "table " + onStop + " timed out after 1s "
                    + "(db_timeout) and was rolled back, so the table is left as it was");
            } finally {
                holder.rollback();
                caches.delete(onStop);
                caches.delete(through);
                Await.until("the stuck load to end once the lock is gone", () -> Threads.named("lapse-").isEmpty());
                impl.start();
            }
            assertEquals(List.of("k1|v1", "k2|v2"), db.rows("SELECT key_name, key_value FROM " + onStop
                + " ORDER BY 1"),
                "the write-back gave up and left the table as it was");
            assertEquals(List.of("gone|x", "live|y"), db.rows("SELECT key_name, key_value FROM " + through
                + " ORDER BY 1"), "the stopped load changed nothing");
            System.out.println("StoreFailuresIT: impl bundle stop with a row lock held took " + millis + " ms");
        }
    }

    /** How many sessions of the database wait for a lock another holds. */
    private static int blockedSessions(TestDatabase db) {
        try {
            return db.rows("SELECT SESSION_ID FROM INFORMATION_SCHEMA.SESSIONS WHERE BLOCKER_ID IS NOT NULL").size();
        } catch (java.sql.SQLException e) {
            throw new AssertionError("cannot read the sessions of " + db.url(), e);
        }
    }
}
