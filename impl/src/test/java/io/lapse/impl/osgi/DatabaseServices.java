package io.lapse.impl.osgi;

import java.sql.Driver;
import java.time.Duration;
import java.util.Map;

import org.osgi.service.jdbc.DataSourceFactory;

import io.lapse.impl.store.H2;

/** Databases as the services a store tracks, registered in a {@link FakeFramework}. */
final class DatabaseServices {

    private DatabaseServices() {
    }

    /**
     * Registers a database as the H2 driver bundle would: a {@code DataSourceFactory} of
     * {@code org.h2.Driver}, whose connections, whatever the URL, go to {@code db} (so its
     * {@code down} and {@code onConnect} apply).
     */
    static void h2(FakeFramework framework, H2 db) {
        Driver driver = FakeFramework.proxy(Driver.class, (proxy, method, args) -> {
            switch (method.getName()) {
                case "connect":
                    return db.connect(Duration.ZERO);
                case "acceptsURL":
                    return true;
                default:
                    return FakeFramework.objectCall(proxy, method, args);
            }
        });
        DataSourceFactory factory = FakeFramework.proxy(DataSourceFactory.class, (proxy, method, args) ->
            method.getName().equals("createDriver") ? driver : FakeFramework.objectCall(proxy, method, args));
        framework.register(JdbcFactories.FACTORY_CLASS, factory, Map.of(JdbcFactories.DRIVER_CLASS, "org.h2.Driver"));
    }
}
