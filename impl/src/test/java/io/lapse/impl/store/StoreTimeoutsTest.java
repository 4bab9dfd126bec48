package io.lapse.impl.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.lapse.testing.Await;
import io.lapse.impl.engine.CacheSettings;
import io.lapse.impl.engine.CacheTable;
import io.lapse.impl.engine.Clock;
import io.lapse.impl.engine.TimeSource;

/**
 * A database that does not answer (a row lock another session holds, a connect that hangs)
 * costs a store at most about {@code db_timeout} per call: a write-through change fails with a
 * clear error and changes nothing, a write-back at stop gives up and leaves the table, a stop
 * gives up waiting for a stuck load. The H2 here waits a minute for a row lock unless told
 * otherwise, so every bound seen comes from the store.
 */
class StoreTimeoutsTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(1);
    /** The slack allowed above a bound: a loaded machine, H2's polling of its lock waits. */
    private static final long SLACK_MILLIS = 4_000;

    private final H2 db = H2.memory(";LOCK_TIMEOUT=60000");
    private final TableStoreTest.Recorded recorded = new TableStoreTest.Recorded();
    private final CacheTable table = new CacheTable("c", new CacheSettings(4, 0, true, 0, null),
        new TimeSource(Clock.system()), recorded);
    private TableStore store;
    private Connection holder;

    @AfterEach
    void close() throws Exception {
        if (holder != null) {
            holder.rollback();
            holder.close();
        }
        if (store != null) {
            store.close();
        }
        table.close();
    }

    private TableStore store(WriteMode mode, Database database) {
        store = new TableStore(table, StoreSettings.defaults("kv", mode, true), database, Duration.ZERO, TIMEOUT,
            recorded);
        if (store.writeThroughHook() != null) {
            table.writeThrough(store.writeThroughHook());
        }
        return store;
    }

    private void threeRows() throws Exception {
        db.htable("kv");
        db.sql("INSERT INTO kv VALUES ('a', 0, 0, 'one', 0)", "INSERT INTO kv VALUES ('b', 0, 0, 'two', 0)",
            "INSERT INTO kv VALUES ('c', 0, 1, '3', 0)");
    }

    private List<String> rows() throws Exception {
        return db.rows("SELECT key_name, key_value FROM kv ORDER BY 1");
    }

    /** Locks a row from a second session, in a transaction left open until the test ends. */
    private void lockRow(String key) throws Exception {
        holder = DriverManager.getConnection(db.url, "sa", "");
        holder.setAutoCommit(false);
        try (Statement st = holder.createStatement()) {
            assertEquals(1, st.executeUpdate("UPDATE kv SET key_value = key_value WHERE key_name = '" + key + "'"));
        }
    }

    private static long millisSince(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1_000_000;
    }

    private static void assertAboutTheTimeout(long millis) {
        assertTrue(millis >= TIMEOUT.toMillis() - 100 && millis <= TIMEOUT.toMillis() + SLACK_MILLIS,
            "took " + millis + " ms with db_timeout " + TIMEOUT.toMillis() + " ms");
    }

    @Test
    void aWriteThroughPutThatMeetsARowLockFailsAfterDbTimeoutAndCacheAndTableAgree() throws Exception {
        threeRows();
        store(WriteMode.WRITE_THROUGH, db).load(false);
        lockRow("a");
        long started = System.nanoTime();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> table.put("a", "new"));
        assertAboutTheTimeout(millisSince(started));
        assertTrue(e.getMessage().startsWith("cache 'c': write-through write of key 'a' to " + db.url + " table kv "
            + "timed out after 1s (db_timeout), so the cache is unchanged: "), e.getMessage());
        assertEquals("one", table.get("a"));

        holder.rollback();
        assertEquals(List.of("a|one", "b|two", "c|3"), rows(), "cache and table agree");
        table.put("a", "after");
        assertEquals(List.of("a|after", "b|two", "c|3"), rows(), "the next change goes through");
    }

    @Test
    void aWriteThroughPutHeldByARowLockNeverDelaysTheExpiriesOfItsOwnCacheOrAnother() throws Exception {
        // The scenario for review B1: a second session holds a row lock, a write-through
        // put of that key waits for the database; meanwhile a second cache on the same sweeper,
        // and another key of the same cache, must still expire within resolution + 50 ms.
        threeRows();
        TimeSource time = new TimeSource(Clock.system());
        List<Long> lateness = new java.util.concurrent.CopyOnWriteArrayList<>();
        io.lapse.impl.engine.TableListener late = new io.lapse.impl.engine.TableListener() {
            @Override
            public boolean wants(io.lapse.impl.engine.EventKind kind) {
                return kind == io.lapse.impl.engine.EventKind.EXPIRED;
            }

            @Override
            public void entry(io.lapse.impl.engine.EventKind kind, String cache, String key, Object value, long expiresAtMillis) {
                lateness.add(System.currentTimeMillis() - expiresAtMillis);
            }

            @Override
            public void table(io.lapse.impl.engine.EventKind kind, String cache, long count) {
            }
        };
        CacheTable stored = new CacheTable("stored", new CacheSettings(2, 0, true, 0, null), time, late);
        CacheTable other = new CacheTable("other", new CacheSettings(2, 0, true, 0, null), time, late);
        TableStore wt = new TableStore(stored, StoreSettings.defaults("kv", WriteMode.WRITE_THROUGH, true), db,
            Duration.ZERO, Duration.ofSeconds(3), recorded);
        stored.writeThrough(wt.writeThroughHook());
        try (io.lapse.impl.engine.Sweeper sweeper = new io.lapse.impl.engine.Sweeper(time, "timeouts-sweeper-",
            (t, e) -> { })) {
            sweeper.configure(1, 10);
            sweeper.add(stored);
            sweeper.add(other);
            sweeper.start();
            wt.load(false);
            // written before the database hangs (the changes of one cache share its connection):
            // 64 keys over 4 slots, so some share the slot of the key whose write will hang
            for (int i = 0; i < 64; i++) {
                stored.put("e" + i, "v", Duration.ofMillis(400));
            }
            lockRow("a");
            AtomicReference<Throwable> failure = new AtomicReference<>();
            long started = System.nanoTime();
            Thread writer = new Thread(() -> {
                try {
                    stored.put("a", "new");
                } catch (Throwable t) {
                    failure.set(t);
                }
            }, "held-writer");
            writer.start();
            other.put("x", "v", Duration.ofMillis(600));
            Await.until("65 expiries", () -> lateness.size() == 65);
            for (long l : lateness) {
                assertTrue(l <= 10 + 50, "an expiry came " + l + " ms after its deadline, a put held by the database");
            }
            writer.join(10_000);
            assertTrue(failure.get() instanceof IllegalStateException
                && failure.get().getMessage().contains("timed out after 3s (db_timeout)"), String.valueOf(failure.get()));
            assertTrue(millisSince(started) >= 3_000 - 100, "it waited for db_timeout");
            assertEquals("one", stored.get("a"));
            holder.rollback();
            assertEquals(List.of("a|one", "b|two", "c|3"), db.rows("SELECT key_name, key_value FROM kv WHERE key_name "
                + "NOT LIKE 'e%' ORDER BY 1"), "cache and table agree (the e rows keep their passed deadlines until "
                + "the next load deletes them)");
        } finally {
            wt.close();
            stored.close();
            other.close();
        }
    }

    @Test
    void aWriteThroughRemovalThatMeetsARowLockFailsAfterDbTimeoutAndCacheAndTableAgree() throws Exception {
        threeRows();
        store(WriteMode.WRITE_THROUGH, db).load(false);
        lockRow("b");
        long started = System.nanoTime();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> table.remove("b"));
        assertAboutTheTimeout(millisSince(started));
        assertTrue(e.getMessage().startsWith("cache 'c': write-through removal of key 'b' to " + db.url + " table kv "
            + "timed out after 1s (db_timeout), so the cache is unchanged: "), e.getMessage());
        assertEquals("two", table.get("b"));
        holder.rollback();
        assertEquals(List.of("a|one", "b|two", "c|3"), rows(), "cache and table agree");
    }

    @Test
    void aWriteBackThatMeetsARowLockGivesUpAfterDbTimeoutAndLeavesTheTableAsItWas() throws Exception {
        threeRows();
        store(WriteMode.ON_STOP, db).load(false);
        table.put("d", "new");
        lockRow("c");
        long started = System.nanoTime();
        assertFalse(store.writeBack(table.drain()));
        assertAboutTheTimeout(millisSince(started));
        List<String> errors = recorded.starting("ERROR cache 'c': write-back to " + db.url + " table kv timed out after "
            + "1s (db_timeout) and was rolled back, so the table is left as it was: ");
        assertEquals(1, errors.size(), recorded.lines.toString());
        holder.rollback();
        assertEquals(List.of("a|one", "b|two", "c|3"), rows());
    }

    @Test
    void aStopWhileTheLoadIsStuckConnectingGivesUpAfterDbTimeoutAndSaysWhatItGaveUp() throws Exception {
        threeRows();
        long sessions = Long.parseLong(db.rows("SELECT COUNT(*) FROM INFORMATION_SCHEMA.SESSIONS").get(0));
        CountDownLatch connecting = new CountDownLatch(1);
        CountDownLatch answer = new CountDownLatch(1);
        db.onConnect = () -> {
            connecting.countDown();
            // a connect that does not answer, interrupt or not (a socket read does not see one)
            boolean interrupted = false;
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (answer.getCount() > 0 && System.nanoTime() < until) {
                try {
                    answer.await(until - System.nanoTime(), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        };
        store(WriteMode.ON_STOP, db);
        AtomicReference<Long> done = new AtomicReference<>();
        Loader loader = new Loader(store, recorded, "Cache configuration test", done::set);
        loader.start();
        assertTrue(connecting.await(10, TimeUnit.SECONDS));
        db.onConnect = () -> { };

        long started = System.nanoTime();
        assertFalse(loader.stop(TIMEOUT), "the load is stuck");
        assertAboutTheTimeout(millisSince(started));
        assertEquals(List.of("WARN Cache configuration test: gave up waiting for the load of cache 'c' from " + db.url
            + " table kv (dbmode on-stop, deadlines saved) after 1000 ms: it is stuck in the database; it will change "
            + "nothing, and closes its connection when the database answers"), recorded.starting("WARN"));

        started = System.nanoTime();
        assertFalse(store.writeBack(table.drain()));
        assertAboutTheTimeout(millisSince(started));
        assertEquals(1, recorded.starting("ERROR cache 'c': gave up the write-back to " + db.url + " table kv after 1s "
            + "(db_timeout): a load of the table still holds it, so the table is left as it was").size(),
            recorded.lines.toString());

        answer.countDown();
        Await.until("the stuck load to end", () -> done.get() != null);
        assertEquals(-1L, done.get());
        assertEquals(List.of("a|one", "b|two", "c|3"), rows());
        assertEquals(sessions, Long.parseLong(db.rows("SELECT COUNT(*) FROM INFORMATION_SCHEMA.SESSIONS").get(0)),
            "the stuck load closed its connection when it ended");
    }
}
