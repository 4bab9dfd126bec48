package io.lapse.impl.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import io.lapse.cache.Durations;

/**
 * A few open connections to one database, lent to one call at a time: the connections of a
 * {@link TableLevel}, which is asked for a row at every miss of its cache, where opening a
 * connection per call (a TCP connection and a login, for a {@code DataSourceFactory}'s plain
 * data source) would cost more than the query.
 *
 * <ul>
 * <li>At most {@code max} connections are open at once; a call waits at most {@code db_timeout}
 * for one to come free, then fails with an {@link SQLTimeoutException} (so that
 * {@link Timeouts#timedOut} reports it as a timeout).</li>
 * <li>Each connection is bounded once, when it is opened ({@link Timeouts}), and is in auto-commit
 * mode whenever it is not lent: a call that needs a transaction turns auto-commit off and back
 * on.</li>
 * <li>A connection whose call failed is {@linkplain #discard discarded}, and so is every idle
 * one: a failure is most often the database's (a restart, a lost network), which the idle
 * connections share, so the next call opens a fresh connection instead of failing on a dead
 * one.</li>
 * <li>{@link #close()} closes the idle connections at once and the lent ones as they come back;
 * later {@link #take()}s fail.</li>
 * </ul>
 *
 * <p>Thread safety: any number of threads. {@link #idle} and {@link #closed} are guarded by the
 * monitor of {@link #idle}; no database call is made while it is held.
 */
final class ConnectionPool implements AutoCloseable {

    /** A lent connection, with its bounds and what its database is. */
    static final class Lease {
        final Connection connection;
        final Timeouts timeouts;
        /** Whether the database is PostgreSQL, whose default collation is not Java's order. */
        final boolean postgres;

        Lease(Connection connection, Timeouts timeouts, boolean postgres) {
            this.connection = connection;
            this.timeouts = timeouts;
            this.postgres = postgres;
        }
    }

    private final Database database;
    private final Duration timeout;
    private final int max;
    private final Semaphore permits;
    private final ArrayDeque<Lease> idle = new ArrayDeque<>();
    private boolean closed;

    /**
     * @param timeout {@code db_timeout}: how long {@link #take()} waits for a connection to come
     *     free, and the bound of each connection ({@link Timeouts})
     * @param max the most connections open at once, at least 1
     */
    ConnectionPool(Database database, Duration timeout, int max) {
        if (max < 1) {
            throw new IllegalArgumentException("a pool of " + max + " connections");
        }
        this.database = database;
        this.timeout = timeout;
        this.max = max;
        this.permits = new Semaphore(max, true);
    }

    /**
     * Lends a connection: an idle one, or a new one. Give it back with {@link #give} or
     * {@link #discard}, exactly once.
     *
     * @return the lease
     * @throws SQLTimeoutException if no connection came free within {@code db_timeout}
     * @throws SQLException if the pool is closed, the wait was interrupted (the interrupt is kept),
     *     or a new connection cannot be opened or bounded
     */
    Lease take() throws SQLException {
        boolean permitted;
        try {
            permitted = permits.tryAcquire(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while waiting for a connection to come free");
        }
        if (!permitted) {
            throw new SQLTimeoutException("no connection came free within " + Durations.format(timeout.toMillis())
                + ": all " + max + " are in use by calls that wait for the database");
        }
        try {
            synchronized (idle) {
                if (closed) {
                    throw new SQLException("the level is closed");
                }
                Lease lease = idle.pollFirst();
                if (lease != null) {
                    return lease;
                }
            }
            return open();
        } catch (SQLException | RuntimeException | Error e) {
            permits.release();
            throw e;
        }
    }

    private Lease open() throws SQLException {
        // Never wait for the database's service here: a caller is waiting for its answer.
        Connection c = database.connect(Duration.ZERO);
        try {
            c.setAutoCommit(true);
            Timeouts t = Timeouts.apply(c, timeout);
            return new Lease(c, t, "PostgreSQL".equals(c.getMetaData().getDatabaseProductName()));
        } catch (SQLException | RuntimeException e) {
            closeQuietly(c);
            throw e;
        }
    }

    /**
     * Takes back a connection whose call succeeded, in auto-commit mode; closes it if the pool was
     * closed meanwhile.
     */
    void give(Lease lease) {
        boolean kept = false;
        try {
            synchronized (idle) {
                if (!closed) {
                    // most recently used first: the connections used least grow idle and stay few
                    idle.addFirst(lease);
                    kept = true;
                }
            }
        } finally {
            permits.release();
        }
        if (!kept) {
            drop(lease);
        }
    }

    /** Closes a connection whose call failed, and every idle connection with it. */
    void discard(Lease lease) {
        List<Lease> dropped;
        synchronized (idle) {
            dropped = new ArrayList<>(idle);
            idle.clear();
        }
        permits.release();
        drop(lease);
        dropped.forEach(ConnectionPool::drop);
    }

    /** @return whether {@link #close()} was called */
    boolean closed() {
        synchronized (idle) {
            return closed;
        }
    }

    /** @return how many connections are idle; for tests */
    int idle() {
        synchronized (idle) {
            return idle.size();
        }
    }

    /** Closes the idle connections; the lent ones are closed as they come back. Idempotent. */
    @Override
    public void close() {
        List<Lease> dropped;
        synchronized (idle) {
            closed = true;
            dropped = new ArrayList<>(idle);
            idle.clear();
        }
        dropped.forEach(ConnectionPool::drop);
    }

    /** Puts the connection's settings back (it may go back to a data source's own pool) and closes it. */
    private static void drop(Lease lease) {
        lease.timeouts.restore();
        closeQuietly(lease.connection);
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException | RuntimeException ignored) {
            // nothing more can be done with a connection that will not close
        }
    }
}
