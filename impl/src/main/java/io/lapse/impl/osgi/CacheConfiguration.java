package io.lapse.impl.osgi;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import io.lapse.impl.engine.CacheSettings;
import io.lapse.impl.engine.Durations;

/**
 * One cache configuration (factory PID {@code io.lapse.cache}), read from its raw properties
 * with the documented defaults and checked, so every mistake is reported by property name and
 * value rather than by a type-coercion failure deep in the runtime.
 */
final class CacheConfiguration {

    /** Default of {@code size}: 2^10 slots. */
    static final int DEFAULT_SIZE = 10;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    final String name;
    final CacheSettings settings;
    /** Notes for the log about values that were adjusted rather than refused. */
    final List<String> warnings;

    private CacheConfiguration(String name, CacheSettings settings, List<String> warnings) {
        this.name = name;
        this.settings = settings;
        this.warnings = warnings;
    }

    /**
     * Reads a configuration.
     *
     * @param properties the configuration's properties
     * @return the configuration
     * @throws IllegalArgumentException naming the first property that is missing or invalid
     */
    static CacheConfiguration parse(Map<String, ?> properties) {
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
        long ttl = duration(properties, "autoexpire");
        long idle = duration(properties, "idleexpire");
        boolean updateExpire = bool(properties, "updateexpire", true);
        Long initval = null;
        Object rawInit = single(properties, "initval");
        if (rawInit != null && !rawInit.toString().isBlank()) {
            initval = integer("initval", rawInit);
        }
        boolean statistics = bool(properties, "statistics", false);
        return new CacheConfiguration(name,
            new CacheSettings(size, ttl, updateExpire, idle, initval).withStatistics(statistics), warnings);
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

    private static long duration(Map<String, ?> properties, String key) {
        Object value = single(properties, key);
        if (value == null) {
            return 0;
        }
        if (value instanceof Number && !(value instanceof Double || value instanceof Float)) {
            value = value.toString();
        }
        try {
            return Durations.parseMillis(value.toString());
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
