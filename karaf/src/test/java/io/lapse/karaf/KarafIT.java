package io.lapse.karaf;

import static io.lapse.karaf.KarafHome.ADMIN;
import static io.lapse.karaf.KarafHome.VIEWER;
import static io.lapse.karaf.RemoteJmx.objectName;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.function.Executable;

import io.lapse.testing.Await;

/**
 * The features repository in a real Apache Karaf 4.4.10, driven from outside as a person would:
 * the README's commands typed into Karaf's shell ({@code bin/client}), and a remote JMX client
 * over Karaf's connector, logged in once as an admin ({@value KarafHome#ADMIN}) and once as a
 * viewer ({@value KarafHome#VIEWER}).
 *
 * <p>The build unpacks a fresh Karaf under {@code target/karaf}, stages our bundles in
 * {@code target/karaf-repo} (this test adds the features file) and prefetches the third-party
 * bundles into the local Maven repository; {@link KarafHome} points Karaf's Maven resolution at
 * those, so nothing needs {@code mvn install}. Karaf is stopped by its PID on every path
 * ({@link KarafProcess}).
 *
 * <p>All tests share one Karaf and its sample cache {@code sessions}, each with keys of its own;
 * the last one uninstalls the features.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KarafIT {

    private static final Duration START = Duration.ofSeconds(120);
    private static final Duration SHELL = Duration.ofSeconds(120);
    private static final Duration SOON = Duration.ofSeconds(30);

    private static final String README_MARKER = "<!-- KarafIT types the lines of the next block into Karaf's shell -->";
    private static final Pattern LISTED_SESSIONS = Pattern.compile("(?m)^sessions +\\d+$");

    private static final ObjectName MANAGER = objectName("io.lapse:type=CacheManager");
    private static final ObjectName SESSIONS = objectName("io.lapse:type=Cache,name=sessions");
    private static final ObjectName ALL_OF_LAPSE = objectName("io.lapse:*");
    private static final ObjectName FEATURES = objectName("org.apache.karaf:type=feature,name=root");
    private static final ObjectName CONFIG = objectName("org.apache.karaf:type=config,name=root");
    private static final String SESSIONS_PID = "io.lapse.cache~sessions";

    private static KarafHome karaf;
    private static KarafProcess process;
    private static RemoteJmx admin;
    private static RemoteJmx viewer;
    private static String readmeSession;

    @BeforeAll
    static void startKarafAndInstallLapse() throws Exception {
        Path home = BuildOutput.path("lapse.karaf.home");
        BuildOutput.stageFeatures();
        karaf = BuildOutput.prepare(home);
        process = KarafProcess.start(karaf, home.resolveSibling("karaf-console.log"));
        try {
            process.assertIsKaraf(home.resolve("karaf.pid"));
            admin = RemoteJmx.connect(process, karaf, ADMIN, ADMIN, START);
            Await.answer("Karaf's boot features (feature, shell, ssh, config, management) to be installed", START,
                () -> installedFeatures().containsAll(List.of("feature", "shell", "ssh", "config", "management")));
            readmeSession = shell(ADMIN).run(SHELL, readmeKarafSession());
            String installed = shell(ADMIN).run(SHELL, List.of("feature:install lapse-example lapse-jdbc"));
            assertFalse(installed.contains("Error executing command"), installed);
            Await.answer("the sample cache's MBean", SOON, () -> admin.server().isRegistered(SESSIONS));
            viewer = RemoteJmx.connect(process, karaf, VIEWER, VIEWER, SOON);
        } catch (Exception | Error e) {
            stopKaraf();
            throw e;
        }
    }

    @AfterAll
    static void stopKaraf() {
        try {
            for (RemoteJmx client : Arrays.asList(viewer, admin)) {
                if (client != null) {
                    client.close();
                }
            }
        } finally {
            viewer = null;
            admin = null;
            if (process != null) {
                process.close();
                process = null;
            }
        }
    }

    @Test
    void theReadmeSessionInstallsLapseAndListsTheSampleCache() {
        assertFalse(readmeSession.contains("Error executing command") || readmeSession.contains("Command not found"),
            readmeSession);
        assertTrue(LISTED_SESSIONS.matcher(readmeSession).find(), "cache:list shows the sample cache:\n" + readmeSession);
        assertTrue(Files.isRegularFile(karaf.etc("io.lapse.cache-sessions.cfg")), "the sample cache's file in etc/");
    }

    @Test
    void theMBeansAreRegisteredOnceThroughKarafsJmxWhiteboard() throws Exception {
        Set<ObjectName> mbeans = admin.server().queryNames(ALL_OF_LAPSE, null);
        assertTrue(mbeans.containsAll(List.of(MANAGER, SESSIONS)), mbeans.toString());
        Framework framework = new Framework(admin);
        Set<Long> jmxBundle = framework.bundlesNamed("io.lapse.jmx");
        List<Framework.Service> published = framework.services().stream()
            .filter(s -> jmxBundle.contains(s.bundle) && s.objectClass.contains("javax.management.DynamicMBean"))
            .collect(Collectors.toList());
        assertEquals(mbeans.size(), published.size(),
            "each MBean is a whiteboard service (" + published + "), so the jmx bundle registers none directly");
        String log = Files.readString(karaf.log(), StandardCharsets.UTF_8);
        assertFalse(log.contains("InstanceAlreadyExists"), "no MBean registered twice");
        List<String> complaints = log.lines()
            .filter(l -> (l.contains("| WARN ") || l.contains("| ERROR ")) && l.contains(" - io.lapse."))
            .collect(Collectors.toList());
        assertEquals(List.of(), complaints, "no warning or error from a Lapse bundle in " + karaf.log());
    }

    @Test
    void aRemoteClientListsCachesSetsAndGetsValues() throws Exception {
        assertTrue(Arrays.asList((String[]) admin.invoke(MANAGER, "listTables")).contains("sessions"));
        assertTrue(Arrays.asList((String[]) admin.attribute(MANAGER, "CacheNames")).contains("sessions"));
        admin.invoke(SESSIONS, "sets", "jmx:user", "alice");
        admin.server().invoke(SESSIONS, "seti", new Object[] {"jmx:count", 42L}, new String[] {"java.lang.String", "long"});
        assertEquals("alice", admin.invoke(SESSIONS, "get", "jmx:user"));
        assertEquals("42", admin.invoke(SESSIONS, "get", "jmx:count"));
        assertTrue(keys(dump(admin)).containsAll(List.of("jmx:user", "jmx:count")));
        CompositeData row = Arrays.stream((CompositeData[]) admin.invoke(MANAGER, "stats"))
            .filter(r -> "sessions".equals(r.get("name"))).findFirst().orElseThrow();
        assertTrue((Long) row.get("puts") >= 2, row.toString());
        assertEquals(true, admin.invoke(SESSIONS, "delete", "jmx:user"));
        assertNull(admin.invoke(SESSIONS, "get", "jmx:user"));
    }

    @Test
    void expiredEntriesReachTheExampleHandlerInKaraf() throws Exception {
        admin.invoke(SESSIONS, "sets", "jmx:expiring", "bye");
        admin.server().invoke(SESSIONS, "setex", new Object[] {"jmx:expiring", 1L},
            new String[] {"java.lang.String", "long"});
        String line = "ExpiryLogger";
        String event = "expired: cache 'sessions' key 'jmx:expiring' value 'bye'";
        Await.answer("the example handler's line for the expiry in " + karaf.log(), SOON,
            () -> Files.readString(karaf.log(), StandardCharsets.UTF_8).lines()
                .anyMatch(l -> l.contains(line) && l.contains(event)));
    }

    @Test
    void aViewerReadsTheStatisticsAndListsTheCaches() throws Exception {
        for (String attribute : List.of("Name", "StatisticsEnabled", "CacheHits", "CacheMisses", "CacheHitPercentage", "CacheGets",
            "CachePuts", "CacheRemovals", "CacheEvictions", "CacheExpirations", "Size", "Slots", "MaxSlotItems",
            "MinSlotItems", "EventsPosted", "EventsDropped", "ExpiryLagP50Millis", "ExpiryLagP99Millis",
            "ExpiryLagMaxMillis")) {
            assertNotNull(viewer.attribute(SESSIONS, attribute), attribute);
        }
        assertTrue(Arrays.asList((String[]) viewer.attribute(MANAGER, "CacheNames")).contains("sessions"));
        assertTrue(Arrays.asList((String[]) viewer.invoke(MANAGER, "listTables")).contains("sessions"));
        assertTrue(((CompositeData[]) viewer.invoke(MANAGER, "stats")).length >= 1);
    }

    @Test
    void aViewerIsRefusedValuesDumpsReloadsAndEveryChange() throws Exception {
        admin.invoke(SESSIONS, "sets", "viewer:secret", "s3cret");
        String typed = "java.lang.String";
        Map<String, Executable> refused = new LinkedHashMap<>();
        refused.put("get", () -> viewer.invoke(SESSIONS, "get", "viewer:secret"));
        refused.put("dump", () -> viewer.server().invoke(SESSIONS, "dump", new Object[] {0L, 10},
            new String[] {"long", "int"}));
        refused.put("reload", () -> viewer.invoke(SESSIONS, "reload"));
        refused.put("removeKeysMatching", () -> viewer.invoke(SESSIONS, "removeKeysMatching", "^viewer:"));
        refused.put("removeValuesMatching", () -> viewer.invoke(SESSIONS, "removeValuesMatching", "s3cret"));
        refused.put("countKeysMatching", () -> viewer.invoke(SESSIONS, "countKeysMatching", "^viewer:"));
        refused.put("keys", () -> viewer.server().invoke(SESSIONS, "keys", new Object[] {"prefix", "viewer:", 0L, 10},
            new String[] {typed, typed, "long", "int"}));
        refused.put("groupKeys", () -> viewer.server().invoke(SESSIONS, "groupKeys", new Object[] {"g", 0L, 10},
            new String[] {typed, "long", "int"}));
        refused.put("invalidateGroup", () -> viewer.invoke(SESSIONS, "invalidateGroup", "g"));
        refused.put("sets", () -> viewer.invoke(SESSIONS, "sets", "viewer:secret", "changed"));
        refused.put("seti", () -> viewer.server().invoke(SESSIONS, "seti", new Object[] {"viewer:n", 1L},
            new String[] {typed, "long"}));
        refused.put("setex", () -> viewer.server().invoke(SESSIONS, "setex", new Object[] {"viewer:secret", 1L},
            new String[] {typed, "long"}));
        refused.put("delete", () -> viewer.invoke(SESSIONS, "delete", "viewer:secret"));
        refused.put("reset", () -> viewer.invoke(SESSIONS, "reset"));
        refused.put("resetStats", () -> viewer.invoke(SESSIONS, "resetStats"));
        // Karaf moves the type to the front whatever the order of the keys: the same rules apply
        refused.put("get, keys in another order",
            () -> viewer.invoke(objectName("io.lapse:name=sessions,type=Cache"), "get", "viewer:secret"));
        refused.forEach((what, call) -> assertThrows(SecurityException.class, call, "a viewer calling " + what));
        assertEquals("s3cret", admin.invoke(SESSIONS, "get", "viewer:secret"), "the refused calls changed nothing");
    }

    @Test
    void anAdminDumpsReloadsRemovesByPatternAndResets() throws Exception {
        admin.invoke(SESSIONS, "sets", "admin:a", "one");
        admin.invoke(SESSIONS, "sets", "admin:b", "two");
        assertTrue(keys(dump(admin)).containsAll(List.of("admin:a", "admin:b")));
        Exception reload = assertThrows(Exception.class, () -> admin.invoke(SESSIONS, "reload"));
        assertFalse(reload instanceof SecurityException, "the admin passes the role check: " + reload);
        assertTrue(messages(reload).contains("has no store"), "reload fails for want of a store: " + messages(reload));
        assertEquals(1L, admin.invoke(SESSIONS, "countKeysMatching", "^admin:a$"));
        assertEquals(1L, admin.invoke(SESSIONS, "removeKeysMatching", "^admin:a$"));
        assertEquals(1L, admin.invoke(SESSIONS, "removeValuesMatching", "^two$"));
        assertEquals(0L, admin.invoke(SESSIONS, "countKeysMatching", "^admin:"));
        admin.invoke(SESSIONS, "sets", "admin:c", "three");
        assertTrue((Long) admin.invoke(SESSIONS, "reset") >= 1L);
        assertEquals(0L, admin.attribute(SESSIONS, "Size"));
        admin.invoke(SESSIONS, "resetStats");
        assertEquals(0L, admin.attribute(SESSIONS, "CacheGets"));
    }

    @Test
    void configurationChangesThroughKarafTakeEffectAndKeepTheEntries() throws Exception {
        assertTrue(((Collection<?>) admin.attribute(CONFIG, "Configs")).contains(SESSIONS_PID),
            "the sample cache's configuration is " + SESSIONS_PID);
        admin.invoke(SESSIONS, "sets", "config:kept", "yes");

        admin.invoke(CONFIG, "setProperty", SESSIONS_PID, "size", "4");
        Await.answer("2^4 slots after the config MBean set size = 4", SOON, () -> admin.attribute(SESSIONS, "Slots"),
            Integer.valueOf(16)::equals);
        Await.answer("Karaf to write size = 4 to the sample cache's file", SOON,
            () -> Files.readAllLines(karaf.etc("io.lapse.cache-sessions.cfg")).stream()
                .anyMatch(l -> l.replace(" ", "").equals("size=4")));
        assertEquals("yes", admin.invoke(SESSIONS, "get", "config:kept"));

        String out = shell(ADMIN).run(SHELL, List.of(
            "config:edit " + SESSIONS_PID, "config:property-set size 8", "config:update"));
        assertFalse(out.contains("Error executing command"), out);
        Await.answer("2^8 slots after the config commands set size = 8", SOON, () -> admin.attribute(SESSIONS, "Slots"),
            Integer.valueOf(256)::equals);
        assertEquals("yes", admin.invoke(SESSIONS, "get", "config:kept"), "a live change keeps the entries");
    }

    @Test
    void theSampleCachesCapIsInForce() throws Exception {
        @SuppressWarnings("unchecked")
        Map<String, String> config = (Map<String, String>) admin.server().invoke(CONFIG, "listProperties",
            new Object[] {SESSIONS_PID}, new String[] {String.class.getName()});
        long cap = Long.parseLong(config.getOrDefault("max_entries", "0").strip());
        assertTrue(cap > 0 && cap <= 10_000, "the sample cache has a cap small enough to write past: " + config);
        long evictionsBefore = (Long) admin.attribute(SESSIONS, "CacheEvictions");
        try {
            for (long i = 0; i < cap + 100; i++) {
                admin.invoke(SESSIONS, "sets", "cap:" + i, "v");
            }

            assertEquals(cap, admin.attribute(SESSIONS, "Size"), "the cache holds its cap, no more");
            long evicted = (Long) admin.attribute(SESSIONS, "CacheEvictions") - evictionsBefore;
            assertTrue(evicted >= 100, "at least the 100 entries written past the cap were evicted: " + evicted);
        } finally {
            admin.invoke(SESSIONS, "removeKeysMatching", "^cap:");
        }
    }

    @Test
    void theShellRunsTheCacheCommands() throws Exception {
        String out = shell(ADMIN).run(SHELL, List.of(
            "cache:set sessions shell:user bob",
            "cache:seti sessions shell:count 7 0",
            "cache:set sessions shell:gone soon",
            "cache:delete sessions shell:gone",
            "cache:get sessions shell:user",
            "cache:list",
            "cache:stats sessions",
            "cache:dump sessions",
            "cache:keys sessions --prefix shell:c",
            "cache:rm sessions --prefix shell:",
            "cache:get sessions shell:count",
            "cache:reload sessions"));
        assertTrue(out.contains("\nbob\n"), "cache:get prints the value:\n" + out);
        assertTrue(LISTED_SESSIONS.matcher(out).find(), "cache:list:\n" + out);
        assertTrue(Pattern.compile("(?m)^slots +\\d+$").matcher(out).find(), "cache:stats:\n" + out);
        assertTrue(Pattern.compile("(?m)^shell:count +Long .*7$").matcher(out).find(), "cache:dump:\n" + out);
        assertTrue(Pattern.compile("(?m)^shell:count\r?\n-- keys 0\\.\\.0\r?$").matcher(out).find(), "cache:keys:\n" + out);
        assertTrue(out.contains("cache:get: cache 'sessions' has no live entry for key 'shell:count'"),
            "cache:rm removed it, and cache:get says so in one line:\n" + out);
        assertTrue(out.contains("cache:reload: cache 'sessions' has no store to reload from"), out);
        assertFalse(out.contains("\tat "), "no stack trace:\n" + out);
        assertNull(admin.invoke(SESSIONS, "get", "shell:user"));
        assertFalse(keys(dump(admin)).contains("shell:gone"), "cache:delete removed it");
    }

    @Test
    void aCommandGivenToTheClientAsAnArgumentPrintsItsOutput() throws Exception {
        admin.invoke(SESSIONS, "sets", "exec:user", "carol");
        KarafShell shell = shell(ADMIN);
        String list = shell.exec(SHELL, "cache:list");
        assertTrue(LISTED_SESSIONS.matcher(list).find(), "bin/client 'cache:list' prints the caches:\n" + list);
        String value = shell.exec(SHELL, "cache:get sessions exec:user");
        assertTrue(value.contains("carol\n"), "bin/client 'cache:get ...' prints the value:\n" + value);
    }

    @Test
    void theShellHidesValuesAndChangesFromAViewer() throws Exception {
        admin.invoke(SESSIONS, "sets", "viewer:shell", "hidden");
        String out = shell(VIEWER).run(SHELL, List.of(
            "cache:list",
            "cache:stats sessions",
            "cache:get sessions viewer:shell",
            "cache:dump sessions",
            "cache:keys sessions",
            "cache:group sessions g",
            "cache:set sessions viewer:shell changed",
            "cache:rm sessions --prefix viewer:"));
        assertTrue(LISTED_SESSIONS.matcher(out).find(), "a viewer lists the caches:\n" + out);
        assertTrue(Pattern.compile("(?m)^slots +\\d+$").matcher(out).find(), "and reads their statistics:\n" + out);
        for (String hidden : List.of("get", "dump", "keys", "group", "set", "rm")) {
            assertTrue(out.contains("Command not found: cache:" + hidden), "cache:" + hidden + " is admin's:\n" + out);
        }
        assertFalse(out.contains("hidden"), "the value never shows:\n" + out);
        assertEquals("hidden", admin.invoke(SESSIONS, "get", "viewer:shell"));
    }

    @Test
    void theJdbcFeatureStartsTheDriversDataSourceFactories() throws Exception {
        Framework framework = new Framework(admin);
        Set<Long> drivers = new HashSet<>(framework.bundlesNamed("com.h2database"));
        drivers.addAll(framework.bundlesNamed("org.postgresql.jdbc"));
        assertEquals(2, drivers.size(), "the H2 and PostgreSQL bundles: " + framework.bundles());
        Set<Long> registering = framework.services().stream()
            .filter(s -> s.objectClass.contains("org.osgi.service.jdbc.DataSourceFactory"))
            .map(s -> s.bundle).collect(Collectors.toSet());
        assertTrue(registering.containsAll(drivers), "each driver registers a DataSourceFactory: " + registering);
    }

    @Test
    void aCacheWithAStoreLoadsItsTableThroughTheJdbcFeatureAndReloads() throws Exception {
        // an H2 database in memory, its table made and filled by H2 itself when first opened
        Path cfg = karaf.etc("io.lapse.cache-stored.cfg");
        Files.writeString(cfg, "name = stored\ndbtable = kv\ndb_url = jdbc:h2:mem:karaf;DB_CLOSE_DELAY=-1;"
            + "INIT=CREATE TABLE IF NOT EXISTS kv (key_name VARCHAR(50), key_type INT, value_type INT, "
            + "key_value VARCHAR(50), expires BIGINT)\\\\;MERGE INTO kv KEY (key_name) VALUES ('from-h2', 0, 1, '42', 0)\n",
            StandardCharsets.UTF_8);
        ObjectName stored = objectName("io.lapse:type=Cache,name=stored");
        try {
            Await.answer("the stored cache, once its table is loaded", SOON, () -> admin.server().isRegistered(stored));
            assertEquals("42", admin.invoke(stored, "get", "from-h2"));
            admin.invoke(stored, "sets", "not-in-the-table", "x");
            assertEquals(1L, admin.invoke(stored, "reload"));
            assertNull(admin.invoke(stored, "get", "not-in-the-table"), "a reload replaces the contents");
        } finally {
            Files.delete(cfg);
        }
        Await.answer("the stored cache to go with its file", SOON, () -> !admin.server().isRegistered(stored));
    }

    @Test
    void aCacheBackedByAFileLevelHoldsMoreThanItsHeapAndKeepsItsEntriesWhenItsFileReturns() throws Exception {
        // no level_path: the file goes to the impl bundle's data area, under Karaf's data folder
        Path cfg = karaf.etc("io.lapse.cache-levelled.cfg");
        String config = "name = levelled\nlevel = file\nmax_entries = 5\n";
        ObjectName levelled = objectName("io.lapse:type=Cache,name=levelled");
        Files.writeString(cfg, config, StandardCharsets.UTF_8);
        try {
            Await.answer("the levelled cache", SOON, () -> admin.server().isRegistered(levelled));
            for (int i = 0; i < 20; i++) {
                admin.invoke(levelled, "sets", "l" + i, "v" + i);
            }
            for (int i = 0; i < 20; i++) {
                assertEquals("v" + i, admin.invoke(levelled, "get", "l" + i), "l" + i + " from the heap or the file");
            }
            assertEquals(20L, admin.attribute(levelled, "Size"));
            assertEquals(0L, admin.attribute(levelled, "CacheEvictions"), "leaving the heap is no eviction");
        } finally {
            Files.deleteIfExists(cfg);
        }
        Await.answer("the levelled cache to go with its file", SOON, () -> !admin.server().isRegistered(levelled));
        // Fileinstall deletes a configuration's file when it hears, asynchronously, that the
        // configuration was deleted; that late notice would take a file written again under the
        // same name. The same cache returns from a file of another name.
        Path again = karaf.etc("io.lapse.cache-levelled-again.cfg");
        Files.writeString(again, config, StandardCharsets.UTF_8);
        try {
            Await.answer("the levelled cache again", SOON, () -> admin.server().isRegistered(levelled));
            assertEquals(20L, admin.attribute(levelled, "Size"), "the file kept every entry");
            assertEquals("v7", admin.invoke(levelled, "get", "l7"));
            admin.invoke(levelled, "reset");
            assertEquals(0L, admin.attribute(levelled, "Size"));
        } finally {
            Files.deleteIfExists(again);
        }
        Await.answer("the levelled cache to go", SOON, () -> !admin.server().isRegistered(levelled));
    }

    @Test
    void theJcacheFeatureRegistersTheCachingProviderOnTheEngine() throws Exception {
        String out = shell(ADMIN).run(SHELL, List.of("feature:install lapse-jcache"));
        assertFalse(out.contains("Error executing command"), out);
        Framework framework = new Framework(admin);
        Await.answer("the io.lapse.jcache bundle", SOON, () -> framework.bundlesNamed("io.lapse.jcache"),
            found -> found.size() == 1);
        Set<Long> jcache = framework.bundlesNamed("io.lapse.jcache");
        Await.answer("a CachingProvider service of io.lapse.jcache", SOON, () -> framework.services().stream()
            .anyMatch(s -> s.objectClass.contains("javax.cache.spi.CachingProvider") && jcache.contains(s.bundle)));
        assertTrue(framework.services().stream()
            .anyMatch(s -> s.objectClass.contains("io.lapse.cache.spi.CacheFactory")),
            "the impl bundle's CacheFactory, which the provider is made on");
    }

    @Test
    @Order(Integer.MAX_VALUE)
    void uninstallingTheFeaturesLeavesNoMBeanServiceOrThread() throws Exception {
        Framework framework = new Framework(admin);
        String jcache = shell(ADMIN).run(SHELL, List.of("feature:uninstall lapse-jcache"));
        assertFalse(jcache.contains("Error executing command"), jcache);
        Await.answer("no io.lapse.jcache bundle", SOON, () -> framework.bundlesNamed("io.lapse.jcache"), Set::isEmpty);
        Set<Long> lapse = framework.bundlesNamed("io.lapse.");
        assertEquals(4, lapse.size(), "api, impl, jmx, example: " + framework.bundles());
        assertFalse(lapseThreads().isEmpty(), "the sweeper runs before the uninstall");
        assertFalse(lapseServices(framework, lapse).isEmpty());

        String out = shell(ADMIN).run(SHELL, List.of("feature:uninstall lapse-jdbc lapse-example lapse"));
        assertFalse(out.contains("Error executing command"), out);

        Await.answer("no io.lapse MBean", SOON, () -> admin.server().queryNames(ALL_OF_LAPSE, null), Set::isEmpty);
        Await.answer("no Lapse bundle", SOON, () -> framework.bundlesNamed("io.lapse."), Set::isEmpty);
        Await.answer("no service of a Lapse bundle or type", SOON, () -> lapseServices(framework, lapse), List::isEmpty);
        Await.answer("no Lapse thread", SOON, KarafIT::lapseThreads, List::isEmpty);
    }

    // ---- helpers ------------------------------------------------------------------------

    private static KarafShell shell(String user) {
        return new KarafShell(karaf, user, user);
    }

    /** The names of the installed features, from Karaf's features MBean. */
    private static Set<String> installedFeatures() throws Exception {
        TabularData features = (TabularData) admin.attribute(FEATURES, "Features");
        return features.values().stream().map(CompositeData.class::cast)
            .filter(row -> Boolean.TRUE.equals(row.get("Installed")))
            .map(row -> (String) row.get("Name")).collect(Collectors.toSet());
    }

    private static CompositeData dump(RemoteJmx client) throws Exception {
        return (CompositeData) client.server().invoke(SESSIONS, "dump", new Object[] {0L, 1000},
            new String[] {"long", "int"});
    }

    private static List<String> keys(CompositeData page) {
        return Arrays.stream((CompositeData[]) page.get("rows")).map(r -> (String) r.get("key"))
            .collect(Collectors.toList());
    }

    private static List<String> lapseThreads() {
        ThreadMXBean threads;
        try {
            threads = ManagementFactory.newPlatformMXBeanProxy(admin.server(), ManagementFactory.THREAD_MXBEAN_NAME,
                ThreadMXBean.class);
        } catch (IOException e) {
            throw new AssertionError("cannot reach Karaf's ThreadMXBean", e);
        }
        return Arrays.stream(threads.getThreadInfo(threads.getAllThreadIds())).filter(Objects::nonNull)
            .map(ThreadInfo::getThreadName).filter(name -> name.startsWith("lapse-")).collect(Collectors.toList());
    }

    /** Services registered by one of {@code bundles} or with a Lapse interface. */
    private static List<Framework.Service> lapseServices(Framework framework, Set<Long> bundles) throws Exception {
        return framework.services().stream()
            .filter(s -> bundles.contains(s.bundle) || s.objectClass.stream().anyMatch(c -> c.startsWith("io.lapse.")))
            .collect(Collectors.toList());
    }

    /** Every message in an exception's chain, for assertions on what a remote failure said. */
    private static String messages(Throwable failure) {
        List<String> messages = new ArrayList<>();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            messages.add(t.getClass().getName() + ": " + t.getMessage());
        }
        return String.join(" / ", messages);
    }

    /** The lines of the fenced block after {@link #README_MARKER} in the README. */
    private static List<String> readmeKarafSession() throws IOException {
        List<String> lines = Files.readAllLines(BuildOutput.path("lapse.root").resolve("README.md"), StandardCharsets.UTF_8);
        int marker = lines.indexOf(README_MARKER);
        assertTrue(marker >= 0, "README.md has no line " + README_MARKER);
        assertTrue(lines.get(marker + 1).startsWith("```"), "a fenced block follows the marker");
        List<String> session = new ArrayList<>();
        for (int i = marker + 2; !lines.get(i).startsWith("```"); i++) {
            session.add(lines.get(i));
        }
        assertEquals("feature:repo-add " + BuildOutput.featuresUrl(), session.get(0),
            "the README adds the features repository this build makes");
        return session;
    }
}
