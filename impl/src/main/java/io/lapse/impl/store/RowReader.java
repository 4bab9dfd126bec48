package io.lapse.impl.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import io.lapse.cache.Cache;
import io.lapse.cache.CacheEntry;
import io.lapse.impl.engine.Contents;

/**
 * Reads a table into new contents, as htable loads its {@code dbtable}: {@code key_type} 0 is
 * one entry, 1 an array element ({@code key[0]}, {@code key[1]}, ... in the order the database
 * returns the rows, plus {@code key::size}, the count); {@code value_type} 0 a string, 1 an
 * integer. With {@code cols} the first column is the key and the others are packed, comma
 * separated, into a string (a NULL as nothing). With deadlines, {@code expires} is epoch seconds,
 * 0 or NULL for none, and a row whose deadline has passed is left out; a deadline more than
 * {@link Cache#MAX_TTL} ahead is loaded as that far ahead, as no entry of a cache lives longer.
 *
 * <p>A malformed row (no key, an unknown type, a bad integer, a negative {@code expires} or one too
 * large to be epoch seconds, a key or value a cache refuses) is reported with its key and left
 * out; the rest loads. A failure of the database itself (a missing column, a lost connection)
 * ends the read with its {@link SQLException}.
 *
 * <p>Not thread-safe: one read per instance.
 */
final class RowReader {

    /** The longest life of an entry, {@link Cache#MAX_TTL}: a later deadline is loaded as this. */
    static final long MAX_TTL_MILLIS = Cache.MAX_TTL.toMillis();
    /** The largest {@code expires} whose milliseconds fit a long: larger is no time at all. */
    private static final long MAX_SECONDS = Long.MAX_VALUE / 1000;

    /** How often a read runs its checkpoint. */
    static final int CHECKPOINT_ROWS = 1024;

    /** What a read found. */
    static final class Result {
        long rows;
        long loaded;
        long expired;
        long malformed;
        /** Rows whose deadline lay more than {@link #MAX_TTL_MILLIS} ahead and was brought to it. */
        long capped;
        String firstCapped;
        /** Entries made from array rows, in flat form, for a store that keeps its table flat. */
        final List<CacheEntry> fromArrays = new ArrayList<>();
    }

    /** An array being read: how many elements so far and the latest of their deadlines. */
    private static final class Array {
        long size;
        long lastDeadline;
    }

    private final StoreSettings settings;
    private final Sql sql;
    private final String cache;
    private final Consumer<String> malformed;
    private final Runnable checkpoint;
    private volatile Statement running;

    /**
     * @param malformed told of each malformed row, with its key and what is wrong with it
     * @param checkpoint run every {@value #CHECKPOINT_ROWS} rows; it ends the read by throwing
     *     when the load is stopped (a cancelled statement does not stop a result already fetched)
     */
    RowReader(StoreSettings settings, Sql sql, String cache, Consumer<String> malformed, Runnable checkpoint) {
        this.settings = settings;
        this.sql = sql;
        this.cache = cache;
        this.malformed = malformed;
        this.checkpoint = checkpoint;
    }

    /**
     * Reads every row into {@code contents}.
     *
     * @param c a connection with auto-commit off (so that PostgreSQL streams the rows by fetch size)
     * @param bounds the timeouts of the connection, for the statement
     * @param contents receives the entries
     * @param keepArrays whether to remember the entries made from arrays ({@link Result#fromArrays})
     * @return what was read
     * @throws SQLException if the database fails or the table cannot be read
     */
    Result read(Connection c, Timeouts bounds, Contents contents, boolean keepArrays) throws SQLException {
        Result result = new Result();
        Map<String, Array> arrays = new HashMap<>();
        long nowMillis = System.currentTimeMillis();
        long nowSeconds = nowMillis / 1000;
        long latest = nowMillis + MAX_TTL_MILLIS;
        try (Statement st = bounds.bound(c.createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY))) {
            running = st;
            st.setFetchSize(settings.fetchRows);
            try (ResultSet rs = st.executeQuery(sql.select)) {
                int expiresColumn = settings.packsColumns() ? settings.cols.size() + 1 : 5;
                while (rs.next()) {
                    if (++result.rows % CHECKPOINT_ROWS == 0) {
                        checkpoint.run();
                    }
                    String key = rs.getString(1);
                    long expiresAt = 0;
                    if (settings.loadExpires) {
                        String e = rs.getString(expiresColumn);
                        if (e != null) {
                            long seconds;
                            try {
                                seconds = Long.parseLong(e.strip());
                            } catch (NumberFormatException bad) {
                                bad(result, key, settings.expires + " '" + e + "' is not an integer");
                                continue;
                            }
                            if (seconds < 0) {
                                bad(result, key, settings.expires + " " + seconds + " is negative (0 or NULL is no "
                                    + "deadline)");
                                continue;
                            }
                            if (seconds > 0) {
                                if (seconds <= nowSeconds) {
                                    result.expired++;
                                    continue;
                                }
                                if (seconds > MAX_SECONDS) {
                                    bad(result, key, settings.expires + " " + seconds
                                        + " is not a time in epoch seconds");
                                    continue;
                                }
                                expiresAt = seconds * 1000;
                                if (expiresAt > latest) {
                                    // no entry of a cache lives longer than MAX_TTL; the row is kept
                                    if (result.capped++ == 0) {
                                        result.firstCapped = key;
                                    }
                                    expiresAt = latest;
                                }
                            }
                        }
                    }
                    // without saved deadlines every entry gets the cache's default TTL (see add)
                    long deadline = expiresAt;
                    if (settings.packsColumns()) {
                        StringBuilder packed = new StringBuilder();
                        for (int i = 2; i <= settings.cols.size(); i++) {
                            if (i > 2) {
                                packed.append(',');
                            }
                            String v = rs.getString(i);
                            if (v != null) {
                                packed.append(v);
                            }
                        }
                        add(result, contents, key, packed.toString(), deadline);
                        continue;
                    }
                    int keyType = Row.type(rs.getString(2));
                    int valueType = Row.type(rs.getString(3));
                    String text = rs.getString(4);
                    Object value;
                    if (key == null) {
                        bad(result, null, settings.keyName + " is NULL");
                        continue;
                    } else if (keyType != 0 && keyType != 1) {
                        bad(result, key, "unknown " + settings.keyType + " " + rs.getString(2) + " (0 is a key, 1 an array)");
                        continue;
                    } else if (text == null) {
                        bad(result, key, settings.keyValue + " is NULL");
                        continue;
                    } else if (valueType == Row.STRING) {
                        value = text;
                    } else if (valueType == Row.INTEGER) {
                        try {
                            value = Long.parseLong(text.strip());
                        } catch (NumberFormatException e) {
                            bad(result, key, settings.valueType + " 1 (integer) but " + settings.keyValue + " '" + text
                                + "' is not an integer");
                            continue;
                        }
                    } else {
                        bad(result, key, "unknown " + settings.valueType + " " + rs.getString(3)
                            + " (0 is a string, 1 an integer)");
                        continue;
                    }
                    if (keyType == 0) {
                        add(result, contents, key, value, deadline);
                    } else {
                        Array a = arrays.computeIfAbsent(key, k -> new Array());
                        String element = key + "[" + a.size + "]";
                        if (add(result, contents, element, value, deadline)) {
                            a.size++;
                            // the size lives as long as the last element: "never" (0) outlives any deadline
                            long last = a.lastDeadline;
                            a.lastDeadline = a.size == 1 ? deadline
                                : last > 0 && deadline > 0 ? Math.max(last, deadline) : last <= 0 ? last : deadline;
                            if (keepArrays) {
                                result.fromArrays.add(new CacheEntry(element, value, Math.max(0, deadline)));
                            }
                        }
                    }
                }
            }
        } finally {
            running = null;
        }
        for (Map.Entry<String, Array> a : arrays.entrySet()) {
            String sizeKey = a.getKey() + settings.arraySizeSuffix;
            Array array = a.getValue();
            if (array.size > 0 && add(result, contents, sizeKey, array.size, array.lastDeadline) && keepArrays) {
                result.fromArrays.add(new CacheEntry(sizeKey, array.size, Math.max(0, array.lastDeadline)));
            }
        }
        return result;
    }

    /** Cancels a read under way, from another thread; does nothing if none is. */
    void cancel() {
        Statement st = running;
        if (st != null) {
            try {
                st.cancel();
            } catch (SQLException | RuntimeException ignored) {
                // the read ends by itself, or with the connection that is closed next
            }
        }
    }

    /**
     * Adds an entry with the row's deadline, or with the cache's default TTL when the table keeps
     * no deadlines; counts it as loaded, as past its deadline, or as malformed.
     */
    private boolean add(Result result, Contents contents, String key, Object value, long deadline) {
        try {
            if (!settings.loadExpires) {
                contents.putWithDefaultTtl(key, value);
                result.loaded++;
                return true;
            }
            if (contents.put(key, value, deadline)) {
                result.loaded++;
                return true;
            }
            result.expired++;
            return false;
        } catch (IllegalArgumentException | NullPointerException e) {
            bad(result, key, e.getMessage());
            return false;
        }
    }

    private void bad(Result result, String key, String problem) {
        result.malformed++;
        malformed.accept("cache '" + cache + "': table " + settings.table + ": row with " + settings.keyName + " "
            + (key == null ? "NULL" : "'" + key + "'") + " skipped: " + problem);
    }
}
