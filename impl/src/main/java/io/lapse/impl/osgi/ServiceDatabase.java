package io.lapse.impl.osgi;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;

import javax.sql.DataSource;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.Filter;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.util.tracker.ServiceTracker;

import io.lapse.impl.store.Database;

/**
 * A cache's database as an OSGi service: the {@code DataSourceFactory} whose
 * {@code osgi.jdbc.driver.class} is the configured driver (connections to the configured URL), or
 * the {@code DataSource} the configured filter selects (pax-jdbc style). The service is tracked
 * from construction to {@link #close()}; a connection waits for it at most as long as asked.
 *
 * <p>When the service goes while the framework stops (a driver bundle may stop before this one),
 * the connections last used serve what remains, a final write-back: for a URL they come from the
 * driver itself, not from {@code DriverManager}, and its classes stay loadable until the
 * framework is gone.
 *
 * <p>Thread safety: the tracker is thread-safe; the data source last made is replaced atomically.
 */
final class ServiceDatabase implements Database, AutoCloseable {

    private final DatabaseSettings config;
    private final ServiceTracker<Object, Object> tracker;
    private volatile Object lastService;
    private volatile DataSource lastDataSource;

    ServiceDatabase(BundleContext context, DatabaseSettings config) {
        this.config = config;
        String filter = config.url != null
            ? "(&(" + Constants.OBJECTCLASS + "=" + JdbcFactories.FACTORY_CLASS + ")(" + JdbcFactories.DRIVER_CLASS + "="
                + config.driver + "))"
            : "(&(" + Constants.OBJECTCLASS + "=" + DataSource.class.getName() + ")" + config.dataSourceFilter + ")";
        Filter f;
        try {
            f = context.createFilter(filter);
        } catch (InvalidSyntaxException e) {
            // the configuration checked both parts
            throw new IllegalArgumentException("invalid service filter " + filter + ": " + e.getMessage(), e);
        }
        tracker = new ServiceTracker<>(context, f, null);
        // all services, also those of a class space this bundle does not share: the factory's
        // class is loaded only when it is used
        tracker.open(true);
    }

    @Override
    public Connection connect(Duration wait) throws SQLException {
        Object service;
        try {
            service = wait.isZero() ? tracker.getService() : tracker.waitForService(Math.max(1, wait.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while waiting for " + what());
        }
        DataSource ds;
        if (service == null) {
            ds = lastDataSource;
            if (ds == null) {
                throw new SQLException("no " + what() + " is registered" + (wait.isZero() ? "" : " (waited " + wait
                    .toMillis() + " ms)") + (config.url != null ? ": install the bundle of driver " + config.driver
                        + " (and org.osgi.service.jdbc)" : ""));
            }
        } else {
            ds = dataSource(service);
        }
        return ds.getConnection();
    }

    private DataSource dataSource(Object service) throws SQLException {
        if (service == lastService && lastDataSource != null) {
            return lastDataSource;
        }
        DataSource ds;
        if (config.url == null) {
            if (!(service instanceof DataSource)) {
                throw new SQLException("the service " + config.dataSourceFilter + " is not a javax.sql.DataSource this "
                    + "bundle can use");
            }
            ds = (DataSource) service;
        } else {
            try {
                ds = JdbcFactories.create(service, config);
            } catch (NoClassDefFoundError | ClassCastException e) {
                throw new SQLException("io.lapse.impl cannot use the DataSourceFactory of " + config.driver + ": it is "
                    + "not wired to package org.osgi.service.jdbc (install the org.osgi.service.jdbc bundle, then "
                    + "refresh io.lapse.impl)", e);
            }
        }
        lastService = service;
        lastDataSource = ds;
        return ds;
    }

    private String what() {
        return config.url != null ? "DataSourceFactory service with " + JdbcFactories.DRIVER_CLASS + "=" + config.driver
            : "DataSource service matching " + config.dataSourceFilter;
    }

    @Override
    public String describe() {
        return config.describe();
    }

    @Override
    public void close() {
        tracker.close();
    }
}
