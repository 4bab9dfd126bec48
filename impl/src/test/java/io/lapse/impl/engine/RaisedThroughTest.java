package io.lapse.impl.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.lapse.cache.replication.Replica;

/**
 * How far a replicated table says its expiries are raised ({@link Replication#raisedThrough}):
 * what a member publishes so that, when it crashes, the member taking its keys over raises again
 * exactly what it may not have delivered. The figure must never pass an expiry the table has not
 * reported yet, nor one its listener has not finished delivering.
 */
class RaisedThroughTest {

    private final ManualClock clock = new ManualClock();
    private final TimeSource time = new TimeSource(clock);
    private final RecordingListener events = new RecordingListener();
    private final CacheTable table = new CacheTable("t", new CacheSettings(4, 0, true, 0, null), time, events);
    private final Replication replica = table.replicate(Replica.ExpiryEvents.OWNER);
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void close() {
        release.countDown();
        table.close();
    }

    /** @return another key of the same slot as a key */
    private String neighbourOf(String key) {
        int slots = table.segments.length;
        int slot = CacheTable.segmentIndex(CacheTable.spread(key.hashCode()), slots);
        for (int i = 0;; i++) {
            String other = "n" + i;
            if (CacheTable.segmentIndex(CacheTable.spread(other.hashCode()), slots) == slot) {
                return other;
            }
        }
    }

    private long epoch(long monotonic) {
        return time.toEpochMillis(monotonic);
    }

    @Test
    void nothingIsClaimedBeforeTheFirstSweep() {
        table.put("k", "v", Duration.ofMillis(100));
        assertEquals(Long.MIN_VALUE, replica.raisedThrough(), "the provider falls back on its own estimate");
    }

    @Test
    void aSweepWithNothingDueClaimsItsTimeAndNeverAnExpiryStillInTheTable() {
        long start = clock.millis();
        table.put("k", "v", Duration.ofMillis(100));
        clock.advance(50);
        table.sweep(0, 1);
        assertEquals(epoch(start + 50), replica.raisedThrough(), "nothing was due through now");

        clock.advance(100);
        assertEquals(epoch(start + 50), replica.raisedThrough(), "k is due, not yet taken out: not claimed");
        table.sweep(0, 1);
        assertEquals("k", events.keys(EventKind.EXPIRED).get(0));
        assertEquals(epoch(start + 150), replica.raisedThrough(), "k reported: through the sweep's time");
    }

    @Test
    void aSegmentLeftLockedHoldsTheFigureBackUntilItIsSwept() throws Exception {
        long start = clock.millis();
        table.put("k", "v", Duration.ofMillis(100));
        table.sweep(0, 1);
        assertEquals(epoch(start), replica.raisedThrough());
        // a compute of an absent key of k's slot holds the slot and changes nothing
        String neighbour = neighbourOf("k");
        CountDownLatch inside = new CountDownLatch(1);
        Thread computer = new Thread(() -> table.compute(neighbour, (k, v) -> {
            inside.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        }), "holds k's slot");
        computer.start();
        assertTrue(inside.await(5, TimeUnit.SECONDS));
        clock.advance(200);
        table.sweep(0, 1);
        assertEquals(epoch(start), replica.raisedThrough(), "k's slot was passed over: k is not claimed");

        release.countDown();
        computer.join(5_000);
        clock.advance(10);
        table.sweep(0, 1);
        assertEquals(1, events.keys(EventKind.EXPIRED).size());
        assertEquals(epoch(start + 210), replica.raisedThrough());
    }

    @Test
    void anExpiryWaitingForItsHandlersHoldsTheFigureBeforeItsDeadline() {
        long start = clock.millis();
        clock.advance(1_000);
        table.sweep(0, 1);
        long deadline = epoch(start + 300);
        events.undeliveredSince = deadline;
        assertEquals(deadline - 1, replica.raisedThrough(), "delivered through the moment before it");
        events.undeliveredSince = Long.MAX_VALUE;
        assertEquals(epoch(start + 1_000), replica.raisedThrough(), "delivered: the sweep's time again");
    }

    @Test
    void theFigureSurvivesAChangeOfSweeperThreads() {
        long start = clock.millis();
        table.sweep(0, 1);
        assertEquals(epoch(start), replica.raisedThrough());
        clock.advance(10);
        table.sweep(0, 2);
        assertEquals(Long.MIN_VALUE, replica.raisedThrough(), "with two threads, partition 1 is not swept yet");
        table.sweep(1, 2);
        assertEquals(epoch(start + 10), replica.raisedThrough());
    }
}
