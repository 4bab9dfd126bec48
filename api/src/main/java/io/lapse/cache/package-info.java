/**
 * Named, expiring key/value caches for an OSGi container.
 *
 * <p>A {@link io.lapse.cache.CacheService} looks caches up by name; every configured cache is also
 * registered as its own {@link io.lapse.cache.Cache} service with the service property
 * {@value io.lapse.cache.CacheService#CACHE_NAME}. When entries expire, are removed, or a cache is
 * cleared, loaded or created, events are posted to OSGi EventAdmin under the topics of
 * {@link io.lapse.cache.CacheEvents}. A cache configured with a database table also has a
 * {@link io.lapse.cache.CacheStore} service, which reloads it.
 */
@Export
@Version("1.5.0")
package io.lapse.cache;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
