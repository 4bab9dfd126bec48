package io.lapse.impl.osgi;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

import io.lapse.impl.engine.Limits;
import io.lapse.impl.store.StoreSettings;
import io.lapse.impl.store.TableStore;

/**
 * The configuration of one cache, factory PID {@code io.lapse.cache}, as the Metatype service
 * describes it (web console, Karaf {@code config:edit}). {@link CacheProperties} reads and
 * checks the values.
 */
@ObjectClassDefinition(
    id = "io.lapse.cache",
    name = "Lapse cache",
    description = "One named, expiring key/value cache (after Kamailio's htable). Each configuration creates "
        + "a cache, registered as its own Cache service with the property cache.name.")
@interface CacheConfiguration {

    @AttributeDefinition(name = "Name",
        description = "The cache name: 1 to 64 of A-Z, a-z, 0-9, '_', '.', '-'. Unique among caches; a second "
            + "configuration with the same name is refused.")
    String name();

    @AttributeDefinition(name = "Size", min = "2", max = "20",
        description = "The cache has 2^size slots: lock stripes and the unit of the slot statistics. Values "
            + "outside 2..20 are clamped. The table grows past it as entries are added. Default "
            + CacheProperties.DEFAULT_SIZE + ".")
    int size() default CacheProperties.DEFAULT_SIZE;

    @AttributeDefinition(name = "Default TTL",
        description = "How long an entry lives unless its write gives a TTL: whole seconds, or a whole number with "
            + "a unit ms, s, m, h or d (500ms, 30s, 5m, 2h, 1d). 0 or empty means entries never expire. A change "
            + "applies to entries written after it; stored entries keep their deadlines.")
    String autoexpire() default CacheProperties.DEFAULT_AUTOEXPIRE;

    @AttributeDefinition(name = "Update restarts TTL",
        description = "When true, rewriting an entry (put, increment, compute) restarts its default TTL; when "
            + "false, it keeps its deadline. true/false or 1/0. Default " + CacheProperties.DEFAULT_UPDATEEXPIRE + ".")
    boolean updateexpire() default CacheProperties.DEFAULT_UPDATEEXPIRE;

    @AttributeDefinition(name = "Idle expiry",
        description = "An entry also expires after this long without a read or write; 0 or empty turns it off. "
            + "Same units as autoexpire. Applies to entries written after it is set.")
    String idleexpire() default CacheProperties.DEFAULT_IDLEEXPIRE;

    @AttributeDefinition(name = "Initial value", type = AttributeType.STRING,
        description = "An integer that a read of a missing key returns, and that increments of a missing key start "
            + "from (otherwise 0). Empty for none.")
    String initval() default "";

    @AttributeDefinition(name = "Statistics",
        description = "Count hits and misses (CacheHits, CacheMisses, CacheGets, CacheHitPercentage). Off by "
            + "default, as in JCache: exact counting costs every read about a sixth of its time. Puts, removals, "
            + "expirations and evictions are always counted. Turning it on counts from zero; turning it off drops "
            + "the counts. true/false or 1/0.")
    boolean statistics() default CacheProperties.DEFAULT_STATISTICS;

    @AttributeDefinition(name = "Event backlog", min = "1", max = "100000000",
        description = "At most this many events of the cache wait for their handlers; past it, an event is "
            + "dropped, counted in EventsDropped, and the burst is logged once. Default "
            + EventPublisher.DEFAULT_BACKLOG_EVENTS + ".")
    int event__backlog() default EventPublisher.DEFAULT_BACKLOG_EVENTS;

    @AttributeDefinition(name = "Event backlog bytes",
        description = "At most this much of keys and values (with 64 bytes per event) waits for the handlers: "
            + "bytes, or with a unit KB, MB, GB, KiB, MiB, GiB (64MB, 1GiB); 1KiB to 64GiB. Default "
            + EventPublisher.DEFAULT_BACKLOG_BYTES_TEXT + ".")
    String event__backlog__bytes() default EventPublisher.DEFAULT_BACKLOG_BYTES_TEXT;

    // ---- capacity

    @AttributeDefinition(name = "Maximum entries", min = "0",
        description = "The most entries the cache holds; 0 for no limit. A write that takes the cache past it "
            + "evicts the least recently used entries, each reported as cache/evicted (never as cache/expired or "
            + "cache/removed) and counted in CacheEvictions. Least recently used is approximated by a clock (CLOCK): "
            + "a read or write sets an entry's reference bit, and a hand going round the slots evicts the entries not "
            + "used since it last passed them, clearing the bit of the others. A limit is exceeded by at most one "
            + "entry per thread writing at that instant, until that write returns. An eviction goes a batch below "
            + "the limit, 1/1024 of it (at most 64 entries; none under 1024), so the writes after it evict nothing. "
            + "Lowering it evicts at once. Not with dbmode = on-stop, whose write-back replaces the table's rows "
            + "with the cache's entries and so would delete the rows of evicted entries: such a configuration is "
            + "refused. With write-through the rows of evicted entries stay in the table and a reload brings them "
            + "back, as far as the limits let it; a load leaves out the rows that do not fit, with one warning "
            + "giving their count. Default "
            + CacheProperties.DEFAULT_MAX_ENTRIES + ".")
    long max__entries() default CacheProperties.DEFAULT_MAX_ENTRIES;

    @AttributeDefinition(name = "Maximum bytes",
        description = "The most heap the entries may take; 0 for no limit. Bytes, or with a unit KB, MB, GB, KiB, "
            + "MiB, GiB (64MB, 1GiB). What counts: each entry's node, key and value, and each slot's bucket array, as a "
            + "64-bit JVM with compressed references lays them out, a String taking one byte per character if "
            + "every character is below U+0100, two otherwise. Past it, entries are evicted as for "
            + "max_entries (approximate LRU, with the same slack, plus the doubling of a slot's bucket array by a "
            + "write that grows it; the batch an eviction goes below it is at most 64 KiB), and an entry that "
            + "alone weighs more is refused with an IllegalArgumentException; otherwise a limit never refuses a "
            + "write. Not with dbmode = on-stop, as for max_entries. Default "
            + CacheProperties.DEFAULT_MAX_BYTES + ".")
    String max__bytes() default CacheProperties.DEFAULT_MAX_BYTES;

    @AttributeDefinition(name = "Maximum value size",
        description = "The largest value a write may store: characters of a String, bytes of a byte[] (a Long always "
            + "fits). Bytes, or with a unit KB, MB, KiB, MiB; 1 to " + CacheProperties.DEFAULT_MAX_ITEM_SIZE + " ("
            + Limits.MAX_ITEM_SIZE + "). A larger value is refused with an IllegalArgumentException naming the "
            + "cache, the key, the size and the limit. Default " + CacheProperties.DEFAULT_MAX_ITEM_SIZE + ".")
    String max__item__size() default CacheProperties.DEFAULT_MAX_ITEM_SIZE;

    @AttributeDefinition(name = "Eviction policy",
        options = @Option(label = "lru: least recently used, approximated by a clock (CLOCK)",
            value = CacheProperties.DEFAULT_EVICTION),
        description = "What a cache over max_entries or max_bytes evicts first. The only policy is lru: least "
            + "recently used, approximated by a clock (see max_entries). Default " + CacheProperties.DEFAULT_EVICTION
            + ".")
    String eviction() default CacheProperties.DEFAULT_EVICTION;

    // ---- levels (lws_cache's)

    @AttributeDefinition(name = "Backing level",
        options = {
            @Option(label = "none: the heap table holds the whole cache", value = ""),
            @Option(label = "file: an embedded MVStore file (level_path)", value = LevelSettings.FILE),
            @Option(label = "table: dbtable in its database (htable's layout)", value = LevelSettings.TABLE)},
        description = "A level behind the heap table that holds the complete set of the cache's entries, so that "
            + "the cache can be larger than memory and survives restarts, after lws_cache's levels. Empty for none. "
            + "'file': an H2 MVStore file (level_path), which needs nothing else installed. 'table': dbtable in "
            + "the database of db_url or db_datasource, in htable's layout (deadlines in whole seconds, String and "
            + "integer values), with db_timeout bounding every call; dbmode, db_expires and cols do not apply. "
            + "With a level, the heap "
            + "table is its L1, bounded by max_entries and max_bytes: writes go through to the level before they "
            + "return, a read the heap table misses reads the level and brings the entry in, an entry that leaves "
            + "the heap table stays in the level (no cache/evicted), and expiry, removals, matches, counts, clear "
            + "and iteration cover both levels, cache/expired exactly once per entry. Not with idleexpire, "
            + "keygroups or replicate, and a file level not with dbtable. Cannot change while the cache runs: delete "
            + "and recreate the configuration.")
    String level() default "";

    @AttributeDefinition(name = "Level file",
        description = "For level = file: the MVStore file, created with its folders if missing; a relative path is "
            + "resolved against the working directory. Empty: lapse-levels/<name>.mv in the bundle's data area. "
            + "One cache per file; a file another process holds open is refused.")
    String level__path() default "";

    // ---- keygroups (Enduro/X's)

    @AttributeDefinition(name = "Keygroups",
        description = "Let entries be put into named groups (Cache.put(key, value, ttl, group)), so that "
            + "invalidateGroup removes every entry of a group at once, as Enduro/X's keygroups (say, every entry of "
            + "one user). An entry belongs to one group at most and leaves it when it leaves the cache. Not with "
            + "dbtable (the table has no place for the group). Switched off, entries keep their groups, unused, "
            + "until they leave the cache. true/false or 1/0. Default " + CacheProperties.DEFAULT_KEYGROUPS + ".")
    boolean keygroups() default CacheProperties.DEFAULT_KEYGROUPS;

    @AttributeDefinition(name = "Maximum entries per group",
        description = "The most entries one keygroup may hold: a put that would add one more to a full group is "
            + "refused with an IllegalStateException naming the cache, the group and the limit, and changes nothing. "
            + "Entries past their deadline count until the sweeper takes them out (within its resolution). Lowering "
            + "it live removes nothing: a group above it takes no new entry until it is below. 1 to "
            + CacheProperties.MAX_GROUP_ITEMS + ". Default " + CacheProperties.DEFAULT_MAX_GROUP_ITEMS + ".")
    int max__group__items() default CacheProperties.DEFAULT_MAX_GROUP_ITEMS;

    // ---- the cluster (htable's dmqreplicate)

    @AttributeDefinition(name = "Replicate",
        description = "Replicate every change of this cache to the other nodes of the cluster (htable's "
            + "dmqreplicate): puts with their deadlines, removals one by one and by match, increments, TTLs set, "
            + "compute's results, clears, from Java, JMX or the shell. Needs the io.lapse.cluster bundle; without "
            + "it the cache stays on its node. Values loaded from a database are not replicated: every node loads "
            + "its own table. true/false or 1/0. Default " + CacheProperties.DEFAULT_REPLICATE + ".")
    boolean replicate() default CacheProperties.DEFAULT_REPLICATE;

    @AttributeDefinition(name = "Expiry events",
        description = "Which nodes raise cache/expired for an entry of a replicated cache: owner (the node owning "
            + "the key's partition in the cluster: once in the cluster) or every-node (each node raises its own). "
            + "Every node expires the entry at the same deadline either way. Default "
            + CacheProperties.DEFAULT_EXPIRY_EVENTS + ".",
        options = {
            @Option(label = "owner", value = "owner"),
            @Option(label = "every-node", value = "every-node")
        })
    String expiry__events() default CacheProperties.DEFAULT_EXPIRY_EVENTS;

    // ---- the store (htable's dbtable); the method names' "__" is "_" in the property names

    @AttributeDefinition(name = "Table", required = false,
        description = "htable's dbtable: the database table the cache loads at start and on reload (schema.table "
            + "allowed). Empty for a cache without a store; when set, exactly one of db_url and db_datasource "
            + "says where the table is.")
    String dbtable() default "";

    @AttributeDefinition(name = "JDBC URL", required = false,
        description = "The database, reached through the DataSourceFactory service of its driver (the H2 and "
            + "PostgreSQL bundles register one), e.g. jdbc:h2:./data/h2/lapse or jdbc:postgresql://127.0.0.1/app.")
    String db__url() default "";

    @AttributeDefinition(name = "JDBC driver", required = false,
        description = "The driver class, the osgi.jdbc.driver.class of the DataSourceFactory to use. Empty to "
            + "derive it from db_url for H2 (org.h2.Driver) and PostgreSQL (org.postgresql.Driver).")
    String db__driver() default "";

    @AttributeDefinition(name = "Database user", required = false,
        description = "The user db_url is opened as; empty for none.")
    String db__user() default "";

    @AttributeDefinition(name = "Database password", type = AttributeType.PASSWORD, required = false,
        description = "The password of db_user; never logged or shown.")
    String db__password() default "";

    @AttributeDefinition(name = "DataSource filter", required = false,
        description = "Instead of db_url: an LDAP filter choosing a javax.sql.DataSource service, as pax-jdbc "
            + "registers them, e.g. (dataSourceName=app).")
    String db__datasource() default "";

    @AttributeDefinition(name = "Wait for the database",
        description = "How long the load at start waits for the DataSourceFactory or DataSource service to appear "
            + "before it fails: seconds, or 500ms, 30s, 5m; at most 1h. Default " + CacheProperties.DEFAULT_DB_WAIT + ".")
    String db__wait() default CacheProperties.DEFAULT_DB_WAIT;

    @AttributeDefinition(name = "Database timeout",
        description = "How long one database call may take before it fails: each write-through statement and "
            + "commit, each statement of the write-back at stop, and the wait for a stopping load. A load's "
            + "statements get ten times as long, as a big table takes time to read. A write-through change that "
            + "times out fails with an IllegalStateException and the cache is unchanged. Seconds, or 500ms, 5s, "
            + "1m; more than 0, at most 1m. Default " + TableStore.DEFAULT_TIMEOUT_TEXT + ".")
    String db__timeout() default TableStore.DEFAULT_TIMEOUT_TEXT;

    @AttributeDefinition(name = "Write mode",
        options = {
            @Option(label = "none: only read the table", value = "none"),
            @Option(label = "on-stop: replace the table's rows with the cache's when it stops (htable dbmode=1)",
                value = "on-stop"),
            @Option(label = "write-through: commit each change before the call returns", value = "write-through")},
        description = "htable's dbmode: none (0), on-stop (1), or write-through, which needs db_expires = true.")
    String dbmode() default CacheProperties.DEFAULT_DBMODE;

    @AttributeDefinition(name = "Deadlines in the table",
        description = "htable's db_expires: load each row's deadline from expires_column (epoch seconds, 0 for "
            + "none; rows past it are skipped) and save it when writing. When false, loaded entries get autoexpire.")
    boolean db__expires() default CacheProperties.DEFAULT_DB_EXPIRES;

    @AttributeDefinition(name = "Key column", description = "htable's key_name_column.")
    String key__name__column() default StoreSettings.KEY_NAME;

    @AttributeDefinition(name = "Key type column",
        description = "htable's key_type_column: 0 a key, 1 an array element (key[0], key[1], ... and the count in "
            + "key + array_size_suffix).")
    String key__type__column() default StoreSettings.KEY_TYPE;

    @AttributeDefinition(name = "Value type column",
        description = "htable's value_type_column: 0 a string, 1 an integer.")
    String value__type__column() default StoreSettings.VALUE_TYPE;

    @AttributeDefinition(name = "Value column", description = "htable's key_value_column.")
    String key__value__column() default StoreSettings.KEY_VALUE;

    @AttributeDefinition(name = "Deadline column", description = "htable's expires_column, read with db_expires.")
    String expires__column() default StoreSettings.EXPIRES;

    @AttributeDefinition(name = "Packed columns", required = false,
        description = "htable's cols: the key column, then value columns whose values are joined with ',' into one "
            + "string, comma-separated. Such a cache cannot write back: dbmode is then none.")
    String cols() default "";

    @AttributeDefinition(name = "Fetch size", min = "1", max = "1000000",
        description = "htable's fetch_rows: rows fetched per round trip while loading. Default "
            + StoreSettings.FETCH_ROWS + ".")
    int fetch__rows() default StoreSettings.FETCH_ROWS;

    @AttributeDefinition(name = "Array size suffix",
        description = "htable's array_size_suffix: the key of an array's element count is the array's key and this.")
    String array__size__suffix() default StoreSettings.ARRAY_SIZE_SUFFIX;
}
