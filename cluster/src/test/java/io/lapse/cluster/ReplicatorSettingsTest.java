package io.lapse.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** A replicator's settings: defaults, durations as Lapse writes them, errors naming property and value. */
class ReplicatorSettingsTest {

    @Test
    void defaultsAndProperties() {
        ReplicatorSettings d = ReplicatorSettings.defaults();
        assertEquals(100_000, d.outboxCapacity());
        assertEquals(Duration.ofSeconds(30), d.syncTimeout());
        ReplicatorSettings s = ReplicatorSettings.from(Map.of("outbox_capacity", "5000", "sync_timeout", "2m"));
        assertEquals(5_000, s.outboxCapacity());
        assertEquals(Duration.ofMinutes(2), s.syncTimeout());
        assertEquals(Duration.ofSeconds(45), ReplicatorSettings.from(Map.of("sync_timeout", 45)).syncTimeout());
    }

    @Test
    void mistakesNameThePropertyAndTheValue() {
        assertRefused(Map.of("outbox_capacity", 0), "outbox_capacity 0");
        assertRefused(Map.of("outbox_capacity", "many"), "outbox_capacity 'many'");
        assertRefused(Map.of("sync_timeout", "100ms"), "sync_timeout 100ms");
        assertRefused(Map.of("sync_timeout", "soon"), "sync_timeout: 'soon'");
        assertRefused(Map.of("sync_timeout", 7_200), "sync_timeout 7200s");
        assertRefused(Map.of("sync_timeout", 1.5), "sync_timeout is a duration");
    }

    private static void assertRefused(Map<String, ?> properties, String saying) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> ReplicatorSettings.from(properties));
        assertTrue(e.getMessage().contains(saying), "'" + e.getMessage() + "' should say '" + saying + "'");
    }
}
