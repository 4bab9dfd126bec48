package io.lapse.impl.osgi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.lapse.testing.Await;

/** Review B10: the events waiting for their handlers are bounded, counted when dropped, logged once per burst. */
class EventQueueTest {

    private final ExecutorService executor = Executors.newFixedThreadPool(2);
    private final List<Integer> delivered = new CopyOnWriteArrayList<>();
    private final AtomicLong dropped = new AtomicLong();
    private final List<String> log = new CopyOnWriteArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void stop() {
        release.countDown();
        executor.shutdownNow();
    }

    private EventQueue<Integer> queue(int maxEvents, long maxBytes, boolean blocked) {
        return new EventQueue<>(i -> "q", i -> i, maxEvents, maxBytes, executor, i -> {
            if (blocked) {
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            delivered.add(i);
            return true;
        }, i -> dropped.incrementAndGet(), log::add);
    }

    @Test
    void deliversEverythingInOrder() throws Exception {
        EventQueue<Integer> q = queue(1_000_000, Long.MAX_VALUE, false);
        for (int i = 0; i < 10_000; i++) {
            assertTrue(q.offer(i, 10));
        }
        Await.until("10,000 delivered", () -> delivered.size() == 10_000);
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            expected.add(i);
        }
        assertEquals(expected, delivered);
        assertEquals(0, dropped.get());
    }

    @Test
    void pastItsCountItDropsCountsAndLogsOncePerBurst() throws Exception {
        EventQueue<Integer> q = queue(100, Long.MAX_VALUE, true);
        int offered = 0;
        int accepted = 0;
        for (; offered < 1_000; offered++) {
            if (q.offer(offered, 10)) {
                accepted++;
            }
        }
        // the first is being delivered (held), 100 wait: the rest are dropped
        assertTrue(accepted <= 101, accepted + " accepted");
        assertEquals(offered - accepted, dropped.get());
        assertEquals(1, log.size(), "one line for the burst: " + log);
        assertTrue(log.get(0).contains("cache 'q'") && log.get(0).contains("EventsDropped"), log.get(0));
        release.countDown();
        int taken = accepted;
        Await.until("the backlog delivered", () -> delivered.size() == taken);
        Await.until("the recovery logged", () -> log.size() == 2);
        assertTrue(log.get(1).contains((offered - accepted) + " events were dropped"), log.get(1));
        assertTrue(q.offer(-1, 10), "takes events again");
        Await.until("delivered", () -> delivered.contains(-1));
    }

    @Test
    void pastItsBytesItDropsToo() {
        EventQueue<Integer> q = queue(1_000_000, 1_000, true);
        int accepted = 0;
        for (int i = 0; i < 100; i++) {
            if (q.offer(i, 100)) {
                accepted++;
            }
        }
        assertTrue(accepted <= 11, accepted + " accepted");
        assertEquals(100 - accepted, dropped.get());
    }

    @Test
    void closeWaitsBoundedThenDropsAndCountsTheRest() {
        EventQueue<Integer> q = queue(1_000, Long.MAX_VALUE, true);
        for (int i = 0; i < 50; i++) {
            q.offer(i, 10);
        }
        long start = System.nanoTime();
        long left = q.close(200);
        long tookMillis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(tookMillis >= 150 && tookMillis < 2_000, "close took " + tookMillis + " ms");
        assertTrue(left >= 49, left + " dropped at close");
        assertFalse(q.offer(99, 10), "closed");
        assertEquals(left + 1, dropped.get());
    }

    @Test
    void aStoppedExecutorDropsAndCounts() {
        executor.shutdown();
        EventQueue<Integer> q = queue(1_000, Long.MAX_VALUE, false);
        q.offer(1, 10);
        assertEquals(1, dropped.get());
        assertEquals(0, q.size());
    }

    /**
     * The smallest mark among the events not finished with, through deliveries one at a time:
     * what a cache publishes as how far its expiries are delivered. Negative items carry no mark.
     */
    @Test
    void theOldestMarkIsTheSmallestOfTheEventsWaitingOrBeingDelivered() {
        Semaphore permits = new Semaphore(0);
        List<Integer> started = new CopyOnWriteArrayList<>();
        EventQueue<Integer> q = new EventQueue<>(i -> "q", i -> i < 0 ? EventQueue.NO_MARK : i, 1_000,
            Long.MAX_VALUE, executor, i -> {
                started.add(i);
                permits.acquireUninterruptibly();
                delivered.add(i);
                return true;
            }, i -> dropped.incrementAndGet(), log::add);
        assertEquals(EventQueue.NO_MARK, q.oldestMark(), "nothing taken");
        q.offer(50, 10);
        Await.until("50 being delivered", () -> started.size() == 1);
        assertEquals(50, q.oldestMark(), "the one being delivered counts");
        for (int i : new int[] {30, -1, 40, 60}) {
            q.offer(i, 10);
        }
        assertEquals(30, q.oldestMark(), "a later event with an earlier mark");
        int[] expectedAfterEach = {30, 40, 40, 60};
        for (int step = 0; step < expectedAfterEach.length; step++) {
            permits.release();
            int next = step + 2;
            Await.until("the next delivery started", () -> started.size() == next);
            assertEquals(expectedAfterEach[step], q.oldestMark(), "after " + (step + 1) + " delivered");
        }
        permits.release();
        Await.until("all five delivered", () -> delivered.size() == 5);
        Await.until("no mark once everything is delivered", () -> q.oldestMark() == EventQueue.NO_MARK);
    }

    @Test
    void droppedEventsLeaveTheMarkButTheOneBeingDeliveredKeepsIt() {
        Semaphore permits = new Semaphore(0);
        List<Integer> started = new CopyOnWriteArrayList<>();
        EventQueue<Integer> q = new EventQueue<>(i -> "q", i -> i, 2, Long.MAX_VALUE, executor, i -> {
            started.add(i);
            permits.acquireUninterruptibly();
            return true;
        }, i -> dropped.incrementAndGet(), log::add);
        q.offer(70, 10);
        Await.until("70 being delivered", () -> started.size() == 1);
        q.offer(20, 10);
        q.offer(10, 10);
        assertFalse(q.offer(5, 10), "full: dropped, never marked");
        assertEquals(10, q.oldestMark());
        assertEquals(2, q.close(0), "the two waiting dropped at close");
        assertEquals(70, q.oldestMark(), "still being delivered");
        permits.release();
        Await.until("the delivery finished", () -> q.oldestMark() == EventQueue.NO_MARK);
        assertEquals(3, dropped.get());
    }
}
