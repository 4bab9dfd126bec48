package io.lapse.impl.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import io.lapse.testing.Await;

/**
 * The interleaving {@link PerKeyLinearizabilityTest} found in the idle variant, made
 * deterministic: a read that decides an idle entry is live, and then reads the clock again to
 * compute the extension after the entry's deadline passed, must not move that deadline. The read
 * restarts the idle time as of when it decided, so the entry still idles out at its deadline.
 */
class IdleReadDeadlineTest {

    /**
     * A clock that holds one thread inside its second call of {@link #millis()} until released;
     * every other call returns at once. Safe for use by several threads.
     */
    private static final class HoldingClock implements Clock {
        final AtomicLong millis = new AtomicLong(1_000_000);
        final CountDownLatch held = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        volatile Thread target;
        private final AtomicInteger calls = new AtomicInteger();

        @Override
        public long millis() {
            if (Thread.currentThread() == target && calls.incrementAndGet() == 2) {
                held.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return millis.get();
        }

        @Override
        public long epochMillis() {
            return millis.get() + ManualClock.EPOCH_OFFSET;
        }
    }

    @Test
    void aReadThatDecidedBeforeTheDeadlineNeverMovesItOnceItPassed() throws Exception {
        HoldingClock clock = new HoldingClock();
        // never ticked: every deadline check reads the clock
        CacheTable table = new CacheTable("idle-read", new CacheSettings(2, 0, true, 2, null), new TimeSource(clock),
            TableListener.NONE);
        long start = clock.millis.get();
        table.put("k", "v", Duration.ofMillis(3));
        // written at 0: idles out at 2, its write deadline is 3
        AtomicReference<Object> read = new AtomicReference<>();
        Thread reader = new Thread(() -> read.set(table.get("k")), "idle-reader");
        clock.target = reader;
        reader.start();
        // a read that calls the clock once has no window to hold: it just ends
        Await.until("the read to reach its second clock call or end",
            () -> clock.held.getCount() == 0 || !reader.isAlive());
        clock.millis.set(start + 2);
        clock.release.countDown();
        reader.join(TimeUnit.SECONDS.toMillis(10));
        assertFalse(reader.isAlive(), "the read did not end");

        if ("v".equals(read.get())) {
            // it decided at 0, before the deadline: its idle time restarts at 0, so at 2 k is gone
            assertFalse(table.containsKey("k"), "the read that decided at 0 kept k alive past 2, its idle deadline");
            assertNull(table.get("k"));
        } else {
            assertNull(read.get(), "the read decided at 2, after the deadline");
            assertFalse(table.containsKey("k"));
        }
        clock.millis.set(start + 3);
        assertEquals(0, table.size());
        table.close();
    }
}
