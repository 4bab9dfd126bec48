package io.lapse.impl.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
 * A store under faults: a load that dies of an {@link Error}, a stop that lands while the load
 * is still connecting, a load that outlives its stop.
 */
class StoreFaultsTest {

    private final H2 db = H2.memory();
    private final TableStoreTest.Recorded recorded = new TableStoreTest.Recorded();
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

    private void threeRows() throws Exception {
        db.htable("kv");
        db.sql("INSERT INTO kv VALUES ('a', 0, 0, 'one', 0)", "INSERT INTO kv VALUES ('b', 0, 0, 'two', 0)",
            "INSERT INTO kv VALUES ('c', 0, 1, '3', 0)");
    }

    private List<String> rows() throws Exception {
        return db.rows("SELECT key_name, key_value FROM kv ORDER BY 1");
    }

    @Test
    void anOutOfMemoryErrorWhileTheTableIsReadNeverLetsTheStopWipeTheTable() throws Exception {
        anErrorWhileTheTableIsReadNeverLetsTheStopWipeTheTable(new OutOfMemoryError("test: the heap is full"));
    }

    @Test
    void aLinkageErrorWhileTheTableIsReadNeverLetsTheStopWipeTheTable() throws Exception {
        anErrorWhileTheTableIsReadNeverLetsTheStopWipeTheTable(new NoClassDefFoundError("org/h2/value/ValueVarchar"));
    }

    private void anErrorWhileTheTableIsReadNeverLetsTheStopWipeTheTable(Error error) throws Exception {
        threeRows();
        store = new TableStore(table, StoreSettings.defaults("kv", WriteMode.ON_STOP, false),
            new Faulty(db, error, 2), Duration.ZERO, TableStore.DEFAULT_TIMEOUT, recorded);
        // the load at start dies of the Error, as the load thread would
        Error thrown = assertThrows(Error.class, () -> store.load(false));
        assertEquals(error, thrown);
        // the stop: the load is cancelled, the (empty) entries are taken out and written back
        store.cancel();
        assertFalse(store.writeBack(table.drain()), "no write-back after a load that did not finish");
        assertEquals(List.of("a|one", "b|two", "c|3"), rows(), "every row is still in the table");
    }

    @Test
    void aStopThatLandsWhileTheLoadIsConnectingNeverLetsTheStopWipeTheTable() throws Exception {
        threeRows();
        store = new TableStore(table, StoreSettings.defaults("kv", WriteMode.ON_STOP, false), db, Duration.ZERO,
            TableStore.DEFAULT_TIMEOUT, recorded);
        CountDownLatch connecting = new CountDownLatch(1);
        CountDownLatch answer = new CountDownLatch(1);
        db.onConnect = () -> {
            connecting.countDown();
            try {
                answer.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        AtomicReference<Throwable> loadFailure = new AtomicReference<>();
        Thread loader = new Thread(() -> {
            try {
                store.load(false);
            } catch (RuntimeException e) {
                // what the load thread does with a load that failed
                store.suspend();
                loadFailure.set(e);
            }
        }, "test-loader");
        loader.start();
        assertTrue(connecting.await(10, TimeUnit.SECONDS));
        db.onConnect = () -> { };

        // the stop lands now: cancel (nothing to cancel yet), take the entries out, write back
        store.cancel();
        List<io.lapse.cache.CacheEntry> entries = table.drain();
        AtomicReference<Boolean> written = new AtomicReference<>();
        Thread stopping = new Thread(() -> written.set(store.writeBack(entries)), "test-stop");
        stopping.start();
        Await.until("the write-back to wait for the load",
            () -> stopping.getState() == Thread.State.WAITING || stopping.getState() == Thread.State.TIMED_WAITING
                || !stopping.isAlive());
        // the database answers the load's connect at last
        answer.countDown();
        loader.join(10_000);
        stopping.join(10_000);
        assertFalse(loader.isAlive());
        assertFalse(stopping.isAlive());
        assertEquals(Boolean.FALSE, written.get(), "no write-back after a load that did not finish");
        assertEquals(List.of("a|one", "b|two", "c|3"), rows(), "every row is still in the table");
    }

    @Test
    void aLoadThatOutlivesItsStopNeverReplacesTheContentsAndClosesItsConnection() throws Exception {
        threeRows();
        db.sql("INSERT INTO kv VALUES ('bad', 0, 1, 'x', 0)");
        store = new TableStore(table, StoreSettings.defaults("kv", WriteMode.NONE, false), db, Duration.ZERO,
            TableStore.DEFAULT_TIMEOUT, recorded);
        long sessions = sessions();
        CountDownLatch reading = new CountDownLatch(1);
        CountDownLatch resume = new CountDownLatch(1);
        recorded.onWarn = () -> {
            reading.countDown();
            try {
                resume.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread loader = new Thread(() -> {
            try {
                store.load(false);
            } catch (RuntimeException e) {
                failure.set(e);
            }
        }, "test-loader");
        loader.start();
        assertTrue(reading.await(10, TimeUnit.SECONDS));

        // the stop of this store gives up waiting for the load; the cache goes on with another store
        store.cancel();
        store.close();
        table.put("fresh", "from the new store");
        resume.countDown();
        loader.join(10_000);
        assertFalse(loader.isAlive());

        assertEquals("from the new store", table.get("fresh"), "the old store's load replaced the contents");
        assertEquals(1, table.size());
        assertTrue(failure.get() instanceof IllegalStateException, String.valueOf(failure.get()));
        assertEquals(sessions, sessions(), "the stopped load's connection is closed");
    }

    /** The sessions open on the database, this query's own included. */
    private long sessions() throws Exception {
        return Long.parseLong(db.rows("SELECT COUNT(*) FROM INFORMATION_SCHEMA.SESSIONS").get(0));
    }

    @Test
    void theLoadThreadLogsAnErrorWithItsCauseAndTheCacheComesUpEmptyWithoutWritingBack() throws Exception {
        threeRows();
        store = new TableStore(table, StoreSettings.defaults("kv", WriteMode.ON_STOP, false),
            new Faulty(db, new OutOfMemoryError("test: the heap is full"), 2), Duration.ZERO, TableStore.DEFAULT_TIMEOUT,
            recorded);
        AtomicReference<Long> done = new AtomicReference<>();
        Loader loader = new Loader(store, recorded, "Cache configuration test", done::set);
        loader.start();
        Await.until("the load to be over", () -> done.get() != null);
        assertEquals(-1L, done.get());
        assertEquals(List.of("ERROR Cache configuration test: the load of cache 'c' from " + db.url + " table kv "
            + "(dbmode on-stop) failed with java.lang.OutOfMemoryError: test: the heap is full; the cache comes up "
            + "empty, and it will not write back until a reload succeeds"), recorded.starting("ERROR"));
        assertTrue(loader.stop(Duration.ofSeconds(10)), "the thread ended");
        assertTrue(store.suspended());
        assertFalse(store.writeBack(table.drain()));
        assertEquals(List.of("a|one", "b|two", "c|3"), rows(), "every row is still in the table");
    }
}
