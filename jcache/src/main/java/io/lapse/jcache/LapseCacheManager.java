package io.lapse.jcache;

import java.lang.ref.WeakReference;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;

import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.configuration.Configuration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.spi.CachingProvider;

import io.lapse.cache.CacheService;
import io.lapse.cache.spi.CacheFactory;

/**
 * A JCache {@link CacheManager}: the caches of one URI and class loader, each a Lapse cache made
 * in code through the {@link CacheFactory}; and, where ConfigAdmin configures caches (OSGi, with
 * the impl bundle's {@link CacheService}), a view of each configured cache by its name
 * ({@link LapseCache#viewing}), which {@link #getCache} returns and {@link #getCacheNames} lists.
 * A configured cache is made and destroyed by its configuration: {@link #createCache} and
 * {@link #destroyCache} refuse its name.
 *
 * <p>Thread-safe: the caches and views are concurrent maps, and a cache is created under the map's
 * lock of its name, so that two threads creating the same name get one cache and one
 * {@link CacheException}.
 */
public final class LapseCacheManager implements CacheManager {

    private final LapseCachingProvider provider;
    private final URI uri;
    private final WeakReference<ClassLoader> classLoader;
    private final Properties properties;
    private final CacheFactory factory;
    private final Supplier<CacheService> configured;
    private final ConcurrentMap<String, LapseCache<?, ?>> caches = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, LapseCache<String, Object>> views = new ConcurrentHashMap<>();
    private volatile boolean closed;

    LapseCacheManager(LapseCachingProvider provider, URI uri, ClassLoader classLoader, Properties properties,
        CacheFactory factory, Supplier<CacheService> configured) {
        this.provider = provider;
        this.configured = configured;
        this.uri = uri;
        this.classLoader = new WeakReference<>(classLoader);
        this.properties = properties;
        this.factory = factory;
    }

    @Override
    public CachingProvider getCachingProvider() {
        return provider;
    }

    @Override
    public URI getURI() {
        return uri;
    }

    @Override
    public ClassLoader getClassLoader() {
        return classLoader.get();
    }

    @Override
    public Properties getProperties() {
        return properties;
    }

    @Override
    public <K, V, C extends Configuration<K, V>> Cache<K, V> createCache(String cacheName, C configuration) {
        checkOpen();
        Objects.requireNonNull(cacheName, "cache name is null");
        Objects.requireNonNull(configuration, "configuration is null");
        CompleteConfiguration<K, V> complete = complete(configuration);
        if (configured(cacheName) != null) {
            throw new CacheException("a cache named '" + cacheName + "' is configured through ConfigAdmin (factory PID "
                + CacheService.FACTORY_PID + "): get it with getCache, or choose another name");
        }
        boolean[] made = new boolean[1];
        LapseCache<?, ?> cache = caches.computeIfAbsent(cacheName, n -> {
            made[0] = true;
            return LapseCache.owning(this, n, complete, factory);
        });
        if (!made[0]) {
            throw new CacheException("cache manager " + uri + " has a cache named '" + cacheName + "' already");
        }
        @SuppressWarnings("unchecked")
        Cache<K, V> typed = (Cache<K, V>) cache;
        return typed;
    }

    private static <K, V> CompleteConfiguration<K, V> complete(Configuration<K, V> configuration) {
        if (configuration instanceof CompleteConfiguration) {
            return (CompleteConfiguration<K, V>) configuration;
        }
        MutableConfiguration<K, V> full = new MutableConfiguration<>();
        full.setTypes(configuration.getKeyType(), configuration.getValueType());
        full.setStoreByValue(configuration.isStoreByValue());
        return full;
    }

    @Override
    public <K, V> Cache<K, V> getCache(String cacheName, Class<K> keyType, Class<V> valueType) {
        checkOpen();
        Objects.requireNonNull(cacheName, "cache name is null");
        Objects.requireNonNull(keyType, "key type is null");
        Objects.requireNonNull(valueType, "value type is null");
        LapseCache<?, ?> cache = cacheNamed(cacheName);
        if (cache == null) {
            return null;
        }
        if (cache.keyType() != keyType) {
            throw new ClassCastException("cache '" + cacheName + "' has keys of " + cache.keyType().getName()
                + ", not " + keyType.getName());
        }
        if (cache.valueType() != valueType) {
            throw new ClassCastException("cache '" + cacheName + "' has values of " + cache.valueType().getName()
                + ", not " + valueType.getName());
        }
        @SuppressWarnings("unchecked")
        Cache<K, V> typed = (Cache<K, V>) cache;
        return typed;
    }

    @Override
    public <K, V> Cache<K, V> getCache(String cacheName) {
        checkOpen();
        Objects.requireNonNull(cacheName, "cache name is null");
        @SuppressWarnings("unchecked")
        Cache<K, V> cache = (Cache<K, V>) cacheNamed(cacheName);
        return cache;
    }

    /** A cache of this manager's, else a view of the configured cache of that name, else {@code null}. */
    private LapseCache<?, ?> cacheNamed(String cacheName) {
        LapseCache<?, ?> own = caches.get(cacheName);
        if (own != null) {
            return own;
        }
        io.lapse.cache.Cache found = configured(cacheName);
        if (found == null) {
            LapseCache<String, Object> gone = views.remove(cacheName);
            if (gone != null) {
                gone.shutDown();
                provider.viewsChanged();
            }
            return null;
        }
        @SuppressWarnings("unchecked")
        LapseCache<String, Object>[] replaced = new LapseCache[1];
        boolean[] made = new boolean[1];
        LapseCache<String, Object> view = views.compute(cacheName, (n, v) -> {
            if (v != null && v.views(found) && !v.isClosed()) {
                return v;
            }
            replaced[0] = v;
            made[0] = true;
            return LapseCache.viewing(this, found);
        });
        if (replaced[0] != null) {
            // the configured cache was made anew: the view of the old one goes
            replaced[0].shutDown();
        }
        if (made[0]) {
            provider.viewsChanged();
        }
        return view;
    }

    private io.lapse.cache.Cache configured(String cacheName) {
        CacheService service = configured.get();
        return service == null ? null : service.find(cacheName).orElse(null);
    }

    /** The names of the configured caches this manager has views of. */
    Set<String> viewNames() {
        return Set.copyOf(views.keySet());
    }

    /** A configured cache's entry expired: its view's listeners hear it. */
    void configuredExpired(String cacheName, String key, Object value, long expiresAtMillis) {
        LapseCache<String, Object> view = views.get(cacheName);
        if (view != null) {
            view.expired(key, value, expiresAtMillis);
        }
    }

    @Override
    public Iterable<String> getCacheNames() {
        checkOpen();
        Set<String> names = new LinkedHashSet<>(caches.keySet());
        CacheService service = configured.get();
        if (service != null) {
            names.addAll(service.names());
        }
        return Collections.unmodifiableSet(names);
    }

    @Override
    public void destroyCache(String cacheName) {
        checkOpen();
        Objects.requireNonNull(cacheName, "cache name is null");
        if (!caches.containsKey(cacheName) && configured(cacheName) != null) {
            throw new CacheException("cache '" + cacheName + "' is configured through ConfigAdmin (factory PID "
                + CacheService.FACTORY_PID + "): delete its configuration to destroy it");
        }
        LapseCache<?, ?> cache = caches.remove(cacheName);
        if (cache != null) {
            cache.shutDown();
        }
    }

    @Override
    public void enableManagement(String cacheName, boolean enabled) {
        checkOpen();
        named(cacheName).setManagementEnabled(enabled);
    }

    @Override
    public void enableStatistics(String cacheName, boolean enabled) {
        checkOpen();
        named(cacheName).setStatisticsEnabled(enabled);
    }

    private LapseCache<?, ?> named(String cacheName) {
        Objects.requireNonNull(cacheName, "cache name is null");
        LapseCache<?, ?> cache = cacheNamed(cacheName);
        if (cache == null) {
            throw new IllegalArgumentException("cache manager " + uri + " has no cache named '" + cacheName + "'");
        }
        return cache;
    }

    /** A cache closed itself: it is no longer managed. */
    void closed(LapseCache<?, ?> cache) {
        if (!caches.remove(cache.getName(), cache) && views.remove(cache.getName(), cache)) {
            provider.viewsChanged();
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        provider.closed(this);
        for (LapseCache<?, ?> cache : new ArrayList<>(caches.values())) {
            caches.remove(cache.getName(), cache);
            cache.shutDown();
        }
        for (LapseCache<?, ?> view : new ArrayList<>(views.values())) {
            views.remove(view.getName(), view);
            view.shutDown();
        }
        provider.viewsChanged();
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public <T> T unwrap(Class<T> clazz) {
        if (clazz.isInstance(this)) {
            return clazz.cast(this);
        }
        throw new IllegalArgumentException("cache manager " + uri + " is not a " + clazz.getName());
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("cache manager " + uri + " is closed");
        }
    }
}
