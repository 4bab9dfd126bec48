package io.lapse.impl.store;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An embedded H2 database for the stores' tests, reached through the driver on the class path;
 * public for the tests of the components that own a store.
 */
public final class H2 implements Database {

    private static final AtomicInteger NEXT = new AtomicInteger();

    public final String url;
    /** While set, every connection is refused, as by a database that is down. */
    public final AtomicBoolean down = new AtomicBoolean();
    /** Runs whenever a connection is asked for. */
    public volatile Runnable onConnect = () -> { };

    private H2(String url) {
        this.url = url;
    }

    /** A fresh in-memory database, kept until the JVM ends. */
    public static H2 memory() {
        return memory("");
    }

    /**
     * A fresh in-memory database with settings of H2's URL.
     *
     * @param options e.g. {@code ;LOCK_TIMEOUT=60000}
     */
    static H2 memory(String options) {
        return new H2("jdbc:h2:mem:store" + NEXT.incrementAndGet() + ";DB_CLOSE_DELAY=-1" + options);
    }

    /** A file database, committed to disk at every commit. */
    static H2 file(String path) {
        return new H2("jdbc:h2:" + path + ";WRITE_DELAY=0");
    }

    @Override
    public Connection connect(Duration wait) throws SQLException {
        if (down.get()) {
            throw new SQLException("Connection refused: the test took the database down", "08001");
        }
        onConnect.run();
        return DriverManager.getConnection(url, "sa", "");
    }

    @Override
    public String describe() {
        return url;
    }

    /** Runs statements, each in its own auto-committed transaction. */
    public void sql(String... statements) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, "sa", ""); Statement st = c.createStatement()) {
            for (String s : statements) {
                st.execute(s);
            }
        }
    }

    /** Creates htable's table. */
    public void htable(String table) throws SQLException {
        sql("CREATE TABLE " + table + " (key_name VARCHAR(4096), key_type INT DEFAULT 0, value_type INT DEFAULT 0, "
            + "key_value VARCHAR(4096), expires BIGINT DEFAULT 0)");
    }

    /** The rows of a query, each as its columns' text joined by '|', in the order asked. */
    public List<String> rows(String query) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url, "sa", ""); Statement st = c.createStatement();
            ResultSet rs = st.executeQuery(query)) {
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
}
