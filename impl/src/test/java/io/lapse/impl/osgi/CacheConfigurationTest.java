package io.lapse.impl.osgi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class CacheConfigurationTest {

    private static Map<String, Object> config(Object... pairs) {
        Map<String, Object> map = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put((String) pairs[i], pairs[i + 1]);
        }
        return map;
    }

    private static String refused(Object... pairs) {
        return assertThrows(IllegalArgumentException.class, () -> CacheConfiguration.parse(config(pairs))).getMessage();
    }

    @Test
    void appliesTheDocumentedDefaults() {
        CacheConfiguration c = CacheConfiguration.parse(config("name", "sessions"));
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
        CacheConfiguration c = CacheConfiguration.parse(config("name", "t", "size", "4", "autoexpire", "5m",
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
        CacheConfiguration c = CacheConfiguration.parse(config("name", new String[] {"t"}, "size", 3,
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
        CacheConfiguration big = CacheConfiguration.parse(config("name", "t", "size", "31"));
        assertEquals(20, big.settings.sizeBits());
        assertEquals(List.of("property 'size' = 31 is outside 2..20; using 20"), big.warnings);
        assertEquals(2, CacheConfiguration.parse(config("name", "t", "size", 0)).settings.sizeBits());
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
}
