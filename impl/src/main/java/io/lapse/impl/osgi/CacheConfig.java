package io.lapse.impl.osgi;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The configuration of one cache, factory PID {@code io.lapse.cache}, as the Metatype service
 * describes it (web console, Karaf {@code config:edit}). {@link CacheConfiguration} reads and
 * checks the values.
 */
@ObjectClassDefinition(
    id = "io.lapse.cache",
    name = "Lapse cache",
    description = "One named, expiring key/value cache (after Kamailio's htable). Each configuration creates "
        + "a cache, registered as its own Cache service with the property cache.name.")
@interface CacheConfig {

    @AttributeDefinition(name = "Name",
        description = "The cache name: 1 to 64 of A-Z, a-z, 0-9, '_', '.', '-'. Unique among caches; a second "
            + "configuration with the same name is refused.")
    String name();

    @AttributeDefinition(name = "Size", min = "2", max = "20",
        description = "The cache has 2^size slots: lock stripes and the unit of the slot statistics. Values "
            + "outside 2..20 are clamped. The table grows past it as entries are added. Default 10.")
    int size() default CacheConfiguration.DEFAULT_SIZE;

    @AttributeDefinition(name = "Default TTL",
        description = "How long an entry lives unless its write gives a TTL: whole seconds, or a whole number with "
            + "a unit ms, s, m, h or d (500ms, 30s, 5m, 2h, 1d). 0 means entries never expire. A change applies to "
            + "entries written after it; stored entries keep their deadlines.")
    String autoexpire() default "0";

    @AttributeDefinition(name = "Update restarts TTL",
        description = "When true, rewriting an entry (put, increment, compute) restarts its default TTL; when "
            + "false, it keeps its deadline. true/false or 1/0. Default true.")
    boolean updateexpire() default true;

    @AttributeDefinition(name = "Idle expiry",
        description = "An entry also expires after this long without a read or write; 0 turns it off. Same units "
            + "as autoexpire. Applies to entries written after it is set.")
    String idleexpire() default "0";

    @AttributeDefinition(name = "Initial value", type = AttributeType.STRING,
        description = "An integer that a read of a missing key returns, and that increments of a missing key start "
            + "from (otherwise 0). Empty for none.")
    String initval() default "";

    @AttributeDefinition(name = "Statistics",
        description = "Count hits and misses (CacheHits, CacheMisses, CacheGets, CacheHitPercentage). Off by "
            + "default, as in JCache: exact counting costs every read about a sixth of its time. Puts, removals, "
            + "expirations and evictions are always counted. Turning it on counts from zero; turning it off drops "
            + "the counts. true/false or 1/0.")
    boolean statistics() default false;
}
