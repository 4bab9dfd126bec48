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

import io.lapse.cache.replication.Replica;
import io.lapse.impl.engine.Limits;

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
        assertEquals(Limits.NONE, c.settings.limits());
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

    @Test
    void theCapacityLimitsAreCountsAndSizesWithUnits() {
        CacheProperties c = CacheProperties.parse(config("name", "s", "max_entries", "1000", "max_bytes", "64MB",
            "max_item_size", "1KiB", "eviction", "lru"));
        assertEquals(new Limits(1_000, 64_000_000, 1_024), c.settings.limits());
        assertEquals(new Limits(5, 1L << 30, 100), CacheProperties.parse(config("name", "s", "max_entries", 5,
            "max_bytes", "1 GiB", "max_item_size", 100L, "eviction", " LRU ")).settings.limits(),
            "typed values, a space before the unit, any case of the policy");
        assertEquals(new Limits(7, 500_000, Limits.MAX_ITEM_SIZE), CacheProperties.parse(config("name", "s",
            "max_entries", new Long[] {7L}, "max_bytes", "500000", "max_item_size", "16MiB")).settings.limits(),
            "plain bytes; 16MiB is the largest value size");
        assertEquals(Limits.NONE, CacheProperties.parse(config("name", "s", "max_entries", " ", "max_bytes", "",
            "max_item_size", "", "eviction", "")).settings.limits(), "blank is the default");
        assertEquals(Limits.NONE, CacheProperties.parse(config("name", "s", "max_entries", 0, "max_bytes", "0")).settings
            .limits(), "0 is no limit");
    }

    @Test
    void theMetatypeDefaultsOfTheLimitsAreTheParsersOwn() {
        assertEquals(Limits.NONE, CacheProperties.parse(config("name", "s",
            "max_entries", CacheProperties.DEFAULT_MAX_ENTRIES, "max_bytes", CacheProperties.DEFAULT_MAX_BYTES,
            "max_item_size", CacheProperties.DEFAULT_MAX_ITEM_SIZE, "eviction", CacheProperties.DEFAULT_EVICTION))
            .settings.limits());
        assertEquals(Limits.MAX_ITEM_SIZE, ByteSizes.parse(CacheProperties.DEFAULT_MAX_ITEM_SIZE));
    }

    @Test
    void refusesCapacityMistakesNamingThePropertyAndValue() {
        assertEquals("property 'max_entries' = -1 is negative: use 0 for no limit",
            refused("name", "s", "max_entries", "-1"));
        assertEquals("property 'max_entries' = -5 is negative: use 0 for no limit",
            refused("name", "s", "max_entries", -5));
        assertEquals("property 'max_entries' = 'many' is not an integer", refused("name", "s", "max_entries", "many"));
        assertEquals("property 'max_entries' = '1.5' is not an integer", refused("name", "s", "max_entries", 1.5d));
        assertEquals("property 'max_entries' = '10MB' is not an integer", refused("name", "s", "max_entries", "10MB"));
        assertEquals("property 'max_entries' = 'true' is not an integer",
            refused("name", "s", "max_entries", Boolean.TRUE));
        assertEquals("property 'max_bytes' = '-64MB' is negative: use 0 for no limit",
            refused("name", "s", "max_bytes", "-64MB"));
        assertEquals("property 'max_bytes' = '-1' is negative: use 0 for no limit", refused("name", "s", "max_bytes", -1));
        assertEquals("property 'max_bytes': '64 parsecs' has an unknown unit: use KB, MB, GB, KiB, MiB or GiB",
            refused("name", "s", "max_bytes", "64 parsecs"));
        assertEquals("property 'max_bytes': '64TB' has an unknown unit: use KB, MB, GB, KiB, MiB or GiB",
            refused("name", "s", "max_bytes", "64TB"));
        assertTrue(refused("name", "s", "max_bytes", "lots").startsWith("property 'max_bytes': 'lots' is not a size"));
        assertTrue(refused("name", "s", "max_bytes", "99999999999GiB").startsWith("property 'max_bytes': "
            + "'99999999999GiB' is too large a size"));
        assertEquals("property 'max_bytes' = '1.5' is not a whole number of bytes", refused("name", "s", "max_bytes", 1.5d));
        assertEquals("property 'max_item_size' = '32MiB' is outside 1..16MiB (16777216 bytes)",
            refused("name", "s", "max_item_size", "32MiB"));
        assertEquals("property 'max_item_size' = '16777217' is outside 1..16MiB (16777216 bytes)",
            refused("name", "s", "max_item_size", 16_777_217));
        assertEquals("property 'max_item_size' = '0' is outside 1..16MiB (16777216 bytes)",
            refused("name", "s", "max_item_size", "0"));
        assertEquals("property 'max_item_size' = '-1KiB' is negative: use 1 to 16MiB",
            refused("name", "s", "max_item_size", "-1KiB"));
        assertTrue(refused("name", "s", "max_item_size", "big").startsWith("property 'max_item_size': 'big' is not a size"));
        assertEquals("property 'eviction' = 'lfu' is not an eviction policy: use lru (least recently used, "
            + "approximated by a clock)", refused("name", "s", "eviction", "lfu"));
        assertEquals("property 'max_entries' must have one value, not 2",
            refused("name", "s", "max_entries", new String[] {"1", "2"}));
    }

    @Test
    void keygroupsAreOffByDefaultAndCappedWhenOn() {
        assertEquals(0, CacheProperties.parse(config("name", "s")).settings.maxGroupItems());
        assertEquals(0, CacheProperties.parse(config("name", "s", "max_group_items", "5")).settings.maxGroupItems(),
            "max_group_items alone makes no groups");
        assertEquals(CacheProperties.DEFAULT_MAX_GROUP_ITEMS,
            CacheProperties.parse(config("name", "s", "keygroups", "true")).settings.maxGroupItems());
        assertEquals(50, CacheProperties.parse(config("name", "s", "keygroups", true, "max_group_items", 50L))
            .settings.maxGroupItems());
        assertEquals(0, CacheProperties.parse(config("name", "s", "keygroups", "false", "max_group_items", ""))
            .settings.maxGroupItems(), "blank is the default");
    }

    @Test
    void refusesKeygroupMistakesNamingThePropertyAndValue() {
        assertEquals("property 'max_group_items' = 0 is outside 1..10000000",
            refused("name", "s", "keygroups", "true", "max_group_items", "0"));
        assertEquals("property 'max_group_items' = 10000001 is outside 1..10000000",
            refused("name", "s", "max_group_items", 10_000_001), "checked while keygroups are off too");
        assertEquals("property 'max_group_items' = 'ten' is not an integer", refused("name", "s", "max_group_items", "ten"));
        assertTrue(refused("name", "s", "keygroups", "maybe").startsWith("property 'keygroups' = 'maybe' is not a boolean"));
        String withTable = refused("name", "s", "keygroups", "true", "dbtable", "t", "db_url", "jdbc:h2:mem:x");
        assertTrue(withTable.startsWith("properties 'keygroups' = true and 'dbtable' = 't' cannot go together"), withTable);
    }

    @Test
    void replicationIsOffByDefaultAndRaisesExpiriesAtTheOwnerWhenOn() {
        assertNull(CacheProperties.parse(config("name", "s")).replication);
        assertNull(CacheProperties.parse(config("name", "s", "expiry_events", "every-node")).replication,
            "expiry_events alone replicates nothing");
        assertEquals(Replica.ExpiryEvents.OWNER, CacheProperties.parse(config("name", "s", "replicate", "true")).replication);
        assertEquals(Replica.ExpiryEvents.EVERY_NODE, CacheProperties.parse(config("name", "s", "replicate", true,
            "expiry_events", " Every-Node ".strip())).replication);
        assertEquals(Replica.ExpiryEvents.OWNER, CacheProperties.parse(config("name", "s", "replicate", 1,
            "expiry_events", CacheProperties.DEFAULT_EXPIRY_EVENTS)).replication);
        assertEquals(CacheProperties.DEFAULT_REPLICATE, CacheProperties.parse(config("name", "s")).replication != null);
    }

    @Test
    void refusesReplicationMistakesNamingThePropertyAndValue() {
        assertEquals("property 'replicate' = 'yes' is not a boolean: use true, false, 1 or 0",
            refused("name", "s", "replicate", "yes"));
        String events = refused("name", "s", "replicate", "true", "expiry_events", "all");
        assertTrue(events.startsWith("property 'expiry_events' = 'all' is not a choice: use owner "), events);
        assertTrue(refused("name", "s", "expiry_events", "leader").startsWith("property 'expiry_events' = 'leader'"),
            "checked even while replicate is off, so switching it on never meets a bad value");
    }

    @Test
    void aLimitWithWriteBackAtStopIsRefusedForItWouldDeleteTheRowsOfEvictedEntries() {
        String entries = refused("name", "s", "dbtable", "t", "db_url", "jdbc:h2:mem:x", "dbmode", "on-stop",
            "max_entries", "1000");
        assertTrue(entries.startsWith("properties 'max_entries' = 1000 and 'dbmode' = 'on-stop' cannot go together: "),
            entries);
        assertTrue(entries.contains("would delete the rows of every entry evicted"), entries);
        assertTrue(entries.contains("use dbmode = write-through"), entries);
        assertTrue(refused("name", "s", "dbtable", "t", "db_url", "jdbc:h2:mem:x", "dbmode", "1", "max_bytes", "64MB")
            .startsWith("properties 'max_bytes' = '64MB' and 'dbmode' = '1' cannot go together: "), "htable's 1 as well");

        assertEquals(1000, CacheProperties.parse(config("name", "s", "dbtable", "t", "db_url", "jdbc:h2:mem:x",
            "dbmode", "write-through", "db_expires", "true", "max_entries", "1000")).settings.limits().maxEntries(),
            "write-through keeps the rows of evicted entries");
        assertEquals(1000, CacheProperties.parse(config("name", "s", "dbtable", "t", "db_url", "jdbc:h2:mem:x",
            "max_entries", "1000")).settings.limits().maxEntries(), "a table only read is never written");
        assertEquals(io.lapse.impl.store.WriteMode.ON_STOP, CacheProperties.parse(config("name", "s", "dbtable", "t",
            "db_url", "jdbc:h2:mem:x", "dbmode", "on-stop", "max_item_size", "1MiB")).store.mode(),
            "max_item_size evicts nothing");
        CacheProperties packed = CacheProperties.parse(config("name", "s", "dbtable", "t", "db_url", "jdbc:h2:mem:x",
            "cols", "prefix,gw", "dbmode", "on-stop", "max_entries", "10"));
        assertEquals(io.lapse.impl.store.WriteMode.NONE, packed.store.mode(), "packed columns only read, so no write-back");
        assertEquals(10, CacheProperties.parse(config("name", "s", "max_entries", "10", "dbmode", "on-stop", "dbtable",
            "")).settings.limits().maxEntries(), "without a table, dbmode writes nothing");
    }

    @Test
    void aLevelIsNoneByDefaultAFileWhenAskedAndRefusedWithWhatItCannotGoWith() {
        assertNull(CacheProperties.parse(config("name", "s")).level);
        assertNull(CacheProperties.parse(config("name", "s", "level", "", "level_path", "")).level, "blank is none");
        LevelSettings inData = CacheProperties.parse(config("name", "s", "level", "FILE")).level;
        assertEquals(java.nio.file.Path.of("/data/lapse-levels/s.mv"), inData.file(java.nio.file.Path.of("/data"), "s"));
        assertTrue(assertThrows(IllegalStateException.class, () -> inData.file(null, "s")).getMessage()
            .contains("set level_path"));
        assertEquals(java.nio.file.Path.of("/var/lapse/s.mv"), CacheProperties.parse(config("name", "s", "level",
            "file", "level_path", "/var/lapse/s.mv")).level.file(java.nio.file.Path.of("/data"), "s"));

        assertTrue(refused("name", "s", "level", "disk").startsWith("property 'level' = 'disk' is not a level"));
        assertTrue(refused("name", "s", "level_path", "/x.mv").startsWith("property 'level_path' = '/x.mv' is set but "
            + "'level' is not"));
        assertTrue(refused("name", "s", "level", "file", "level_path", "a\u0000b").startsWith(
            "property 'level_path' = 'a\u0000b' is not a path"));
        String idle = refused("name", "s", "level", "file", "idleexpire", "5m");
        assertEquals("property 'level' = 'file' cannot go with 'idleexpire' = '5m': every read would have to write "
            + "the level; use autoexpire or per-entry TTLs", idle);
        assertTrue(refused("name", "s", "level", "file", "keygroups", "true").contains("'keygroups' = true"));
        assertTrue(refused("name", "s", "level", "file", "replicate", "true").contains("'replicate' = true"));
        assertTrue(refused("name", "s", "level", "file", "dbtable", "t", "db_url", "jdbc:h2:mem:x")
            .contains("'dbtable' = 't': the file is the cache's store"));
        assertEquals(100, CacheProperties.parse(config("name", "s", "level", "file", "max_entries", 100L))
            .settings.limits().maxEntries(), "limits bound the heap table in front of a level");
    }

    @Test
    void aTableLevelTakesTheTableAndItsDatabaseAndRefusesWhatATableLevelCannotUse() {
        CacheProperties c = CacheProperties.parse(config("name", "s", "level", "table", "dbtable", "htable",
            "db_url", "jdbc:h2:mem:x", "db_timeout", "2s", "key_value_column", "val"));
        assertTrue(c.level.isTable());
        assertNull(c.store, "no store loads or writes back: the level is the store");
        assertNull(c.database);
        assertEquals("htable", c.level.table.table());
        assertEquals(java.time.Duration.ofSeconds(2), c.level.database.timeout);
        assertEquals("level table htable in jdbc:h2:mem:x", c.level.toString());
        assertEquals(c.level, CacheProperties.parse(config("name", "s", "level", "table", "dbtable", "htable",
            "db_url", "jdbc:h2:mem:x", "db_timeout", "2s", "key_value_column", "val")).level, "the same level twice");

        assertTrue(refused("name", "s", "level", "table").startsWith("property 'level' = 'table' needs 'dbtable'"));
        assertTrue(refused("name", "s", "level", "table", "dbtable", "t").contains("needs 'db_url' or 'db_datasource'"));
        assertTrue(refused("name", "s", "level", "table", "dbtable", "t", "db_url", "jdbc:h2:mem:x", "dbmode",
            "write-through").contains("cannot go with 'dbmode' = 'write-through'"));
        assertTrue(refused("name", "s", "level", "table", "dbtable", "t", "db_url", "jdbc:h2:mem:x", "db_expires",
            "false").contains("cannot go with 'db_expires' = false"));
        assertTrue(refused("name", "s", "level", "table", "dbtable", "t", "db_url", "jdbc:h2:mem:x", "cols",
            "a,b").contains("cannot go with 'cols'"));
        assertTrue(refused("name", "s", "level", "table", "dbtable", "t", "db_url", "jdbc:h2:mem:x", "level_path",
            "/x.mv").contains("remove 'level_path' = '/x.mv'"));
        assertTrue(refused("name", "s", "level", "table", "dbtable", "t", "db_url", "jdbc:h2:mem:x", "keygroups",
            "true").contains("'keygroups' = true"));
        assertEquals(CacheProperties.parse(config("name", "s", "level", "table", "dbtable", "t", "db_url",
            "jdbc:h2:mem:x", "dbmode", "none", "db_expires", "true")).level.table.table(), "t",
            "what the level does anyway may be said");
    }
}
