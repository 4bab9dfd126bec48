package io.lapse.impl.osgi;

import java.lang.reflect.Array;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;

import io.lapse.cache.Durations;
import io.lapse.cache.replication.Replica;
import io.lapse.impl.engine.CacheSettings;
import io.lapse.impl.engine.Limits;
import io.lapse.impl.store.StoreSettings;
import io.lapse.impl.store.TableStore;
import io.lapse.impl.store.WriteMode;

/**
 * One cache configuration (factory PID {@code io.lapse.cache}), read from its raw properties
 * with the documented defaults and checked, so every mistake is reported by property name and
 * value rather than by a type-coercion failure deep in the runtime. The defaults are written here
 * once; {@link CacheConfiguration}, the Metatype description, points at them.
 */
final class CacheProperties {

    /** Default of {@code size}: 2^10 slots. */
    static final int DEFAULT_SIZE = 10;
    /** Default of {@code autoexpire} and of {@code idleexpire}: never. */
    static final String DEFAULT_AUTOEXPIRE = "0";
    static final String DEFAULT_IDLEEXPIRE = "0";
    /** Default of {@code updateexpire}. */
    static final boolean DEFAULT_UPDATEEXPIRE = true;
    /** Default of {@code statistics}: off, as in JCache and Caffeine. */
    static final boolean DEFAULT_STATISTICS = false;
    /** Default of {@code dbmode}. */
    static final String DEFAULT_DBMODE = "none";
    /** Default of {@code db_expires}. */
    static final boolean DEFAULT_DB_EXPIRES = false;
    /** Default of {@code db_wait}, as configured. */
    static final String DEFAULT_DB_WAIT = "30s";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    private static final Pattern DRIVER = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*(\\.[A-Za-z_$][A-Za-z0-9_$]*)*");

    /** Default of {@code db_wait}. */
    static final long DEFAULT_DB_WAIT_MILLIS = Durations.parseMillis(DEFAULT_DB_WAIT);
    /** Limit of {@code db_wait}: a cache whose database has not come within an hour is better told so. */
    static final long MAX_DB_WAIT_MILLIS = 3_600_000;
    /**
     * Limit of {@code db_timeout}: a stop with a database that does not answer waits up to about
     * three times it per cache, and SCR gives a bundle's components 60 s to stop.
     */
    static final long MAX_DB_TIMEOUT_MILLIS = 60_000;

    /** Default of {@code max_entries}: no limit. */
    static final long DEFAULT_MAX_ENTRIES = 0;
    /** Default of {@code max_bytes}, as configured: no limit. */
    static final String DEFAULT_MAX_BYTES = "0";
    /**
     * Default of {@code max_item_size}, as configured, and its limit: {@link Limits#MAX_ITEM_SIZE},
     * the largest value any cache takes.
     */
    static final String DEFAULT_MAX_ITEM_SIZE = "16MiB";
    /** Default of {@code eviction}, and the only policy there is. */
    static final String DEFAULT_EVICTION = "lru";
    /** The values {@code eviction} accepts. */
    static final List<String> EVICTION_POLICIES = List.of(DEFAULT_EVICTION);

    /** Default of {@code keygroups}: entries belong to no group. */
    static final boolean DEFAULT_KEYGROUPS = false;
    /** Default of {@code max_group_items}. */
    static final int DEFAULT_MAX_GROUP_ITEMS = 10_000;
    /** The largest {@code max_group_items}. */
    static final int MAX_GROUP_ITEMS = 10_000_000;

    /** Default of {@code replicate}: a cache stays on its node. */
    static final boolean DEFAULT_REPLICATE = false;
    /** Default of {@code expiry_events}: one node in the cluster raises each expiry. */
    static final String DEFAULT_EXPIRY_EVENTS = "owner";

    /** Limits of {@code event_backlog}. */
    static final int MIN_EVENT_BACKLOG = 1;
    static final int MAX_EVENT_BACKLOG = 100_000_000;
    /** Limits of {@code event_backlog_bytes}: a kilobyte to 64 GiB. */
    static final long MIN_EVENT_BACKLOG_BYTES = 1_024;
    static final long MAX_EVENT_BACKLOG_BYTES = 64L << 30;

    final String name;
    final CacheSettings settings;
    /** At most this many events of the cache wait for their handlers ({@code event_backlog}). */
    final int eventBacklog;
    /** At most this many bytes of them wait ({@code event_backlog_bytes}). */
    final long eventBacklogBytes;
    /** Where the table is, or {@code null} for a cache without a store. */
    final DatabaseSettings database;
    /** The table and how to use it, or {@code null} for a cache without a store. */
    final StoreSettings store;
    /** Notes for the log about values that were adjusted rather than refused. */
    final List<String> warnings;
    /**
     * Which nodes raise the cache's expiries, if it is replicated ({@code replicate},
     * {@code expiry_events}); {@code null} for a cache that stays on its node.
     */
    final Replica.ExpiryEvents replication;
    /** The backing level ({@code level}, {@code level_path}), or {@code null} for none. */
    final LevelSettings level;

    private CacheProperties(String name, CacheSettings settings, int eventBacklog, long eventBacklogBytes,
        DatabaseSettings database, StoreSettings store, List<String> warnings, Replica.ExpiryEvents replication,
        LevelSettings level) {
        this.name = name;
        this.level = level;
        this.replication = replication;
        this.settings = settings;
        this.eventBacklog = eventBacklog;
        this.eventBacklogBytes = eventBacklogBytes;
        this.database = database;
        this.store = store;
        this.warnings = warnings;
    }

    /**
     * Reads a configuration.
     *
     * @param properties the configuration's properties
     * @return the configuration
     * @throws IllegalArgumentException naming the first property that is missing or invalid
     */
    static CacheProperties parse(Map<String, ?> properties) {
        List<String> warnings = new ArrayList<>();
        String name = text(properties, "name");
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("property 'name' is required");
        }
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("property 'name' = '" + name + "' is not a cache name: use 1 to 64 of "
                + "A-Z, a-z, 0-9, '_', '.', '-'");
        }
        int size = DEFAULT_SIZE;
        Object rawSize = single(properties, "size");
        if (rawSize != null && !rawSize.toString().isBlank()) {
            long parsed = integer("size", rawSize);
            size = (int) Math.max(CacheSettings.MIN_SIZE, Math.min(CacheSettings.MAX_SIZE, parsed));
            if (size != parsed) {
                warnings.add("property 'size' = " + parsed + " is outside " + CacheSettings.MIN_SIZE + ".."
                    + CacheSettings.MAX_SIZE + "; using " + size);
            }
        }
        long ttl = duration(properties, "autoexpire", Durations.parseMillis(DEFAULT_AUTOEXPIRE), Long.MAX_VALUE);
        long idle = duration(properties, "idleexpire", Durations.parseMillis(DEFAULT_IDLEEXPIRE), Long.MAX_VALUE);
        boolean updateExpire = bool(properties, "updateexpire", DEFAULT_UPDATEEXPIRE);
        Long initval = null;
        Object rawInit = single(properties, "initval");
        if (rawInit != null && !rawInit.toString().isBlank()) {
            initval = integer("initval", rawInit);
        }
        boolean statistics = bool(properties, "statistics", DEFAULT_STATISTICS);
        Limits limits = limits(properties);
        CacheSettings settings = new CacheSettings(size, ttl, updateExpire, idle, initval).withStatistics(statistics)
            .withLimits(limits).withKeygroups(keygroups(properties));
        int backlog = EventPublisher.DEFAULT_BACKLOG_EVENTS;
        Object rawBacklog = single(properties, "event_backlog");
        if (rawBacklog != null && !rawBacklog.toString().isBlank()) {
            long parsed = integer("event_backlog", rawBacklog);
            if (parsed < MIN_EVENT_BACKLOG || parsed > MAX_EVENT_BACKLOG) {
                throw new IllegalArgumentException("property 'event_backlog' = " + parsed + " is outside "
                    + MIN_EVENT_BACKLOG + ".." + MAX_EVENT_BACKLOG);
            }
            backlog = (int) parsed;
        }
        long backlogBytes = EventPublisher.DEFAULT_BACKLOG_BYTES;
        String rawBytes = optional(properties, "event_backlog_bytes");
        if (rawBytes != null) {
            try {
                backlogBytes = ByteSizes.parse(rawBytes);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("property 'event_backlog_bytes': " + e.getMessage());
            }
            if (backlogBytes < MIN_EVENT_BACKLOG_BYTES || backlogBytes > MAX_EVENT_BACKLOG_BYTES) {
                throw new IllegalArgumentException("property 'event_backlog_bytes' = '" + rawBytes + "' is outside 1KiB..64GiB");
            }
        }
        Replica.ExpiryEvents replication = replication(properties);
        String table = optional(properties, "dbtable");
        String url = optional(properties, "db_url");
        String dataSource = optional(properties, "db_datasource");
        LevelSettings level = level(properties, settings, replication, table, url, dataSource, warnings);
        if (level != null && level.isTable()) {
            return new CacheProperties(name, settings, backlog, backlogBytes, null, null, warnings, replication, level);
        }
        if (table == null) {
            if (url != null || dataSource != null) {
                throw new IllegalArgumentException("property '" + (url != null ? "db_url" : "db_datasource")
                    + "' is set but 'dbtable' is not: name the table to load, or remove the database");
            }
            return new CacheProperties(name, settings, backlog, backlogBytes, null, null, warnings, replication, level);
        }
        if (settings.maxGroupItems() > 0) {
            throw new IllegalArgumentException("properties 'keygroups' = true and 'dbtable' = '" + table + "' cannot go "
                + "together: the table's layout (key, value, type, expires) has no place for an entry's group, so a "
                + "reload would lose every group; keep keygroups for a cache without a table");
        }
        DatabaseSettings database = database(properties, table, url, dataSource);
        StoreSettings store = store(properties, table, warnings, false);
        if (limits.bounded() && store.mode() == WriteMode.ON_STOP) {
            String limit = limits.maxEntries() > 0 ? "'max_entries' = " + limits.maxEntries()
                : "'max_bytes' = '" + text(properties, "max_bytes") + "'";
            throw new IllegalArgumentException("properties " + limit + " and 'dbmode' = '" + text(properties, "dbmode")
                + "' cannot go together: a cache with a limit evicts entries, and the write-back at stop replaces the "
                + "table's rows with the cache's entries, so it would delete the rows of every entry evicted; use "
                + "dbmode = write-through (the rows of evicted entries stay in the table) or none, or no limit");
        }
        return new CacheProperties(name, settings, backlog, backlogBytes, database, store, warnings, replication,
            null);
    }

    /**
     * The backing level ({@code level}, {@code level_path}), refused with what it cannot go with.
     *
     * @return the level, or {@code null} for none
     */
    private static LevelSettings level(Map<String, ?> properties, CacheSettings settings,
        Replica.ExpiryEvents replication, String table, String url, String dataSource, List<String> warnings) {
        String kind = optional(properties, "level");
        String lower = kind == null ? null : kind.toLowerCase(Locale.ROOT);
        String path = optional(properties, "level_path");
        LevelSettings level;
        if (LevelSettings.TABLE.equals(lower)) {
            level = tableLevel(properties, kind, path, table, url, dataSource, warnings);
        } else {
            level = LevelSettings.parse(lower, path);
        }
        if (level == null) {
            return null;
        }
        String with = "property 'level' = '" + kind + "' cannot go with ";
        if (settings.idleMillis() > 0) {
            throw new IllegalArgumentException(with + "'idleexpire' = '" + text(properties, "idleexpire") + "': every "
                + "read would have to write the level; use autoexpire or per-entry TTLs");
        }
        if (settings.maxGroupItems() > 0) {
            throw new IllegalArgumentException(with + "'keygroups' = true: the group index covers the heap table only");
        }
        if (replication != null) {
            throw new IllegalArgumentException(with + "'replicate' = true: a level is local to its node");
        }
        if (table != null && !level.isTable()) {
            throw new IllegalArgumentException(with + "'dbtable' = '" + table + "': the file is the cache's store; "
                + "remove the table settings, or use level = table");
        }
        return level;
    }

    /**
     * A table level: {@code dbtable} in its database, with the store's column properties; the level
     * writes every change through itself and keeps every deadline, so {@code dbmode} and
     * {@code db_expires} have nothing to say but what it does, and {@code cols} (read-only packed
     * columns) cannot serve.
     */
    private static LevelSettings tableLevel(Map<String, ?> properties, String kind, String path, String table,
        String url, String dataSource, List<String> warnings) {
        String with = "property 'level' = '" + kind + "' ";
        if (table == null) {
            throw new IllegalArgumentException(with + "needs 'dbtable' (and 'db_url' or 'db_datasource'): the table "
                + "that holds the cache's entries");
        }
        if (path != null) {
            throw new IllegalArgumentException(with + "keeps its entries in 'dbtable' = '" + table + "': remove "
                + "'level_path' = '" + path + "'");
        }
        String mode = optional(properties, "dbmode");
        if (mode != null && WriteMode.parse(mode) != WriteMode.NONE) {
            throw new IllegalArgumentException(with + "cannot go with 'dbmode' = '" + mode + "': the level writes every "
                + "change through to the table itself; remove dbmode");
        }
        if (!bool(properties, "db_expires", true)) {
            throw new IllegalArgumentException(with + "cannot go with 'db_expires' = false: the level keeps every "
                + "entry's deadline in the table; remove db_expires");
        }
        if (!list(properties, "cols").isEmpty()) {
            throw new IllegalArgumentException(with + "cannot go with 'cols': a level reads and writes whole entries in "
                + "the table's own columns; remove cols");
        }
        DatabaseSettings database = database(properties, table, url, dataSource);
        return LevelSettings.table(database, store(properties, table, warnings, true));
    }

    /**
     * Whether the cache is replicated ({@code replicate}) and which nodes raise its expiries
     * ({@code expiry_events}); {@code expiry_events} is checked even when it does not apply yet, so
     * that switching {@code replicate} on later never meets a bad value.
     *
     * @return the setting of {@code expiry_events} for a replicated cache, {@code null} for one that is not
     */
    private static Replica.ExpiryEvents replication(Map<String, ?> properties) {
        String events = optional(properties, "expiry_events");
        Replica.ExpiryEvents chosen = null;
        String wanted = events == null ? DEFAULT_EXPIRY_EVENTS : events.toLowerCase(Locale.ROOT);
        for (Replica.ExpiryEvents e : Replica.ExpiryEvents.values()) {
            if (e.configValue().equals(wanted)) {
                chosen = e;
            }
        }
        if (chosen == null) {
            throw new IllegalArgumentException("property 'expiry_events' = '" + events + "' is not a choice: use owner "
                + "(the node owning the key's partition raises cache/expired, once in the cluster) or every-node "
                + "(each node raises its own)");
        }
        return bool(properties, "replicate", DEFAULT_REPLICATE) ? chosen : null;
    }

    /**
     * The keygroups: {@code keygroups} and {@code max_group_items}, the cap checked even while
     * keygroups are off, so that switching them on later never meets a bad value.
     *
     * @return the most entries a group may hold, 0 for a cache without keygroups
     */
    private static int keygroups(Map<String, ?> properties) {
        long max = DEFAULT_MAX_GROUP_ITEMS;
        Object raw = single(properties, "max_group_items");
        if (raw != null && !raw.toString().isBlank()) {
            max = integer("max_group_items", raw);
            if (max < 1 || max > MAX_GROUP_ITEMS) {
                throw new IllegalArgumentException("property 'max_group_items' = " + max + " is outside 1.."
                    + MAX_GROUP_ITEMS);
            }
        }
        return bool(properties, "keygroups", DEFAULT_KEYGROUPS) ? (int) max : 0;
    }

    /**
     * The capacity limits: {@code max_entries}, {@code max_bytes}, {@code max_item_size} and
     * {@code eviction}, each refused by name and value when it is not acceptable.
     */
    private static Limits limits(Map<String, ?> properties) {
        long maxEntries = DEFAULT_MAX_ENTRIES;
        Object rawEntries = single(properties, "max_entries");
        if (rawEntries != null && !rawEntries.toString().isBlank()) {
            maxEntries = integer("max_entries", rawEntries);
            if (maxEntries < 0) {
                throw new IllegalArgumentException("property 'max_entries' = " + maxEntries
                    + " is negative: use 0 for no limit");
            }
        }
        long maxBytes = size(properties, "max_bytes", ByteSizes.parse(DEFAULT_MAX_BYTES), "use 0 for no limit");
        long maxItemSize = size(properties, "max_item_size", ByteSizes.parse(DEFAULT_MAX_ITEM_SIZE),
            "use 1 to " + DEFAULT_MAX_ITEM_SIZE);
        if (maxItemSize < 1 || maxItemSize > Limits.MAX_ITEM_SIZE) {
            throw new IllegalArgumentException("property 'max_item_size' = '" + text(properties, "max_item_size")
                + "' is outside 1.." + DEFAULT_MAX_ITEM_SIZE + " (" + Limits.MAX_ITEM_SIZE + " bytes)");
        }
        String eviction = optional(properties, "eviction");
        if (eviction != null && !EVICTION_POLICIES.contains(eviction.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("property 'eviction' = '" + eviction + "' is not an eviction policy: "
                + "use " + String.join(", ", EVICTION_POLICIES) + " (least recently used, approximated by a clock)");
        }
        return new Limits(maxEntries, maxBytes, (int) maxItemSize);
    }

    private static DatabaseSettings database(Map<String, ?> properties, String table, String url, String dataSource) {
        if (url == null && dataSource == null) {
            throw new IllegalArgumentException("property 'dbtable' = '" + table + "' needs 'db_url' or 'db_datasource' "
                + "to say which database holds it");
        }
        if (url != null && dataSource != null) {
            throw new IllegalArgumentException("properties 'db_url' and 'db_datasource' are both set: use one");
        }
        Duration wait = Duration.ofMillis(duration(properties, "db_wait", DEFAULT_DB_WAIT_MILLIS, MAX_DB_WAIT_MILLIS));
        Duration timeout = Duration.ofMillis(duration(properties, "db_timeout", TableStore.DEFAULT_TIMEOUT.toMillis(),
            MAX_DB_TIMEOUT_MILLIS));
        if (timeout.isZero()) {
            throw new IllegalArgumentException("property 'db_timeout' = '" + text(properties, "db_timeout")
                + "' must be more than 0: every database call needs a bound");
        }
        if (dataSource != null) {
            try {
                FrameworkUtil.createFilter(dataSource);
            } catch (InvalidSyntaxException e) {
                throw new IllegalArgumentException("property 'db_datasource' = '" + dataSource + "' is not an LDAP filter: "
                    + e.getMessage());
            }
            return DatabaseSettings.dataSource(dataSource, wait, timeout);
        }
        if (!url.startsWith("jdbc:")) {
            throw new IllegalArgumentException("property 'db_url' = '" + url + "' is not a JDBC URL (jdbc:...)");
        }
        String driver = optional(properties, "db_driver");
        if (driver == null) {
            driver = knownDriver(url);
            if (driver == null) {
                throw new IllegalArgumentException("property 'db_driver' is needed for 'db_url' = '" + url + "': name the "
                    + "driver class its DataSourceFactory is registered with (osgi.jdbc.driver.class)");
            }
        } else if (!DRIVER.matcher(driver).matches()) {
            throw new IllegalArgumentException("property 'db_driver' = '" + driver + "' is not a class name");
        }
        Object password = single(properties, "db_password");
        String secret = password == null || password.toString().isEmpty() ? null : password.toString();
        return DatabaseSettings.url(driver, url, optional(properties, "db_user"), secret, wait, timeout);
    }

    /** The driver of the databases whose bundles are known to register a DataSourceFactory. */
    private static String knownDriver(String url) {
        if (url.startsWith("jdbc:h2:")) {
            return "org.h2.Driver";
        }
        if (url.startsWith("jdbc:postgresql:")) {
            return "org.postgresql.Driver";
        }
        return null;
    }

    /**
     * The table and its columns ({@code dbtable} and the column properties), and how the store
     * uses it.
     *
     * @param asLevel whether the table is a cache's level, which keeps every deadline and writes
     *     through itself (its mode is {@code none}, it saves deadlines)
     */
    private static StoreSettings store(Map<String, ?> properties, String table, List<String> warnings,
        boolean asLevel) {
        WriteMode mode = WriteMode.parse(DEFAULT_DBMODE);
        String rawMode = optional(properties, "dbmode");
        if (rawMode != null) {
            try {
                mode = WriteMode.parse(rawMode);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("property 'dbmode': " + e.getMessage());
            }
        }
        List<String> cols = list(properties, "cols");
        if (!cols.isEmpty() && mode != WriteMode.NONE) {
            warnings.add("property 'cols' packs several columns into one value, which cannot be written back: "
                + "'dbmode' = '" + mode + "' is ignored and the table is only read");
            mode = WriteMode.NONE;
        }
        int fetchRows = StoreSettings.FETCH_ROWS;
        Object rawFetch = single(properties, "fetch_rows");
        if (rawFetch != null && !rawFetch.toString().isBlank()) {
            long parsed = integer("fetch_rows", rawFetch);
            fetchRows = (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, parsed));
        }
        String suffix = optional(properties, "array_size_suffix");
        return new StoreSettings(table,
            orDefault(properties, "key_name_column", StoreSettings.KEY_NAME),
            orDefault(properties, "key_type_column", StoreSettings.KEY_TYPE),
            orDefault(properties, "value_type_column", StoreSettings.VALUE_TYPE),
            orDefault(properties, "key_value_column", StoreSettings.KEY_VALUE),
            orDefault(properties, "expires_column", StoreSettings.EXPIRES),
            cols, fetchRows, asLevel || bool(properties, "db_expires", DEFAULT_DB_EXPIRES),
            suffix == null ? StoreSettings.ARRAY_SIZE_SUFFIX : suffix, asLevel ? WriteMode.NONE : mode);
    }

    /** A text property, {@code null} when missing or blank. */
    private static String optional(Map<String, ?> properties, String key) {
        String value = text(properties, key);
        return value == null || value.isEmpty() ? null : value;
    }

    private static String orDefault(Map<String, ?> properties, String key, String fallback) {
        String value = optional(properties, key);
        return value == null ? fallback : value;
    }

    /** A list property: several values, or one value of comma-separated items; empty when missing. */
    private static List<String> list(Map<String, ?> properties, String key) {
        Object value = properties.get(key);
        List<String> items = new ArrayList<>();
        if (value == null) {
            return items;
        }
        List<Object> raw = new ArrayList<>();
        if (value.getClass().isArray()) {
            for (int i = 0; i < Array.getLength(value); i++) {
                raw.add(Array.get(value, i));
            }
        } else if (value instanceof Collection) {
            raw.addAll((Collection<?>) value);
        } else {
            raw.add(value);
        }
        for (Object r : raw) {
            for (String item : String.valueOf(r).split(",")) {
                if (!item.isBlank()) {
                    items.add(item.strip());
                }
            }
        }
        return items;
    }

    private static Object single(Map<String, ?> properties, String key) {
        Object value = properties.get(key);
        if (value == null) {
            return null;
        }
        if (value.getClass().isArray()) {
            if (Array.getLength(value) != 1) {
                throw new IllegalArgumentException("property '" + key + "' must have one value, not "
                    + Array.getLength(value));
            }
            return Array.get(value, 0);
        }
        if (value instanceof Collection) {
            Collection<?> values = (Collection<?>) value;
            if (values.size() != 1) {
                throw new IllegalArgumentException("property '" + key + "' must have one value, not " + values.size());
            }
            return values.iterator().next();
        }
        return value;
    }

    private static String text(Map<String, ?> properties, String key) {
        Object value = single(properties, key);
        return value == null ? null : value.toString().strip();
    }

    private static long integer(String key, Object value) {
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        try {
            return Long.parseLong(value.toString().strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("property '" + key + "' = '" + value + "' is not an integer");
        }
    }

    /** A duration property; missing or blank, 0. */
    /**
     * A duration property: {@code fallback} when missing or blank (a {@code key =} line of a
     * {@code .cfg} file), refused above {@code limit}.
     */
    private static long duration(Map<String, ?> properties, String key, long fallback, long limit) {
        Object value = single(properties, key);
        if (value == null || value.toString().isBlank()) {
            return fallback;
        }
        if (value instanceof Number && !(value instanceof Double || value instanceof Float)) {
            value = value.toString();
        }
        long millis;
        try {
            millis = Durations.parseMillis(value.toString());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("property '" + key + "': " + e.getMessage());
        }
        if (millis > limit) {
            throw new IllegalArgumentException("property '" + key + "' = '" + value.toString().strip()
                + "' is longer than the limit of " + Durations.format(limit));
        }
        return millis;
    }

    /**
     * A size property, bytes or with a unit ({@link ByteSizes}): {@code fallback} when missing or
     * blank; a negative size is refused with {@code negative}, what to use instead.
     */
    private static long size(Map<String, ?> properties, String key, long fallback, String negative) {
        Object value = single(properties, key);
        if (value == null || value.toString().isBlank()) {
            return fallback;
        }
        String text = value.toString().strip();
        if (value instanceof Number && !(value instanceof Long || value instanceof Integer || value instanceof Short
            || value instanceof Byte)) {
            throw new IllegalArgumentException("property '" + key + "' = '" + text + "' is not a whole number of bytes");
        }
        if (text.startsWith("-")) {
            throw new IllegalArgumentException("property '" + key + "' = '" + text + "' is negative: " + negative);
        }
        try {
            return ByteSizes.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("property '" + key + "': " + e.getMessage());
        }
    }

    private static boolean bool(Map<String, ?> properties, String key, boolean fallback) {
        Object value = single(properties, key);
        if (value == null) {
            return fallback;
        }
        if (value instanceof Boolean) {
            return (Boolean) value;
        }
        switch (value.toString().strip().toLowerCase(Locale.ROOT)) {
            case "true":
            case "1":
                return true;
            case "false":
            case "0":
                return false;
            default:
                throw new IllegalArgumentException("property '" + key + "' = '" + value + "' is not a boolean: use "
                    + "true, false, 1 or 0");
        }
    }
}
