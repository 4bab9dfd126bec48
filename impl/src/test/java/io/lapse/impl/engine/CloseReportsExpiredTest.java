package io.lapse.impl.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.lapse.cache.CacheEntry;

/**
 * Review B8: closing or draining a table dropped entries already past their deadline with no
 * event and no count. They are reported as expired, once, or counted as dropped when the events
 * can no longer be delivered.
 */
class CloseReportsExpiredTest {

    private static final int ENTRIES = 10_000;

    private final ManualClock clock = new ManualClock();
    private final TimeSource time = new TimeSource(clock);

    private CacheTable filled(TableListener listener) {
        CacheTable table = new CacheTable("stopping", new CacheSettings(4, 0, true, 0, null), time, listener);
        for (int i = 0; i < ENTRIES; i++) {
            table.put("due" + i, "v" + i, Duration.ofMillis(10));
        }
        table.put("live", "v", Duration.ofHours(1));
        clock.advance(20);
        return table;
    }

    @Test
    void closeReportsEveryEntryPastItsDeadlineOnce() {
        RecordingListener events = new RecordingListener();
        CacheTable table = filled(events);
        assertEquals(ENTRIES, table.close());
        List<String> expired = events.keys(EventKind.EXPIRED);
        assertEquals(ENTRIES, expired.size());
        assertEquals(ENTRIES, new HashSet<>(expired).size(), "each once");
        assertEquals(ENTRIES, table.stats().expirations(), "counted, and readable after the close");
        assertEquals(0, table.close(), "a second close reports nothing");
        assertEquals(ENTRIES, events.keys(EventKind.EXPIRED).size());
    }

    @Test
    void drainReportsThemAndReturnsOnlyTheLiveEntries() {
        RecordingListener events = new RecordingListener();
        CacheTable table = filled(events);
        List<CacheEntry> live = table.drain();
        assertEquals(1, live.size());
        assertEquals("live", live.get(0).key());
        assertEquals(ENTRIES, events.keys(EventKind.EXPIRED).size());
        assertEquals(ENTRIES, table.expiredAtClose());
    }

    @Test
    void whenTheEventsCannotGoOutTheyAreCountedAsDropped() {
        // what the bundle's publisher does once EventAdmin is gone: it counts what it could not
        // deliver, and the table reads that count
        Set<String> seen = new HashSet<>();
        java.util.concurrent.atomic.AtomicLong undelivered = new java.util.concurrent.atomic.AtomicLong();
        TableListener gone = new TableListener() {
            @Override
            public boolean wants(EventKind kind) {
                return true;
            }

            @Override
            public void entry(EventKind kind, String cache, String key, Object value, long expiresAtMillis) {
                seen.add(key);
                undelivered.incrementAndGet();
            }

            @Override
            public void table(EventKind kind, String cache, long count) {
            }

            @Override
            public long undelivered() {
                return undelivered.get();
            }
        };
        CacheTable table = filled(gone);
        table.close();
        assertEquals(ENTRIES, seen.size());
        assertEquals(ENTRIES, table.stats().eventsDropped());
    }
}
