package io.lapse.impl.store;

import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * How an entry is written as a row, and how a row's type columns read: htable's value types (0 a
 * string, 1 an integer in decimal) and deadlines in epoch seconds, 0 for none.
 */
final class Row {

    static final int STRING = 0;
    static final int INTEGER = 1;

    private Row() {
    }

    /**
     * Converts an epoch-millisecond deadline to the table's epoch seconds, rounded down: a
     * deadline may come a little early after a load, never late, so an entry that expired is
     * never loaded again.
     */
    static long seconds(long expiresAtMillis) {
        return expiresAtMillis <= 0 ? 0 : Math.max(1, expiresAtMillis / 1000);
    }

    /**
     * Converts an epoch-millisecond deadline to whole epoch seconds, rounded up: a level
     * ({@link TableLevel}) answers its deadlines as stored, so it rounds them up and the cache,
     * which rounds its own deadlines up alike, agrees with it to the millisecond; an entry never
     * expires before the deadline it was given.
     *
     * @throws IllegalArgumentException if the seconds, in milliseconds, would not fit a long
     */
    static long secondsUp(long expiresAtMillis) {
        if (expiresAtMillis <= 0) {
            return 0;
        }
        long seconds = (expiresAtMillis - 1) / 1000 + 1;
        if (seconds > Long.MAX_VALUE / 1000) {
            throw new IllegalArgumentException("deadline " + expiresAtMillis + " ms is too far ahead to be kept as "
                + "whole epoch seconds");
        }
        return seconds;
    }

    /**
     * Refuses a value a row cannot hold.
     *
     * @throws IllegalArgumentException naming the cache, the key and the table if the value is a
     *     byte[]
     */
    static void checkStorable(String cache, String table, String key, Object value) {
        if (value instanceof byte[]) {
            throw new IllegalArgumentException("cache '" + cache + "': key '" + key + "' holds a byte[], which table "
                + table + " cannot hold (value_type 0 is a string, 1 an integer)");
        }
    }

    /** Binds value type and value at {@code first} and {@code first + 1}; the value is a String or a Long. */
    static void bindValue(PreparedStatement ps, int first, Object value) throws SQLException {
        ps.setInt(first, value instanceof Long ? INTEGER : STRING);
        ps.setString(first + 1, value.toString());
    }

    /**
     * Binds value type, value and (if saved) deadline at {@code first}, {@code first + 1} and
     * {@code first + 2}.
     *
     * @throws IllegalArgumentException if the value is a byte[], which a row cannot hold
     */
    static void bind(PreparedStatement ps, int first, String cache, String table, String key, Object value,
        long expiresAtMillis, boolean saveExpires) throws SQLException {
        checkStorable(cache, table, key, value);
        bindValue(ps, first, value);
        if (saveExpires) {
            ps.setLong(first + 2, seconds(expiresAtMillis));
        }
    }

    /** A type column: NULL reads as 0, as htable reads it; anything but an integer as -1. */
    static int type(String text) {
        if (text == null) {
            return 0;
        }
        if (text.length() == 1) {
            char c = text.charAt(0);
            return c >= '0' && c <= '9' ? c - '0' : -1;
        }
        try {
            return Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
