package io.lapse.jcache.osgi;

import java.net.URI;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Properties;
import java.util.Set;

import javax.cache.CacheManager;
import javax.cache.configuration.OptionalFeature;
import javax.cache.spi.CachingProvider;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;

import io.lapse.cache.CacheEvents;
import io.lapse.cache.CacheService;
import io.lapse.cache.spi.CacheFactory;
import io.lapse.jcache.LapseCachingProvider;

/**
 * Registers Lapse's JCache provider as a {@link CachingProvider} service, on the impl bundle's
 * {@link CacheFactory}, so that a bundle gets it with {@code @Reference CachingProvider provider}
 * (OSGi has no class path for {@link javax.cache.Caching} to search). Its managers also show the
 * caches ConfigAdmin configures, through the {@link CacheService} while there is one.
 *
 * <p>While configured caches are viewed through JCache, an {@link EventHandler} of
 * {@code cache/expired} filtered to their names carries their expiries to the views' listeners;
 * with no view, none is registered, so that a framework's expiries cost nothing here. On
 * deactivation the handler is withdrawn and every cache manager it handed out closed, with their
 * caches, threads and MBeans.
 *
 * <p>Concurrency: this object's monitor guards the handler's registration, which is made, changed
 * and withdrawn under it; the provider calls {@link #viewing} with none of its own locks held.
 */
@Component(service = CachingProvider.class, property = "provider=lapse")
public final class JCacheProviderComponent implements CachingProvider {

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
        policyOption = ReferencePolicyOption.GREEDY)
    private volatile CacheService configured;

    private final BundleContext context;
    private final LapseCachingProvider provider;
    private ServiceRegistration<EventHandler> expiries;
    private Set<String> viewed = Set.of();
    private boolean stopped;

    @Activate
    public JCacheProviderComponent(BundleContext context, @Reference CacheFactory factory) {
        this.context = context;
        this.provider = new LapseCachingProvider(factory, () -> configured, this::viewing);
    }

    @Deactivate
    void deactivate() {
        synchronized (this) {
            stopped = true;
            withdraw();
        }
        provider.close();
    }

    /** The configured caches viewed through JCache are these now: hear their expiries, or stop. */
    private synchronized void viewing(Set<String> names) {
        if (stopped || names.equals(viewed)) {
            return;
        }
        viewed = Set.copyOf(names);
        if (names.isEmpty()) {
            withdraw();
            return;
        }
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(EventConstants.EVENT_TOPIC, CacheEvents.TOPIC_EXPIRED);
        props.put(EventConstants.EVENT_FILTER, filterOf(names));
        if (expiries == null) {
            expiries = context.registerService(EventHandler.class, this::expired, props);
        } else {
            expiries.setProperties(props);
        }
    }

    private void withdraw() {
        if (expiries != null) {
            try {
                expiries.unregister();
            } catch (IllegalStateException e) {
                // withdrawn with the bundle already
            }
            expiries = null;
        }
    }

    private void expired(Event event) {
        Object cache = event.getProperty(CacheEvents.CACHE_NAME);
        Object key = event.getProperty(CacheEvents.CACHE_KEY);
        Object value = event.getProperty(CacheEvents.CACHE_VALUE);
        Object expires = event.getProperty(CacheEvents.CACHE_EXPIRES);
        if (cache instanceof String && key instanceof String && value != null) {
            provider.configuredExpired((String) cache, (String) key, value,
                expires instanceof Long ? (Long) expires : 0L);
        }
    }

    /** An LDAP filter matching the events of the named caches; names are {@code [A-Za-z0-9_.-]}, so need no escaping. */
    static String filterOf(Set<String> names) {
        StringBuilder f = new StringBuilder("(|");
        for (String name : names) {
            f.append('(').append(CacheEvents.CACHE_NAME).append('=').append(name).append(')');
        }
        return f.append(')').toString();
    }

    @Override
    public CacheManager getCacheManager(URI uri, ClassLoader classLoader, Properties properties) {
        return provider.getCacheManager(uri, classLoader, properties);
    }

    @Override
    public ClassLoader getDefaultClassLoader() {
        return provider.getDefaultClassLoader();
    }

    @Override
    public URI getDefaultURI() {
        return provider.getDefaultURI();
    }

    @Override
    public Properties getDefaultProperties() {
        return provider.getDefaultProperties();
    }

    @Override
    public CacheManager getCacheManager(URI uri, ClassLoader classLoader) {
        return provider.getCacheManager(uri, classLoader);
    }

    @Override
    public CacheManager getCacheManager() {
        return provider.getCacheManager();
    }

    @Override
    public void close() {
        provider.close();
    }

    @Override
    public void close(ClassLoader classLoader) {
        provider.close(classLoader);
    }

    @Override
    public void close(URI uri, ClassLoader classLoader) {
        provider.close(uri, classLoader);
    }

    @Override
    public boolean isSupported(OptionalFeature optionalFeature) {
        return provider.isSupported(optionalFeature);
    }
}
