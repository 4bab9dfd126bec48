package io.lapse.itest;

import org.junit.jupiter.api.BeforeAll;

/**
 * The store scenarios against the PostgreSQL server on 127.0.0.1:5432, through the framework's
 * PostgreSQL driver bundle and its {@code DataSourceFactory}. Without a reachable server the
 * tests are skipped, saying why, except in CI ({@code CI=true}), where they fail
 * ({@link TestDatabase.Postgres#require()}).
 */
class StorePostgresIT extends StoreScenarios {

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
