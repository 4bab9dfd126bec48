package io.lapse.impl.osgi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.lapse.cache.CacheService;
import io.lapse.cache.CacheStore;
import io.lapse.impl.engine.CacheSettings;
import io.lapse.impl.engine.CacheTable;
import io.lapse.impl.engine.ManualClock;
import io.lapse.impl.engine.TableListener;
import io.lapse.impl.engine.TimeSource;
import io.lapse.impl.store.H2;
import io.lapse.impl.store.StoreSettings;
import io.lapse.impl.store.WriteMode;
import io.lapse.testing.Await;

/**
 * The store side of one cache without a framework: its database is an embedded H2 behind a
 * {@code DataSourceFactory} service of a {@link FakeFramework}; the cache is a real table on a
 * {@link ManualClock}.
 */
class StoreHandleTest {

    private static final String PID = "io.lapse.cache~c";
    private static final String NOT_CALLED = "not called";

    private final FakeFramework framework = new FakeFramework();
    private final RecordedLog log = new RecordedLog();
    private final H2 db = H2.memory();
    private final CacheTable table = new CacheTable("c", new CacheSettings(4, 0, true, 0, null),
        new TimeSource(new ManualClock()), TableListener.NONE);
    private final CountDownLatch connecting = new CountDownLatch(1);
    private final CountDownLatch answer = new CountDownLatch(1);
    /** The count the load's callback was given, and the thread it ran on. */
    private final AtomicLong loadedCount = new AtomicLong(Long.MIN_VALUE);
    private final AtomicReference<String> loadedOn = new AtomicReference<>(NOT_CALLED);
    private final AtomicReference<List<FakeFramework.Registered>> storesAtCallback = new AtomicReference<>();
    private StoreHandle handle;

    @AfterEach
    void close() {
        answer.countDown();
        if (handle != null) {
            end(handle);
        }
        table.close();
    }

    private void databaseService() {
        DatabaseServices.h2(framework, db);
    }

    private void tableKv() throws Exception {
        db.htable("kv");
        db.sql("INSERT INTO kv VALUES ('a', 0, 0, 'one', 0)", "INSERT INTO kv VALUES ('b', 0, 0, 'two', 0)",
            "INSERT INTO kv VALUES ('c', 0, 1, '3', 0)");
    }

    private List<String> rows(String name) throws Exception {
        return db.rows("SELECT key_name, key_value FROM " + name + " ORDER BY 1");
    }

    private StoreHandle handle(String name, WriteMode mode) {
        DatabaseSettings database = DatabaseSettings.url("org.h2.Driver", db.url, null, null, Duration.ZERO,
            Duration.ofSeconds(5));
        StoreSettings settings = StoreSettings.defaults(name, mode, mode == WriteMode.WRITE_THROUGH);
        return new StoreHandle(framework.context(), PID, table, database, settings, log.of(CacheComponent.class),
            List.of(database, settings));
    }

    /** Starts the handle's load; the callback records what it was given and where it ran. */
    private void startLoad(StoreHandle h) {
        h.startLoad(count -> {
            storesAtCallback.set(framework.live(CacheStore.class));
            loadedOn.set(Thread.currentThread().getName());
            loadedCount.set(count);
        });
    }

    private long awaitLoaded() {
        Await.until("the load's callback", () -> !loadedOn.get().equals(NOT_CALLED));
        return loadedCount.get();
    }

    /** Makes a connection count {@link #connecting} down, then wait until {@link #answer} counts down. */
    private void databaseAnswersLate() {
        db.onConnect = () -> {
            connecting.countDown();
            try {
                answer.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
    }

    /** Ends a handle as its component does at a stop. */
    private void end(StoreHandle h) {
        h.stopLoading();
        h.close(table.isClosed() ? List.of() : table.drain());
        if (h == handle) {
            handle = null;
        }
    }

    /** Ends a handle as a change of the cache's store settings does. */
    private void detach(StoreHandle h) {
        h.detach();
        if (h == handle) {
            handle = null;
        }
    }

    private FakeFramework.Registered theStoreService() {
        List<FakeFramework.Registered> stores = framework.registered(CacheStore.class);
        assertEquals(1, stores.size(), stores.toString());
        return stores.get(0);
    }

    private void loaded(StoreHandle h) {
        startLoad(h);
        assertEquals(3, awaitLoaded());
    }

    @Test
    void loadsOnAThreadOfItsOwnThenRegistersTheStoreAndCallsBack() throws Exception {
        tableKv();
        databaseService();
        databaseAnswersLate();
        handle = handle("kv", WriteMode.NONE);

        startLoad(handle);

        assertEquals(NOT_CALLED, loadedOn.get(), "startLoad returned while the database had not answered");
        assertTrue(framework.registered(CacheStore.class).isEmpty(), "no store service before the load is over");
        answer.countDown();
        assertEquals(3, awaitLoaded());
        assertEquals("lapse-load-c", loadedOn.get());
        assertEquals(1, storesAtCallback.get().size(), "the store service is registered before the callback");
        assertEquals("c", theStoreService().property(CacheService.CACHE_NAME));
        assertEquals("one", table.get("a"));
        assertEquals(3L, table.get("c"));
    }

    @Test
    void aLoadThatFailsIsReportedOnceNamingConfigurationDatabaseTableAndCause() throws Exception {
        tableKv();
        databaseService();
        db.down.set(true);
        handle = handle("kv", WriteMode.ON_STOP);

        startLoad(handle);

        assertEquals(-1, awaitLoaded());
        List<String> errors = log.lines("ERROR");
        assertEquals(1, errors.size(), log.toString());
        String error = errors.get(0);
        for (String named : List.of(PID, db.url, "table kv", "Connection refused", "comes up empty")) {
            assertTrue(error.contains(named), "names " + named + ": " + error);
        }
        assertEquals(0, table.size(), "the cache comes up empty");
        assertEquals(1, storesAtCallback.get().size(), "its store is there, for a reload once the database is back");
    }

    @Test
    void aLoadThatFailedNeverLetsTheStopOverwriteTheTable() throws Exception {
        tableKv();
        databaseService();
        db.down.set(true);
        handle = handle("kv", WriteMode.ON_STOP);
        startLoad(handle);
        assertEquals(-1, awaitLoaded());
        db.down.set(false);
        table.put("x", "written after the failed load");

        end(handle);

        assertEquals(List.of("a|one", "b|two", "c|3"), rows("kv"), "every row is still in the table");
    }

    @Test
    void withDbmodeOnStopTheEndWritesTheEntriesBack() throws Exception {
        tableKv();
        databaseService();
        handle = handle("kv", WriteMode.ON_STOP);
        loaded(handle);
        table.remove("a");
        table.put("d", "four");

        end(handle);

        assertEquals(List.of("b|two", "c|3", "d|four"), rows("kv"));
        assertTrue(theStoreService().unregistered(), "the store service is withdrawn");
        assertEquals(0, framework.listenerCount(), "the database is no longer tracked");
    }

    @Test
    void withDbmodeNoneTheEndLeavesTheTableAsItWas() throws Exception {
        tableKv();
        databaseService();
        handle = handle("kv", WriteMode.NONE);
        loaded(handle);
        table.put("d", "four");

        end(handle);

        assertEquals(List.of("a|one", "b|two", "c|3"), rows("kv"));
    }

    @Test
    void aStopDuringTheLoadWaitsForItAndNeitherRegistersNorCallsBack() throws Exception {
        tableKv();
        databaseService();
        databaseAnswersLate();
        handle = handle("kv", WriteMode.ON_STOP);
        startLoad(handle);
        assertTrue(connecting.await(10, TimeUnit.SECONDS), "the load is connecting");

        handle.stopLoading();

        assertEquals(NOT_CALLED, loadedOn.get(), "the stopped load never calls back");
        assertTrue(framework.registered(CacheStore.class).isEmpty(), "no store service for a stopped load");
        assertEquals(0, table.size(), "the stopped load swapped nothing in");
        end(handle);
        assertEquals(List.of("a|one", "b|two", "c|3"), rows("kv"), "nor did the stop write back");
    }

    @Test
    void aChangeOfStoreSettingsWritesTheOldStoreBackAndKeepsTheCache() throws Exception {
        tableKv();
        databaseService();
        handle = handle("kv", WriteMode.ON_STOP);
        loaded(handle);
        table.put("d", "four");

        detach(handle);

        assertEquals(List.of("a|one", "b|two", "c|3", "d|four"), rows("kv"), "written back as at a stop");
        assertTrue(theStoreService().unregistered(), "the old store service is withdrawn");
        assertFalse(table.isClosed());
        assertEquals(4, table.size(), "the cache keeps its entries");
        assertEquals(0, framework.listenerCount(), "the old database is no longer tracked");
    }

    @Test
    void theNewStoreOfAChangeLoadsItsTableIntoTheSameCache() throws Exception {
        tableKv();
        db.htable("kv2");
        db.sql("INSERT INTO kv2 VALUES ('z', 0, 0, 'last', 0)");
        databaseService();
        StoreHandle old = handle("kv", WriteMode.NONE);
        loaded(old);
        detach(old);

        handle = handle("kv2", WriteMode.NONE);
        loadedOn.set(NOT_CALLED);
        startLoad(handle);

        assertEquals(1, awaitLoaded());
        assertEquals("last", table.get("z"));
        assertNull(table.get("a"), "the old table's entries are replaced");
        List<FakeFramework.Registered> live = framework.live(CacheStore.class);
        assertEquals(1, live.size(), framework.registered().toString());
        String description = ((CacheStore) live.get(0).service).description();
        assertTrue(description.contains(" table kv2 "), description);
    }

    @Test
    void aChangeTakesTheWriteThroughHookOffTheCache() throws Exception {
        tableKv();
        databaseService();
        handle = handle("kv", WriteMode.WRITE_THROUGH);
        loaded(handle);
        table.put("d", "through");
        assertTrue(rows("kv").contains("d|through"), "written through while the store is on");

        detach(handle);
        table.put("e", "after");

        assertFalse(rows("kv").contains("e|after"), "no write reaches the old store's table: " + rows("kv"));
        assertEquals("after", table.get("e"));
    }

    @Test
    void aRenameMovesTheStoreService() throws Exception {
        tableKv();
        databaseService();
        handle = handle("kv", WriteMode.NONE);
        loaded(handle);

        handle.rename("renamed");

        FakeFramework.Registered store = theStoreService();
        assertFalse(store.unregistered());
        assertEquals("renamed", store.property(CacheService.CACHE_NAME));
    }
}
