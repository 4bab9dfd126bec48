package io.lapse.impl.store;

import java.net.SocketTimeoutException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLTimeoutException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.Executor;

import io.lapse.cache.Durations;

/**
 * Bounds how long the calls of one connection wait for the database, with what each driver
 * honours, and puts the connection back as it was before it is closed: a {@code DataSource}'s
 * connection may go back to a pool, where another user must not inherit a store's bounds.
 *
 * <ul>
 * <li>Each statement gets {@link Statement#setQueryTimeout} (whole seconds, rounded up, at least
 * 1). PostgreSQL then cancels the statement on the server, a row-lock wait included.</li>
 * <li>The connection gets {@link Connection#setNetworkTimeout}: a read that waits longer for the
 * server fails (PostgreSQL: the socket's timeout), so a server that stops answering, or a
 * cancel that never arrives, still ends the call. The executor is a direct one: PostgreSQL
 * 42.7 ignores it, drivers that use it (MySQL) only run a short setter on it, and so the store
 * owns no thread for it. H2 2.3 accepts the call and ignores it; an embedded H2 has no network.</li>
 * <li>On H2, the session's {@code LOCK_TIMEOUT} is set to the bound as well: H2 2.3.232 applies
 * neither the query timeout nor a cancel to a row-lock wait (measured: a statement with a 1 s
 * query timeout waited the session's 60 s lock timeout), only its own lock timeout.</li>
 * </ul>
 *
 * <p>Not thread-safe: used by the thread that uses the connection.
 */
final class Timeouts {

    private static final Executor DIRECT = Runnable::run;

    private final Connection connection;
    private final Duration bound;
    private final int statementSeconds;
    /** The network timeout to put back, or -1 if the driver has none. */
    private final int previousNetworkMillis;
    /** H2's lock timeout to put back, or -1 if the database is not H2. */
    private final int previousLockMillis;

    private Timeouts(Connection connection, Duration bound, int previousNetworkMillis, int previousLockMillis) {
        this.connection = connection;
        this.bound = bound;
        this.statementSeconds = (int) Math.min(Integer.MAX_VALUE, Math.max(1, (bound.toMillis() + 999) / 1000));
        this.previousNetworkMillis = previousNetworkMillis;
        this.previousLockMillis = previousLockMillis;
    }

    /**
     * Bounds a connection's waits.
     *
     * @param c an open connection
     * @param bound how long one call may wait, more than 0
     * @return what to bound statements with and to {@link #restore()} before closing
     * @throws SQLException if the database refuses a setting
     */
    static Timeouts apply(Connection c, Duration bound) throws SQLException {
        int millis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, bound.toMillis()));
        int network = -1;
        try {
            network = c.getNetworkTimeout();
            c.setNetworkTimeout(DIRECT, millis);
        } catch (SQLFeatureNotSupportedException | AbstractMethodError e) {
            // a driver without network timeouts (JDBC 4.0): the query timeout is what bounds it
            network = -1;
        }
        int lock = -1;
        if ("H2".equals(c.getMetaData().getDatabaseProductName())) {
            try (Statement st = c.createStatement()) {
                try (ResultSet rs = st.executeQuery("SELECT LOCK_TIMEOUT()")) {
                    rs.next();
                    lock = rs.getInt(1);
                }
                // does not commit, and a rollback does not undo it (H2's SET LOCK_TIMEOUT)
                st.execute("SET LOCK_TIMEOUT " + millis);
            }
        }
        return new Timeouts(c, bound, network, lock);
    }

    /**
     * Gives a statement the bound.
     *
     * @param st a statement of this connection
     * @return {@code st}
     * @throws SQLException if the driver refuses
     */
    <T extends Statement> T bound(T st) throws SQLException {
        st.setQueryTimeout(statementSeconds);
        return st;
    }

    /** @return the bound as configuration writes it, e.g. {@code 5s} */
    String describe() {
        return Durations.format(bound.toMillis());
    }

    /** Puts the connection's settings back as they were; quietly, as the connection closes next. */
    void restore() {
        try {
            if (previousNetworkMillis >= 0) {
                connection.setNetworkTimeout(DIRECT, previousNetworkMillis);
            }
            if (previousLockMillis >= 0) {
                try (Statement st = connection.createStatement()) {
                    st.execute("SET LOCK_TIMEOUT " + previousLockMillis);
                }
            }
        } catch (SQLException | RuntimeException e) {
            // a broken connection is closed next and cannot go back to a pool in use
        }
    }

    /**
     * Tells whether a failure is the end of a wait: a query or lock timeout, a cancel, a socket
     * that waited past its timeout.
     *
     * @param e a failure of a call bounded by these timeouts
     * @return whether it timed out
     */
    static boolean timedOut(SQLException e) {
        String state = e.getSQLState();
        if (e instanceof SQLTimeoutException || "57014".equals(state) || "HYT00".equals(state)
            || "HYT01".equals(state)) {
            return true;
        }
        for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            if (cause instanceof SocketTimeoutException) {
                return true;
            }
        }
        return false;
    }
}
