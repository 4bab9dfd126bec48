package io.lapse.jcache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryExpiredListener;
import javax.cache.event.CacheEntryUpdatedListener;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;
import javax.cache.expiry.ExpiryPolicy;
import javax.cache.spi.CachingProvider;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.lapse.testing.Await;

/**
 * The provider on a plain class path, as {@link Caching} finds it: what the TCK does not check and
 * Lapse promises beside it (expiry of idle entries heard on time, each once; the stored forms the
 * native API shares; the standalone sweeper's thread ending with the last cache).
 */
class LapseJCacheTest {

    private CachingProvider provider;
    private CacheManager manager;

    @BeforeEach
    void open() {
        provider = Caching.getCachingProvider(LapseCachingProvider.class.getName());
        manager = provider.getCacheManager();
    }

    @AfterEach
    void close() {
        provider.close();
    }

    /** Hears expiries; static so its factory can be serialised as JCache's configurations are. */
    public static final class Heard implements CacheEntryExpiredListener<String, String>, Serializable {
        private static final long serialVersionUID = 1L;
        static final Map<String, List<Long>> EXPIRED = new ConcurrentHashMap<>();

        @Override
        public void onExpired(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
            for (CacheEntryEvent<? extends String, ? extends String> e : events) {
                EXPIRED.computeIfAbsent(e.getKey(), k -> new CopyOnWriteArrayList<>()).add(System.currentTimeMillis());
            }
        }
    }

    @Test
    void anIdleEntryIsHeardToExpireOnTimeAndOnce() throws Exception {
        Heard.EXPIRED.clear();
        MutableConfiguration<String, String> config = new MutableConfiguration<String, String>()
            .setTypes(String.class, String.class)
            .setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(new Duration(TimeUnit.MILLISECONDS, 200)))
            .addCacheEntryListenerConfiguration(new MutableCacheEntryListenerConfiguration<>(
                FactoryBuilder.factoryOf(Heard.class), null, true, true));
        Cache<String, String> cache = manager.createCache("idle", config);
        long deadline = System.currentTimeMillis() + 200;
        for (int i = 0; i < 50; i++) {
            cache.put("k" + i, "v" + i);
        }
        Await.until("50 expiries heard with no call on the cache", () -> Heard.EXPIRED.size() == 50);
        for (Map.Entry<String, List<Long>> e : Heard.EXPIRED.entrySet()) {
            assertEquals(1, e.getValue().size(), "expiries heard of " + e.getKey());
            long late = e.getValue().get(0) - deadline;
            assertTrue(late < 2_000, e.getKey() + " heard " + late + " ms after its deadline");
        }
        assertFalse(cache.iterator().hasNext());
        assertEquals(50, Heard.EXPIRED.size());
    }

    /** Records a key's created and updated events in the order heard, as "old>new". */
    public static final class Chain implements CacheEntryCreatedListener<String, String>,
        CacheEntryUpdatedListener<String, String>, Serializable {
        private static final long serialVersionUID = 1L;
        static final List<String> HEARD = new CopyOnWriteArrayList<>();

        @Override
        public void onCreated(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
            events.forEach(e -> HEARD.add("-" + ">" + e.getValue()));
        }

        @Override
        public void onUpdated(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
            events.forEach(e -> HEARD.add(e.getOldValue() + ">" + e.getValue()));
        }
    }

    @Test
    void anAsynchronousListenerHearsAKeysChangesInTheOrderTheyWereMade() throws Exception {
        Chain.HEARD.clear();
        Cache<String, String> cache = manager.createCache("ordered", new MutableConfiguration<String, String>()
            .setTypes(String.class, String.class)
            .addCacheEntryListenerConfiguration(new MutableCacheEntryListenerConfiguration<>(
                FactoryBuilder.factoryOf(Chain.class), null, true, false)));
        int perThread = 5_000;
        Thread[] writers = new Thread[2];
        for (int t = 0; t < writers.length; t++) {
            String name = "w" + t;
            writers[t] = new Thread(() -> {
                for (int i = 0; i < perThread; i++) {
                    cache.put("k", name + "-" + i);
                }
            });
            writers[t].start();
        }
        for (Thread w : writers) {
            w.join();
        }
        Await.until("every change heard", () -> Chain.HEARD.size() == writers.length * perThread);
        List<String> heard = List.copyOf(Chain.HEARD);
        String previous = "-";
        for (int i = 0; i < heard.size(); i++) {
            String[] step = heard.get(i).split(">");
            assertEquals(previous, step[0], "event " + i + " follows the one before it: " + heard.get(i));
            previous = step[1];
        }
        assertEquals(cache.get("k"), previous, "the last event heard is the value the key holds");
    }

    @Test
    void anUpdateTheCacheRefusesIsHeardByNoListener() {
        Chain.HEARD.clear();
        Cache<String, String> cache = manager.createCache("refused-update", new MutableConfiguration<String, String>()
            .setTypes(String.class, String.class)
            .addCacheEntryListenerConfiguration(new MutableCacheEntryListenerConfiguration<>(
                FactoryBuilder.factoryOf(Chain.class), null, true, false)));
        cache.put("k", "v");
        String tooLong = "x".repeat(io.lapse.cache.Cache.MAX_VALUE_LENGTH + 1);
        assertThrows(IllegalArgumentException.class, () -> cache.put("k", tooLong));
        cache.put("k", "w");
        cache.close();
        List<String> heard = Chain.HEARD.stream().map(e -> e.length() > 40 ? e.substring(0, 40) + "..." : e)
            .collect(java.util.stream.Collectors.toList());
        assertEquals(List.of("->v", "v>w"), heard, "the refused update was never heard");
    }

    @Test
    void accessExpiryMovesTheDeadlineOnRead() {
        MutableConfiguration<String, String> config = new MutableConfiguration<String, String>()
            .setTypes(String.class, String.class)
            .setExpiryPolicyFactory(FactoryBuilder.factoryOf(new EternalUntilRead()));
        Cache<String, String> cache = manager.createCache("accessed", config);
        cache.put("k", "v");
        io.lapse.cache.Cache lapse = cache.unwrap(io.lapse.cache.Cache.class);
        assertEquals(0, lapse.getEntry("k").expiresAtMillis(), "created eternal");
        assertEquals("v", cache.get("k"));
        long in = lapse.getEntry("k").expiresAtMillis() - System.currentTimeMillis();
        assertTrue(in > TimeUnit.MINUTES.toMillis(59) && in <= TimeUnit.HOURS.toMillis(1), "deadline in " + in + " ms");
    }

    /** Eternal when created, an hour from each read. */
    public static final class EternalUntilRead implements ExpiryPolicy, Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public Duration getExpiryForCreation() {
            return Duration.ETERNAL;
        }

        @Override
        public Duration getExpiryForAccess() {
            return new Duration(TimeUnit.HOURS, 1);
        }

        @Override
        public Duration getExpiryForUpdate() {
            return null;
        }
    }

    /** A value of a type the native API does not have. */
    public static final class Point implements Serializable {
        private static final long serialVersionUID = 1L;
        final int x;

        Point(int x) {
            this.x = x;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Point && ((Point) o).x == x;
        }

        @Override
        public int hashCode() {
            return x;
        }
    }

    @Test
    void nativeTypesAreSharedWithTheLapseApiAndOthersAreCopied() {
        Cache<Object, Object> cache = manager.createCache("forms", new MutableConfiguration<>());
        io.lapse.cache.Cache lapse = cache.unwrap(io.lapse.cache.Cache.class);
        cache.put("text", "hello");
        cache.put("number", 42L);
        cache.put("bytes", new byte[] {1, 2});
        assertEquals("hello", lapse.get("text"));
        assertEquals(42L, lapse.get("number"));
        assertArrayEquals(new byte[] {1, 2}, (byte[]) lapse.get("bytes"));
        lapse.put("written-natively", "by htable's API");
        assertEquals("by htable's API", cache.get("written-natively"));

        Point p = new Point(3);
        cache.put(7, p);
        cache.put("", Integer.valueOf(5));
        cache.put("\u0001looks-serialised", "\u0001so does this");
        assertEquals(p, cache.get(7));
        Object again = cache.get(7);
        assertFalse(again == p, "stored by value: a copy comes back");
        assertEquals(5, cache.get(""));
        assertEquals(Integer.class, cache.get("").getClass(), "an Integer stays an Integer");
        assertEquals("\u0001so does this", cache.get("\u0001looks-serialised"));
        assertNull(cache.get(8));
        assertTrue(cache.remove(7, new Point(3)), "conditional removal by equals on a serialised value");
    }

    @Test
    void refusesWhatItCannotStoreNamingIt() {
        Cache<Object, Object> cache = manager.createCache("refusals", new MutableConfiguration<>());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> cache.put("k", new Object()));
        assertTrue(e.getMessage().contains("java.lang.Object") && e.getMessage().contains("Serializable"), e.getMessage());
        assertThrows(NullPointerException.class, () -> cache.put(null, "v"));
        assertThrows(NullPointerException.class, () -> cache.put("k", null));
        Cache<String, String> typed = manager.createCache("typed",
            new MutableConfiguration<String, String>().setTypes(String.class, String.class));
        @SuppressWarnings({"unchecked", "rawtypes"})
        Cache<Object, Object> raw = (Cache) typed;
        IllegalArgumentException big = assertThrows(IllegalArgumentException.class,
            () -> cache.put(new java.util.ArrayList<>(java.util.Collections.nCopies(2_000, "k")), "v"));
        assertTrue(big.getMessage().contains("java.util.ArrayList") && big.getMessage().contains("4096"),
            big.getMessage());
        IllegalArgumentException longText = assertThrows(IllegalArgumentException.class,
            () -> cache.put("k".repeat(5_000), "v"));
        assertTrue(longText.getMessage().contains("4096"), longText.getMessage());
        assertFalse(cache.iterator().hasNext(), "nothing refused was stored");
        ClassCastException c = assertThrows(ClassCastException.class, () -> raw.put(1, "v"));
        assertTrue(c.getMessage().contains("typed"), c.getMessage());
        assertFalse(typed.iterator().hasNext(), "a refused put stored nothing");
    }

    @Test
    void aClosedCacheRefusesAndItsManagerForgetsIt() {
        Cache<String, String> cache = manager.createCache("closing", new MutableConfiguration<>());
        cache.put("k", "v");
        cache.close();
        assertTrue(cache.isClosed());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> cache.get("k"));
        assertTrue(e.getMessage().contains("closing"), e.getMessage());
        assertNull(manager.getCache("closing"));
        Cache<String, String> again = manager.createCache("closing", new MutableConfiguration<>());
        assertNull(again.get("k"), "a cache made anew starts empty");
        assertSame(again, manager.getCache("closing"));
    }

    @Test
    void theStandaloneSweeperRunsOnlyWhileACacheIsOpen() {
        manager.createCache("one", new MutableConfiguration<>());
        Await.until("the standalone sweeper runs", () -> sweeperThreads() > 0);
        provider.close();
        Await.until("the standalone sweeper stopped with the last cache", () -> sweeperThreads() == 0);
    }

    private static long sweeperThreads() {
        return Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.getName().startsWith("lapse-standalone-sweeper-") && t.isAlive()).count();
    }
}
