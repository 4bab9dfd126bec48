package io.lapse.impl.osgi;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class CachePropertiesTest {

    private static Map<String, Object> config(Object... pairs) {
        Map<String, Object> map = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put((String) pairs[i], pairs[i + 1]);
        }
        return map;
    }

    private static String refused(Object... pairs) {
        return assertThrows(IllegalArgumentException.class, () -> CacheProperties.parse(config(pairs))).getMessage();
    }

    @Test
    void appliesTheDocumentedDefaults() {
        CacheProperties c = CacheProperties.parse(config("name", "sessions"));
        assertEquals("sessions", c.name);
        assertEquals(10, c.settings.sizeBits());
        assertEquals(0, c.settings.ttlMillis());
        assertTrue(c.settings.updateExpire());
        assertEquals(0, c.settings.idleMillis());
        assertNull(c.settings.initval());
        assertFalse(c.settings.statistics());
        assertTrue(c.warnings.isEmpty());
    }

    @Test
    void readsStringsAsFileinstallAndKarafDeliverThem() {
        CacheProperties c = CacheProperties.parse(config("name", "t", "size", "4", "autoexpire", "5m",
            "updateexpire", "0", "idleexpire", "30", "initval", "-7", "statistics", "true"));
        assertEquals(4, c.settings.sizeBits());
        assertEquals(300_000, c.settings.ttlMillis());
        assertFalse(c.settings.updateExpire());
        assertEquals(30_000, c.settings.idleMillis());
        assertEquals(-7L, c.settings.initval());
        assertTrue(c.settings.statistics());
    }

    @Test
    void readsTypedValuesAsConfigAdminClientsSetThem() {
        CacheProperties c = CacheProperties.parse(config("name", new String[] {"t"}, "size", 3,
            "autoexpire", 60L, "updateexpire", Boolean.FALSE, "initval", 5, "idleexpire", List.of("500ms"),
            "statistics", Boolean.TRUE));
        assertEquals(3, c.settings.sizeBits());
        assertEquals(60_000, c.settings.ttlMillis());
        assertFalse(c.settings.updateExpire());
        assertEquals(5L, c.settings.initval());
        assertEquals(500, c.settings.idleMillis());
        assertTrue(c.settings.statistics());
    }

    @Test
    void clampsTheSizeWithAWarning() {
        CacheProperties big = CacheProperties.parse(config("name", "t", "size", "31"));
        assertEquals(20, big.settings.sizeBits());
        assertEquals(List.of("property 'size' = 31 is outside 2..20; using 20"), big.warnings);
        assertEquals(2, CacheProperties.parse(config("name", "t", "size", 0)).settings.sizeBits());
    }

    @Test
    void namesThePropertyAndValueThatIsWrong() {
        assertEquals("property 'name' is required", refused("size", 4));
        assertTrue(refused("name", "has space").contains("'has space' is not a cache name"));
        assertTrue(refused("name", "x".repeat(65)).contains("is not a cache name"));
        assertTrue(refused("name", "t", "size", "big").contains("'size' = 'big' is not an integer"));
        assertTrue(refused("name", "t", "autoexpire", "5q").contains("'autoexpire': '5q' is not a duration"));
        assertTrue(refused("name", "t", "autoexpire", "-1").contains("'autoexpire'"));
        assertTrue(refused("name", "t", "autoexpire", 1.5d).contains("'autoexpire'"));
        assertTrue(refused("name", "t", "idleexpire", "soon").contains("'idleexpire'"));
        assertTrue(refused("name", "t", "updateexpire", "maybe").contains("'updateexpire' = 'maybe' is not a boolean"));
        assertTrue(refused("name", "t", "statistics", "on").contains("'statistics' = 'on' is not a boolean"));
        assertTrue(refused("name", "t", "initval", "1.5").contains("'initval' = '1.5' is not an integer"));
        assertTrue(refused("name", new String[] {"a", "b"}).contains("'name' must have one value, not 2"));
    }

    @Test
    void aCacheWithoutATableHasNoStoreEvenWithTheMetatypeDefaultsFilledIn() {
        CacheProperties c = CacheProperties.parse(config("name", "plain", "dbtable", "", "db_url", " ",
            "dbmode", "none", "key_name_column", "key_name", "fetch_rows", 1000, "db_wait", "30s"));
        assertNull(c.store);
        assertNull(c.database);
    }

    @Test
    void readsAStoreWithHtablesDefaultsAndDerivesTheDriver() {
        CacheProperties c = CacheProperties.parse(config("name", "s", "dbtable", "htable",
            "db_url", "jdbc:postgresql://127.0.0.1/test?password=secret", "db_user", "postgres", "db_password", "s3 cret",
            "dbmode", "1", "db_expires", "true", "cols", "", "fetch_rows", "5000"));
        assertEquals("org.postgresql.Driver", c.database.driver);
        assertEquals("s3 cret", c.database.password);
        assertEquals(30_000, c.database.wait.toMillis());
        assertEquals("jdbc:postgresql://127.0.0.1/test?password=***", c.database.describe());
        assertFalse(c.database.toString().contains("secret"));
        assertEquals(io.lapse.impl.store.WriteMode.ON_STOP, c.store.mode());
        assertEquals("htable", c.store.table());
        assertEquals(new io.lapse.impl.store.StoreSettings("htable", "key_name", "key_type", "value_type", "key_value",
            "expires", List.of(), 5000, true, "::size", io.lapse.impl.store.WriteMode.ON_STOP), c.store,
            "htable's column names by default");
    }

    @Test
    void aDataSourceIsChosenByAFilter() {
        CacheProperties c = CacheProperties.parse(config("name", "s", "dbtable", "t", "db_datasource",
            "(dataSourceName=app)", "db_wait", "0"));
        assertEquals("DataSource (dataSourceName=app)", c.database.describe());
        assertEquals(0, c.database.wait.toMillis());
    }

    @Test
    void refusesStoreMistakesNamingThePropertyAndValue() {
        assertEquals("property 'db_url' is set but 'dbtable' is not: name the table to load, or remove the database",
            refused("name", "s", "db_url", "jdbc:h2:mem:x"));
        assertEquals("property 'dbtable' = 't' needs 'db_url' or 'db_datasource' to say which database holds it",
            refused("name", "s", "dbtable", "t"));
        assertEquals("properties 'db_url' and 'db_datasource' are both set: use one",
            refused("name", "s", "dbtable", "t", "db_url", "jdbc:h2:mem:x", "db_datasource", "(a=b)"));
        assertEquals("property 'db_url' = 'h2:mem:x' is not a JDBC URL (jdbc:...)",
            refused("name", "s", "dbtable", "t", "db_url", "h2:mem:x"));
        assertTrue(refused("name", "s", "dbtable", "t", "db_url", "jdbc:oracle:thin:@x")
            .startsWith("property 'db_driver' is needed for 'db_url' = 'jdbc:oracle:thin:@x'"));
        assertTrue(refused("name", "s", "dbtable", "t", "db_datasource", "(broken")
            .startsWith("property 'db_datasource' = '(broken' is not an LDAP filter"));
        assertEquals("property 'dbmode': 'sometimes' is not a write mode: use none (0), on-stop (1) or write-through",
            refused("name", "s", "dbtable", "t", "db_url", "jdbc:h2:mem:x", "dbmode", "sometimes"));
        assertTrue(refused("name", "s", "dbtable", "t x", "db_url", "jdbc:h2:mem:x")
            .startsWith("property 'dbtable' = 't x' is not a table name"));
        assertTrue(refused("name", "s", "dbtable", "t", "db_url", "jdbc:h2:mem:x", "key_value_column", "v;--")
            .startsWith("property 'key_value_column' = 'v;--' is not a column name"));
        assertTrue(refused("name", "s", "dbtable", "t", "db_url", "jdbc:h2:mem:x", "dbmode", "write-through")
            .startsWith("property 'dbmode' = 'write-through' needs 'db_expires' = true"));
        assertEquals("property 'fetch_rows' = 0 is outside 1..1000000",
            refused("name", "s", "dbtable", "t", "db_url", "jdbc:h2:mem:x", "fetch_rows", "0"));
        assertFalse(refused("name", "s", "dbtable", "t", "db_url", "jdbc:h2:mem:x", "db_password", "hunter2",
            "dbmode", "x").contains("hunter2"), "the password is never in a message");
    }

    @Test
    void packedColumnsTurnWriteBackOffWithAWarning() {
        CacheProperties c = CacheProperties.parse(config("name", "s", "dbtable", "t", "db_url", "jdbc:h2:mem:x",
            "cols", new String[] {"prefix", "gw,weight"}, "dbmode", "on-stop"));
        assertEquals(io.lapse.impl.store.WriteMode.NONE, c.store.mode());
        assertTrue(c.store.packsColumns());
        assertEquals(List.of("property 'cols' packs several columns into one value, which cannot be written back: "
            + "'dbmode' = 'on-stop' is ignored and the table is only read"), c.warnings);
    }

    @Test
    void aBlankDurationMeansTheDefaultAsABlankSizeDoes() {
        CacheProperties c = CacheProperties.parse(config("name", "t", "autoexpire", "", "idleexpire", "  "));
        assertEquals(0, c.settings.ttlMillis());
        assertEquals(0, c.settings.idleMillis());
    }

    @Test
    void describeMasksEveryFormOfPasswordInTheUrl() {
        assertEquals("jdbc:postgresql://app:***@db.example:5432/app",
            url("jdbc:postgresql://app:s3cret@db.example:5432/app"));
        assertEquals("jdbc:postgresql://:***@db/app", url("jdbc:postgresql://:s3cret@db/app"));
        assertEquals("jdbc:mysql://app:***@db/app?ssl=true", url("jdbc:mysql://app:p@ss:word@db/app?ssl=true"));
        assertEquals("jdbc:h2:tcp://127.0.0.1/mem:x;USER=sa;PASSWORD=***",
            url("jdbc:h2:tcp://127.0.0.1/mem:x;USER=sa;PASSWORD=s3cret"));
        assertEquals("jdbc:postgresql://db/app?user=app&password=***&ssl=true",
            url("jdbc:postgresql://db/app?user=app&password=s3cret&ssl=true"));
        assertEquals("jdbc:postgresql://db/app?Password = ***", url("jdbc:postgresql://db/app?Password = s3cret"));
        assertEquals("jdbc:h2:mem:x", url("jdbc:h2:mem:x"));
        assertEquals("jdbc:postgresql://app@db/app", url("jdbc:postgresql://app@db/app"),
            "a user without a password stays");
    }

    private static String url(String url) {
        CacheProperties c = CacheProperties.parse(config("name", "s", "dbtable", "t", "db_url", url,
            "db_driver", "org.h2.Driver"));
        assertFalse(c.database.toString().contains("s3cret"), c.database.toString());
        return c.database.describe();
    }

    @Test
    void dbWaitIsAtMostAnHour() {
        assertEquals(3_600_000, CacheProperties.parse(config("name", "s", "dbtable", "t", "db_url", "jdbc:h2:mem:x",
            "db_wait", "1h")).database.wait.toMillis());
        assertEquals("property 'db_wait' = '61m' is longer than the limit of 1h",
            refused("name", "s", "dbtable", "t", "db_url", "jdbc:h2:mem:x", "db_wait", "61m"));
        assertEquals("property 'db_wait' = '36500d' is longer than the limit of 1h",
            refused("name", "s", "dbtable", "t", "db_url", "jdbc:h2:mem:x", "db_wait", "36500d"));
    }

    @Test
    void aConfigurationThatThrowsWhileItIsReadIsRefusedAndActivationDoesNotFail() {
        Object hostile = new Object() {
            @Override
            public String toString() {
                throw new IllegalStateException("this value cannot be read");
            }
        };
        Map<String, Object> properties = config("service.pid", "io.lapse.cache~hostile", "name", hostile);
        assertDoesNotThrow(() -> new CacheComponent().activate(null, properties));
    }

    @Test
    void dbTimeoutIsADurationOfAtMostAMinuteFiveSecondsByDefault() {
        assertEquals(5_000, CacheProperties.parse(config("name", "s", "dbtable", "t", "db_url", "jdbc:h2:mem:x"))
            .database.timeout.toMillis());
        assertEquals(5_000, CacheProperties.parse(config("name", "s", "dbtable", "t", "db_url", "jdbc:h2:mem:x",
            "db_timeout", " ")).database.timeout.toMillis(), "blank is the default");
        assertEquals(500, CacheProperties.parse(config("name", "s", "dbtable", "t", "db_datasource", "(a=b)",
            "db_timeout", "500ms")).database.timeout.toMillis());
        assertEquals(2_000, CacheProperties.parse(config("name", "s", "dbtable", "t", "db_url", "jdbc:h2:mem:x",
            "db_timeout", 2)).database.timeout.toMillis(), "seconds by default");
        assertEquals("property 'db_timeout' = '0' must be more than 0: every database call needs a bound",
            refused("name", "s", "dbtable", "t", "db_url", "jdbc:h2:mem:x", "db_timeout", "0"));
        assertEquals("property 'db_timeout' = '2m' is longer than the limit of 1m",
            refused("name", "s", "dbtable", "t", "db_url", "jdbc:h2:mem:x", "db_timeout", "2m"));
        assertTrue(refused("name", "s", "dbtable", "t", "db_url", "jdbc:h2:mem:x", "db_timeout", "soon")
            .startsWith("property 'db_timeout': 'soon' is not a duration"));
    }

    @Test
    void theEventBacklogIsACountAndASizeWithUnits() {
        CacheProperties d = CacheProperties.parse(config("name", "s"));
        assertEquals(1_000_000, d.eventBacklog);
        assertEquals(256L << 20, d.eventBacklogBytes);
        CacheProperties c = CacheProperties.parse(config("name", "s", "event_backlog", "100",
            "event_backlog_bytes", "64MB"));
        assertEquals(100, c.eventBacklog);
        assertEquals(64_000_000L, c.eventBacklogBytes);
        assertEquals(1L << 30, CacheProperties.parse(config("name", "s", "event_backlog_bytes", "1 GiB"))
            .eventBacklogBytes);
        assertEquals(5_000, CacheProperties.parse(config("name", "s", "event_backlog_bytes", 5_000))
            .eventBacklogBytes, "bytes without a unit");
        assertEquals(1_000_000, CacheProperties.parse(config("name", "s", "event_backlog", " ")).eventBacklog,
            "blank is the default");
        assertEquals("property 'event_backlog' = 0 is outside 1..100000000", refused("name", "s", "event_backlog", "0"));
        assertEquals("property 'event_backlog_bytes': '12 parsecs' has an unknown unit: use KB, MB, GB, KiB, MiB or GiB",
            refused("name", "s", "event_backlog_bytes", "12 parsecs"));
        assertEquals("property 'event_backlog_bytes' = '100' is outside 1KiB..64GiB",
            refused("name", "s", "event_backlog_bytes", "100"));
        assertTrue(refused("name", "s", "event_backlog_bytes", "99999999999999999999").contains("too large"));
        assertTrue(refused("name", "s", "event_backlog_bytes", "lots").startsWith(
            "property 'event_backlog_bytes': 'lots' is not a size"));
    }
}
