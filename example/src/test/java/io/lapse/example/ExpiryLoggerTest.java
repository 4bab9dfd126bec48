package io.lapse.example;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.osgi.service.event.Event;

class ExpiryLoggerTest {

    @Test
    void describesAnExpiryOnOneLine() {
        Event event = new Event("cache/expired", Map.of("cache.name", "sessions", "cache.key", "u1",
            "cache.value", "alice", "cache.expires", 0L));
        assertEquals("expired: cache 'sessions' key 'u1' value 'alice' deadline 1970-01-01T00:00:00Z",
            ExpiryLogger.describe(event));
        Event bytes = new Event("cache/expired", Map.of("cache.name", "blobs", "cache.key", "b",
            "cache.value", new byte[3]));
        assertEquals("expired: cache 'blobs' key 'b' value 3 bytes", ExpiryLogger.describe(bytes));
        Event number = new Event("cache/expired", Map.of("cache.name", "c", "cache.key", "n", "cache.value", 42L));
        assertEquals("expired: cache 'c' key 'n' value 42", ExpiryLogger.describe(number));
    }
}
