package io.lapse.jcache.osgi;

import java.net.URI;
import java.util.Properties;

import javax.cache.CacheManager;
import javax.cache.configuration.OptionalFeature;
import javax.cache.spi.CachingProvider;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

import io.lapse.cache.spi.CacheFactory;
import io.lapse.jcache.LapseCachingProvider;

/**
 * Registers Lapse's JCache provider as a {@link CachingProvider} service, on the impl bundle's
 * {@link CacheFactory}, so that a bundle gets it with
 * {@code @Reference CachingProvider provider} (OSGi has no class path for
 * {@link javax.cache.Caching} to search). On deactivation every cache manager it handed out is
 * closed, and with them their caches, threads and MBeans.
 */
@Component(service = CachingProvider.class, property = "provider=lapse")
public final class JCacheProviderComponent implements CachingProvider {

    private final LapseCachingProvider provider;

    @Activate
    public JCacheProviderComponent(@Reference CacheFactory factory) {
        this.provider = new LapseCachingProvider(factory);
    }

    @Deactivate
    void deactivate() {
        provider.close();
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
