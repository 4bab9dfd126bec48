package io.lapse.impl.osgi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceReference;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.osgi.util.tracker.ServiceTracker;

import io.lapse.cache.Cache;
import io.lapse.cache.CacheEvents;
import io.lapse.cache.CacheService;
import io.lapse.cache.CacheStore;
import io.lapse.cache.replication.Replica;
import io.lapse.cache.replication.ReplicaChange;
import io.lapse.impl.engine.CacheTable;
import io.lapse.impl.engine.ManualClock;
import io.lapse.impl.engine.TimeSource;
import io.lapse.impl.store.H2;
import io.lapse.testing.Await;

/**
 * One cache's component without a framework: the registry is a {@link FakeFramework}, the
 * sweeps keep a list of their tables on a {@link ManualClock}, the directory and the event bridge
 * are the bundle's own.
 */
class CacheComponentTest {

    private static final String PID = "io.lapse.cache~one";
    private static final String OTHER_PID = "io.lapse.cache~two";

    /** The sweeps of the bundle as far as a cache sees them: a time source, and the tables swept. */
    static final class ListedSweeps implements Sweeps {
        final ManualClock clock = new ManualClock();
        final TimeSource time = new TimeSource(clock);
        final List<CacheTable> tables = new CopyOnWriteArrayList<>();

        @Override
        public TimeSource time() {
            return time;
        }

        @Override
        public void configure(int threads, long resolutionMillis) {
            throw new UnsupportedOperationException("a cache never configures the sweeps");
        }

        @Override
        public void add(CacheTable table) {
            tables.add(table);
        }

        @Override
        public void remove(CacheTable table) {
            tables.remove(table);
        }

        List<String> names() {
            List<String> names = new ArrayList<>();
            tables.forEach(t -> names.add(t.name()));
            return names;
        }
    }

    private final FakeFramework framework = new FakeFramework();
    private final RecordedLog log = new RecordedLog();
    private final ListedSweeps sweeps = new ListedSweeps();
    private final CacheDirectory directory = new CacheDirectory();
    private final RecordingEventAdmin eventAdmin = new RecordingEventAdmin();
    private final EventBridge events = new EventBridge(eventAdmin);
    private final List<CacheComponent> active = new ArrayList<>();
    private final List<ServiceTracker<?, ?>> trackers = new ArrayList<>();

    CacheComponentTest() {
        events.activate();
        events.addHandler(handler(CacheEvents.TOPIC_ALL));
    }

    @AfterEach
    void stop() {
        trackers.forEach(ServiceTracker::close);
        active.forEach(CacheComponent::deactivate);
        events.deactivate();
    }

    @SuppressWarnings("unchecked")
    private static ServiceReference<EventHandler> handler(String topic) {
        return FakeFramework.proxy(ServiceReference.class, (proxy, method, args) ->
            method.getName().equals("getProperty")
                ? (EventConstants.EVENT_TOPIC.equals(args[0]) ? new String[] {topic} : null)
                : FakeFramework.objectCall(proxy, method, args));
    }

    private static Map<String, Object> config(String pid, Object... pairs) {
        Map<String, Object> map = new HashMap<>();
        map.put(Constants.SERVICE_PID, pid);
        for (int i = 0; i < pairs.length; i += 2) {
            map.put((String) pairs[i], pairs[i + 1]);
        }
        return map;
    }

    /** A component activated by SCR with a configuration of {@link #PID}. */
    private CacheComponent activated(Object... pairs) {
        return activatedAs(PID, pairs);
    }

    private CacheComponent activatedAs(String pid, Object... pairs) {
        CacheComponent component = new CacheComponent(sweeps, directory, events, log.factory());
        component.activate(framework.context(), config(pid, pairs));
        active.add(component);
        return component;
    }

    private void deactivate(CacheComponent component) {
        active.remove(component);
        component.deactivate();
    }

    /** The one Cache service registered so far, live or not. */
    private FakeFramework.Registered theCacheService() {
        List<FakeFramework.Registered> caches = framework.registered(Cache.class);
        assertEquals(1, caches.size(), caches.toString());
        return caches.get(0);
    }

    private Cache theCache() {
        return (Cache) theCacheService().service;
    }

    /** What a consumer's {@code @Reference(target = "(cache.name=<name>)") Cache} tracks. */
    private ServiceTracker<Cache, Cache> consumerOf(String name) throws Exception {
        ServiceTracker<Cache, Cache> tracker = new ServiceTracker<>(framework.context(), FrameworkUtil.createFilter(
            "(&(" + Constants.OBJECTCLASS + "=" + Cache.class.getName() + ")(" + CacheService.CACHE_NAME + "=" + name
                + "))"), null);
        tracker.open();
        trackers.add(tracker);
        return tracker;
    }

    private String theOnlyError() {
        List<String> errors = log.lines("ERROR");
        assertEquals(1, errors.size(), log.toString());
        return errors.get(0);
    }

    private static void assertNames(String line, String... named) {
        for (String n : named) {
            assertTrue(line.contains(n), "names " + n + ": " + line);
        }
    }

    @Test
    void aConfigurationRegistersItsCacheUnderItsName() {
        activated("name", "sessions");

        FakeFramework.Registered service = theCacheService();
        assertFalse(service.unregistered());
        assertEquals("sessions", service.property(CacheService.CACHE_NAME));
        assertEquals("sessions", theCache().name());
        assertSame(theCache(), directory.get("sessions"));
        assertEquals(List.of("sessions"), sweeps.names());
        Await.until("cache/created", eventAdmin::topics, t -> t.equals(List.of(CacheEvents.TOPIC_CREATED)));
    }

    @Test
    void aChangeAppliesLiveAndKeepsTheEntries() {
        CacheComponent component = activated("name", "sessions");
        Cache cache = theCache();
        cache.put("before", "stays");

        component.modified(config(PID, "name", "sessions", "autoexpire", "60s", "initval", "7"));
        cache.put("after", "goes in a minute");
        sweeps.clock.advance(61_000);

        assertEquals("stays", cache.get("before"), "the entries are kept");
        assertFalse(cache.containsKey("after"), "the new autoexpire applies to new writes");
        assertEquals(7L, cache.get("missing"), "the new initval applies");
        assertEquals(1, framework.registered(Cache.class).size(), "the same service throughout");
        assertFalse(theCacheService().unregistered());
    }

    @Test
    void aWriteOverMaxEntriesEvictsAndReportsCacheEvicted() {
        activated("name", "capped", "max_entries", "100");
        Cache cache = theCache();

        for (int i = 0; i < 150; i++) {
            cache.put("k" + i, "v" + i);
        }

        assertEquals(100, cache.size(), "every write returns with the cache within its limit");
        assertEquals(50, cache.stats().evictions());
        Await.until("50 cache/evicted", () -> evicted().size() == 50);
        for (Event e : evicted()) {
            String key = (String) e.getProperty(CacheEvents.CACHE_KEY);
            assertEquals("capped", e.getProperty(CacheEvents.CACHE_NAME));
            assertEquals("v" + key.substring(1), e.getProperty(CacheEvents.CACHE_VALUE));
            assertFalse(cache.containsKey(key), key + " was reported evicted but is still there");
        }
    }

    @Test
    void aLowerMaxEntriesInAChangeEvictsAtOnceAndKeepsTheRest() {
        CacheComponent component = activated("name", "capped", "max_entries", "100");
        Cache cache = theCache();
        for (int i = 0; i < 100; i++) {
            cache.put("k" + i, "v" + i);
        }
        assertEquals(0, cache.stats().evictions());

        component.modified(config(PID, "name", "capped", "max_entries", "10"));

        assertEquals(10, cache.size(), "evicted down to the new limit before the change returned");
        assertEquals(90, cache.stats().evictions());
        Await.until("90 cache/evicted", () -> evicted().size() == 90);
        Set<Object> gone = evicted().stream().map(e -> e.getProperty(CacheEvents.CACHE_KEY)).collect(Collectors.toSet());
        assertEquals(90, gone.size(), "one event per entry");
        for (int i = 0; i < 100; i++) {
            assertEquals(!gone.contains("k" + i), cache.containsKey("k" + i), "k" + i);
        }
        assertFalse(eventAdmin.topics().contains(CacheEvents.TOPIC_REMOVED));
        assertFalse(eventAdmin.topics().contains(CacheEvents.TOPIC_EXPIRED));

        component.modified(config(PID, "name", "capped"));
        for (int i = 100; i < 200; i++) {
            cache.put("k" + i, "v" + i);
        }
        assertEquals(110, cache.size(), "without max_entries nothing more is evicted");
        assertEquals(90, cache.stats().evictions());
        assertTrue(log.lines("ERROR").isEmpty(), log.toString());
    }

    @Test
    void aChangeToWriteBackAtStopOfACappedCacheIsRefusedAndKeepsItsSettings() throws Exception {
        H2 db = tableKv();
        CacheComponent component = activated("name", "stored", "dbtable", "kv", "db_url", db.url, "max_entries", "5");
        Await.until("the Cache service", () -> framework.live(Cache.class).size() == 1);

        component.modified(config(PID, "name", "stored", "dbtable", "kv", "db_url", db.url, "max_entries", "5",
            "dbmode", "on-stop"));
        for (int i = 0; i < 10; i++) {
            theCache().put("k" + i, "v");
        }
        deactivate(component);

        assertNames(theOnlyError(), PID, "'max_entries' = 5", "'dbmode' = 'on-stop'", "cannot go together",
            "'stored' keeps its current settings");
        assertEquals(List.of("a|one"), db.rows("SELECT key_name, key_value FROM kv ORDER BY 1"),
            "no write-back deleted the rows of the evicted entries");
    }

    @Test
    void aFileLevelInTheDataAreaHoldsMoreThanItsHeapAndItsStopReportsWhatIsDue(@TempDir Path data) {
        framework.dataArea = data;
        CacheComponent component = activated("name", "levelled", "level", "file", "max_entries", "5");
        Cache cache = theCache();
        for (int i = 0; i < 20; i++) {
            cache.put("t" + i, "v" + i, Duration.ofSeconds(1));
            cache.put("k" + i, "v" + i);
        }
        assertTrue(Files.isRegularFile(data.resolve("lapse-levels").resolve("levelled.mv")), "the file in the data area");
        assertEquals(40, cache.size());
        sweeps.clock.advance(1_000);

        deactivate(component);

        Map<Object, Long> expired = eventAdmin.sent.stream().filter(e -> e.getTopic().equals(CacheEvents.TOPIC_EXPIRED))
            .collect(Collectors.groupingBy(e -> e.getProperty(CacheEvents.CACHE_KEY), Collectors.counting()));
        assertEquals(20, expired.size(), "every entry due at the stop is reported by then: " + expired);
        assertTrue(expired.values().stream().allMatch(n -> n == 1), "each once: " + expired);
        assertTrue(evicted().isEmpty(), "leaving the heap is no eviction");
        activated("name", "levelled", "level", "file", "max_entries", "5");
        Cache again = (Cache) framework.live(Cache.class).get(0).service;
        assertEquals(20, again.size(), "the file kept the live entries");
        assertEquals("v7", again.get("k7"));
        assertTrue(log.lines("ERROR").isEmpty(), log.toString());
    }

    @Test
    void aSecondCacheOnTheSameFileAndAChangeOfTheFileAreRefusedNamingIt(@TempDir Path data) {
        String file = data.resolve("one.mv").toString();
        CacheComponent component = activated("name", "one", "level", "file", "level_path", file);
        Cache cache = theCache();
        cache.put("k", "v");
        activatedAs(OTHER_PID, "name", "two", "level", "file", "level_path", file);
        String refused = theOnlyError();
        assertNames(refused, OTHER_PID, file, "not created");
        assertEquals(1, framework.live(Cache.class).size(), "the second cache is not created");

        component.modified(config(PID, "name", "one", "level", "file", "level_path", data.resolve("two.mv").toString()));
        assertEquals(2, log.lines("ERROR").size(), log.toString());
        assertNames(log.lines("ERROR").get(1), PID, "cannot change while the cache runs", file);
        assertEquals("v", cache.get("k"), "the cache keeps its level and entries");
    }

    @Test
    void aFileLevelWithoutAPathInAFrameworkWithoutADataAreaAsksForOne() {
        activated("name", "nowhere", "level", "file");
        assertNames(theOnlyError(), PID, "set level_path");
        assertTrue(framework.registered(Cache.class).isEmpty());
    }

    /** The {@code cache/evicted} events sent so far. */
    private List<Event> evicted() {
        return eventAdmin.sent.stream().filter(e -> e.getTopic().equals(CacheEvents.TOPIC_EVICTED))
            .collect(Collectors.toList());
    }

    @Test
    void aRenameMovesTheServiceAndKeepsTheEntries() throws Exception {
        CacheComponent component = activated("name", "sessions");
        theCache().put("k", "v");
        ServiceTracker<Cache, Cache> oldName = consumerOf("sessions");
        ServiceTracker<Cache, Cache> newName = consumerOf("users");
        assertSame(theCache(), oldName.getService());
        assertNull(newName.getService());

        component.modified(config(PID, "name", "users"));

        assertNull(oldName.getService(), "a consumer of the old name loses the cache");
        assertSame(theCache(), newName.getService(), "a consumer of the new name gets it");
        assertEquals("users", theCacheService().property(CacheService.CACHE_NAME));
        assertEquals("users", theCache().name());
        assertEquals("v", newName.getService().get("k"), "with its entries");
        assertEquals(Set.of("users"), directory.names());
        assertTrue(directory.find("sessions").isEmpty());
        assertEquals(List.of("users"), sweeps.names());
    }

    @Test
    void aReplicatedCacheHasAReplicaServiceThatFollowsItsConfiguration() {
        CacheComponent component = activated("name", "sessions", "replicate", "true");
        List<FakeFramework.Registered> replicas = framework.live(Replica.class);
        assertEquals(1, replicas.size());
        Replica replica = (Replica) replicas.get(0).service;
        assertEquals("sessions", replicas.get(0).property(CacheService.CACHE_NAME));
        assertEquals("owner", replicas.get(0).property("expiry_events"));
        assertEquals(Replica.ExpiryEvents.OWNER, replica.expiryEvents());

        List<ReplicaChange> sent = new CopyOnWriteArrayList<>();
        replica.connect(c -> sent.add(c), (cache, key) -> true);
        theCache().put("k", "v");
        assertEquals(List.of(ReplicaChange.put("k", "v", 0)), sent, "the cache's writes reach the outbox");

        component.modified(config(PID, "name", "users", "replicate", "true", "expiry_events", "every-node"));
        assertEquals(1, framework.live(Replica.class).size());
        assertEquals("users", replicas.get(0).property(CacheService.CACHE_NAME), "renamed with its cache");
        assertEquals("every-node", replicas.get(0).property("expiry_events"));
        theCache().put("k2", "v");
        assertEquals(2, sent.size(), "still connected after the change");

        component.modified(config(PID, "name", "users"));
        assertTrue(framework.live(Replica.class).isEmpty(), "replicate off: the service goes");
        theCache().put("k3", "v");
        assertEquals(2, sent.size(), "and the outbox hears nothing more");

        component.modified(config(PID, "name", "users", "replicate", "1"));
        assertEquals(1, framework.live(Replica.class).size());
        deactivate(component);
        assertTrue(framework.live(Replica.class).isEmpty(), "gone with the cache");
    }

    @Test
    void aCacheThatIsNotReplicatedHasNoReplicaService() {
        activated("name", "sessions");
        assertTrue(framework.registered(Replica.class).isEmpty());
    }

    @Test
    void aFirstConfigurationThatIsInvalidIsLoggedAndCreatesNoCache() {
        activated("name", "has space");

        assertNames(theOnlyError(), PID, "'name'", "'has space'", "was not created");
        assertTrue(framework.registered(Cache.class).isEmpty());
        assertTrue(directory.names().isEmpty());
        assertTrue(sweeps.tables.isEmpty());
    }

    @Test
    void theNextValidConfigurationCreatesTheCacheThatAnInvalidOneDidNot() {
        CacheComponent component = activated("name", "sessions", "autoexpire", "soon");

        component.modified(config(PID, "name", "sessions", "autoexpire", "60"));

        assertEquals("sessions", theCacheService().property(CacheService.CACHE_NAME));
        assertSame(theCache(), directory.get("sessions"));
        assertEquals(List.of("sessions"), sweeps.names());
    }

    @Test
    void anInvalidChangeIsLoggedAndKeepsTheSettingsAndEntries() {
        CacheComponent component = activated("name", "sessions");
        Cache cache = theCache();
        cache.put("k", "v");

        component.modified(config(PID, "name", "sessions", "initval", "7", "autoexpire", "soon"));

        assertNames(theOnlyError(), PID, "'autoexpire'", "'soon'", "'sessions' keeps its current settings");
        assertEquals("v", cache.get("k"));
        assertNull(cache.get("missing"), "the refused initval does not apply");
        assertFalse(theCacheService().unregistered());
    }

    @Test
    void anInvalidNameInAChangeKeepsTheCacheWhereItIs() {
        CacheComponent component = activated("name", "sessions");

        component.modified(config(PID, "name", "has space"));

        assertNames(theOnlyError(), PID, "'has space'");
        assertEquals("sessions", theCacheService().property(CacheService.CACHE_NAME));
        assertEquals("sessions", theCache().name());
        assertEquals(Set.of("sessions"), directory.names());
    }

    @Test
    void aConfigurationWhoseNameIsTakenIsLoggedAndCreatesNoCache() {
        activated("name", "sessions");

        activatedAs(OTHER_PID, "name", "sessions");

        assertNames(theOnlyError(), OTHER_PID, "'sessions'", "already used by configuration " + PID,
            "was not created");
        assertEquals(1, framework.registered(Cache.class).size(), "only the first configuration's cache");
        assertEquals(List.of("sessions"), sweeps.names());
    }

    @Test
    void aConfigurationWhoseNameWasTakenCreatesItsCacheOnceRenamed() {
        activated("name", "sessions");
        CacheComponent second = activatedAs(OTHER_PID, "name", "sessions");

        second.modified(config(OTHER_PID, "name", "users"));

        assertEquals(Set.of("sessions", "users"), directory.names());
        assertEquals(List.of("sessions", "users"), framework.live(Cache.class).stream()
            .map(r -> r.property(CacheService.CACHE_NAME)).sorted().collect(Collectors.toList()));
    }

    @Test
    void aRenameToANameAnotherConfigurationHoldsIsLoggedAndChangesNothing() {
        activated("name", "sessions");
        CacheComponent second = activatedAs(OTHER_PID, "name", "users", "initval", "1");
        Cache users = directory.get("users");

        second.modified(config(OTHER_PID, "name", "sessions", "initval", "2"));

        assertNames(theOnlyError(), OTHER_PID, "'sessions'", "already used by configuration " + PID,
            "'users' keeps its name");
        assertSame(users, directory.get("users"));
        assertEquals("users", users.name());
        assertEquals(1L, users.get("missing"), "nor its settings");
        assertEquals(List.of("sessions", "users"), framework.live(Cache.class).stream()
            .map(r -> r.property(CacheService.CACHE_NAME)).sorted().collect(Collectors.toList()));
    }

    @Test
    void deactivateUnregistersClosesAndForgetsTheCache() {
        CacheComponent component = activated("name", "sessions");
        Cache cache = theCache();
        cache.put("k", "v");

        deactivate(component);

        assertTrue(theCacheService().unregistered(), "the Cache service is gone");
        assertTrue(directory.find("sessions").isEmpty(), "CacheService no longer finds it");
        assertTrue(sweeps.tables.isEmpty(), "no longer swept");
        assertThrows(IllegalStateException.class, () -> cache.put("k", "v2"), "the cache is closed");
    }

    @Test
    void deactivateWithoutACacheDoesNothing() {
        CacheComponent component = activated("name", "has space");

        deactivate(component);

        assertTrue(framework.registered().isEmpty());
        assertTrue(directory.names().isEmpty());
    }

    @Test
    void theNameOfAStoppedCacheIsFreeForAnotherConfiguration() {
        deactivate(activated("name", "sessions"));

        activatedAs(OTHER_PID, "name", "sessions");

        assertTrue(log.lines("ERROR").isEmpty(), log.toString());
        assertEquals(1, framework.live(Cache.class).size());
        assertEquals(Set.of("sessions"), directory.names());
    }

    @Test
    void aCacheWithAStoreIsRegisteredOnlyOnceItsLoadIsOver() throws Exception {
        H2 db = tableKv();
        CountDownLatch answer = new CountDownLatch(1);
        db.onConnect = () -> awaitQuietly(answer);

        activated("name", "stored", "dbtable", "kv", "db_url", db.url);

        assertTrue(framework.registered(Cache.class).isEmpty(), "no Cache service while the table loads");
        assertTrue(directory.find("stored").isEmpty(), "nor does CacheService find it");
        answer.countDown();
        Await.until("the Cache service", () -> framework.live(Cache.class).size() == 1);
        assertEquals("one", theCache().get("a"));
        assertSame(theCache(), directory.get("stored"));
        assertEquals(1, framework.live(CacheStore.class).size());
        Await.until("cache/created, then cache/loaded", eventAdmin::topics,
            t -> t.equals(List.of(CacheEvents.TOPIC_CREATED, CacheEvents.TOPIC_LOADED)));
        assertEquals(1L, eventAdmin.sent.get(1).getProperty(CacheEvents.CACHE_COUNT));
    }

    @Test
    void theStopOfACacheWithDbmodeOnStopWritesItsEntriesBack() throws Exception {
        H2 db = tableKv();
        CacheComponent component = activated("name", "stored", "dbtable", "kv", "db_url", db.url, "dbmode", "on-stop");
        Await.until("the Cache service", () -> framework.live(Cache.class).size() == 1);
        theCache().put("b", "two");

        deactivate(component);

        assertEquals(List.of("a|one", "b|two"), db.rows("SELECT key_name, key_value FROM kv ORDER BY 1"));
        assertTrue(framework.live(CacheStore.class).isEmpty(), "the CacheStore service is gone");
        assertTrue(theCacheService().unregistered());
    }

    /** A database with htable's table {@code kv} holding a = one, served by a DataSourceFactory. */
    private H2 tableKv() throws Exception {
        H2 db = H2.memory();
        db.htable("kv");
        db.sql("INSERT INTO kv VALUES ('a', 0, 0, 'one', 0)");
        DatabaseServices.h2(framework, db);
        return db;
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
