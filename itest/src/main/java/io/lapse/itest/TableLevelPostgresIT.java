package io.lapse.itest;

import org.junit.jupiter.api.BeforeAll;

/**
 * The table level's scenarios against the PostgreSQL server on 127.0.0.1:5432; without a reachable
 * server they are skipped, saying why, except in CI ({@code CI=true}), where they fail
 * ({@link TestDatabase.Postgres#require()}).
 */
class TableLevelPostgresIT extends TableLevelScenarios {

    private static TestDatabase.Postgres postgres;

    @BeforeAll
    static void requirePostgres() {
        postgres = TestDatabase.Postgres.require();
    }

    @Override
    TestDatabase database() {
        return postgres;
    }
}
