package io.lapse.itest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.BiFunction;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.osgi.framework.ServiceRegistration;
import org.osgi.framework.wiring.BundleWiring;

import io.lapse.cache.Cache;
import io.lapse.cache.CacheEntry;
import io.lapse.cache.CacheService;
import io.lapse.cache.CacheStats;
import io.lapse.cache.Match;

/**
 * {@link ApiBridge} against the real api bundle's classes, without needing Lapse's DS
 * components: the framework-side {@code Cache} and {@code CacheService} here are fakes built
 * from the api bundle's interfaces ({@link Proxy}s defined in its class loader).
 */
class ApiBridgeIT {

    private static Felix felix;
    private static ApiBridge bridge;
    private static ClassLoader apiLoader;

    @BeforeAll
    static void boot() throws Exception {
        felix = Felix.start();
        bridge = ApiBridge.of(felix.bundle("io.lapse.api"));
        apiLoader = felix.bundle("io.lapse.api").adapt(BundleWiring.class).getClassLoader();
    }

    @AfterAll
    static void shutdown() throws Exception {
        if (felix != null) {
            felix.close();
        }
    }

    @Test
    void theApiBundlesClassesAreNotTheTestClassPaths() throws Exception {
        Class<?> frameworkMatch = felix.bundle("io.lapse.api").loadClass(Match.class.getName());
        assertNotSame(Match.class, frameworkMatch, "io.lapse.cache must not be shared with the framework");
    }

    @Test
    void matchRoundTripsThroughTheApiBundlesMatch() throws Exception {
        Class<?> frameworkMatch = felix.bundle("io.lapse.api").loadClass(Match.class.getName());
        for (Match match : List.of(Match.regex("^sess:[0-9]+$"), Match.prefix("sess:"), Match.glob("user?-*"))) {
            Object translated = bridge.toFramework(match);
            assertSame(frameworkMatch, translated.getClass(), "translated " + match);
            assertEquals(match.kind().name(), ((Enum<?>) call(translated, "kind")).name());
            assertEquals(match.pattern(), call(translated, "pattern"));
            assertEquals(match, bridge.toTest(translated));
        }
        Object kind = bridge.toFramework(Match.Kind.GLOB);
        assertSame(frameworkMatch.getClassLoader(), kind.getClass().getClassLoader());
        assertSame(Match.Kind.GLOB, bridge.toTest(kind));
    }

    @Test
    void cacheEntryRoundTripsWithEveryValueType() throws Exception {
        Class<?> frameworkEntry = felix.bundle("io.lapse.api").loadClass(CacheEntry.class.getName());
        for (CacheEntry entry : List.of(new CacheEntry("a", "text", 0), new CacheEntry("b", 42L, 1_700_000_000_000L),
            new CacheEntry("c", new byte[] {1, 2, 3}, 5))) {
            Object translated = bridge.toFramework(entry);
            assertSame(frameworkEntry, translated.getClass());
            assertEquals(entry, bridge.toTest(translated), "round trip of " + entry);
        }
        // and one built on the framework side in the first place
        Object built = frameworkEntry.getConstructor(String.class, Object.class, long.class)
            .newInstance("k", new byte[] {9}, 77L);
        CacheEntry seen = (CacheEntry) bridge.toTest(built);
        assertEquals("k", seen.key());
        assertArrayEquals(new byte[] {9}, (byte[]) seen.value());
        assertEquals(77L, seen.expiresAtMillis());
    }

    @Test
    void cacheStatsKeepEveryFigure() throws Exception {
        Object frameworkStats = frameworkStats(Map.of());
        CacheStats stats = (CacheStats) bridge.toTest(frameworkStats);
        // toString prints every field of the snapshot
        assertEquals(frameworkStats.toString(), stats.toString());
        assertEquals(stats.hits() + stats.misses(), stats.gets());
        assertEquals(frameworkStats.toString(), bridge.toFramework(stats).toString());
    }

    @Test
    void aProxiedCacheForwardsAndTranslates() {
        List<Object> matchesSeen = new ArrayList<>();
        List<Object> ttlsSeen = new ArrayList<>();
        Object fake = frameworkFake("io.lapse.cache.Cache", (proxy, method, args) -> {
            switch (method.getName()) {
                case "name":
                    return "fake";
                case "getEntry":
                    return "none".equals(args[0]) ? null : frameworkEntry((String) args[0], "v", 123L);
                case "get":
                    return new byte[] {7};
                case "put":
                    if (((String) args[0]).isEmpty()) {
                        throw new IllegalArgumentException("fake: empty key");
                    }
                    ttlsSeen.add(args.length > 2 ? args[2] : null);
                    return null;
                case "removeKeys":
                    matchesSeen.add(args[0]);
                    return 3L;
                case "iterator":
                    return List.of(frameworkEntry("a", "1", 0), frameworkEntry("b", 2L, 0)).iterator();
                case "stats":
                    return frameworkStats(Map.of("hits", 5L));
                case "compute":
                    @SuppressWarnings("unchecked")
                    BiFunction<String, Object, Object> function = (BiFunction<String, Object, Object>) args[1];
                    return function.apply((String) args[0], 1L);
                case "size":
                    return 2L;
                default:
                    throw new UnsupportedOperationException(method.getName());
            }
        });
        Cache cache = ApiBridge.wrap(Cache.class, fake);

        assertEquals("fake", cache.name());
        assertEquals(new CacheEntry("k", "v", 123L), cache.getEntry("k"));
        assertNull(cache.getEntry("none"));
        assertArrayEquals(new byte[] {7}, (byte[]) cache.get("k"));
        assertEquals(2L, cache.size());
        assertEquals(2L, cache.compute("k", (key, value) -> (Long) value + 1));
        assertEquals(5L, cache.stats().hits());

        Duration ttl = Duration.ofSeconds(30);
        cache.put("k", "v", ttl);
        assertSame(ttl, ttlsSeen.get(0), "JDK arguments pass unchanged");

        assertEquals(3L, cache.removeKeys(Match.glob("a*")));
        Object match = matchesSeen.get(0);
        assertSame(apiLoader, match.getClass().getClassLoader(), "the fake got the api bundle's Match");
        assertEquals(Match.glob("a*"), bridge.toTest(match));

        List<CacheEntry> entries = new ArrayList<>();
        for (Iterator<CacheEntry> i = cache.iterator(); i.hasNext();) {
            entries.add(i.next());
        }
        assertEquals(List.of(new CacheEntry("a", "1", 0), new CacheEntry("b", 2L, 0)), entries);
        List<String> keys = new ArrayList<>();
        cache.forEach(e -> keys.add(e.key())); // a default method, run over the translating iterator
        assertEquals(List.of("a", "b"), keys);

        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> cache.put("", "v", ttl));
        assertEquals("fake: empty key", refused.getMessage());
        assertThrows(UnsupportedOperationException.class, cache::clear);

        assertEquals(cache, ApiBridge.wrap(Cache.class, fake));
        assertSame(fake, ApiBridge.unwrap(cache));
    }

    @Test
    void aCacheServiceFromTheFrameworkIsBridgedWithItsCaches() throws Exception {
        Object fakeCache = frameworkFake("io.lapse.cache.Cache", (proxy, method, args) -> {
            if (method.getName().equals("name")) {
                return "fake";
            }
            throw new UnsupportedOperationException(method.getName());
        });
        Object fakeService = frameworkFake("io.lapse.cache.CacheService", (proxy, method, args) -> {
            switch (method.getName()) {
                case "find":
                    return "fake".equals(args[0]) ? Optional.of(fakeCache) : Optional.empty();
                case "get":
                    if (!"fake".equals(args[0])) {
                        throw new NoSuchElementException("no cache " + args[0] + "; caches: [fake]");
                    }
                    return fakeCache;
                case "names":
                    return new TreeSet<>(List.of("fake"));
                default:
                    throw new UnsupportedOperationException(method.getName());
            }
        });
        // registered as the system bundle under the api bundle's class name, found by apiService
        ServiceRegistration<?> registration = felix.register(new String[] {CacheService.class.getName()}, fakeService,
            Map.of("lapse.itest.fake", "true"));
        try {
            CacheService service = felix.apiService(CacheService.class, "(lapse.itest.fake=true)", Felix.DEFAULT_TIMEOUT);
            assertEquals(new TreeSet<>(List.of("fake")), service.names());
            assertEquals("fake", service.get("fake").name());
            assertTrue(ApiBridge.isBridge(service.get("fake")));
            Optional<Cache> found = service.find("fake");
            assertTrue(found.isPresent());
            assertEquals("fake", found.get().name());
            assertFalse(service.find("other").isPresent());
            NoSuchElementException missing = assertThrows(NoSuchElementException.class, () -> service.get("other"));
            assertTrue(missing.getMessage().contains("[fake]"), missing.getMessage());
        } finally {
            registration.unregister();
        }
    }

    /** A framework-side object implementing one of the api bundle's interfaces. */
    private static Object frameworkFake(String interfaceName, InvocationHandler handler) {
        try {
            Class<?> type = apiLoader.loadClass(interfaceName);
            return Proxy.newProxyInstance(apiLoader, new Class<?>[] {type}, (proxy, method, args) -> {
                if (method.getDeclaringClass() == Object.class) {
                    switch (method.getName()) {
                        case "equals": return proxy == args[0];
                        case "hashCode": return System.identityHashCode(proxy);
                        default: return "fake " + interfaceName;
                    }
                }
                return handler.invoke(proxy, method, args);
            });
        } catch (ClassNotFoundException e) {
            throw new AssertionError(e);
        }
    }

    private static Object frameworkEntry(String key, Object value, long expiresAtMillis) {
        try {
            return apiLoader.loadClass(CacheEntry.class.getName()).getConstructor(String.class, Object.class, long.class)
                .newInstance(key, value, expiresAtMillis);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * Builds a framework-side CacheStats; each builder property gets a distinct value (1, 2, ...)
     * unless {@code values} names it.
     */
    private static Object frameworkStats(Map<String, Long> values) {
        try {
            Object builder = apiLoader.loadClass(CacheStats.class.getName()).getMethod("builder").invoke(null);
            long next = 1;
            for (Method setter : builder.getClass().getMethods()) {
                if (setter.getDeclaringClass() != builder.getClass() || setter.getParameterCount() != 1) {
                    continue;
                }
                long value = values.getOrDefault(setter.getName(), next++);
                Class<?> type = setter.getParameterTypes()[0];
                setter.invoke(builder, type == int.class ? (Object) (int) value
                    : type == boolean.class ? (Object) (value % 2 == 1) : (Object) value);
            }
            return builder.getClass().getMethod("build").invoke(builder);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    private static Object call(Object target, String method) throws ReflectiveOperationException {
        return target.getClass().getMethod(method).invoke(target);
    }
}
