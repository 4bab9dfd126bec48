package io.lapse.impl.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.Test;

class ReadCountersTest {

    private static void runThreads(int count, Runnable body) throws InterruptedException {
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Thread t = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                body.run();
            });
            threads.add(t);
            t.start();
        }
        start.countDown();
        for (Thread t : threads) {
            t.join();
        }
    }

    @Test
    void countsExactlyFromManyThreadsAtOnce() throws InterruptedException {
        ReadCounters counters = new ReadCounters();
        runThreads(16, () -> {
            for (int i = 0; i < 100_000; i++) {
                counters.hit();
                if (i % 4 == 0) {
                    counters.miss();
                }
            }
        });
        assertEquals(1_600_000, counters.hits());
        assertEquals(400_000, counters.misses());
    }

    @Test
    void keepsTheCountsOfEndedThreadsWhoseCellsAreTakenBack() throws InterruptedException {
        ReadCounters counters = new ReadCounters();
        // Far more threads than cells, one after another: the cells of ended threads are taken
        // back (when a thread finds none free, and when the counts are read), never their counts.
        for (int round = 0; round < 20; round++) {
            runThreads(50, () -> {
                for (int i = 0; i < 1_000; i++) {
                    counters.hit();
                }
                counters.miss();
            });
            assertEquals((round + 1) * 50_000L, counters.hits());
        }
        assertEquals(1_000, counters.misses());
    }

    @Test
    void resetCountsFromZeroWithoutTouchingTheOwnersCells() throws InterruptedException {
        ReadCounters counters = new ReadCounters();
        for (int i = 0; i < 10; i++) {
            counters.hit();
        }
        counters.miss();
        runThreads(4, () -> counters.hit());
        counters.reset();
        assertEquals(0, counters.hits());
        assertEquals(0, counters.misses());
        counters.hit();
        runThreads(3, () -> counters.miss());
        assertEquals(1, counters.hits());
        assertEquals(3, counters.misses());
    }
}
