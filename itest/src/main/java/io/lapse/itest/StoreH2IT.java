package io.lapse.itest;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The store scenarios against H2, which the framework's H2 bundle reaches through its
 * {@code DataSourceFactory}; the test serves the database over TCP so that it can check the table
 * with its own driver.
 */
class StoreH2IT extends StoreScenarios {

    private static TestDatabase.H2 h2;

    @BeforeAll
    static void serve() throws Exception {
        h2 = new TestDatabase.H2();
    }

    @AfterAll
    static void stopServing() {
        if (h2 != null) {
            h2.close();
        }
    }

    @Override
    TestDatabase database() {
        return h2;
    }
}
