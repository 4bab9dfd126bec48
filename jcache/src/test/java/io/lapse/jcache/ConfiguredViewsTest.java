package io.lapse.jcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryExpiredListener;
import javax.cache.event.CacheEntryRemovedListener;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.lapse.cache.CacheService;
import io.lapse.impl.engine.CacheSettings;
import io.lapse.impl.engine.CacheTable;
import io.lapse.impl.engine.Clock;
import io.lapse.impl.engine.TableListener;
import io.lapse.impl.engine.TimeSource;
import io.lapse.impl.engine.WriteThrough;
import io.lapse.impl.spi.StandaloneCacheFactory;
import io.lapse.testing.Await;

/**
 * JCache views of configured caches, as the OSGi component wires them, here with a
 * {@link CacheService} of the test's own over engine tables: found by name, writes following the
 * cache's own expiry rules, the configured cache's lifecycle left to its configuration, and its
 * expiries reaching the views' listeners.
 */
class ConfiguredViewsTest {

    private final TimeSource time = new TimeSource(Clock.system());
    private final Map<String, CacheTable> tables = new ConcurrentHashMap<>();
    private final List<Set<String>> watched = new CopyOnWriteArrayList<>();
    private final CacheService service = new CacheService() {
        @Override
        public Optional<io.lapse.cache.Cache> find(String name) {
            return Optional.ofNullable(tables.get(name)).map(CacheTable::cache);
        }

        @Override
        public io.lapse.cache.Cache get(String name) {
            return find(name).orElseThrow();
        }

        @Override
        public SortedSet<String> names() {
            return new TreeSet<>(tables.keySet());
        }
    };

    private final LapseCachingProvider provider = new LapseCachingProvider(new StandaloneCacheFactory(),
        () -> service, watched::add);
    private final CacheManager manager = provider.getCacheManager();

    @AfterEach
    void close() {
        provider.close();
        tables.values().forEach(CacheTable::close);
    }

    private CacheTable configure(String name, long autoexpireMillis) {
        return configure(name, autoexpireMillis, null);
    }

    private CacheTable configure(String name, long autoexpireMillis, Long initval) {
        CacheTable t = new CacheTable(name, new CacheSettings(4, autoexpireMillis, true, 0, initval), time,
            TableListener.NONE);
        tables.put(name, t);
        return t;
    }

    @Test
    void aConfiguredCacheIsFoundByNameAndItsWritesFollowItsOwnRules() {
        CacheTable sessions = configure("sessions", 60_000);
        sessions.put("written-natively", 7L);
        Cache<String, Object> view = manager.getCache("sessions");
        assertEquals(7L, view.get("written-natively"));
        view.put("u1", "alice");
        long in = sessions.getEntry("u1").expiresAtMillis() - System.currentTimeMillis();
        assertTrue(in > 50_000 && in <= 60_000, "autoexpire of 60 s, found " + in + " ms");
        assertEquals("alice", sessions.get("u1"));
        assertSame(view, manager.getCache("sessions", String.class, Object.class));
        assertThrows(ClassCastException.class, () -> manager.getCache("sessions", Long.class, Object.class));
        List<String> names = new ArrayList<>();
        manager.getCacheNames().forEach(names::add);
        assertTrue(names.contains("sessions"), "listed: " + names);
        assertEquals(List.of(Set.of("sessions")), watched, "the watcher is told the names viewed, once");
    }

    @Test
    void aMissingKeyIsMissingThroughJCacheWhateverTheCachesInitval() {
        CacheTable counters = configure("counters", 0, 7L);
        assertEquals(7L, counters.get("missing"), "the native get answers the initval");
        Cache<String, Object> view = manager.getCache("counters");
        assertNull(view.get("missing"));
        assertFalse(view.containsKey("missing"));
        assertTrue(view.putIfAbsent("missing", 1L));
    }

    @Test
    void aConfiguredCacheIsMadeAndDestroyedByItsConfigurationOnly() {
        CacheTable sessions = configure("sessions", 0);
        CacheException made = assertThrows(CacheException.class,
            () -> manager.createCache("sessions", new MutableConfiguration<>()));
        assertTrue(made.getMessage().contains("ConfigAdmin") && made.getMessage().contains("sessions"),
            made.getMessage());
        CacheException destroyed = assertThrows(CacheException.class, () -> manager.destroyCache("sessions"));
        assertTrue(destroyed.getMessage().contains("delete its configuration"), destroyed.getMessage());
        Cache<String, Object> view = manager.getCache("sessions");
        view.put("k", "v");
        view.close();
        assertFalse(sessions.isClosed(), "closing the view leaves the cache");
        assertEquals("v", sessions.get("k"));
        assertEquals(Set.of(), watched.get(watched.size() - 1), "no view left to hear");
    }

    @Test
    void aCacheConfiguredAnewGetsANewViewAndAGoneOneNone() {
        configure("sessions", 0).put("k", "old");
        Cache<String, Object> first = manager.getCache("sessions");
        tables.remove("sessions").close();
        configure("sessions", 0).put("k", "new");
        Cache<String, Object> second = manager.getCache("sessions");
        assertNotSame(first, second);
        assertTrue(first.isClosed());
        assertEquals("new", second.get("k"));
        tables.remove("sessions").close();
        assertNull(manager.getCache("sessions"));
        assertTrue(second.isClosed());
    }

    /** Hears created and removed events; a static list, since JCache's factories make the instance. */
    public static final class Changes implements CacheEntryCreatedListener<String, Object>,
        CacheEntryRemovedListener<String, Object>, Serializable {
        private static final long serialVersionUID = 1L;
        static final List<String> HEARD = new CopyOnWriteArrayList<>();

        @Override
        public void onCreated(Iterable<CacheEntryEvent<? extends String, ? extends Object>> events) {
            events.forEach(e -> HEARD.add("created " + e.getKey()));
        }

        @Override
        public void onRemoved(Iterable<CacheEntryEvent<? extends String, ? extends Object>> events) {
            events.forEach(e -> HEARD.add("removed " + e.getKey()));
        }
    }

    @Test
    void aWriteTheCachesStoreRefusesIsHeardByNoListener() throws Exception {
        Changes.HEARD.clear();
        CacheTable stored = configure("stored", 0);
        boolean[] refusing = {true};
        stored.writeThrough(new WriteThrough() {
            @Override
            public void put(String key, Object value, long expiresAtMillis) {
                if (refusing[0]) {
                    throw new IllegalStateException("the database is down");
                }
            }

            @Override
            public void remove(String key) {
                if (refusing[0]) {
                    throw new IllegalStateException("the database is down");
                }
            }

            @Override
            public void removeAll(List<String> keys) {
            }
        });
        Cache<String, Object> view = manager.getCache("stored");
        for (boolean synchronous : new boolean[] {true, false}) {
            view.registerCacheEntryListener(new MutableCacheEntryListenerConfiguration<>(
                FactoryBuilder.factoryOf(Changes.class), null, false, synchronous));
        }
        assertThrows(IllegalStateException.class, () -> view.put("k", "v"));
        assertNull(view.get("k"));
        refusing[0] = false;
        view.put("k", "v");
        refusing[0] = true;
        assertThrows(IllegalStateException.class, () -> view.remove("k"));
        refusing[0] = false;
        assertTrue(view.remove("k"));
        Await.until("the asynchronous listener heard the two changes made",
            () -> Changes.HEARD.size() >= 4);
        view.close();
        List<String> heard = new ArrayList<>(Changes.HEARD);
        heard.sort(null);
        assertEquals(List.of("created k", "created k", "removed k", "removed k"), heard,
            "each listener heard the put and the removal the store took, and nothing of those it refused");
    }

    /** Hears expiries; a static list, since JCache's factories make the instance. */
    public static final class Expired implements CacheEntryExpiredListener<String, Object>, Serializable {
        private static final long serialVersionUID = 1L;
        static final List<String> HEARD = new CopyOnWriteArrayList<>();

        @Override
        public void onExpired(Iterable<CacheEntryEvent<? extends String, ? extends Object>> events) {
            events.forEach(e -> HEARD.add(e.getKey() + "=" + e.getOldValue()));
        }
    }

    @Test
    void theConfiguredCachesExpiriesReachTheViewsListeners() {
        Expired.HEARD.clear();
        configure("sessions", 0);
        configure("other", 0);
        Cache<String, Object> view = manager.getCache("sessions");
        view.registerCacheEntryListener(new MutableCacheEntryListenerConfiguration<>(
            FactoryBuilder.factoryOf(Expired.class), null, true, true));
        provider.configuredExpired("sessions", "k", "v", 1L);
        provider.configuredExpired("other", "x", "y", 1L);
        provider.configuredExpired("sessions", "n", 5L, 1L);
        assertEquals(List.of("k=v", "n=5"), Expired.HEARD);
    }
}
