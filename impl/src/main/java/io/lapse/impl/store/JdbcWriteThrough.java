package io.lapse.impl.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import io.lapse.impl.engine.Contents;
import io.lapse.impl.engine.WriteThrough;

/**
 * The write-through hook of a store: each change of the cache is one transaction on the table,
 * committed before the cache applies the change. Rows are kept in htable's flat form (one per
 * entry, {@code key_type} 0): a put updates the key's row, or inserts one if there is none.
 *
 * <h2>Locking</h2>
 * {@link #lock} guards the connection, its statements and the journal; the cache calls in under a
 * slot lock, so the order is always slot lock, then this lock, and a change holds both for one
 * round trip to the database. One connection serves every slot: changes of different slots are
 * serialized here. A connection that failed is closed and replaced by the next change.
 *
 * <h2>Journal</h2>
 * While a load runs, every committed change is also remembered by key; the load applies them to
 * its new contents under the cache's locks ({@link #applyJournal}), so a change committed while
 * the table was read is never lost to the swap, whether the read saw it or not.
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
    private final ReentrantLock lock = new ReentrantLock();

    // guarded by lock
    private Connection connection;
    private PreparedStatement update;
    private PreparedStatement insert;
    private PreparedStatement delete;
    private Map<String, Change> journal;
    private boolean closed;

    JdbcWriteThrough(StoreSettings settings, Sql sql, Database database, Supplier<String> cache) {
        this.settings = settings;
        this.sql = sql;
        this.database = database;
        this.cache = cache;
    }

    @Override
    public void put(String key, Object value, long expiresAtMillis) {
        lock.lock();
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
            throw failed("write of key '" + key + "'", e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void remove(String key) {
        removeAll(List.of(key));
    }

    @Override
    public void removeAll(List<String> keys) {
        lock.lock();
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
            throw failed("removal of " + (keys.size() == 1 ? "key '" + keys.get(0) + "'" : keys.size() + " keys"), e);
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
     * remembering; called under every slot lock of the cache, so no change can come in between.
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
            // Never wait for the database's service here: the caller holds a slot lock.
            Connection c = database.connect(Duration.ZERO);
            try {
                c.setAutoCommit(false);
                update = c.prepareStatement(sql.update);
                insert = c.prepareStatement(sql.insert);
                delete = c.prepareStatement(sql.deleteKey);
            } catch (SQLException e) {
                closeQuietly(c);
                throw e;
            }
            connection = c;
        }
        return connection;
    }

    /**
     * Rolls back, drops the connection (the next change opens another: the database may have
     * restarted) and describes the failure; caller holds {@link #lock}.
     */
    private IllegalStateException failed(String what, SQLException e) {
        Connection c = connection;
        connection = null;
        if (c != null) {
            try {
                c.rollback();
            } catch (SQLException | RuntimeException ignored) {
                // the connection is being dropped anyway; the transaction dies with it
            }
            closeQuietly(c);
        }
        return new IllegalStateException("cache '" + cache.get() + "': write-through " + what + " to "
            + database.describe() + " table " + settings.table + " failed, so the cache is unchanged: "
            + TableStore.describe(e));
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            if (connection != null) {
                closeQuietly(connection);
                connection = null;
            }
        } finally {
            lock.unlock();
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
