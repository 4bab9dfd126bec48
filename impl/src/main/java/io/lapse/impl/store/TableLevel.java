package io.lapse.impl.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import io.lapse.cache.CacheEntry;
import io.lapse.cache.Durations;
import io.lapse.cache.Match;
import io.lapse.cache.level.CacheLevel;

/**
 * A backing level of a cache over a table in Kamailio htable's layout: the cache's complete set
 * in a database that other programs (Kamailio itself, reports) can read and write as htable's
 * {@code dbtable}.
 *
 * <h2>Layout</h2>
 * The columns are those {@link StoreSettings} names: {@code key_name}, {@code key_type},
 * {@code value_type} (0 a string, 1 an integer in decimal), {@code key_value} and
 * {@code expires} (epoch seconds, 0 or NULL for none). The level's entries are the flat rows:
 * {@code key_type} 0 and {@code key_name} not NULL; it writes only such rows, one per key.
 * htable's array rows ({@code key_type} 1), and rows of any other type, are none of its
 * entries: {@link #get}, {@link #scan}, {@link #due} and {@link #size} do not see them, and
 * {@link #remove}, {@link #removeAll} and {@link #clear} never delete them.
 *
 * <ul>
 * <li>Values are {@code String}s and {@code Long}s. A {@code byte[]}, or an entry of a keygroup,
 * is refused with an {@link IllegalArgumentException} naming the table and the key, and nothing
 * changes: the layout has no column for bytes nor for a group. Entries come back with no
 * group.</li>
 * <li>Deadlines are whole seconds ({@link #deadlinePrecisionMillis()} is 1000): {@link #put}
 * rounds a deadline up to the next whole second (1500 ms is kept as 2 s and comes back as 2000),
 * so an entry never expires before the deadline it was given.</li>
 * <li>A row the level cannot read as an entry (a {@code key_value} that is NULL, an integer
 * that is not one, an unknown {@code value_type}, a negative {@code expires}) fails the read that
 * meets it with an {@link IllegalStateException} naming its key and what is wrong: a level
 * answers what it holds, so it does not skip it.</li>
 * <li>The table has no unique key in htable's layout, and another writer may have left several
 * flat rows of one key: {@link #put} updates all of them, {@link #remove} deletes all of them,
 * {@link #scan} returns the key once, {@link #get} one of them, and {@link #size} counts each
 * row.</li>
 * </ul>
 *
 * <h2>Order of scans</h2>
 * Pages follow Java's {@link String#compareTo}, as the contract says, by asking the database for
 * an order that is the same: {@code ORDER BY key_name} and {@code key_name > ?} with
 * {@code COLLATE "C"} on PostgreSQL (byte order of UTF-8, which is code point order, the order of
 * {@code compareTo} for every key within the Basic Multilingual Plane), and as they are on H2 and
 * other databases (H2 compares text as {@code compareTo} does, unless the database was given a
 * collation or {@code IGNORECASE}). Since the page boundary ({@code after}) is compared by the
 * same operator that orders the rows, a page never skips or repeats a key in the database's
 * order; and the level checks every page against {@code compareTo}, so a database whose order
 * differs (another collation; on PostgreSQL, keys that differ first where one has a character
 * past U+FFFF and the other one of U+E000 to U+FFFF) fails the scan with an
 * {@link IllegalStateException} saying so, rather than return keys out of order. On PostgreSQL an
 * index that serves the scans is {@code CREATE INDEX ON t (key_name COLLATE "C")}.
 *
 * <p>Matches are narrowed in SQL with {@code LIKE ? ESCAPE '!'} ({@code !}, which no SQL dialect
 * treats specially inside a string literal, unlike a backslash on PostgreSQL with
 * {@code standard_conforming_strings} off, or on MySQL): a prefix becomes {@code prefix%}; a glob
 * is translated whole, {@code *} as {@code %} and {@code ?} as {@code _%} (one character or more:
 * a character is one code point to the cache, one UTF-16 unit to H2 and one code point, or a
 * byte, to PostgreSQL, so {@code _} alone could refuse a key the glob accepts). {@code %},
 * {@code _} and {@code !} in the literal text are escaped. A regex is not narrowed. The cache
 * matches every key again, so a page may hold keys the match refuses, never fewer than match.
 *
 * <h2>Calls and failures</h2>
 * Every statement is bounded by {@code db_timeout} as the store's are ({@link Timeouts}: query
 * timeout, network timeout, and H2's lock timeout), and so is the wait for a free connection and,
 * for {@link #put}, for an earlier put of a key of the same stripe. Opening a connection is left
 * to the driver's own connect timeout, as the store leaves it. Every failure (the database down,
 * a statement that timed out, an SQL error, a row that cannot be read) is an
 * {@link IllegalStateException} naming the cache, the database ({@link Database#describe()}),
 * the table and the cause; a read that fails is never answered as a miss or an empty page. A
 * write that fails is rolled back: {@link #put} and {@link #removeAll} are one transaction each,
 * {@link #remove} and {@link #clear} one statement.
 *
 * <h2>Connections</h2>
 * The level keeps up to {@value #MAX_CONNECTIONS} connections open ({@link ConnectionPool})
 * instead of opening one per call as the store does: the store connects once per load, a level is
 * asked for a row at every miss of its cache, and a new connection of a
 * {@code DataSourceFactory}'s data source is a network connection and a login each time. A
 * connection whose call failed is closed, with every idle one, so that a database that restarted
 * costs one failed call, not one per connection.
 *
 * <p>Thread safety: any number of threads at once. Puts of one key are serialized by a stripe of
 * {@value #STRIPES} locks, so that two puts of a key that has no row cannot both insert one
 * (htable's layout has no unique key to refuse the second); puts by other processes are not, and
 * may leave such duplicates, which the level reads as described above.
 */
public final class TableLevel implements CacheLevel {

    /** The most connections a level keeps open at once. */
    static final int MAX_CONNECTIONS = 8;
    /** How many deletes {@link #removeAll} sends in one batch. */
    static final int BATCH = 1000;
    /** How many locks serialize the puts of a key. */
    static final int STRIPES = 64;
    /** The escape character of the level's {@code LIKE}s. */
    private static final char ESCAPE = '!';

    private final StoreSettings settings;
    private final Sql sql;
    private final Database database;
    private final Duration timeout;
    private final Supplier<String> cacheName;
    private final ConnectionPool pool;
    private final ReentrantLock[] stripes = new ReentrantLock[STRIPES];

    /** The columns of an entry, in the order {@link #entry} reads them. */
    private final String selectFlat;
    private final String selectKey;
    private final String selectDue;
    private final String count;
    private final String deleteFlat;
    /**
     * The scans, indexed by {@link #scanIndex}: with or without {@code after}, with or without a
     * {@code LIKE}, for PostgreSQL or not.
     */
    private final String[] scans = new String[8];

    /**
     * Creates a level over a table; nothing is read or written until asked.
     *
     * @param settings the table and its columns; {@code db_expires} must be true, and
     *     {@code cols} unused ({@code dbmode}, {@code fetch_rows} and {@code array_size_suffix} do
     *     not apply to a level)
     * @param database where connections come from
     * @param timeout {@code db_timeout}: how long one call may wait for a connection, for the
     *     database, and a put for an earlier put of its stripe; more than 0
     * @param cacheName the name of the cache, for messages (asked when a message is made)
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code db_expires} is false, {@code cols} is set, or the
     *     timeout is not positive, naming the property
     */
    public TableLevel(StoreSettings settings, Database database, Duration timeout, Supplier<String> cacheName) {
        this(settings, database, timeout, cacheName, MAX_CONNECTIONS);
    }

    /** A level with a pool of another size; for tests. */
    TableLevel(StoreSettings settings, Database database, Duration timeout, Supplier<String> cacheName,
        int maxConnections) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.database = Objects.requireNonNull(database, "database");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.cacheName = Objects.requireNonNull(cacheName, "cacheName");
        if (!settings.loadExpires) {
            throw new IllegalArgumentException("table " + settings.table + " as a level needs property 'db_expires' = "
                + "true: a level keeps every entry's deadline in column " + settings.expires);
        }
        if (settings.packsColumns()) {
            throw new IllegalArgumentException("table " + settings.table + " as a level cannot use property 'cols' = '"
                + String.join(",", settings.cols) + "': a level reads and writes whole entries, in columns "
                + settings.keyName + ", " + settings.keyType + ", " + settings.valueType + ", " + settings.keyValue
                + " and " + settings.expires + "; remove 'cols'");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("property 'db_timeout' = " + timeout + " is not more than 0");
        }
        this.sql = new Sql(settings);
        this.pool = new ConnectionPool(database, timeout, maxConnections);
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new ReentrantLock();
        }
        String flat = settings.keyType + " = 0";
        String columns = "SELECT " + settings.keyName + ", " + settings.valueType + ", " + settings.keyValue + ", "
            + settings.expires + " FROM " + settings.table;
        selectFlat = columns + " WHERE " + flat + " AND " + settings.keyName + " IS NOT NULL";
        selectKey = columns + " WHERE " + settings.keyName + " = ? AND " + flat;
        selectDue = selectFlat + " AND " + settings.expires + " > 0 AND " + settings.expires + " <= ? ORDER BY "
            + settings.expires + ", " + settings.keyName + " LIMIT ?";
        count = "SELECT COUNT(*) FROM " + settings.table + " WHERE " + flat + " AND " + settings.keyName
            + " IS NOT NULL";
        deleteFlat = "DELETE FROM " + settings.table + " WHERE " + flat + " AND " + settings.keyName + " IS NOT NULL";
        for (int i = 0; i < scans.length; i++) {
            boolean after = (i & 1) != 0;
            boolean like = (i & 2) != 0;
            String collate = (i & 4) != 0 ? " COLLATE \"C\"" : "";
            scans[i] = selectFlat + (after ? " AND " + settings.keyName + collate + " > ?" : "")
                + (like ? " AND " + settings.keyName + " LIKE ? ESCAPE '" + ESCAPE + "'" : "")
                + " ORDER BY " + settings.keyName + collate + " LIMIT ?";
        }
    }

    private static int scanIndex(boolean after, boolean like, boolean postgres) {
        return (after ? 1 : 0) | (like ? 2 : 0) | (postgres ? 4 : 0);
    }

    /**
     * {@inheritDoc}
     *
     * @throws NullPointerException if {@code key} is null
     * @throws IllegalStateException if the level is closed, or cannot be read
     */
    @Override
    public CacheEntry get(String key) {
        Objects.requireNonNull(key, "key");
        return call("read of key '" + key + "'", false, lease -> {
            try (PreparedStatement ps = prepare(lease, selectKey)) {
                ps.setString(1, key);
                // another writer may have left several flat rows of the key: any one answers
                ps.setMaxRows(1);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? entry(rs) : null;
                }
            }
        });
    }

    /**
     * {@inheritDoc} The deadline is rounded up to a whole second.
     *
     * @throws NullPointerException if {@code entry} is null
     * @throws IllegalArgumentException naming the table and the key if the value is a
     *     {@code byte[]}, the entry has a group, or its deadline is too far ahead for whole epoch
     *     seconds; nothing changed
     * @throws IllegalStateException if the level is closed, or cannot be written; nothing changed
     */
    @Override
    public void put(CacheEntry entry) {
        String key = entry.key();
        Object value = entry.value();
        Row.checkStorable(cacheName.get(), settings.table, key, value);
        if (entry.group() != null) {
            throw new IllegalArgumentException("cache '" + cacheName.get() + "': key '" + key + "' is in keygroup '"
                + entry.group() + "', which table " + settings.table + " cannot hold (htable's layout has no group "
                + "column)");
        }
        long seconds;
        try {
            seconds = Row.secondsUp(entry.expiresAtMillis());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("cache '" + cacheName.get() + "': key '" + key + "' cannot be kept in "
                + "table " + settings.table + ": " + e.getMessage(), e);
        }
        String what = "write of key '" + key + "'";
        ReentrantLock stripe = stripe(what, key);
        try {
            call(what, true, lease -> {
                try (PreparedStatement update = prepare(lease, sql.update)) {
                    Row.bindValue(update, 1, value);
                    update.setLong(3, seconds);
                    update.setString(4, key);
                    if (update.executeUpdate() > 0) {
                        return null;
                    }
                }
                try (PreparedStatement insert = prepare(lease, sql.insert)) {
                    insert.setString(1, key);
                    Row.bindValue(insert, 2, value);
                    insert.setLong(4, seconds);
                    insert.executeUpdate();
                }
                return null;
            });
        } finally {
            stripe.unlock();
        }
    }

    /**
     * {@inheritDoc} Array rows of the key stay.
     *
     * @throws NullPointerException if {@code key} is null
     * @throws IllegalStateException if the level is closed, or cannot be written; nothing changed
     */
    @Override
    public boolean remove(String key) {
        Objects.requireNonNull(key, "key");
        return call("removal of key '" + key + "'", false, lease -> {
            try (PreparedStatement ps = prepare(lease, sql.deleteKey)) {
                ps.setString(1, key);
                return ps.executeUpdate() > 0;
            }
        });
    }

    /**
     * {@inheritDoc} One transaction, its deletes sent in batches of {@value #BATCH}: all of them
     * are done, or none. Array rows of the keys stay; an empty collection changes nothing.
     *
     * @throws NullPointerException if {@code keys} is or holds null; nothing changed
     * @throws IllegalStateException if the level is closed, or cannot be written; nothing changed
     */
    @Override
    public void removeAll(Collection<String> keys) {
        List<String> copy = List.copyOf(keys);
        String what = copy.size() == 1 ? "removal of key '" + copy.get(0) + "'" : "removal of " + copy.size() + " keys";
        checkOpen(what);
        if (copy.isEmpty()) {
            return;
        }
        call(what, true, lease -> {
            try (PreparedStatement ps = prepare(lease, sql.deleteKey)) {
                int pending = 0;
                for (String key : copy) {
                    ps.setString(1, key);
                    ps.addBatch();
                    if (++pending == BATCH) {
                        ps.executeBatch();
                        pending = 0;
                    }
                }
                if (pending > 0) {
                    ps.executeBatch();
                }
            }
            return null;
        });
    }

    /**
     * {@inheritDoc} See the class comment for the order and how the match narrows the scan.
     *
     * @throws NullPointerException if {@code match} is null
     * @throws IllegalArgumentException if {@code limit} is below 1
     * @throws IllegalStateException if the level is closed, cannot be read, or the database
     *     returned keys out of {@link String#compareTo}'s order
     */
    @Override
    public List<CacheEntry> scan(Match match, String after, int limit) {
        Objects.requireNonNull(match, "match");
        if (limit < 1) {
            throw new IllegalArgumentException("limit " + limit + " is below 1");
        }
        String like = like(match);
        String what = "scan of " + match + (after == null ? "" : " after key '" + after + "'");
        return call(what, false, lease -> {
            List<CacheEntry> page = new ArrayList<>(Math.min(limit, 1024));
            String last = after;
            for (;;) {
                int wanted = limit - page.size();
                int rows = 0;
                String sqlText = scans[scanIndex(last != null, like != null, lease.postgres)];
                try (PreparedStatement ps = prepare(lease, sqlText)) {
                    int p = 1;
                    if (last != null) {
                        ps.setString(p++, last);
                    }
                    if (like != null) {
                        ps.setString(p++, like);
                    }
                    ps.setInt(p, wanted);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            rows++;
                            String key = rs.getString(1);
                            if (last != null) {
                                int order = key.compareTo(last);
                                if (order == 0) {
                                    // another row of the same key, which the page holds already
                                    continue;
                                }
                                if (order < 0) {
                                    throw new BadRows("the database returned key '" + key + "' after '" + last
                                        + "', which String.compareTo orders before it: the order of column "
                                        + settings.keyName + " (its collation) is not Java's, so the level cannot "
                                        + "page through it without skipping keys");
                                }
                            }
                            page.add(entry(rs));
                            last = key;
                        }
                    }
                }
                if (rows < wanted || page.size() == limit) {
                    return page;
                }
                // some rows were duplicates of a key: the page is not full, and more may follow
            }
        });
    }

    /**
     * {@inheritDoc} Ties are in key order.
     *
     * @throws IllegalArgumentException if {@code limit} is below 1
     * @throws IllegalStateException if the level is closed, or cannot be read
     */
    @Override
    public List<CacheEntry> due(long untilMillis, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit " + limit + " is below 1");
        }
        // expires * 1000 <= untilMillis, for whole seconds, without a product that could overflow
        long untilSeconds = Math.floorDiv(untilMillis, 1000L);
        return call("read of entries due by " + untilMillis + " ms", false, lease -> {
            List<CacheEntry> due = new ArrayList<>(Math.min(limit, 1024));
            Set<String> seen = new HashSet<>();
            try (PreparedStatement ps = prepare(lease, selectDue)) {
                ps.setLong(1, untilSeconds);
                ps.setInt(2, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        // another row of a key already due: the cache needs the key once
                        if (seen.add(rs.getString(1))) {
                            due.add(entry(rs));
                        }
                    }
                }
            }
            return due;
        });
    }

    /**
     * Returns 1000: the table keeps deadlines in whole epoch seconds.
     *
     * @return 1000
     */
    @Override
    public long deadlinePrecisionMillis() {
        return 1000;
    }

    /**
     * {@inheritDoc} Counts the flat rows, a key's duplicates each.
     *
     * @throws IllegalStateException if the level is closed, or cannot be read
     */
    @Override
    public long size() {
        return call("count of entries", false, lease -> {
            try (PreparedStatement ps = prepare(lease, count); ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    /**
     * Deletes every flat row in one statement, and leaves htable's array rows, which are none of
     * the level's entries.
     *
     * @return how many rows were deleted
     * @throws IllegalStateException if the level is closed, or cannot be written; nothing changed
     */
    @Override
    public long clear() {
        return call("clear", false, lease -> {
            try (PreparedStatement ps = prepare(lease, deleteFlat)) {
                return (long) ps.executeUpdate();
            }
        });
    }

    /**
     * Closes the idle connections at once, and those of calls under way as the calls end (within
     * about {@code db_timeout}); every later call fails with an {@link IllegalStateException}.
     * Idempotent; never waits.
     */
    @Override
    public void close() {
        pool.close();
    }

    @Override
    public String toString() {
        return "TableLevel[" + database.describe() + " table " + settings.table + "]";
    }

    /** @return the connections; for tests */
    ConnectionPool pool() {
        return pool;
    }

    /**
     * The {@code LIKE} pattern that every key the match accepts matches, or {@code null} when the
     * match cannot narrow the scan (a regex, an empty prefix, a glob of {@code *} alone).
     */
    static String like(Match match) {
        String pattern = match.pattern();
        StringBuilder like = new StringBuilder(pattern.length() + 8);
        switch (match.kind()) {
            case PREFIX:
                escape(pattern, like);
                like.append('%');
                break;
            case GLOB:
                for (int i = 0; i < pattern.length(); i++) {
                    char c = pattern.charAt(i);
                    if (c == '*') {
                        anyRun(like);
                    } else if (c == '?') {
                        // one character or more: see the class comment
                        like.append('_');
                        anyRun(like);
                    } else {
                        escape(String.valueOf(c), like);
                    }
                }
                break;
            default:
                return null;
        }
        return like.toString().equals("%") ? null : like.toString();
    }

    /** Appends {@code %} unless the pattern ends with one already ({@code **} is {@code *}). */
    private static void anyRun(StringBuilder like) {
        if (like.length() == 0 || like.charAt(like.length() - 1) != '%' || escaped(like, like.length() - 1)) {
            like.append('%');
        }
    }

    /** Whether the character at {@code at} follows an escape character that is not itself escaped. */
    private static boolean escaped(StringBuilder like, int at) {
        int escapes = 0;
        for (int i = at - 1; i >= 0 && like.charAt(i) == ESCAPE; i--) {
            escapes++;
        }
        return escapes % 2 == 1;
    }

    private static void escape(String literal, StringBuilder like) {
        for (int i = 0; i < literal.length(); i++) {
            char c = literal.charAt(i);
            if (c == '%' || c == '_' || c == ESCAPE) {
                like.append(ESCAPE);
            }
            like.append(c);
        }
    }

    /** Reads the row at the cursor (key, value type, value, deadline) as an entry. */
    private CacheEntry entry(ResultSet rs) throws SQLException {
        String key = rs.getString(1);
        String typeText = rs.getString(2);
        String text = rs.getString(3);
        String expiresText = rs.getString(4);
        if (text == null) {
            throw unreadable(key, settings.keyValue + " is NULL");
        }
        Object value;
        int type = Row.type(typeText);
        if (type == Row.STRING) {
            value = text;
        } else if (type == Row.INTEGER) {
            try {
                value = Long.parseLong(text.strip());
            } catch (NumberFormatException e) {
                throw unreadable(key, settings.valueType + " 1 (integer) but " + settings.keyValue + " '" + text
                    + "' is not an integer");
            }
        } else {
            throw unreadable(key, "unknown " + settings.valueType + " " + typeText + " (0 is a string, 1 an integer)");
        }
        long seconds = 0;
        if (expiresText != null) {
            try {
                seconds = Long.parseLong(expiresText.strip());
            } catch (NumberFormatException e) {
                throw unreadable(key, settings.expires + " '" + expiresText + "' is not an integer");
            }
            if (seconds < 0 || seconds > Long.MAX_VALUE / 1000) {
                throw unreadable(key, settings.expires + " " + seconds + " is not a time in epoch seconds (0 or NULL "
                    + "is none)");
            }
        }
        return new CacheEntry(key, value, seconds * 1000);
    }

    private BadRows unreadable(String key, String problem) {
        return new BadRows("row with " + settings.keyName + " '" + key + "' cannot be read as an entry: " + problem);
    }

    /**
     * What the database holds or returns and the level cannot use: not a failure of the
     * connection, which goes on serving.
     */
    private static final class BadRows extends SQLException {
        private static final long serialVersionUID = 1L;

        BadRows(String message) {
            super(message, "22000");
        }
    }

    /** A step of a call, on a lent connection. */
    @FunctionalInterface
    private interface Work<T> {
        T run(ConnectionPool.Lease lease) throws SQLException;
    }

    private static PreparedStatement prepare(ConnectionPool.Lease lease, String text) throws SQLException {
        return lease.timeouts.bound(lease.connection.prepareStatement(text));
    }

    /**
     * Runs a step on a lent connection, in a transaction if asked (else in auto-commit: a step of
     * one statement, or of reads that need no common snapshot); reports any failure as the
     * level's, naming the cache, database and table.
     */
    private <T> T call(String what, boolean transaction, Work<T> work) {
        checkOpen(what);
        ConnectionPool.Lease lease;
        try {
            lease = pool.take();
        } catch (SQLException e) {
            throw failed(what, e);
        }
        boolean healthy = false;
        try {
            T result;
            if (transaction) {
                Connection c = lease.connection;
                c.setAutoCommit(false);
                try {
                    result = work.run(lease);
                    c.commit();
                } catch (Throwable e) {
                    rollback(c);
                    throw e;
                }
                // committed: the call has succeeded whatever happens next, and a connection that
                // cannot be put back in auto-commit mode is not lent again
                healthy = autoCommit(c);
            } else {
                result = work.run(lease);
                healthy = true;
            }
            return result;
        } catch (SQLException e) {
            // a row the level cannot read leaves the connection as good as it was
            healthy = e instanceof BadRows;
            throw failed(what, e);
        } finally {
            if (healthy) {
                pool.give(lease);
            } else {
                pool.discard(lease);
            }
        }
    }

    private void checkOpen(String what) {
        if (pool.closed()) {
            throw new IllegalStateException(prefix(what) + " refused: the level is closed");
        }
    }

    /** Takes the key's stripe for a put, waiting at most {@code db_timeout} for an earlier put. */
    private ReentrantLock stripe(String what, String key) {
        ReentrantLock stripe = stripes[(key.hashCode() * 0x9E3779B9 >>> 26) & (STRIPES - 1)];
        boolean locked;
        try {
            locked = stripe.tryLock(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(prefix(what) + " was interrupted while it waited for an earlier write of "
                + "a key of its stripe; nothing changed");
        }
        if (!locked) {
            throw new IllegalStateException(prefix(what) + " timed out after " + Durations.format(timeout.toMillis())
                + " (db_timeout) waiting for an earlier write of a key of its stripe to reach the database; nothing "
                + "changed");
        }
        return stripe;
    }

    private IllegalStateException failed(String what, SQLException e) {
        String outcome = Timeouts.timedOut(e)
            ? " timed out after " + Durations.format(timeout.toMillis()) + " (db_timeout)" : " failed";
        return new IllegalStateException(prefix(what) + outcome + ": " + TableStore.describe(e), e);
    }

    private String prefix(String what) {
        return "cache '" + cacheName.get() + "': level " + what + " in " + database.describe() + " table "
            + settings.table;
    }

    private static boolean autoCommit(Connection c) {
        try {
            c.setAutoCommit(true);
            return true;
        } catch (SQLException | RuntimeException e) {
            return false;
        }
    }

    private static void rollback(Connection c) {
        try {
            c.rollback();
        } catch (SQLException | RuntimeException ignored) {
            // the connection is discarded next, which ends the transaction anyway
        }
    }
}
