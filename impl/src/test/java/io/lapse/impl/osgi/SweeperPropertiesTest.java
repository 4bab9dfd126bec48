package io.lapse.impl.osgi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

class SweeperPropertiesTest {

    @Test
    void defaultsAndValues() {
        SweeperProperties d = SweeperProperties.parse(Map.of());
        assertEquals(1, d.threads);
        assertEquals(10, d.resolutionMillis);
        SweeperProperties c = SweeperProperties.parse(Map.of("threads", "4", "resolution", "250ms"));
        assertEquals(4, c.threads);
        assertEquals(250, c.resolutionMillis);
        assertEquals(2_000, SweeperProperties.parse(Map.of("resolution", 2)).resolutionMillis);
    }

    @Test
    void refusesOutOfRangeAndUnparseableValues() {
        assertTrue(message(Map.of("threads", "0")).contains("'threads' = 0 is outside 1..64"));
        assertTrue(message(Map.of("threads", "many")).contains("'threads' = 'many' is not an integer"));
        assertTrue(message(Map.of("resolution", "0ms")).contains("'resolution' = 0ms is outside"));
        assertTrue(message(Map.of("resolution", "2m")).contains("is outside"));
        assertTrue(message(Map.of("resolution", "fast")).contains("'resolution': 'fast' is not a duration"));
    }

    private static String message(Map<String, Object> properties) {
        return assertThrows(IllegalArgumentException.class, () -> SweeperProperties.parse(properties)).getMessage();
    }
}
