package io.lapse.itest;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The table level's scenarios against H2, served over TCP by the test, through H2's DataSourceFactory. */
class TableLevelH2IT extends TableLevelScenarios {

    private static TestDatabase.H2 h2;

    @BeforeAll
    static void serve() throws Exception {
        h2 = new TestDatabase.H2();
    }

    @AfterAll
    static void stop() {
        h2.close();
    }

    @Override
    TestDatabase database() {
        return h2;
    }
}
