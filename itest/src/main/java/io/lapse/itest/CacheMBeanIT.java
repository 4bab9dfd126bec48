package io.lapse.itest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import javax.management.MBeanOperationInfo;
import javax.management.MBeanServerConnection;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import javax.management.RuntimeMBeanException;
import javax.management.openmbean.CompositeData;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

import io.lapse.cache.Cache;
import io.lapse.cache.CacheService;
import io.lapse.cache.Match;
import io.lapse.cache.replication.ReplicationStatus;
import io.lapse.testing.Await;

/**
 * Every attribute and operation of the cache and manager MXBeans, called as a remote client
 * calls them: through an {@link MBeanServerConnection} over RMI, so results and errors are
 * serialized and must be open types and JDK exceptions.
 */
class CacheMBeanIT {

    @InjectBundleContext
    static BundleContext context;

    @InjectService(timeout = Await.SERVICE_MILLIS)
    static ConfigurationAdmin configAdmin;

    private static Caches caches;

    @BeforeAll
    static void caches() {
        caches = new Caches(context, configAdmin);
    }

    @AfterAll
    static void deleteEveryCache() throws Exception {
        caches.deleteAll();
    }

    private static final ObjectName MANAGER = name("io.lapse:type=CacheManager");
    private static final ObjectName BEAN = name("io.lapse:type=Cache,name=ops");
    private static final String S = String.class.getName();

    /** The replication attributes of a cache that is not replicated. */
    private static final Map<String, Object> NOT_REPLICATED = Map.of("ClusterMembers", 0, "ReplicationLagP99Millis",
        0.0, "ChangesSent", 0L, "ChangesReceived", 0L, "ChangesDropped", 0L, "ReplicationState", "none",
        "EventsDuplicated", 0L);
    private static RemoteJmx jmx;

    private MBeanServerConnection server;
    private Cache cache;

    @BeforeAll
    static void connect() throws Exception {
        jmx = RemoteJmx.connect();
    }

    @AfterAll
    static void disconnect() throws Exception {
        if (jmx != null) {
            jmx.close();
        }
    }

    @BeforeEach
    void createCache() throws Exception {
        server = jmx.connection();
        cache = caches.create("ops", "size", "3", "statistics", "true");
        Await.until("the ops MBean", () -> registered(BEAN));
    }

    @AfterEach
    void deleteCache() throws Exception {
        caches.delete("ops");
        caches.awaitGone("ops");
    }

    @Test
    void theMBeansOfferExactlyTheContractsAttributesAndOperations() throws Exception {
        MBeanInfo info = server.getMBeanInfo(BEAN);
        assertEquals(Set.of("Name", "StatisticsEnabled", "CacheHits", "CacheMisses", "CacheHitPercentage", "CacheGets", "CachePuts",
            "CacheRemovals", "CacheEvictions", "CacheExpirations", "Size", "Slots", "MaxSlotItems", "MinSlotItems",
            "EventsPosted", "EventsDropped", "ExpiryLagP50Millis", "ExpiryLagP99Millis", "ExpiryLagMaxMillis",
            "MaxEntries", "MaxBytes", "WeightedBytes", "ClusterMembers", "ReplicationLagP99Millis", "ChangesSent",
            "ChangesReceived", "ChangesDropped", "ReplicationState", "EventsDuplicated"),
            Arrays.stream(info.getAttributes()).map(MBeanAttributeInfo::getName).collect(Collectors.toSet()));
        for (MBeanAttributeInfo a : info.getAttributes()) {
            assertTrue(a.isReadable() && !a.isWritable(), a.getName() + " is read-only");
            assertFalse(a.getDescription().isBlank(), a.getName());
        }
        assertEquals(Set.of("get", "delete", "sets", "seti", "setex", "dump", "keys", "reload", "reset", "removeKeysMatching",
            "removeValuesMatching", "countKeysMatching", "resetStats", "invalidateGroup", "groupKeys"),
            Arrays.stream(info.getOperations()).map(MBeanOperationInfo::getName).collect(Collectors.toSet()));
        MBeanOperationInfo setex = operation(info, "setex");
        assertEquals("key", setex.getSignature()[0].getName());
        assertEquals("seconds", setex.getSignature()[1].getName());

        MBeanInfo manager = server.getMBeanInfo(MANAGER);
        assertEquals(Set.of("CacheNames"),
            Arrays.stream(manager.getAttributes()).map(MBeanAttributeInfo::getName).collect(Collectors.toSet()));
        assertEquals(Set.of("listTables", "stats"),
            Arrays.stream(manager.getOperations()).map(MBeanOperationInfo::getName).collect(Collectors.toSet()));
    }

    @Test
    void onlyOperationsWithoutSideEffectsAreNamedLikeKarafsViewerOperations() throws Exception {
        cache.put("k", "v", Duration.ofHours(1));
        Map<String, Object> before = contents();
        for (ObjectName bean : List.of(BEAN, MANAGER)) {
            for (MBeanOperationInfo op : server.getMBeanInfo(bean).getOperations()) {
                String n = op.getName();
                if (n.startsWith("get") || n.startsWith("list") || n.startsWith("is")) {
                    assertTrue(Set.of("get", "listTables").contains(n), n + " looks side-effect-free to Karaf's ACL");
                }
            }
        }
        assertEquals("v", invoke("get", "k"));
        server.invoke(MANAGER, "listTables", null, null);
        assertEquals(before, contents(), "get and listTables change nothing");
    }

    @Test
    void everyAttributeReadsTheCachesFigures() throws Exception {
        cache.put("a", "1");
        cache.put("b", 2L);
        cache.get("a");
        cache.get("missing");
        cache.remove("b");
        cache.put("short", "x", Duration.ofMillis(30));
        Await.until("the short entry to expire", () -> cache.stats().expirations() == 1);

        assertEquals("ops", attribute("Name"));
        assertEquals(true, attribute("StatisticsEnabled"));
        assertEquals(1L, attribute("CacheHits"));
        assertEquals(1L, attribute("CacheMisses"));
        assertEquals(2L, attribute("CacheGets"));
        assertEquals(50.0f, attribute("CacheHitPercentage"));
        assertEquals(3L, attribute("CachePuts"));
        assertEquals(1L, attribute("CacheRemovals"));
        assertEquals(0L, attribute("CacheEvictions"));
        assertEquals(1L, attribute("CacheExpirations"));
        assertEquals(1L, attribute("Size"));
        assertEquals(8, attribute("Slots"));
        assertEquals(1L, attribute("MaxSlotItems"));
        assertEquals(0L, attribute("MinSlotItems"));
        assertEquals(0L, attribute("EventsPosted"), "nobody subscribes in this test");
        assertEquals(0L, attribute("EventsDropped"));
        long p50 = (Long) attribute("ExpiryLagP50Millis");
        long p99 = (Long) attribute("ExpiryLagP99Millis");
        long max = (Long) attribute("ExpiryLagMaxMillis");
        assertTrue(0 <= p50 && p50 <= p99 && p99 <= max, p50 + " " + p99 + " " + max);

        server.invoke(BEAN, "resetStats", null, null);
        assertEquals(0L, attribute("CacheHits"));
        assertEquals(0L, attribute("CachePuts"));
        assertEquals(0L, attribute("CacheExpirations"));
        assertEquals(1L, attribute("Size"), "resetStats keeps the entries");
    }

    @Test
    void theReplicationAttributesReadTheProvidersStatusWhileItIsRegistered() throws Exception {
        assertEquals(NOT_REPLICATED, replicationAttributes(), "no provider replicates ops");
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(CacheService.CACHE_NAME, "ops");
        ServiceRegistration<ReplicationStatus> registration = context.registerService(ReplicationStatus.class,
            new FixedReplicationStatus(ReplicationStatus.State.READY, List.of("127.0.0.1:7401", "127.0.0.1:7402"),
                11, 13, 1, 0.5, 4.75, 3), properties);
        try {
            Map<String, Object> replicated = Map.of("ClusterMembers", 2, "ReplicationLagP99Millis", 4.75,
                "ChangesSent", 11L, "ChangesReceived", 13L, "ChangesDropped", 1L, "ReplicationState", "ready",
                "EventsDuplicated", 3L);
            Await.answer("ops's replication attributes from the registered status", Await.TIMEOUT,
                this::replicationAttributes, replicated::equals);
            assertEquals("ready", attribute("ReplicationState"), "one attribute read alone too");

            properties.put(CacheService.CACHE_NAME, "ops-elsewhere");
            registration.setProperties(properties);
            Await.answer("ops unreplicated once the status names another cache", Await.TIMEOUT,
                this::replicationAttributes, NOT_REPLICATED::equals);
            properties.put(CacheService.CACHE_NAME, "ops");
            registration.setProperties(properties);
            Await.answer("ops replicated again once the status names it", Await.TIMEOUT,
                this::replicationAttributes, replicated::equals);
        } finally {
            registration.unregister();
        }
        Await.answer("ops unreplicated once the status is gone", Await.TIMEOUT, this::replicationAttributes,
            NOT_REPLICATED::equals);
    }

    @Test
    void theManagerListsTheCachesAndAStatsRowEach() throws Exception {
        caches.create("ops-other");
        try {
            Await.until("ops-other's MBean", () -> registered(name("io.lapse:type=Cache,name=ops-other")));
            cache.put("a", "1");
            cache.get("a");
            String[] names = (String[]) server.getAttribute(MANAGER, "CacheNames");
            assertTrue(Arrays.asList(names).containsAll(List.of("ops", "ops-other")), Arrays.toString(names));
            assertArrayEquals(names, (String[]) server.invoke(MANAGER, "listTables", null, null));
            CompositeData[] rows = (CompositeData[]) server.invoke(MANAGER, "stats", null, null);
            assertEquals(names.length, rows.length);
            CompositeData ops = Arrays.stream(rows).filter(r -> "ops".equals(r.get("name"))).findFirst().orElseThrow();
            assertEquals(new TreeSet<>(List.of("name", "slots", "items", "maxSlotItems", "minSlotItems", "hits",
                "misses", "gets", "puts", "removals", "evictions", "expirations", "eventsPosted", "eventsDropped",
                "expiryLagP50Millis", "expiryLagP99Millis", "expiryLagMaxMillis", "maxEntries", "maxBytes",
                "weightedBytes")),
                new TreeSet<>(ops.getCompositeType().keySet()));
            assertEquals(8, ops.get("slots"));
            assertEquals(1L, ops.get("items"));
            assertEquals(1L, ops.get("hits"));
            assertEquals(1L, ops.get("gets"));
            assertEquals(1L, ops.get("maxSlotItems"));
        } finally {
            caches.delete("ops-other");
            caches.awaitGone("ops-other");
        }
    }

    @Test
    void setsSetiGetDeleteAndSetex() throws Exception {
        invoke("sets", "s", "text");
        server.invoke(BEAN, "seti", new Object[] {"n", 42L}, new String[] {S, "long"});
        cache.put("b", new byte[] {1, 2, 3});
        assertEquals("text", cache.get("s"));
        assertEquals(42L, cache.get("n"), "seti stores a Long");
        assertEquals("text", invoke("get", "s"));
        assertEquals("42", invoke("get", "n"));
        assertEquals("base64:AQID", invoke("get", "b"));
        assertNull(invoke("get", "missing"));

        assertEquals(true, server.invoke(BEAN, "setex", new Object[] {"s", 3600L}, new String[] {S, "long"}));
        long deadline = cache.getEntry("s").expiresAtMillis();
        assertTrue(deadline > System.currentTimeMillis() + 3_500_000, "about an hour from now");
        assertEquals(false, server.invoke(BEAN, "setex", new Object[] {"missing", 5L}, new String[] {S, "long"}));

        assertEquals(true, invoke("delete", "s"));
        assertEquals(false, invoke("delete", "s"));
        assertFalse(cache.containsKey("s"));
    }

    @Test
    void dumpPagesTheLiveEntriesAsOpenTypes() throws Exception {
        for (int i = 0; i < 25; i++) {
            cache.put("k" + i, "v" + i, Duration.ofHours(1));
        }
        cache.put("bytes", new byte[] {1, 2, 3});
        cache.put("long", "x".repeat(5000));
        cache.put("gone", "soon", Duration.ofMillis(20));
        Await.until("'gone' to expire", () -> !cache.containsKey("gone"));

        Map<String, CompositeData> rows = new HashMap<>();
        long offset = 0;
        while (offset >= 0) {
            CompositeData page = dump(offset, 10);
            assertEquals(offset, page.get("offset"));
            assertEquals(27L, page.get("size"));
            CompositeData[] pageRows = (CompositeData[]) page.get("rows");
            assertTrue(pageRows.length <= 10);
            for (CompositeData row : pageRows) {
                assertNull(rows.put((String) row.get("key"), row), "twice: " + row.get("key"));
            }
            offset = (Long) page.get("nextOffset");
        }
        assertEquals(27, rows.size(), "every live entry once, the expired one never: " + rows.keySet());
        CompositeData k3 = rows.get("k3");
        assertEquals("v3", k3.get("value"));
        assertEquals("String", k3.get("type"));
        assertEquals(cache.getEntry("k3").expiresAtMillis(), k3.get("expiresAtMillis"));
        assertTrue((Long) k3.get("remainingMillis") > 3_500_000);
        assertEquals("base64:AQID", rows.get("bytes").get("value"));
        assertEquals("byte[]", rows.get("bytes").get("type"));
        assertEquals(0L, rows.get("bytes").get("expiresAtMillis"));
        assertEquals(true, rows.get("long").get("truncated"));
        assertEquals(1024, ((String) rows.get("long").get("value")).length());
        assertEquals(5000L, rows.get("long").get("valueLength"));

        CompositeData capped = dump(0, 100_000);
        assertEquals(27, ((CompositeData[]) capped.get("rows")).length, "a limit over the cap is served, capped");
        assertEquals(-1L, capped.get("nextOffset"));
    }

    @Test
    void patternOperationsResetAndReload() throws Exception {
        for (int i = 0; i < 6; i++) {
            cache.put("user:" + i, i % 2 == 0 ? "even" : "odd");
        }
        cache.put("counter", 41L);
        assertEquals(6L, invoke("countKeysMatching", "^user:"));
        assertEquals(3L, invoke("removeValuesMatching", "^odd$"));
        assertEquals(1L, invoke("removeValuesMatching", "^4[0-9]$"));
        assertEquals(2L, invoke("removeKeysMatching", "user:[0-2]$"));
        assertEquals(1L, cache.countKeys(Match.prefix("user:")));
        assertEquals(List.of("user:4"), keys("regex", "^user:", 0, 10));
        assertEquals(List.of("user:4"), keys("glob", "u*4", 0, 10));
        assertEquals(List.of(), keys("prefix", "user:", 1, 10));
        cache.put("other", "v");
        CompositeData page = (CompositeData) server.invoke(BEAN, "keys", new Object[] {"prefix", "", 0L, 1},
            new String[] {"java.lang.String", "java.lang.String", "long", "int"});
        assertEquals(1L, page.get("nextOffset"), "two keys, a page of one: the next page starts at 1");
        assertEquals(1, ((String[]) page.get("keys")).length);
        cache.remove("other");
        RuntimeMBeanException badKind = assertThrows(RuntimeMBeanException.class, () -> keys("like", "u%", 0, 10));
        assertEquals(IllegalArgumentException.class, badKind.getCause().getClass());
        assertEquals("cache 'ops': match kind 'like' is none of regex, prefix, glob", badKind.getCause().getMessage());

        RuntimeMBeanException reload = assertThrows(RuntimeMBeanException.class,
            () -> server.invoke(BEAN, "reload", null, null));
        assertEquals(IllegalStateException.class, reload.getCause().getClass());
        assertEquals("cache 'ops' has no store to reload from", reload.getCause().getMessage());
        assertEquals(1L, cache.size(), "a failed reload keeps the contents");

        assertEquals(1L, server.invoke(BEAN, "reset", null, null));
        assertEquals(0L, cache.size());
    }

    @Test
    void errorsArriveAsStandardExceptionsWithOneClearLine() throws Exception {
        cache.put("keep", "me");
        RuntimeMBeanException e = assertThrows(RuntimeMBeanException.class, () -> invoke("sets", "", "v"));
        assertEquals(IllegalArgumentException.class, e.getCause().getClass());
        assertEquals("cache 'ops': key is empty", e.getCause().getMessage());
        assertEquals(0, e.getCause().getStackTrace().length, "no stack of the server's internals");
        RuntimeMBeanException regex = assertThrows(RuntimeMBeanException.class,
            () -> invoke("removeKeysMatching", "(a{1000}){1000}"));
        assertTrue(regex.getCause().getMessage().startsWith("cache 'ops': key regex '(a{1000}){1000}' is too complex"),
            regex.getCause().getMessage());
        RuntimeMBeanException wrongType = assertThrows(RuntimeMBeanException.class,
            () -> server.invoke(BEAN, "seti", new Object[] {"n", "12"}, new String[] {S, "long"}));
        assertEquals(IllegalArgumentException.class, wrongType.getCause().getClass());
        assertEquals("cache 'ops': seti(java.lang.String, long) refused its arguments: argument type mismatch",
            wrongType.getCause().getMessage());
        assertEquals(0, wrongType.getCause().getStackTrace().length, "no stack of the server's internals");
        assertEquals(Map.of("keep", "me"), contents());
    }

    @Test
    void theMBeanFollowsARenameAndTheDeletionOfItsCache() throws Exception {
        caches.configure("ops", "name", "ops-renamed", "size", "3");
        ObjectName renamed = name("io.lapse:type=Cache,name=ops-renamed");
        Await.until("the MBean under the new name", () -> registered(renamed) && !registered(BEAN));
        caches.configure("ops", "name", "ops", "size", "3");
        Await.until("the MBean under its name again", () -> registered(BEAN) && !registered(renamed));
    }

    private Object invoke(String op, String... args) throws Exception {
        String[] signature = new String[args.length];
        Arrays.fill(signature, S);
        return server.invoke(BEAN, op, args, signature);
    }

    private CompositeData dump(long offset, int limit) throws Exception {
        return (CompositeData) server.invoke(BEAN, "dump", new Object[] {offset, limit}, new String[] {"long", "int"});
    }

    private List<String> keys(String kind, String pattern, long offset, int limit) throws Exception {
        CompositeData page = (CompositeData) server.invoke(BEAN, "keys", new Object[] {kind, pattern, offset, limit},
            new String[] {"java.lang.String", "java.lang.String", "long", "int"});
        return Arrays.asList((String[]) page.get("keys"));
    }

    private Object attribute(String attribute) throws Exception {
        return server.getAttribute(BEAN, attribute);
    }

    /** The replication attributes of the ops MBean, read in one call as jconsole reads them. */
    private Map<String, Object> replicationAttributes() throws Exception {
        Map<String, Object> byName = new HashMap<>();
        server.getAttributes(BEAN, NOT_REPLICATED.keySet().toArray(new String[0])).asList()
            .forEach(a -> byName.put(a.getName(), a.getValue()));
        return byName;
    }

    private Map<String, Object> contents() {
        Map<String, Object> all = new HashMap<>();
        cache.forEach(e -> all.put(e.key(), e.value()));
        return all;
    }

    private boolean registered(ObjectName bean) {
        try {
            return server.isRegistered(bean);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static MBeanOperationInfo operation(MBeanInfo info, String name) {
        return Arrays.stream(info.getOperations()).filter(o -> o.getName().equals(name)).findFirst().orElseThrow();
    }

    private static ObjectName name(String name) {
        try {
            return new ObjectName(name);
        } catch (MalformedObjectNameException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
