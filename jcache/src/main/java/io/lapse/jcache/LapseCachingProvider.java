package io.lapse.jcache;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.WeakHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.OptionalFeature;
import javax.cache.spi.CachingProvider;

import io.lapse.cache.CacheService;
import io.lapse.cache.spi.CacheFactory;

/**
 * Lapse's JCache {@link CachingProvider}. On a plain class path {@link javax.cache.Caching} finds
 * it through {@code META-INF/services}, and it finds Lapse's {@link CacheFactory} the same way (in
 * the impl jar); in OSGi the jcache bundle registers it as a {@code CachingProvider} service, made
 * with the impl bundle's {@link CacheFactory} service.
 *
 * <p>Store-by-reference is not supported ({@link #isSupported} says so): a cache configured by
 * reference stores by value.
 *
 * <p>Where ConfigAdmin configures caches, the provider is given the {@link CacheService} that
 * lists them, and every manager shows each configured cache by its name (see
 * {@link LapseCacheManager}); the configured caches' expiries reach the views' listeners through
 * {@link #configuredExpired}, and the names viewed go to a watcher, so that the OSGi component
 * asks EventAdmin for those caches' expiries only.
 *
 * <p>Thread-safe: the managers, per class loader and URI, are kept under this object's monitor.
 */
public final class LapseCachingProvider implements CachingProvider {

    /** The default URI of this provider's cache managers. */
    public static final URI DEFAULT_URI = URI.create("urn:io.lapse:jcache");

    private final CacheFactory factory;
    private final Supplier<CacheService> configured;
    private final Consumer<Set<String>> viewsWatcher;
    private final Map<ClassLoader, Map<URI, LapseCacheManager>> managers = new WeakHashMap<>();

    /**
     * Makes the provider of a plain class path, on the {@link CacheFactory} that
     * {@link ServiceLoader} finds beside it.
     *
     * @throws CacheException if there is none (the impl jar is missing)
     */
    public LapseCachingProvider() {
        this(loadFactory());
    }

    /**
     * Makes a provider on a given factory: in OSGi, the impl bundle's service.
     *
     * @param factory the factory
     */
    public LapseCachingProvider(CacheFactory factory) {
        this(factory, () -> null, names -> {
        });
    }

    /**
     * Makes a provider that also shows configured caches.
     *
     * @param factory makes the caches created through JCache
     * @param configured the configured caches, or a supplier of {@code null} while there are none
     * @param viewsWatcher told the names of the configured caches viewed through JCache, each time
     *     they change; called with no lock of the provider held
     */
    public LapseCachingProvider(CacheFactory factory, Supplier<CacheService> configured,
        Consumer<Set<String>> viewsWatcher) {
        if (factory == null) {
            throw new NullPointerException("cache factory is null");
        }
        this.factory = factory;
        this.configured = Objects.requireNonNull(configured, "configured caches");
        this.viewsWatcher = Objects.requireNonNull(viewsWatcher, "views watcher");
    }

    private static CacheFactory loadFactory() {
        Iterator<CacheFactory> found = ServiceLoader.load(CacheFactory.class, LapseCachingProvider.class.getClassLoader())
            .iterator();
        if (!found.hasNext()) {
            throw new CacheException("Lapse's JCache provider found no " + CacheFactory.class.getName() + ": put Lapse's "
                + "impl jar (io.lapse.impl) on the class path beside the jcache jar");
        }
        return found.next();
    }

    @Override
    public synchronized CacheManager getCacheManager(URI uri, ClassLoader classLoader, Properties properties) {
        URI u = uri == null ? getDefaultURI() : uri;
        ClassLoader cl = classLoader == null ? getDefaultClassLoader() : classLoader;
        Properties p = properties == null ? new Properties() : properties;
        return managers.computeIfAbsent(cl, k -> new HashMap<>())
            .computeIfAbsent(u, k -> new LapseCacheManager(this, u, cl, p, factory, configured));
    }

    @Override
    public CacheManager getCacheManager(URI uri, ClassLoader classLoader) {
        return getCacheManager(uri, classLoader, getDefaultProperties());
    }

    @Override
    public CacheManager getCacheManager() {
        return getCacheManager(getDefaultURI(), getDefaultClassLoader(), getDefaultProperties());
    }

    @Override
    public ClassLoader getDefaultClassLoader() {
        ClassLoader tccl = Thread.currentThread().getContextClassLoader();
        return tccl != null ? tccl : LapseCachingProvider.class.getClassLoader();
    }

    @Override
    public URI getDefaultURI() {
        return DEFAULT_URI;
    }

    @Override
    public Properties getDefaultProperties() {
        return new Properties();
    }

    @Override
    public void close() {
        Map<ClassLoader, Map<URI, LapseCacheManager>> all;
        synchronized (this) {
            all = new HashMap<>(managers);
            managers.clear();
        }
        all.values().forEach(byUri -> byUri.values().forEach(LapseCacheManager::close));
    }

    @Override
    public void close(ClassLoader classLoader) {
        Map<URI, LapseCacheManager> byUri;
        synchronized (this) {
            byUri = managers.remove(classLoader == null ? getDefaultClassLoader() : classLoader);
        }
        if (byUri != null) {
            byUri.values().forEach(LapseCacheManager::close);
        }
    }

    @Override
    public void close(URI uri, ClassLoader classLoader) {
        LapseCacheManager manager;
        synchronized (this) {
            Map<URI, LapseCacheManager> byUri = managers.get(classLoader == null ? getDefaultClassLoader() : classLoader);
            manager = byUri == null ? null : byUri.remove(uri == null ? getDefaultURI() : uri);
        }
        if (manager != null) {
            manager.close();
        }
    }

    /** A manager closed itself: a later request for its URI makes a new one. */
    synchronized void closed(LapseCacheManager manager) {
        Map<URI, LapseCacheManager> byUri = managers.get(manager.getClassLoader());
        if (byUri != null) {
            byUri.remove(manager.getURI(), manager);
        }
    }

    /** The views of configured caches changed: tells the watcher every name viewed now. */
    void viewsChanged() {
        Set<String> names = new TreeSet<>();
        for (LapseCacheManager manager : openManagers()) {
            names.addAll(manager.viewNames());
        }
        viewsWatcher.accept(names);
    }

    /**
     * A configured cache's entry expired (its {@code cache/expired} event): the listeners of its
     * views hear it.
     *
     * @param value the value as the event carries it
     */
    public void configuredExpired(String cache, String key, Object value, long expiresAtMillis) {
        for (LapseCacheManager manager : openManagers()) {
            manager.configuredExpired(cache, key, value, expiresAtMillis);
        }
    }

    private synchronized List<LapseCacheManager> openManagers() {
        List<LapseCacheManager> all = new ArrayList<>();
        managers.values().forEach(byUri -> all.addAll(byUri.values()));
        return all;
    }

    @Override
    public boolean isSupported(OptionalFeature optionalFeature) {
        return false;
    }
}
