package io.lapse.itest;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * H2 in memory, served over TCP by the test under a database name of its own, so that the
 * sessions it holds are those of the framework's caches and the test's: {@link #otherSessions()}
 * lists every session but the one asking, from H2's {@code INFORMATION_SCHEMA.SESSIONS}.
 */
final class SessionCountingH2 extends TestDatabase {

    private final org.h2.tools.Server server;
    private final String url;

    /**
     * Starts serving on a free loopback port.
     *
     * @param database the in-memory database's name, used by no other test
     */
    SessionCountingH2(String database) throws Exception {
        int port = freePort();
        server = org.h2.tools.Server.createTcpServer("-tcpPort", Integer.toString(port), "-ifNotExists").start();
        url = "jdbc:h2:tcp://127.0.0.1:" + port + "/mem:" + database + ";DB_CLOSE_DELAY=-1";
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

    /**
     * Returns the sessions open on the database other than the one this call opens to ask.
     *
     * @return each as its id, client address and start, '|'-separated
     */
    List<String> otherSessions() {
        try {
            return rows("SELECT SESSION_ID, CLIENT_ADDR, SESSION_START FROM INFORMATION_SCHEMA.SESSIONS "
                + "WHERE SESSION_ID <> SESSION_ID()");
        } catch (SQLException e) {
            throw new AssertionError("cannot list the sessions of " + url + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        server.stop();
    }
}
