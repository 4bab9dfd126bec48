package io.lapse.impl.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class SlotLockTest {

    private static class Slot extends SlotLock {
        /** Guarded by the lock; plain on purpose, so a lapse in exclusion loses increments. */
        long count;
        int inside;

        @Override
        void beforeWaiting() {
        }
    }

    @Test
    void excludesEveryOtherThreadUnderHeavyContention() throws Exception {
        Slot slot = new Slot();
        int threads = 6;
        int rounds = 200_000;
        AtomicBoolean overlap = new AtomicBoolean();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread w = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < rounds; i++) {
                    slot.lock();
                    try {
                        if (++slot.inside != 1) {
                            overlap.set(true);
                        }
                        slot.count++;
                        if ((i & 1023) == 0) {
                            // now and then hold the lock long enough for the others to park
                            Thread.yield();
                        }
                        slot.inside--;
                    } finally {
                        slot.unlock();
                    }
                }
            });
            workers.add(w);
            w.start();
        }
        start.countDown();
        for (Thread w : workers) {
            w.join(TimeUnit.SECONDS.toMillis(60));
            assertFalse(w.isAlive(), "a thread is stuck: a wake-up was lost");
        }
        assertFalse(overlap.get(), "two threads held the lock at once");
        assertEquals((long) threads * rounds, slot.count);
    }

    @Test
    void aThreadFindingTheLockHeldAsksBeforeWaitingAndMayBeRefused() throws Exception {
        Thread[] holder = new Thread[1];
        Slot slot = new Slot() {
            @Override
            void beforeWaiting() {
                if (holder[0] == Thread.currentThread()) {
                    throw new IllegalStateException("would wait for itself");
                }
            }
        };
        slot.lock();
        holder[0] = Thread.currentThread();
        IllegalStateException e = assertThrows(IllegalStateException.class, slot::lock);
        assertEquals("would wait for itself", e.getMessage());
        AtomicInteger took = new AtomicInteger();
        Thread other = new Thread(() -> {
            slot.lock();
            took.incrementAndGet();
            slot.unlock();
        });
        other.start();
        other.join(200);
        assertTrue(other.isAlive(), "the refusal left the lock held, so another thread waits");
        assertEquals(0, took.get());
        holder[0] = null;
        slot.unlock();
        other.join(TimeUnit.SECONDS.toMillis(10));
        assertEquals(1, took.get(), "the release lets the waiting thread in");
    }

    @Test
    void keepsAnInterruptThatCameWhileWaiting() throws Exception {
        Slot slot = new Slot();
        slot.lock();
        AtomicBoolean interruptedAfter = new AtomicBoolean();
        CountDownLatch acquired = new CountDownLatch(1);
        Thread waiter = new Thread(() -> {
            slot.lock();
            interruptedAfter.set(Thread.currentThread().isInterrupted());
            slot.unlock();
            acquired.countDown();
        });
        waiter.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (waiter.getState() != Thread.State.WAITING && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        waiter.interrupt();
        // the interrupt wakes the parked thread, which must go back to waiting, not take the lock
        assertFalse(acquired.await(100, TimeUnit.MILLISECONDS), "took a lock that is held");
        slot.unlock();
        assertTrue(acquired.await(10, TimeUnit.SECONDS));
        assertTrue(interruptedAfter.get(), "the interrupt must survive the wait");
    }
}
