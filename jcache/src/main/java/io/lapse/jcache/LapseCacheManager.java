package io.lapse.jcache;

import java.lang.ref.WeakReference;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.configuration.Configuration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.spi.CachingProvider;

import io.lapse.cache.spi.CacheFactory;

/**
 * A JCache {@link CacheManager}: the caches of one URI and class loader, each a Lapse cache made
 * in code through the {@link CacheFactory}.
 *
 * <p>Thread-safe: the caches are a concurrent map, and a cache is created under the map's lock of
 * its name, so that two threads creating the same name get one cache and one
 * {@link CacheException}.
 */
public final class LapseCacheManager implements CacheManager {

    private final LapseCachingProvider provider;
    private final URI uri;
    private final WeakReference<ClassLoader> classLoader;
    private final Properties properties;
    private final CacheFactory factory;
    private final ConcurrentMap<String, LapseCache<?, ?>> caches = new ConcurrentHashMap<>();
    private volatile boolean closed;

    LapseCacheManager(LapseCachingProvider provider, URI uri, ClassLoader classLoader, Properties properties,
        CacheFactory factory) {
        this.provider = provider;
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
        boolean[] made = new boolean[1];
        LapseCache<?, ?> cache = caches.computeIfAbsent(cacheName, n -> {
            made[0] = true;
            return new LapseCache<>(this, n, complete, factory);
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
        LapseCache<?, ?> cache = caches.get(cacheName);
        if (cache == null) {
            return null;
        }
        CompleteConfiguration<?, ?> config = cache.configuration();
        if (config.getKeyType() != keyType) {
            throw new ClassCastException("cache '" + cacheName + "' has keys of " + config.getKeyType().getName()
                + ", not " + keyType.getName());
        }
        if (config.getValueType() != valueType) {
            throw new ClassCastException("cache '" + cacheName + "' has values of " + config.getValueType().getName()
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
        Cache<K, V> cache = (Cache<K, V>) caches.get(cacheName);
        return cache;
    }

    @Override
    public Iterable<String> getCacheNames() {
        checkOpen();
        return Collections.unmodifiableSet(new LinkedHashSet<>(caches.keySet()));
    }

    @Override
    public void destroyCache(String cacheName) {
        checkOpen();
        Objects.requireNonNull(cacheName, "cache name is null");
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
        LapseCache<?, ?> cache = caches.get(cacheName);
        if (cache == null) {
            throw new IllegalArgumentException("cache manager " + uri + " has no cache named '" + cacheName + "'");
        }
        return cache;
    }

    /** A cache closed itself: it is no longer managed. */
    void closed(LapseCache<?, ?> cache) {
        caches.remove(cache.getName(), cache);
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
