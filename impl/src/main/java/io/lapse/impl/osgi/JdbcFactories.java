package io.lapse.impl.osgi;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Properties;
import java.util.logging.Logger;

import javax.sql.DataSource;

import org.osgi.service.jdbc.DataSourceFactory;

/**
 * The one class that touches {@code org.osgi.service.jdbc}, which the bundle imports optionally:
 * it is loaded only when a cache names a JDBC URL, so caches without one never need the package.
 */
final class JdbcFactories {

    private JdbcFactories() {
    }

    /** The service's object class, as a name: tracking it needs no class. */
    static final String FACTORY_CLASS = "org.osgi.service.jdbc.DataSourceFactory";
    /** The service property naming the driver class. */
    static final String DRIVER_CLASS = "osgi.jdbc.driver.class";

    /**
     * Gets the driver of a {@code DataSourceFactory} service, as connections to the configured URL.
     * A driver rather than a data source: a driver's {@code connect} needs no
     * {@code DriverManager}, from which a driver bundle withdraws its driver when it stops, so the
     * last write-back of a stopping framework still reaches the database after the driver bundle
     * stopped first.
     *
     * @throws SQLException if the factory fails
     * @throws IllegalStateException if this bundle is not wired to {@code org.osgi.service.jdbc}
     */
    static DataSource create(Object factory, DatabaseSettings config) throws SQLException {
        Driver driver = ((DataSourceFactory) factory).createDriver(null);
        Properties properties = new Properties();
        if (config.user != null) {
            properties.setProperty("user", config.user);
        }
        if (config.password != null) {
            properties.setProperty("password", config.password);
        }
        return new DriverConnections(driver, config, properties);
    }

    /** Connections of a driver to one URL, as a data source; only {@code getConnection()} is used. */
    private static final class DriverConnections implements DataSource {
        private final Driver driver;
        private final DatabaseSettings config;
        private final Properties properties;

        DriverConnections(Driver driver, DatabaseSettings config, Properties properties) {
            this.driver = driver;
            this.config = config;
            this.properties = properties;
        }

        @Override
        public Connection getConnection() throws SQLException {
            Connection c = driver.connect(config.url, properties);
            if (c == null) {
                throw new SQLException("driver " + config.driver + " does not accept the URL " + config.describe());
            }
            return c;
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            throw new SQLFeatureNotSupportedException("the store connects with the configured user");
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {
        }

        @Override
        public void setLoginTimeout(int seconds) {
        }

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            throw new SQLFeatureNotSupportedException();
        }

        @Override
        public <T> T unwrap(Class<T> iface) throws SQLException {
            throw new SQLException("not a wrapper");
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) {
            return false;
        }
    }
}
