package io.lapse.bench;

import java.io.Serializable;
import java.util.concurrent.TimeUnit;

import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;
import javax.cache.spi.CachingProvider;

import org.ehcache.jsr107.EhcacheCachingProvider;

import io.lapse.jcache.LapseCachingProvider;

/**
 * The JCache providers section I compares, each made by its class (both are on the class path, so
 * {@code Caching.getCachingProvider()} would not choose), with JCache's defaults: store-by-value,
 * no statistics, no management.
 */
public enum JCacheSubject {
    /** Lapse's provider on its engine, with the class path's own sweeper. */
    LAPSE {
        @Override
        CachingProvider provider() {
            return new LapseCachingProvider();
        }
    },
    /** Ehcache 3's provider, on its heap tier. */
    EHCACHE {
        @Override
        CachingProvider provider() {
            return new EhcacheCachingProvider();
        }
    };

    abstract CachingProvider provider();

    /** A small value that is none of the native types, so both providers serialise it. */
    static final class Session implements Serializable {
        private static final long serialVersionUID = 1L;
        final String user;
        final long started;

        Session(String user, long started) {
            this.user = user;
            this.started = started;
        }
    }

    /** A cache of this provider's, whose entries live an hour from their creation. */
    <V> Cache<String, V> cache(CacheManager manager, String name, Class<V> valueType, long ttlMillis) {
        MutableConfiguration<String, V> config = new MutableConfiguration<String, V>()
            .setTypes(String.class, valueType)
            .setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(new Duration(TimeUnit.MILLISECONDS, ttlMillis)));
        return manager.createCache(name, config);
    }
}
