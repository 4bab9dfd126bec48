package io.lapse.impl.store;

import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * How an entry is written as a row: htable's value types (0 a string, 1 an integer in decimal)
 * and deadlines in epoch seconds, 0 for none.
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
     * Binds value type, value and (if saved) deadline at {@code first}, {@code first + 1} and
     * {@code first + 2}.
     *
     * @throws IllegalArgumentException if the value is a byte[], which a row cannot hold
     */
    static void bind(PreparedStatement ps, int first, String cache, String table, String key, Object value,
        long expiresAtMillis, boolean saveExpires) throws SQLException {
        if (value instanceof byte[]) {
            throw new IllegalArgumentException("cache '" + cache + "': key '" + key + "' holds a byte[], which table "
                + table + " cannot hold (value_type 0 is a string, 1 an integer)");
        }
        ps.setInt(first, value instanceof Long ? INTEGER : STRING);
        ps.setString(first + 1, value.toString());
        if (saveExpires) {
            ps.setLong(first + 2, seconds(expiresAtMillis));
        }
    }
}
