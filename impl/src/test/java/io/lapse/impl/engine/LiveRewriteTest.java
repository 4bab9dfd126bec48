package io.lapse.impl.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.lapse.testing.Await;

/**
 * The put of a live key without the slot lock ({@link LiveRewrite}): when it is made, when it
 * gives way to the lock, and that code under the lock waits for one that is halfway (a writer
 * descheduled between its claim and its stores, played here by the test holding a claim).
 * {@link ExactlyOnceStressTest} and {@link PerKeyLinearizabilityTest} run it among every other
 * change.
 */
class LiveRewriteTest {

    private static final long TTL = 60_000;

    private final ManualClock clock = new ManualClock();
    private final TimeSource time = new TimeSource(clock);
    private final RecordingListener events = new RecordingListener();
    private final CacheTable table = new CacheTable("rewrites", new CacheSettings(4, TTL, true, 0, null), time, events);

    @AfterEach
    void close() {
        table.close();
    }

    private Node node(String key) {
        int h = CacheTable.spread(key.hashCode());
        Node[][] tabs = table.tables;
        return (Node) Segment.find(tabs, CacheTable.segmentIndex(h, tabs.length), key, h);
    }

    private boolean rewrite(Node n, Object v) {
        Node[][] tabs = table.tables;
        return table.rewrites.rewrite(n, tabs, CacheTable.segmentIndex(n.hash, tabs.length), v, Deadlines.DEFAULT,
            time.coarseNow(), table.settings);
    }

    private List<Object> removedValues() {
        return events.events.stream().filter(e -> e.kind == EventKind.REMOVED).map(e -> e.value)
            .collect(Collectors.toList());
    }

    @Test
    void aPutOfALiveKeyIsMadeWithoutTheLockAndCountedAmongThePuts() {
        table.put("k", "v1");
        clock.advance(5);
        table.put("k", "v2");

        assertEquals(1, table.rewrites.puts(), "the second put changed the live node without the lock");
        assertEquals(2, table.stats().puts());
        assertEquals("v2", table.get("k"));
        assertEquals(time.toEpochMillis(time.coarseNow() + TTL), table.getEntry("k").expiresAtMillis(),
            "the rewrite restarted the TTL (updateexpire)");
        table.resetStats();
        assertEquals(0, table.stats().puts());
    }

    @Test
    void aPutGivesWayWhileTheSlotLockIsHeld() {
        table.put("k", "v1");
        Node n = node("k");
        Segment s = table.lockForRead(n.hash);
        try {
            assertFalse(rewrite(n, "v2"));
        } finally {
            s.unlock();
        }
        assertEquals("v1", table.get("k"));
        assertEquals(0, table.rewrites.puts());
        assertTrue(n.deadlineWord() >= 0, "the claim was given up");
    }

    @Test
    void aNodeThatLeftTheTableIsNeverWritten() {
        table.put("k", "v1");
        Node stale = node("k");
        table.remove("k");

        assertFalse(rewrite(stale, "v2"), "found before the removal, gone by the claim");
        assertNull(table.get("k"));
        table.put("k", "v3");
        assertEquals("v3", table.get("k"));
    }

    @Test
    void valuesOfAnotherKindAndEarlierDeadlinesTakeTheLock() {
        table.put("k", "v1");
        assertFalse(rewrite(node("k"), new byte[] {1}), "a byte[] value needs a node of its kind");
        table.put("k", "v2", Duration.ofSeconds(1));
        assertEquals(0, table.rewrites.puts(), "an earlier deadline moves the node in its wheel, under the lock");
        assertEquals("v2", table.get("k"));
    }

    /**
     * Runs a step under the slot lock on another thread while a put holds the key's node halfway,
     * checks that the step waits, then completes the put with a value and a deadline {@code later}
     * than the node's, and returns what the step returned once it could go on.
     */
    private <T> T heldBack(String key, Runnable beforeStep, Supplier<T> step, Object value, long later)
        throws Exception {
        Node n = node(key);
        long word = n.deadlineWord();
        assertTrue(n.claim(word));
        beforeStep.run();
        CompletableFuture<T> done = CompletableFuture.supplyAsync(step);
        try {
            // it cannot finish while the put holds the node: a bounded wait for what must not happen
            assertFalse(await(done, 200), "the step went past a put halfway");
        } finally {
            n.rewrite(value, word + later);
        }
        return done.get(Await.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Test
    void aRemovalWaitsForAPutHalfwayAndReportsItsValue() throws Exception {
        table.put("k", "v1");
        assertEquals("v2", heldBack("k", () -> { }, () -> table.remove("k"), "v2", 0));
        assertEquals(List.of("v2"), removedValues());
        assertNull(table.get("k"));
    }

    @Test
    void expiryWaitsForAPutHalfwayThatMovesTheDeadlineOn() throws Exception {
        table.put("k", "v1");
        // the put read the time before the deadline passed, and gives the entry a new TTL
        heldBack("k", () -> clock.advance(TTL + 1), () -> table.sweep(0, 1), "v2", TTL);
        assertEquals("v2", table.get("k"), "the entry's new deadline has not passed");
        assertTrue(events.events.stream().noneMatch(e -> e.kind == EventKind.EXPIRED), "nothing expired");
        clock.advance(TTL);
        table.sweep(0, 1);
        assertEquals(1, events.events.stream().filter(e -> e.kind == EventKind.EXPIRED && "v2".equals(e.value)).count(),
            "the entry expires once, at its new deadline, with the value the put gave it");
    }

    /** Whether the future completed within the time; it failing is a failure of the test. */
    private static boolean await(CompletableFuture<?> f, long millis) {
        try {
            f.get(millis, TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
