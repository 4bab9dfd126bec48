package io.lapse.impl.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;

/**
 * Where a store gets its connections: in the bundle, a {@code DataSourceFactory} or
 * {@code DataSource} service; in tests, a driver. Implementations must be safe for use by several
 * threads at once.
 */
public interface Database {

    /**
     * Opens a connection, waiting at most {@code wait} for the database's service to appear.
     *
     * @param wait how long to wait for the service; {@link Duration#ZERO} not to wait
     * @return a new connection, which the caller closes
     * @throws SQLException if there is no such service, or the database refuses the connection;
     *     the message says which
     */
    Connection connect(Duration wait) throws SQLException;

    /**
     * Describes the database for messages: a JDBC URL or a service filter, never a password.
     *
     * @return one line
     */
    String describe();
}
