/**
 * Caches made in code, for bundles that build another face on Lapse's engine (its JCache
 * provider does): {@link io.lapse.cache.spi.CacheFactory}, registered as an OSGi service by the
 * impl bundle and found with {@link java.util.ServiceLoader} on a plain class path.
 */
@Export
@Version("1.0.0")
package io.lapse.cache.spi;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
