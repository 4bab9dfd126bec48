package io.lapse.impl.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.lapse.cache.Cache;
import io.lapse.cache.EntryEditor;

/**
 * {@link io.lapse.cache.Cache#edit}, with a fake clock: the step sees the entry as it was, the last
 * change it asks for is applied in the same hold of the slot lock, and every outcome is reported
 * and counted as the single-key write it matches; an entry it expires is reported once.
 */
class EditStepTest {

    private final ManualClock clock = new ManualClock();
    private final TimeSource time = new TimeSource(clock);
    private final RecordingListener events = new RecordingListener();
    private final CacheTable table = new CacheTable("e", new CacheSettings(4, 1_000, false, 0, null)
        .withStatistics(true), time, events);

    @AfterEach
    void close() {
        table.close();
    }

    @Test
    void theStepSeesTheEntryAndItsResultIsReturned() {
        table.put("k", "v", Duration.ofSeconds(5));
        long deadline = table.getEntry("k").expiresAtMillis();
        String seen = table.edit("k", e -> e.key() + "=" + e.value() + "@" + e.expiresAtMillis() + "/" + e.exists());
        assertEquals("k=v@" + deadline + "/true", seen);
        assertEquals("missing=null@0/false", table.edit("missing",
            e -> e.key() + "=" + e.value() + "@" + e.expiresAtMillis() + "/" + e.exists()));
        assertEquals(1, table.stats().puts(), "a step that asks for nothing counts no put");
    }

    @Test
    void putsGiveTheDefaultAnOwnOrTheKeptDeadline() {
        table.edit("d", e -> {
            e.put("1");
            return null;
        });
        assertEquals(time.toEpochMillis(time.now() + 1_000), table.getEntry("d").expiresAtMillis(), "autoexpire");
        table.edit("t", e -> {
            e.put("1", Duration.ofMillis(300));
            return null;
        });
        assertEquals(time.toEpochMillis(time.now() + 300), table.getEntry("t").expiresAtMillis());
        long kept = table.getEntry("t").expiresAtMillis();
        clock.advance(100);
        table.edit("t", e -> {
            e.putKeepingDeadline("2");
            return null;
        });
        assertEquals("2", table.get("t"));
        assertEquals(kept, table.getEntry("t").expiresAtMillis(), "the deadline stays");
        table.edit("t", e -> {
            e.setTtl(Duration.ZERO);
            return null;
        });
        assertEquals(0, table.getEntry("t").expiresAtMillis(), "a TTL of zero: never");
        assertEquals(3, table.stats().puts(), "three puts, and a new TTL that is no put");
    }

    @Test
    void anEntryExpiredByAStepIsInvisibleAtOnceAndReportedOnce() {
        table.put("k", "v", Duration.ofSeconds(5));
        table.edit("k", e -> {
            e.expireNow();
            return null;
        });
        assertNull(table.get("k"));
        assertFalse(table.containsKey("k"));
        assertEquals(List.of("k"), events.keys(EventKind.EXPIRED), "reported by the read that met it");
        clock.advance(10_000);
        assertEquals(0, table.size());
        assertEquals(List.of("k"), events.keys(EventKind.EXPIRED), "and not again");
        assertEquals(1, table.stats().expirations());
    }

    @Test
    void aRemovalIsReportedAsOneAndTheLastAskedForChangeWins() {
        table.put("k", "v");
        table.edit("k", e -> {
            e.put("never stored");
            e.remove();
            return null;
        });
        assertNull(table.get("k"));
        assertEquals(List.of("k"), events.keys(EventKind.REMOVED));
        table.edit("k", e -> {
            e.remove();
            e.put(new byte[] {1, 2});
            return null;
        });
        assertArrayEquals(new byte[] {1, 2}, (byte[]) table.get("k"));
        assertEquals(List.of("k"), events.keys(EventKind.REMOVED), "a removal overruled by a put is no removal");
    }

    @Test
    void aStepThatThrowsChangesNothingAndRefusedCallsAskForNothing() {
        table.put("k", "v");
        assertThrows(IllegalStateException.class, () -> table.edit("k", e -> {
            e.put("changed");
            throw new IllegalStateException("the step's own failure");
        }));
        assertEquals("v", table.get("k"));
        IllegalArgumentException tooLong = assertThrows(IllegalArgumentException.class, () -> table.edit("k", e -> {
            e.put("x".repeat(Cache.MAX_VALUE_LENGTH + 1));
            return null;
        }));
        assertTrue(tooLong.getMessage().contains("'e'"), tooLong.getMessage());
        assertEquals("v", table.get("k"));
        IllegalStateException noEntry = assertThrows(IllegalStateException.class,
            () -> table.edit("missing", e -> {
                e.setTtl(Duration.ofSeconds(1));
                return null;
            }));
        assertTrue(noEntry.getMessage().contains("missing") && noEntry.getMessage().contains("no live entry"),
            noEntry.getMessage());
        assertThrows(IllegalStateException.class, () -> table.edit("missing", e -> {
            e.expireNow();
            return null;
        }));
        assertThrows(NullPointerException.class, () -> table.edit("k", e -> {
            e.put(null);
            return null;
        }));
        assertThrows(NullPointerException.class, () -> table.edit("k", null));
        assertThrows(NullPointerException.class, () -> table.edit(null, e -> null));
        assertEquals("v", table.get("k"));
    }

    @Test
    void theEditorDiesWithItsStepAndWritesFromInsideAreRefused() {
        table.put("k", "v");
        EntryEditor kept = table.edit("k", e -> e);
        IllegalStateException late = assertThrows(IllegalStateException.class, kept::value);
        assertTrue(late.getMessage().contains("after its edit step returned"), late.getMessage());
        assertThrows(IllegalStateException.class, () -> kept.put("x"));
        assertThrows(IllegalStateException.class, () -> table.edit("k", e -> {
            table.put("other", "x");
            return null;
        }));
        assertEquals("v", table.edit("k", e -> table.get("k")), "single-key reads are allowed");
        assertNull(table.get("other"));
    }
}
