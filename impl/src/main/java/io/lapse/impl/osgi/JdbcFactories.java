package io.lapse.impl.osgi;

import java.sql.SQLException;
import java.util.Properties;

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
     * Makes a data source of a {@code DataSourceFactory} service.
     *
     * @throws SQLException if the factory refuses the URL or credentials
     * @throws IllegalStateException if this bundle is not wired to {@code org.osgi.service.jdbc}
     */
    static DataSource create(Object factory, DatabaseConfig config) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty(DataSourceFactory.JDBC_URL, config.url);
        if (config.user != null) {
            properties.setProperty(DataSourceFactory.JDBC_USER, config.user);
        }
        if (config.password != null) {
            properties.setProperty(DataSourceFactory.JDBC_PASSWORD, config.password);
        }
        return ((DataSourceFactory) factory).createDataSource(properties);
    }
}
