package io.lapse.impl.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import io.lapse.cache.Durations;
import io.lapse.impl.engine.Contents;
import io.lapse.impl.engine.WriteThrough;

/**
 * The write-through hook of a store: each change of the cache is one transaction on the table,
 * committed before the cache applies the change. Rows are kept in htable's flat form (one per
 * entry, {@code key_type} 0): a put updates the key's row, or inserts one if there is none.
 *
 * <h2>Bounded calls</h2>
 * A call waits at most {@code db_timeout} for the connection (another change may hold it) and
 * at most about {@code db_timeout} more for the database ({@link Timeouts}: query, network and,
 * on H2, lock timeouts on the connection and its statements). Past either, it fails with an
 * {@link IllegalStateException} naming the cache, the key, the database, the table and
 * "timed out after" the bound; the transaction is rolled back, so the table is unchanged, and
 * the cache, which applies a change only after the hook returns, is unchanged too.
 *
 * <h2>Locking</h2>
 * {@link #lock} guards the connection, its statements and the journal. One connection serves
 * every key: changes are serialized here, each holding the lock for one round trip to the
 * database. The hook takes no lock of the cache and does not rely on one being held. A
 * connection that failed is closed and replaced by the next change. {@link #close()} never
 * waits: a change under way closes the connection when it ends.
 *
 * <h2>Journal</h2>
 * While a load runs, every committed change is also remembered by key; the load applies them to
 * its new contents under the cache's locks ({@link #applyJournal}), so a change committed while
 * the table was read is never lost to the swap, whether the read saw it or not. A change is
 * remembered under the same lock as its commit, so the swap sees a change committed before it.
 */
final class JdbcWriteThrough implements WriteThrough, AutoCloseable {

    /** A committed change: the value and deadline a key got, or {@code null} for a removal. */
    private static final class Change {
        final Object value;
        final long expiresAtMillis;

        Change(Object value, long expiresAtMillis) {
            this.value = value;
            this.expiresAtMillis = expiresAtMillis;
        }
    }

    private final StoreSettings settings;
    private final Sql sql;
    private final Database database;
    private final Supplier<String> cache;
    private final Duration timeout;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile boolean closed;

    // guarded by lock
    private Connection connection;
    private Timeouts timeouts;
    private PreparedStatement update;
    private PreparedStatement insert;
    private PreparedStatement delete;
    private Map<String, Change> journal;

    /**
     * @param timeout {@code db_timeout}: how long a call may wait for the connection, and for the
     *     database
     */
    JdbcWriteThrough(StoreSettings settings, Sql sql, Database database, Supplier<String> cache, Duration timeout) {
        this.settings = settings;
        this.sql = sql;
        this.database = database;
        this.cache = cache;
        this.timeout = timeout;
    }

    @Override
    public void put(String key, Object value, long expiresAtMillis) {
        String what = "write of key '" + key + "'";
        acquire(what);
        try {
            Connection c = connection();
            Row.bind(update, 1, cache.get(), settings.table, key, value, expiresAtMillis, true);
            update.setString(4, key);
            if (update.executeUpdate() == 0) {
                insert.setString(1, key);
                Row.bind(insert, 2, cache.get(), settings.table, key, value, expiresAtMillis, true);
                insert.executeUpdate();
            }
            c.commit();
            record(key, new Change(value, expiresAtMillis));
        } catch (SQLException e) {
            throw failed(what, e);
        } finally {
            release();
        }
    }

    @Override
    public void remove(String key) {
        removeAll(List.of(key));
    }

    @Override
    public void removeAll(List<String> keys) {
        String what = "removal of " + (keys.size() == 1 ? "key '" + keys.get(0) + "'" : keys.size() + " keys");
        acquire(what);
        try {
            Connection c = connection();
            for (String key : keys) {
                delete.setString(1, key);
                delete.addBatch();
            }
            delete.executeBatch();
            c.commit();
            for (String key : keys) {
                record(key, new Change(null, 0));
            }
        } catch (SQLException e) {
            throw failed(what, e);
        } finally {
            release();
        }
    }

    /**
     * Takes {@link #lock}, waiting at most {@code db_timeout}: the change before may be waiting for
     * a database that does not answer.
     */
    private void acquire(String what) {
        boolean locked;
        try {
            locked = lock.tryLock(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(prefix(what) + " was interrupted while it waited for an earlier change, "
                + "so the cache is unchanged");
        }
        if (!locked) {
            throw new IllegalStateException(prefix(what) + " timed out after " + Durations.format(timeout.toMillis())
                + " (db_timeout) waiting for an earlier change to reach the database, so the cache is unchanged");
        }
    }

    /** Releases {@link #lock}; a store closed meanwhile has its connection closed first. */
    private void release() {
        try {
            if (closed) {
                dropConnection();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Starts remembering committed changes, before a load reads the table. */
    void startJournal() {
        lock.lock();
        try {
            journal = new LinkedHashMap<>();
        } finally {
            lock.unlock();
        }
    }

    /** Stops remembering changes, after a load failed or was stopped; does nothing if not remembering. */
    void dropJournal() {
        lock.lock();
        try {
            journal = null;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Applies the changes committed since {@link #startJournal()} to a load's contents and stops
     * remembering; called under every lock of the cache, in its swap. Waits for a change under
     * way to finish (at most about twice {@code db_timeout}), so that a change is either
     * committed and applied here, or not yet committed and applied to the new contents by the
     * cache after the swap.
     */
    void applyJournal(Contents contents) {
        lock.lock();
        try {
            if (journal != null) {
                journal.forEach((key, change) -> {
                    // A removal, or a put whose deadline passed while the table was read: the key
                    // has no entry now, whatever row the read saw (Contents.put leaves that row's
                    // entry in place when it refuses an entry past its deadline).
                    if (change.value == null || !contents.put(key, change.value, change.expiresAtMillis)) {
                        contents.remove(key);
                    }
                });
            }
            journal = null;
        } finally {
            lock.unlock();
        }
    }

    /** @return whether changes are being remembered for a load; for tests */
    boolean journaling() {
        lock.lock();
        try {
            return journal != null;
        } finally {
            lock.unlock();
        }
    }

    private void record(String key, Change change) {
        if (journal != null) {
            journal.put(key, change);
        }
    }

    /** The open connection, opened if needed; caller holds {@link #lock}. */
    private Connection connection() throws SQLException {
        if (closed) {
            throw new SQLException("the store is closed");
        }
        if (connection == null) {
            // Never wait for the database's service here: a caller is waiting for its change.
            Connection c = database.connect(Duration.ZERO);
            try {
                c.setAutoCommit(false);
                Timeouts t = Timeouts.apply(c, timeout);
                update = t.bound(c.prepareStatement(sql.update));
                insert = t.bound(c.prepareStatement(sql.insert));
                delete = t.bound(c.prepareStatement(sql.deleteKey));
                timeouts = t;
            } catch (SQLException | RuntimeException e) {
                closeQuietly(c);
                throw e;
            }
            connection = c;
        }
        return connection;
    }

    /**
     * Rolls back, drops the connection (the next change opens another: the database may have
     * restarted, or still hold the statement that timed out) and describes the failure; caller
     * holds {@link #lock}.
     */
    private IllegalStateException failed(String what, SQLException e) {
        Connection c = connection;
        if (c != null) {
            try {
                c.rollback();
            } catch (SQLException | RuntimeException ignored) {
                // the connection is being dropped anyway; the transaction dies with it
            }
        }
        dropConnection();
        String outcome = Timeouts.timedOut(e)
            ? " timed out after " + Durations.format(timeout.toMillis()) + " (db_timeout)" : " failed";
        return new IllegalStateException(prefix(what) + outcome + ", so the cache is unchanged: "
            + TableStore.describe(e));
    }

    private String prefix(String what) {
        return "cache '" + cache.get() + "': write-through " + what + " to " + database.describe() + " table "
            + settings.table;
    }

    /** Puts the connection's settings back and closes it; caller holds {@link #lock}. */
    private void dropConnection() {
        Connection c = connection;
        connection = null;
        if (c != null) {
            if (timeouts != null) {
                timeouts.restore();
            }
            closeQuietly(c);
        }
        timeouts = null;
    }

    /**
     * Closes the connection; later changes fail. Never waits: a change under way closes the
     * connection itself when it ends, within about {@code db_timeout}.
     */
    @Override
    public void close() {
        closed = true;
        if (lock.tryLock()) {
            try {
                dropConnection();
            } finally {
                lock.unlock();
            }
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException | RuntimeException ignored) {
            // nothing more can be done with a connection that will not close
        }
    }
}
