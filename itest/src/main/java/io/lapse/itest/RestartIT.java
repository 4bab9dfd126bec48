package io.lapse.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

import io.lapse.cache.Cache;
import io.lapse.cache.CacheEvents;
import io.lapse.cache.CacheService;
import io.lapse.testing.Await;

/**
 * Threads belong to components: stopping the impl bundle stops every Lapse thread before
 * {@code stop()} returns, and starting it again brings the configured caches back.
 *
 * <p>The lifecycle checker: 50 cycles each of a stop and start of the impl bundle, a stop and
 * start of the jmx bundle, and a refresh of the impl bundle, over caches with and without a store
 * (each write mode, in an H2 database the test serves). After each cycle: no {@code lapse-*}
 * thread of a stopped or refreshed impl is left, the {@code io.lapse} MBeans are the caches plus
 * the manager (only the manager while impl is stopped, none while jmx is), every cache answers
 * a put and a get and reports an expiry through EventAdmin, no load thread lingers, and the
 * database holds no session of a stopped impl and at most the write-through store's one of a
 * running impl ({@code INFORMATION_SCHEMA.SESSIONS}, the test's own aside).
 */
class RestartIT {

    @InjectBundleContext
    static BundleContext context;

    @InjectService(timeout = Await.SERVICE_MILLIS)
    static ConfigurationAdmin configAdmin;

    private static Caches caches;

    @BeforeAll
    static void caches() {
        caches = new Caches(context, configAdmin);
    }

    private static final MBeanServer JMX = ManagementFactory.getPlatformMBeanServer();
    private static final int CYCLES = 50;
    /** The caches of the cycles: two without a store, and one per store write mode. */
    private static final List<String> CYCLE_CACHES = List.of("cycle-plain", "cycle-idle", "cycle-onstop",
        "cycle-through", "cycle-read");
    /** Sessions a running impl may hold: the write-through store keeps its connection. */
    private static final int HELD_SESSIONS = 1;
    /** Rows of the table whose load the stops interrupt. */
    private static final int BIG_ROWS = 100_000;
    /** Stops during a load: each one whose load finished first writes the big table back, a second. */
    private static final int LOAD_STOPS = 30;

    private static SessionCountingH2 h2;
    private static Recorder expiries;

    @BeforeAll
    static void serveTheDatabase() throws Exception {
        h2 = new SessionCountingH2("lapse_cycles");
    }

    /**
     * The caches go before the database does, so that no store of a stopping cache meets a closed
     * port; the sweeper gets its default settings back, for the tests that run after these.
     */
    @AfterAll
    static void removeTheCachesAndTheSweeperSettingsThenTheDatabase() throws Exception {
        try {
            Bundle impl = Bundles.named(context, "io.lapse.impl");
            if (impl.getState() != Bundle.ACTIVE) {
                impl.start();
            }
            if (expiries != null) {
                expiries.close();
                for (String name : CYCLE_CACHES) {
                    caches.delete(name);
                    caches.awaitGone(name);
                }
            }
            caches.deleteAll();
            configAdmin.getConfiguration(CacheService.SWEEPER_PID, "?").delete();
        } finally {
            if (h2 != null) {
                h2.close();
            }
        }
    }

    private static List<String> lapseThreads() {
        return Threads.named("lapse-").stream().map(Thread::getName).collect(Collectors.toList());
    }

    /**
     * The sweeper's threads (sweep threads and the clock), which run as long as impl does; the
     * event threads ({@code lapse-events-N}) come with events and end 10 s after the last.
     */
    private static Set<Thread> sweeperThreads() {
        return Set.copyOf(Threads.named("lapse-sweeper-"));
    }

    @Test
    void stoppingAndStartingTheImplBundleTwentyTimesLeavesNoThreadBehind() throws Exception {
        caches.create("restarted", "autoexpire", "50ms");
        java.util.Hashtable<String, Object> sweeper = new java.util.Hashtable<>();
        sweeper.put("threads", "2");
        configAdmin.getConfiguration(CacheService.SWEEPER_PID, "?").update(sweeper);
        Await.until("two sweep threads and the clock", () -> sweeperThreads().size() == 3);
        Bundle impl = Bundles.named(context, "io.lapse.impl");
        for (int round = 1; round <= 20; round++) {
            impl.stop();
            assertEquals(List.of(), lapseThreads(), "threads left after stop " + round);
            assertEquals(0, caches.registered("restarted"));
            impl.start();
            Cache c = caches.cache("restarted");
            c.put("k" + round, round);
            assertEquals((long) round, c.get("k" + round));
            int r = round;
            Await.until("expiry in round " + r, () -> !c.containsKey("k" + r) && c.stats().expirations() == 1);
            Await.until("two sweep threads and the clock in round " + r, () -> sweeperThreads().size() == 3);
        }
        impl.stop();
        assertEquals(List.of(), lapseThreads());
        impl.start();
        assertTrue(caches.cache("restarted").size() == 0, "entries live in memory: a restart starts empty");
    }

    @Test
    void fiftyStopsAndStartsOfImplLeaveNoThreadMBeanOrDatabaseSessionBehind() throws Exception {
        cycleCaches();
        Bundle impl = Bundles.named(context, "io.lapse.impl");
        long start = System.nanoTime();
        int held = 0;
        for (int i = 1; i <= CYCLES; i++) {
            String cycle = "impl stop/start " + i;
            impl.stop();
            assertEquals(List.of(), lapseThreads(), "threads left after the stop of " + cycle);
            assertEquals(Set.of(new ObjectName("io.lapse:type=CacheManager")), lapseMBeans(),
                "MBeans left after the stop of " + cycle);
            Await.until("no database session after the stop of " + cycle, h2::otherSessions, List::isEmpty);
            impl.start();
            held = Math.max(held, afterCycle(cycle));
        }
        figures("impl stop/start", start, held);
    }

    @Test
    void fiftyStopsAndStartsOfJmxLeaveExactlyTheMBeansOfTheCaches() throws Exception {
        cycleCaches();
        Bundle jmx = Bundles.named(context, "io.lapse.jmx");
        // a load thread ends a moment after its cache appears
        Await.until("no load thread before the jmx cycles", () -> Threads.named("lapse-load-"), List::isEmpty);
        Set<Thread> running = sweeperThreads();
        long start = System.nanoTime();
        int held = 0;
        for (int i = 1; i <= CYCLES; i++) {
            String cycle = "jmx stop/start " + i;
            jmx.stop();
            assertEquals(Set.of(), lapseMBeans(), "MBeans left after the stop of " + cycle);
            jmx.start();
            held = Math.max(held, afterCycle(cycle));
            assertEquals(running, sweeperThreads(), "Lapse's sweeper threads changed in " + cycle);
        }
        figures("jmx stop/start", start, held);
    }

    @Test
    void fiftyRefreshesOfImplLeaveNoThreadMBeanOrDatabaseSessionOfTheOldWiring() throws Exception {
        cycleCaches();
        Bundle impl = Bundles.named(context, "io.lapse.impl");
        FrameworkWiring wiring = context.getBundle(0).adapt(FrameworkWiring.class);
        long start = System.nanoTime();
        int held = 0;
        for (int i = 1; i <= CYCLES; i++) {
            String cycle = "impl refresh " + i;
            List<Thread> before = Threads.named("lapse-");
            CountDownLatch refreshed = new CountDownLatch(1);
            wiring.refreshBundles(List.of(impl), e -> {
                if (e.getType() == FrameworkEvent.PACKAGES_REFRESHED) {
                    refreshed.countDown();
                }
            });
            assertTrue(refreshed.await(30, TimeUnit.SECONDS), "the refresh of " + cycle + " did not finish in 30 s");
            assertEquals(Bundle.ACTIVE, impl.getState(), "impl after " + cycle);
            List<String> survivors = before.stream().filter(Thread::isAlive).map(Thread::getName).collect(Collectors.toList());
            assertEquals(List.of(), survivors, "threads of the wiring before " + cycle + " still alive");
            held = Math.max(held, afterCycle(cycle));
        }
        figures("impl refresh", start, held);
    }

    /**
     * Stops that land while a store cache loads a big table, at delays spread over its load: the
     * load is cancelled, and the stop leaves no thread and no session; the cache's write-back
     * ({@code dbmode = on-stop}) never replaces the table with a half-loaded cache, so every row
     * stays. The delay only chooses where the stop lands, it asserts nothing.
     */
    @Test
    void stopsThatLandWhileABigTableLoadsLoseNoRowAndLeaveNoThreadOrSession() throws Exception {
        cycleCaches();
        h2.htable("cycle_big");
        h2.sql("INSERT INTO cycle_big (key_name, key_type, value_type, key_value, expires) "
            + "SELECT 'k' || X, 0, 0, 'v' || X, 0 FROM SYSTEM_RANGE(1, " + BIG_ROWS + ")");
        Bundle impl = Bundles.named(context, "io.lapse.impl");
        long loading = System.nanoTime();
        configureStore("cycle-big", "dbmode", "on-stop");
        long loadMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - loading);
        try {
            java.util.Random random = new java.util.Random(42);
            long start = System.nanoTime();
            int duringLoad = 0;
            for (int i = 1; i <= LOAD_STOPS; i++) {
                String cycle = "stop during a load " + i;
                impl.stop();
                assertEquals(List.of(), lapseThreads(), "threads left after the stop before " + cycle);
                Await.until("no database session after the stop before " + cycle, h2::otherSessions, List::isEmpty);
                assertEquals(List.of(Integer.toString(BIG_ROWS)), h2.rows("SELECT COUNT(*) FROM cycle_big"),
                    "rows of the big table after the stop before " + cycle);
                impl.start();
                // a third of the stops land while the loader connects, the rest while it reads
                long delay = i % 3 == 0 ? random.nextInt(5) : random.nextInt((int) Math.max(1, loadMillis * 6 / 10));
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(delay));
                if (caches.registered("cycle-big") == 0) {
                    duringLoad++;
                }
            }
            impl.stop();
            assertEquals(List.of(), lapseThreads(), "threads left after the last stop");
            Await.until("no database session after the last stop", h2::otherSessions, List::isEmpty);
            assertEquals(List.of(Integer.toString(BIG_ROWS)), h2.rows("SELECT COUNT(*) FROM cycle_big"),
                "rows of the big table after the last stop");
            impl.start();
            assertEquals(BIG_ROWS, caches.cache("cycle-big").size(), "the big table loads whole after the cycles");
            afterCycle("the stops during a load");
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            System.out.println("RestartIT: " + LOAD_STOPS + " stops of impl at random points of a " + loadMillis
                + " ms load of " + BIG_ROWS + " rows in " + millis + " ms, " + duringLoad + " of them before the load ended");
        } finally {
            caches.delete("cycle-big");
            caches.awaitGone("cycle-big");
        }
    }

    /** Creates the caches of the cycles once per framework, and the listener of their expiries. */
    private void cycleCaches() throws Exception {
        if (expiries != null) {
            return;
        }
        expiries = Recorder.on(context, CacheEvents.TOPIC_EXPIRED);
        caches.create("cycle-plain", "autoexpire", "1h", "size", "4");
        caches.create("cycle-idle", "idleexpire", "1h");
        storeCache("cycle-onstop", "dbmode", "on-stop", "db_expires", "true");
        storeCache("cycle-through", "dbmode", "write-through", "db_expires", "true");
        storeCache("cycle-read");
    }

    /** A cache with a store in its own table of the test's database, named like the cache with '_' for '-'. */
    private void storeCache(String name, Object... more) throws Exception {
        h2.htable(name.replace('-', '_'));
        configureStore(name, more);
    }

    /** Configures a cache with a store in the table {@link #storeCache} names, and waits for it. */
    private void configureStore(String name, Object... more) throws Exception {
        String table = name.replace('-', '_');
        List<Object> properties = new ArrayList<>(List.of("name", name, "dbtable", table));
        properties.addAll(h2.properties());
        properties.addAll(List.of(more));
        caches.configure(name, properties.toArray());
        caches.cache(name);
    }

    /**
     * What must hold after every cycle, once impl and jmx run again: every cache of the cycles
     * back and working, expiry events included; the MBeans exactly the caches and the manager;
     * no load thread left; at most {@link #HELD_SESSIONS} database sessions.
     *
     * @return the database sessions open
     */
    private int afterCycle(String cycle) throws Exception {
        String key = "short-" + cycle.replace(' ', '-').replace('/', '-');
        for (String name : CYCLE_CACHES) {
            Cache c = caches.cache(name);
            c.put("k", cycle);
            assertEquals(cycle, c.get("k"), name + " after " + cycle);
            c.put(key, "x", Duration.ofMillis(20));
        }
        for (String name : CYCLE_CACHES) {
            Await.until(name + " to report " + key + " expired after " + cycle,
                () -> expiries.has(CacheEvents.TOPIC_EXPIRED, name, key));
        }
        int expected = configuredCaches() + 1;
        Await.until("the io.lapse MBeans to be the " + (expected - 1) + " caches and the manager after " + cycle,
            RestartIT::lapseMBeans, names -> names.size() == expected);
        Await.until("no load thread after " + cycle, () -> Threads.named("lapse-load-"), List::isEmpty);
        return Await.until("at most " + HELD_SESSIONS + " database sessions after " + cycle, h2::otherSessions,
            sessions -> sessions.size() <= HELD_SESSIONS).size();
    }

    private int configuredCaches() throws Exception {
        Configuration[] all = caches.configAdmin().listConfigurations(
            "(service.factoryPid=" + CacheService.FACTORY_PID + ")");
        return all == null ? 0 : all.length;
    }

    private static Set<ObjectName> lapseMBeans() {
        try {
            return JMX.queryNames(new ObjectName("io.lapse:*"), null);
        } catch (javax.management.MalformedObjectNameException e) {
            throw new AssertionError(e);
        }
    }

    private static void figures(String kind, long startNanos, int heldSessions) {
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
        System.out.println("RestartIT: " + CYCLES + " cycles of " + kind + " in " + millis + " ms (" + millis / CYCLES
            + " ms each), " + CYCLE_CACHES.size() + " caches checked, at most " + heldSessions
            + " database session(s) open after a cycle, " + Threads.named("lapse-").size() + " Lapse threads running");
    }
}
