package io.lapse.jmx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import javax.management.Attribute;
import javax.management.AttributeNotFoundException;
import javax.management.AttributeList;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanRegistrationException;
import javax.management.MBeanServer;
import javax.management.MBeanOperationInfo;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;
import javax.management.ReflectionException;
import javax.management.RuntimeMBeanException;
import javax.management.openmbean.CompositeData;

import org.junit.jupiter.api.AfterEach;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import io.lapse.cache.CacheService;
import io.lapse.cache.CacheStats;
import io.lapse.impl.engine.CacheSettings;
import io.lapse.impl.engine.CacheTable;
import io.lapse.impl.engine.Clock;
import io.lapse.impl.engine.Limits;
import io.lapse.impl.engine.TableListener;
import io.lapse.impl.engine.TimeSource;
import io.lapse.jmx.admin.InterceptedCache;
import io.lapse.jmx.admin.LogRecords;
import io.lapse.jmx.admin.Reloader;

class JmxExporterTest {

    /** A server of the test's own, standing in for the platform one: tests never touch the JVM's. */
    private final MBeanServer server = MBeanServerFactory.newMBeanServer();
    private final TimeSource time = new TimeSource(Clock.system());
    private final CacheTable sessions = new CacheTable("sessions", new CacheSettings(3, 0, true, 0, null).withStatistics(true), time,
        TableListener.NONE);
    private final CacheTable users = new CacheTable("users", new CacheSettings(2, 0, true, 0, null), time,
        TableListener.NONE);
    private final JmxExporter exporter = new JmxExporter(server, Reloader.NO_STORES);

    @AfterEach
    void close() {
        exporter.deactivate();
        sessions.close();
        users.close();
    }

    @Test
    void mbeansFollowTheCachesAndRenderAsOpenTypes() throws Exception {
        exporter.addCache(sessions, Map.of(CacheService.CACHE_NAME, "sessions"));
        exporter.activate(null);
        ObjectName manager = new ObjectName("io.lapse:type=CacheManager");
        ObjectName sessionsBean = new ObjectName("io.lapse:type=Cache,name=sessions");
        ObjectName usersBean = new ObjectName("io.lapse:type=Cache,name=users");
        assertTrue(server.isRegistered(manager));
        assertTrue(server.isRegistered(sessionsBean));
        assertFalse(server.isRegistered(usersBean));

        exporter.addCache(users, Map.of(CacheService.CACHE_NAME, "users"));
        assertTrue(server.isRegistered(usersBean));
        assertArrayEquals(new String[] {"sessions", "users"}, (String[]) server.getAttribute(manager, "CacheNames"));
        assertArrayEquals(new String[] {"sessions", "users"},
            (String[]) server.invoke(manager, "listTables", null, null));

        sessions.put("a", "1");
        sessions.put("b", 2L);
        sessions.get("a");
        sessions.get("missing");
        assertEquals(2L, server.getAttribute(sessionsBean, "Size"));
        assertEquals(true, server.getAttribute(sessionsBean, "StatisticsEnabled"));
        assertEquals(false, server.getAttribute(usersBean, "StatisticsEnabled"));
        assertEquals(1L, server.getAttribute(sessionsBean, "CacheHits"));
        assertEquals(1L, server.getAttribute(sessionsBean, "CacheMisses"));
        assertEquals(2L, server.getAttribute(sessionsBean, "CacheGets"));
        assertEquals(50.0f, server.getAttribute(sessionsBean, "CacheHitPercentage"));
        assertEquals(2L, server.getAttribute(sessionsBean, "CachePuts"));
        assertEquals(8, server.getAttribute(sessionsBean, "Slots"));
        for (String attribute : new String[] {"CacheRemovals", "CacheEvictions", "CacheExpirations", "MaxSlotItems",
            "MinSlotItems", "EventsPosted", "EventsDropped", "ExpiryLagP50Millis", "ExpiryLagP99Millis",
            "ExpiryLagMaxMillis"}) {
            assertTrue(server.getAttribute(sessionsBean, attribute) instanceof Number, attribute);
        }

        CompositeData[] rows = (CompositeData[]) server.invoke(manager, "stats", null, null);
        assertEquals(2, rows.length);
        assertEquals("sessions", rows[0].get("name"));
        assertEquals(2L, rows[0].get("items"));
        assertEquals(8, rows[0].get("slots"));
        assertEquals("users", rows[1].get("name"));

        server.invoke(sessionsBean, "resetStats", null, null);
        assertEquals(0L, server.getAttribute(sessionsBean, "CacheHits"));
        assertEquals(2L, server.getAttribute(sessionsBean, "Size"));

        exporter.updatedCache(users, Map.of(CacheService.CACHE_NAME, "people"));
        assertFalse(server.isRegistered(usersBean));
        assertTrue(server.isRegistered(new ObjectName("io.lapse:type=Cache,name=people")));

        exporter.removeCache(users);
        assertFalse(server.isRegistered(new ObjectName("io.lapse:type=Cache,name=people")));
        exporter.deactivate();
        assertFalse(server.isRegistered(manager));
        assertFalse(server.isRegistered(sessionsBean));
    }

    @Test
    void theLimitsTheWeightAndTheEvictionsOfACacheShowInItsAttributesAndItsRow() throws Exception {
        CacheTable capped = new CacheTable("capped",
            CacheSettings.defaults().withLimits(new Limits(10, 1 << 20, Limits.MAX_ITEM_SIZE)), time, TableListener.NONE);
        try {
            exporter.addCache(capped, Map.of(CacheService.CACHE_NAME, "capped"));
            exporter.addCache(users, Map.of(CacheService.CACHE_NAME, "users"));
            exporter.activate(null);
            for (int i = 0; i < 100; i++) {
                capped.put("k" + i, "v" + i);
            }
            users.put("big", "x".repeat(10_000));
            ObjectName cappedBean = new ObjectName("io.lapse:type=Cache,name=capped");
            ObjectName usersBean = new ObjectName("io.lapse:type=Cache,name=users");
            CacheStats expected = capped.stats();
            assertEquals(10L, expected.maxEntries());

            assertEquals(10L, server.getAttribute(cappedBean, "MaxEntries"));
            assertEquals(1L << 20, server.getAttribute(cappedBean, "MaxBytes"));
            long weighed = (Long) server.getAttribute(cappedBean, "WeightedBytes");
            assertEquals(expected.weightedBytes(), weighed);
            assertTrue(weighed > 0 && weighed < 1 << 20, "kept as the entries were written: " + weighed);
            assertEquals(90L, server.getAttribute(cappedBean, "CacheEvictions"));
            assertEquals(10L, server.getAttribute(cappedBean, "Size"));
            assertEquals(100L, server.getAttribute(cappedBean, "CachePuts"));

            assertEquals(0L, server.getAttribute(usersBean, "MaxEntries"), "no limit");
            assertEquals(0L, server.getAttribute(usersBean, "MaxBytes"), "no limit");
            long measured = (Long) server.getAttribute(usersBean, "WeightedBytes");
            assertEquals(users.stats().weightedBytes(), measured);
            assertTrue(measured >= 10_000, "measured by the snapshot, the value's 10,000 bytes included: " + measured);
            assertEquals(0L, server.getAttribute(usersBean, "CacheEvictions"));

            CompositeData[] rows = (CompositeData[]) server.invoke(JmxExporter.MANAGER, "stats", null, null);
            assertEquals(List.of("capped", "users"), Arrays.stream(rows).map(r -> r.get("name")).collect(Collectors.toList()));
            assertEquals(10L, rows[0].get("maxEntries"));
            assertEquals(1L << 20, rows[0].get("maxBytes"));
            assertEquals(weighed, rows[0].get("weightedBytes"));
            assertEquals(90L, rows[0].get("evictions"));
            assertEquals(0L, rows[1].get("maxEntries"));
            assertEquals(0L, rows[1].get("maxBytes"));
            assertEquals(measured, rows[1].get("weightedBytes"));
            assertEquals(0L, rows[1].get("evictions"));
        } finally {
            exporter.removeCache(capped);
            capped.close();
        }
    }

    @Test
    void operationsNameTheirParametersAndFailWithCleanStandardExceptions() throws Exception {
        exporter.addCache(sessions, Map.of(CacheService.CACHE_NAME, "sessions"));
        exporter.activate(null);
        ObjectName bean = new ObjectName("io.lapse:type=Cache,name=sessions");
        MBeanOperationInfo sets = Arrays.stream(server.getMBeanInfo(bean).getOperations())
            .filter(o -> o.getName().equals("sets")).findFirst().orElseThrow();
        assertEquals("key", sets.getSignature()[0].getName());
        assertEquals("value", sets.getSignature()[1].getName());
        assertTrue(sets.getDescription().startsWith("Stores a String value"), sets.getDescription());

        server.invoke(bean, "sets", new Object[] {"k", "v"}, new String[] {"java.lang.String", "java.lang.String"});
        assertEquals("v", server.invoke(bean, "get", new Object[] {"k"}, new String[] {"java.lang.String"}));

        RuntimeMBeanException e = assertThrows(RuntimeMBeanException.class, () -> server.invoke(bean, "sets",
            new Object[] {"k\nx", null}, new String[] {"java.lang.String", "java.lang.String"}));
        Throwable cause = e.getCause();
        assertEquals(IllegalArgumentException.class, cause.getClass());
        assertEquals("cache 'sessions': value is null", cause.getMessage());
        assertNull(cause.getCause());
        assertEquals(0, cause.getStackTrace().length, "no stack of the server's internals");

        RuntimeMBeanException noStore = assertThrows(RuntimeMBeanException.class,
            () -> server.invoke(bean, "reload", null, null));
        assertEquals(IllegalStateException.class, noStore.getCause().getClass());
        assertEquals("cache 'sessions' has no store to reload from", noStore.getCause().getMessage());
        assertEquals("v", sessions.get("k"));
    }

    @Test
    void theManagersStatsAndTheAttributesFailWithACleanLineNamingTheCache() throws Exception {
        InterceptedCache broken = new InterceptedCache(sessions).failing("stats", () -> new ClassCastException("boom"));
        exporter.addCache(broken.cache(), Map.of(CacheService.CACHE_NAME, "sessions"));
        exporter.activate(null);
        ObjectName bean = new ObjectName("io.lapse:type=Cache,name=sessions");
        assertCleanIllegalState("a bug in stats", () -> server.invoke(JmxExporter.MANAGER, "stats", null, null),
            "sessions", "ClassCastException: boom");
        broken.failing("stats", () -> new OutOfMemoryError("Java heap space"));
        assertCleanIllegalState("an Error in stats", () -> server.invoke(JmxExporter.MANAGER, "stats", null, null),
            "sessions", "OutOfMemoryError: Java heap space");
        assertCleanIllegalState("an Error in an attribute", () -> server.getAttribute(bean, "CacheHits"),
            "sessions", "OutOfMemoryError: Java heap space");
    }

    @Test
    void aCacheNameThatIsNotPlainAppearsQuotedInItsObjectName() throws Exception {
        exporter.activate(null);
        String[] odd = {"a,b", "k=v", "x:y", "star*", "what?", "say \"hi\"", "line\nbreak", "back\\slash", "",
            "plain-Name_1.0"};
        List<CacheTable> tables = new ArrayList<>();
        try {
            for (String name : odd) {
                CacheTable table = new CacheTable("t" + tables.size(), new CacheSettings(2, 0, true, 0, null), time,
                    TableListener.NONE);
                tables.add(table);
                exporter.addCache(table, Map.of(CacheService.CACHE_NAME, name));
            }
            Set<ObjectName> registered = server.queryNames(new ObjectName("io.lapse:type=Cache,*"), null);
            Set<String> shown = new HashSet<>();
            for (ObjectName on : registered) {
                String value = on.getKeyProperty("name");
                shown.add(value.startsWith("\"") ? ObjectName.unquote(value) : value);
                assertFalse(on.toString().contains("\n"), "one line: " + on);
            }
            assertEquals(Set.of(odd), shown);
            assertTrue(server.isRegistered(new ObjectName("io.lapse:type=Cache,name=plain-Name_1.0")),
                "a plain name stays unquoted");
            for (CacheTable table : tables) {
                exporter.removeCache(table);
            }
            assertEquals(Set.of(), server.queryNames(new ObjectName("io.lapse:type=Cache,*"), null));
        } finally {
            tables.forEach(CacheTable::close);
        }
    }

    @Test
    void deactivateWithdrawsEveryMBeanPastOneThatFails() throws Exception {
        MBeanServer failing = refusingToUnregister(server, JmxExporter.MANAGER);
        JmxExporter exporter = new JmxExporter(failing, Reloader.NO_STORES);
        exporter.addCache(sessions, Map.of(CacheService.CACHE_NAME, "sessions"));
        exporter.addCache(users, Map.of(CacheService.CACHE_NAME, "users"));
        exporter.activate(null);
        try (LogRecords log = new LogRecords(JmxExporter.class)) {
            exporter.deactivate();
            assertFalse(server.isRegistered(new ObjectName("io.lapse:type=Cache,name=sessions")));
            assertFalse(server.isRegistered(new ObjectName("io.lapse:type=Cache,name=users")));
            assertEquals(1, log.records().size(), "the failure is logged: " + log.records());
            assertTrue(log.records().get(0).getMessage().contains(JmxExporter.MANAGER.toString()),
                log.records().get(0).getMessage());
        }
    }

    @Test
    void activatePublishesEveryMBeanPastOneThatFails() throws Exception {
        ObjectName sessionsBean = new ObjectName("io.lapse:type=Cache,name=sessions");
        JmxExporter exporter = new JmxExporter(refusingToRegister(server, JmxExporter.MANAGER), Reloader.NO_STORES);
        exporter.addCache(sessions, Map.of(CacheService.CACHE_NAME, "sessions"));
        exporter.addCache(users, Map.of(CacheService.CACHE_NAME, "users"));
        try (LogRecords log = new LogRecords(JmxExporter.class)) {
            exporter.activate(null);
            assertTrue(server.isRegistered(sessionsBean));
            assertTrue(server.isRegistered(new ObjectName("io.lapse:type=Cache,name=users")));
            assertEquals(1, log.records().size(), "the failure is logged: " + log.records());
            assertTrue(log.records().get(0).getMessage().contains(JmxExporter.MANAGER.toString()),
                log.records().get(0).getMessage());
        } finally {
            exporter.deactivate();
        }
        assertFalse(server.isRegistered(sessionsBean));
    }

    @Test
    void movingToTheWhiteboardWithdrawsEveryMBeanPastOneThatFails() throws Exception {
        JmxExporter exporter = new JmxExporter(refusingToUnregister(server, JmxExporter.MANAGER), Reloader.NO_STORES);
        exporter.addCache(sessions, Map.of(CacheService.CACHE_NAME, "sessions"));
        exporter.addCache(users, Map.of(CacheService.CACHE_NAME, "users"));
        List<Object> whiteboard = new ArrayList<>();
        exporter.activate(registeringInto(whiteboard));
        try (LogRecords log = new LogRecords(JmxExporter.class)) {
            exporter.addServer(aServiceReference());
            assertFalse(server.isRegistered(new ObjectName("io.lapse:type=Cache,name=sessions")));
            assertFalse(server.isRegistered(new ObjectName("io.lapse:type=Cache,name=users")));
            assertEquals(3, whiteboard.size(), "every MBean is on the whiteboard: " + whiteboard);
            assertEquals(1, log.records().size(), "the failure is logged: " + log.records());
        } finally {
            exporter.deactivate();
        }
    }

    @Test
    void oneReadOfEveryAttributeTakesOnePassOverTheCache() throws Exception {
        InterceptedCache counted = new InterceptedCache(sessions);
        exporter.addCache(counted.cache(), Map.of(CacheService.CACHE_NAME, "sessions"));
        exporter.activate(null);
        ObjectName bean = new ObjectName("io.lapse:type=Cache,name=sessions");
        sessions.put("a", "1");
        sessions.get("a");
        String[] names = Arrays.stream(server.getMBeanInfo(bean).getAttributes()).map(MBeanAttributeInfo::getName)
            .toArray(String[]::new);
        assertEquals(22 + StatFiguresTest.REPLICATION.size(), names.length);

        AttributeList values = server.getAttributes(bean, names);
        assertEquals(names.length, values.size(), values.toString());
        assertEquals(1, counted.calls("stats") + counted.calls("size"),
            "stats " + counted.calls("stats") + ", size " + counted.calls("size"));
        Map<String, Object> byName = new HashMap<>();
        values.asList().forEach(a -> byName.put(a.getName(), a.getValue()));
        assertEquals(1L, byName.get("Size"));
        assertEquals(1L, byName.get("CacheHits"));
        assertEquals(1L, byName.get("CacheGets"));

        sessions.put("b", "2");
        sessions.get("b");
        assertEquals(2L, server.getAttribute(bean, "Size"), "a read of one attribute is never stale");
        assertEquals(2L, server.getAttribute(bean, "CacheHits"));
        AttributeList again = server.getAttributes(bean, names);
        assertTrue(again.asList().stream().anyMatch(a -> a.getName().equals("Size") && a.getValue().equals(2L)));

        int passes = counted.calls("stats");
        counted.failing("stats", () -> new OutOfMemoryError("Java heap space"));
        AttributeList noFigures = server.getAttributes(bean, names);
        List<String> withoutASnapshot = new ArrayList<>(List.of("Name"));
        withoutASnapshot.addAll(StatFiguresTest.REPLICATION);
        assertEquals(withoutASnapshot.stream().sorted().collect(Collectors.toList()),
            noFigures.asList().stream().map(Attribute::getName).sorted().collect(Collectors.toList()),
            "the figures of a failed pass are left out, as getAttributes does for any attribute that fails;"
                + " the name and the replication attributes need no pass");
        assertEquals(passes + 1, counted.calls("stats"), "a failed pass is not repeated for each attribute");
    }

    @Test
    void aCallTheMBeanCannotTakeIsRefusedOnOneLineWithoutAStackTrace() throws Exception {
        exporter.addCache(sessions, Map.of(CacheService.CACHE_NAME, "sessions"));
        exporter.activate(null);
        ObjectName bean = new ObjectName("io.lapse:type=Cache,name=sessions");
        String s = String.class.getName();
        Object[][] calls = {
            {"seti", new Object[] {"k", "12"}, new String[] {s, "long"}},
            {"get", new Object[] {42}, new String[] {s}},
            {"get", new Object[] {"a", "b"}, new String[] {s}},
            {"sets", new Object[] {"k"}, new String[] {s, s}},
            {"dump", new Object[] {null, 10}, new String[] {"long", "int"}},
            {"get", null, new String[] {s}},
            {"no\u2028such", new Object[0], new String[0]},
            {"sets", new Object[] {"k", "v"}, new String[] {s, "no.such.Type"}}};
        for (Object[] call : calls) {
            String what = call[0] + Arrays.toString((Object[]) call[1]);
            Exception e = assertThrows(Exception.class, () -> server.invoke(bean, (String) call[0], (Object[]) call[1],
                (String[]) call[2]), what);
            assertCleanAllTheWay(what, e);
            if (e instanceof RuntimeMBeanException) {
                assertEquals(IllegalArgumentException.class, e.getCause().getClass(), what);
                assertTrue(e.getCause().getMessage().startsWith("cache 'sessions': " + call[0]), e.getCause().getMessage());
            } else {
                assertEquals(ReflectionException.class, e.getClass(), what + ": " + e);
            }
        }
        assertCleanAllTheWay("an unknown attribute", assertThrows(AttributeNotFoundException.class,
            () -> server.getAttribute(bean, "no\u2028pe")));
        assertCleanAllTheWay("a read-only attribute", assertThrows(Exception.class,
            () -> server.setAttribute(bean, new Attribute("Size", 5L))));
        assertFalse(sessions.containsKey("k"));
    }

    @Test
    void aRefusalShowsAShortenedNameOfWhatWasCalled() throws Exception {
        exporter.addCache(sessions, Map.of(CacheService.CACHE_NAME, "sessions"));
        exporter.activate(null);
        ObjectName bean = new ObjectName("io.lapse:type=Cache,name=sessions");
        String megabyte = "m".repeat(1 << 20);
        for (Exception e : new Exception[] {
            assertThrows(ReflectionException.class, () -> server.invoke(bean, megabyte, new Object[0], new String[0])),
            assertThrows(AttributeNotFoundException.class, () -> server.getAttribute(bean, megabyte))}) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                assertTrue(t.getMessage().length() <= 1100 && t.getMessage().endsWith(" characters)"),
                    t.getMessage().length() + ": " + t.getMessage().substring(0, 100));
            }
        }
    }

    /**
     * No exception the MBean threw carries a stack trace, and each message is one line. (A
     * RuntimeMBeanException is the MBeanServer's wrapper, made outside the MBean: its cause is
     * what the MBean threw.)
     */
    private static void assertCleanAllTheWay(String what, Throwable e) {
        for (Throwable t = e instanceof RuntimeMBeanException ? e.getCause() : e; t != null; t = t.getCause()) {
            assertEquals(0, t.getStackTrace().length, what + ": a stack trace in " + t);
            String m = t.getMessage();
            assertTrue(m == null || m.chars().noneMatch(c -> c == '\n' || c == '\r' || c == 0x2028 || c == 0x2029),
                what + ": " + m);
        }
    }

    /** The call fails with a fresh IllegalStateException on one line naming the cache, as a remote client gets it. */
    private static void assertCleanIllegalState(String what, Executable call, String cache, String detail) {
        Exception e = assertThrows(Exception.class, call, what);
        assertEquals(RuntimeMBeanException.class, e.getClass(), what + ": " + e);
        Throwable cause = e.getCause();
        assertEquals(IllegalStateException.class, cause.getClass(), what);
        assertTrue(cause.getMessage().contains("'" + cache + "'") && cause.getMessage().contains(detail),
            what + ": " + cause.getMessage());
        assertFalse(cause.getMessage().contains("\n"), what);
        assertNull(cause.getCause(), what);
        assertEquals(0, cause.getStackTrace().length, what + ": no stack of the server's internals");
    }

    /** A server that forwards every call to {@code real}, except that registering {@code refused} fails. */
    static MBeanServer refusingToRegister(MBeanServer real, ObjectName refused) {
        return forwarding(real, "registerMBean", 1, refused);
    }

    /** A server that forwards every call to {@code real}, except that unregistering {@code stuck} fails. */
    static MBeanServer refusingToUnregister(MBeanServer real, ObjectName stuck) {
        return forwarding(real, "unregisterMBean", 0, stuck);
    }

    private static MBeanServer forwarding(MBeanServer real, String failing, int nameArgument, ObjectName name) {
        return (MBeanServer) Proxy.newProxyInstance(MBeanServer.class.getClassLoader(),
            new Class<?>[] {MBeanServer.class}, (p, method, args) -> {
                if (method.getName().equals(failing) && name.equals(args[nameArgument])) {
                    throw new MBeanRegistrationException(new IllegalStateException("refused"), failing + " refused");
                }
                try {
                    return method.invoke(real, args);
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
            });
    }

    /** A bundle context whose registerService adds the service to {@code registered}. */
    private static BundleContext registeringInto(List<Object> registered) {
        return (BundleContext) Proxy.newProxyInstance(BundleContext.class.getClassLoader(),
            new Class<?>[] {BundleContext.class}, (p, method, args) -> {
                if (!method.getName().equals("registerService")) {
                    throw new UnsupportedOperationException(method.getName());
                }
                registered.add(args[1]);
                return Proxy.newProxyInstance(ServiceRegistration.class.getClassLoader(),
                    new Class<?>[] {ServiceRegistration.class}, (r, m, a) -> {
                        if (m.getName().equals("unregister")) {
                            registered.remove(args[1]);
                            return null;
                        }
                        throw new UnsupportedOperationException(m.getName());
                    });
            });
    }

    /** A reference to an MBeanServer service, as SCR hands one to addServer. */
    @SuppressWarnings("unchecked")
    private static ServiceReference<MBeanServer> aServiceReference() {
        return (ServiceReference<MBeanServer>) Proxy.newProxyInstance(ServiceReference.class.getClassLoader(),
            new Class<?>[] {ServiceReference.class}, (p, method, args) -> {
                switch (method.getName()) {
                    case "equals": return p == args[0];
                    case "hashCode": return System.identityHashCode(p);
                    default: throw new UnsupportedOperationException(method.getName());
                }
            });
    }
}
