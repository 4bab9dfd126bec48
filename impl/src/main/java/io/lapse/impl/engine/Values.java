package io.lapse.impl.engine;

import java.math.BigInteger;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.lapse.cache.Cache;

/** The rules for keys, values and TTLs of {@link Cache}, with messages that name the cache. */
final class Values {

    private static final long MAX_TTL_MILLIS = Cache.MAX_TTL.toMillis();

    private Values() {
    }

    /**
     * Checks a key.
     *
     * @throws NullPointerException if it is null
     * @throws IllegalArgumentException if it is empty or too long
     */
    static void checkKey(String cache, String key) {
        checkName(cache, "key", key);
    }

    /**
     * The part of the key check that must come first. The rest (empty, too long) waits until a
     * lookup finds no entry, since a key equal to a stored one is valid: a hit or an update then
     * never reads the key's characters, which CPU caches often do not hold. Every path that
     * stores a new key checks it before storing, under the slot lock, where throwing changes
     * nothing.
     *
     * @throws NullPointerException naming the cache, if the key is null
     */
    static void checkNotNull(String cache, String key) {
        if (key == null) {
            checkKey(cache, null);
        }
    }

    /**
     * Checks a keygroup's name, as a key's: not null, not empty, at most {@link Cache#MAX_KEY_LENGTH}.
     *
     * @throws NullPointerException if it is null
     * @throws IllegalArgumentException naming the cache and what was wrong
     */
    static void checkGroup(String cache, String group) {
        checkName(cache, "group", group);
    }

    private static void checkName(String cache, String what, String name) {
        if (name == null) {
            throw new NullPointerException("cache '" + cache + "': " + what + " is null");
        }
        int length = name.length();
        if (length == 0 || length > Cache.MAX_KEY_LENGTH) {
            throw new IllegalArgumentException(length == 0
                ? "cache '" + cache + "': " + what + " is empty"
                : "cache '" + cache + "': " + what + " of " + length + " characters is longer than the limit of "
                    + Cache.MAX_KEY_LENGTH);
        }
    }

    /**
     * Turns a value given by a caller into what the table stores: a String, a Long or a private
     * copy of a byte[].
     *
     * @param key the key it is for, named in an error
     * @param maxItemSize the largest String (in characters) or byte[] (in bytes) the cache takes:
     *     its {@code max_item_size}
     * @throws NullPointerException if it is null
     * @throws IllegalArgumentException if it is of another type, larger than {@code maxItemSize},
     *     or an integer that does not fit a long
     */
    static Object store(String cache, String key, Object value, int maxItemSize) {
        if (value instanceof String) {
            String s = (String) value;
            if (s.length() > maxItemSize) {
                throw tooLarge(cache, key, s.length(), "characters", maxItemSize);
            }
            return s;
        }
        if (value instanceof Long) {
            return value;
        }
        if (value instanceof byte[]) {
            byte[] b = (byte[]) value;
            if (b.length > maxItemSize) {
                throw tooLarge(cache, key, b.length, "bytes", maxItemSize);
            }
            return b.clone();
        }
        if (value instanceof Integer || value instanceof Short || value instanceof Byte
            || value instanceof AtomicInteger || value instanceof AtomicLong) {
            return ((Number) value).longValue();
        }
        if (value instanceof BigInteger) {
            BigInteger big = (BigInteger) value;
            if (big.bitLength() > 63) {
                throw new IllegalArgumentException(
                    "cache '" + cache + "': integer value " + big + " does not fit a 64-bit long");
            }
            return big.longValue();
        }
        if (value == null) {
            throw new NullPointerException("cache '" + cache + "': value is null");
        }
        throw new IllegalArgumentException("cache '" + cache + "': a value must be a String, an integral number "
            + "or a byte[], not a " + value.getClass().getName());
    }

    private static IllegalArgumentException tooLarge(String cache, String key, int length, String unit, int limit) {
        return new IllegalArgumentException("cache '" + cache + "': the value for key '" + shown(key) + "' has "
            + length + " " + unit + ", more than max_item_size " + limit + " allows");
    }

    /** A key as an error message shows it: whole up to 200 characters, then cut. */
    static String shown(String key) {
        return key.length() <= 200 ? key : key.substring(0, 200) + "... (" + key.length() + " characters)";
    }

    /**
     * Tells whether two values are the same value: equal, or byte[]s with the same bytes.
     *
     * @param a a value, not null
     * @param b another, or null
     */
    static boolean same(Object a, Object b) {
        return a instanceof byte[] && b instanceof byte[] ? Arrays.equals((byte[]) a, (byte[]) b) : a.equals(b);
    }

    /**
     * Estimates the heap a stored value takes beyond its reference, for bounding copies.
     *
     * @param stored a value as the table stores it
     * @return bytes: two per character of a String, the length of a byte[], 8 for a Long
     */
    static long weight(Object stored) {
        if (stored instanceof String) {
            return 2L * ((String) stored).length();
        }
        if (stored instanceof byte[]) {
            return ((byte[]) stored).length;
        }
        return 8;
    }

    /** Returns the text a value match sees: a String as is, a Long in decimal, nothing for a byte[]. */
    static String text(Object stored) {
        if (stored instanceof String) {
            return (String) stored;
        }
        return stored instanceof Long ? stored.toString() : null;
    }

    /**
     * Converts a TTL to milliseconds, 0 meaning never.
     *
     * @throws NullPointerException if it is null
     * @throws IllegalArgumentException if it is negative or longer than {@link Cache#MAX_TTL}
     */
    static long ttlMillis(String cache, Duration ttl) {
        if (ttl == null) {
            throw new NullPointerException("cache '" + cache + "': ttl is null");
        }
        if (ttl.isNegative()) {
            throw new IllegalArgumentException("cache '" + cache + "': ttl " + ttl + " is negative");
        }
        if (ttl.compareTo(Cache.MAX_TTL) > 0) {
            throw new IllegalArgumentException("cache '" + cache + "': ttl " + ttl + " is longer than the limit of "
                + Cache.MAX_TTL + "; use a ttl of zero for an entry that never expires");
        }
        long millis = ttl.toMillis();
        return millis == 0 && !ttl.isZero() ? 1 : Math.min(millis, MAX_TTL_MILLIS);
    }
}
