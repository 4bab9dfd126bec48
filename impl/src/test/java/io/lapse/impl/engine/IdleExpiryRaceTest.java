package io.lapse.impl.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import io.lapse.cache.Match;

/**
 * The two races of idle expiry the review found (B4, B5), each made deterministic: a reader is
 * held inside its clock call after it has judged an idle entry live and before it raises the
 * entry's deadline, while another thread judges the same entry expired.
 */
class IdleExpiryRaceTest {

    private static final long T0 = 1_000_000;
    private static final long IDLE = 100;

    private final ManualClock clock = new ManualClock();
    private final TimeSource time = new TimeSource(clock);
    private final RecordingListener events = new RecordingListener();
    private final CacheTable table = new CacheTable("idle", new CacheSettings(2, 0, true, IDLE, null), time, events);

    /**
     * Two keys of one slot, the first in an earlier bucket, so that a pass over the slot meets
     * (and reports) the first before the second.
     */
    private static String[] sameSlotInOrder(String a, String b) {
        for (int i = 0; i < 10_000; i++) {
            for (int j = 0; j < 100; j++) {
                String ka = a + i;
                String kb = b + j;
                int ha = CacheTable.spread(ka.hashCode());
                int hb = CacheTable.spread(kb.hashCode());
                if (CacheTable.segmentIndex(ha, 4) == CacheTable.segmentIndex(hb, 4) && (ha & 3) < (hb & 3)) {
                    return new String[] {ka, kb};
                }
            }
        }
        throw new AssertionError("no such keys");
    }

    /** Starts a get of {@code key} that stops in its second clock call: after its verdict "live", before its touch. */
    private Thread heldReader(String key, AtomicReference<Object> got) throws InterruptedException {
        Thread reader = new Thread(() -> got.set(table.get(key)), "held-reader");
        clock.trap(reader, 2);
        reader.start();
        clock.awaitCaught();
        return reader;
    }

    @Test
    void anIdleEntryTakenOutByAMatchIsReportedExpiredNotRemoved() throws Exception {
        // Review B4: removeKeys judged the entry expired under the lock, then judged it again
        // after the reader had raised its deadline, and reported it REMOVED (and counted it).
        String[] keys = sameSlotInOrder("a", "b");
        String a = keys[0];
        String b = keys[1];
        clock.set(T0);
        table.put(a, "va", Duration.ofMillis(10));
        table.put(b, "vb");
        clock.set(T0 + 50);
        AtomicReference<Object> got = new AtomicReference<>("not read");
        Thread reader = heldReader(b, got);
        // b's deadline (T0 + 100) has passed for the match, but not the raise the reader will
        // make (T0 + 50 + 100)
        clock.set(T0 + 120);
        events.hook = e -> {
            if (e.kind == EventKind.EXPIRED && e.key.equals(a)) {
                clock.release();
                try {
                    reader.join(10_000);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        long removed = table.removeKeys(Match.prefix(a));
        reader.join(10_000);

        assertEquals(0, removed, "nothing live matched: " + a + " had expired and " + b + " does not match");
        assertEquals(List.of(), events.keys(EventKind.REMOVED));
        assertEquals(List.of(a, b), events.keys(EventKind.EXPIRED));
        RecordingListener.Event expiredB = events.of(EventKind.EXPIRED).stream().filter(e -> e.key.equals(b))
            .findFirst().get();
        assertEquals(time.toEpochMillis(T0 + 100), expiredB.expiresAt, "the deadline the verdict was taken on");
        assertNull(table.get(b));
        assertEquals(2, table.stats().expirations());
        assertEquals(0, table.stats().removals());
    }

    @Test
    void anIdleReadNeverBringsBackAnEntryAnotherReadSawExpire() throws Exception {
        // Review B5: a read delayed between its verdict and its raise moved the deadline of an
        // entry another read had already found expired, and the entry came back.
        String b = "b";
        clock.set(T0);
        table.put(b, "vb");
        clock.set(T0 + 50);
        AtomicReference<Object> got = new AtomicReference<>("not read");
        Thread reader = heldReader(b, got);
        clock.set(T0 + 120);
        assertNull(table.get(b), "past its idle deadline T0 + 100");
        clock.release();
        reader.join(10_000);

        assertNull(table.get(b), "a read that saw the entry expire was followed by one that saw it again");
        assertTrue(got.get() == null || "vb".equals(got.get()), "the held read saw " + got.get());
        assertEquals(List.of(b), events.keys(EventKind.EXPIRED), "expired exactly once");
        clock.set(T0 + 10_000);
        table.sweep(0, 1);
        assertEquals(List.of(b), events.keys(EventKind.EXPIRED), "and never again");
        assertEquals(0, table.size());
    }
}
