package io.lapse.cache;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The database table a cache loads from, and writes back to if its configuration says so, after
 * Kamailio htable's {@code dbtable}. Registered as an OSGi service by the Lapse implementation
 * for every cache whose configuration names a table, with the service property
 * {@value CacheService#CACHE_NAME} of its cache, for as long as the cache has that store; what
 * {@code reload()} in JMX and {@code cache:reload} in the shell call.
 *
 * <p>Implementations are safe for use by any number of threads; reloads of one cache are
 * serialized.
 */
@ProviderType
public interface CacheStore {

    /**
     * Replaces the contents of the cache with the rows of its table, in one step: reads see the
     * old contents until the new ones are complete, then only the new ones. Rows whose deadline
     * has passed are left out; a malformed row (unknown type, bad integer) is logged with its key
     * and left out, and the rest loads. Posts {@link CacheEvents#TOPIC_LOADED} with the count.
     *
     * @return how many entries the cache holds after the reload
     * @throws IllegalStateException if the database cannot be reached or the table cannot be read
     *     (missing, a column missing); the message names the cache, the database, the table and
     *     the cause, and the contents are unchanged
     */
    long reload();

    /**
     * Describes the store for people: the database (its JDBC URL or DataSource filter, never a
     * password), the table and the write mode.
     *
     * @return one line of text
     */
    String description();
}
