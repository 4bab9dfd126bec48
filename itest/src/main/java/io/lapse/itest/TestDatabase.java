package io.lapse.itest;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A database the store tests give their caches, and check from the test side with the driver
 * bundle's own JDBC driver: H2 served over TCP by the test (the caches' stores are clients of it,
 * like the test), or the PostgreSQL server of the machine.
 */
abstract class TestDatabase implements AutoCloseable {

    private static final AtomicInteger TABLES = new AtomicInteger();

    /** @return the JDBC URL both the framework and the test use */
    abstract String url();

    /** @return the cache configuration's properties that reach this database, key, value, ... */
    abstract List<Object> properties();

    abstract Connection connect() throws SQLException;

    /**
     * Connects through a driver object of the driver's bundle: {@code DriverManager} finds no
     * driver for a caller inside a framework, whose class loader is not the driver's.
     */
    static Connection connect(Driver driver, String url, String user, String password) throws SQLException {
        Properties credentials = new Properties();
        credentials.setProperty("user", user);
        credentials.setProperty("password", password);
        Connection connection = driver.connect(url, credentials);
        if (connection == null) {
            throw new SQLException(driver.getClass().getName() + " does not take " + url);
        }
        return connection;
    }

    /** A table name no other test uses. */
    static String freshTable() {
        return "lapse_it_" + ProcessHandle.current().pid() + "_" + TABLES.incrementAndGet();
    }

    /** Creates htable's table. */
    void htable(String table) throws SQLException {
        sql("CREATE TABLE " + table + " (key_name VARCHAR(255) NOT NULL, key_type INT DEFAULT 0 NOT NULL, "
            + "value_type INT DEFAULT 0 NOT NULL, key_value VARCHAR(255) NOT NULL, expires BIGINT DEFAULT 0 NOT NULL)");
    }

    void sql(String... statements) throws SQLException {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            for (String s : statements) {
                st.execute(s);
            }
        }
    }

    /** The rows of a query, each as its columns' text joined by '|'. */
    List<String> rows(String query) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(query)) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= columns; i++) {
                    row.append(i > 1 ? "|" : "").append(rs.getString(i));
                }
                rows.add(row.toString());
            }
        }
        return rows;
    }

    void dropQuietly(String table) {
        try {
            sql("DROP TABLE IF EXISTS " + table);
        } catch (SQLException e) {
            // a test that fails anyway, or a server that is down on purpose
        }
    }

    static long epochSeconds(long fromNow) {
        return System.currentTimeMillis() / 1000 + fromNow;
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** H2 in memory, served over TCP on a free loopback port until {@link #close()}. */
    static final class H2 extends TestDatabase {
        private final org.h2.tools.Server server;
        private final String url;

        H2() throws Exception {
            int port = freePort();
            server = org.h2.tools.Server.createTcpServer("-tcpPort", Integer.toString(port), "-ifNotExists").start();
            url = "jdbc:h2:tcp://127.0.0.1:" + port + "/mem:lapse_it;DB_CLOSE_DELAY=-1";
        }

        @Override
        String url() {
            return url;
        }

        @Override
        List<Object> properties() {
            return List.of("db_url", url, "db_user", "sa", "db_password", "it-secret");
        }

        @Override
        Connection connect() throws SQLException {
            return connect(new org.h2.Driver(), url, "sa", "it-secret");
        }

        /** Stops serving: connections are refused from now on, as from a database that is down. */
        void stopServer() {
            server.stop();
        }

        @Override
        public void close() {
            server.stop();
        }
    }

    /**
     * The PostgreSQL server on 127.0.0.1:5432 (database {@code test}, user {@code postgres}, trust
     * authentication), as {@code .ci/run} starts it. Unreachable, it aborts the tests that need it,
     * saying why, except in CI ({@code CI=true}), where that is a failure: there these tests must
     * run.
     */
    static final class Postgres extends TestDatabase {
        static final String URL = "jdbc:postgresql://127.0.0.1:5432/test";
        static final String USER = "postgres";

        static Postgres require() {
            try (Connection c = connect(new org.postgresql.Driver(), URL + "?connectTimeout=5", USER, "")) {
                c.isValid(5);
            } catch (SQLException e) {
                String why = "PostgreSQL is not reachable at " + URL + " as user " + USER + ": " + e.getMessage();
                if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                    Assertions.fail(why + " -- in CI (CI=true) the PostgreSQL tests must run: .ci/run starts the "
                        + "server first");
                }
                Assumptions.abort(why + " -- the PostgreSQL tests are skipped (they fail instead when CI=true)");
            }
            return new Postgres();
        }

        @Override
        String url() {
            return URL;
        }

        @Override
        List<Object> properties() {
            return List.of("db_url", URL, "db_user", USER);
        }

        @Override
        Connection connect() throws SQLException {
            return connect(new org.postgresql.Driver(), URL, USER, "");
        }

        @Override
        public void close() {
        }
    }
}
