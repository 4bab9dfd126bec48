package io.lapse.impl.engine;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A clock that moves only when told to and can hold one thread inside one of its calls: the
 * trapped thread's {@code n}-th call of {@link #millis()} waits until {@link #release()}, so a
 * test can stop a lock-free reader at an exact point of its path and interleave another thread.
 */
final class TrapClock implements Clock {

    private final AtomicLong millis = new AtomicLong(1_000_000);
    private volatile Thread trapped;
    private volatile int callsLeft;
    private final CountDownLatch caught = new CountDownLatch(1);
    private final CountDownLatch released = new CountDownLatch(1);

    @Override
    public long millis() {
        if (Thread.currentThread() == trapped && --callsLeft == 0) {
            long seen = millis.get();
            caught.countDown();
            try {
                if (!released.await(30, TimeUnit.SECONDS)) {
                    throw new AssertionError("the trapped thread was never released");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            // the time it read before it was held up, as a thread pre-empted after the read
            return seen;
        }
        return millis.get();
    }

    @Override
    public long epochMillis() {
        return millis.get() + FakeClock.EPOCH_OFFSET;
    }

    /** Holds {@code thread} in its {@code call}-th call of {@link #millis()} from now on. */
    void trap(Thread thread, int call) {
        callsLeft = call;
        trapped = thread;
    }

    /** Waits until the trapped thread is held. */
    void awaitCaught() throws InterruptedException {
        if (!caught.await(10, TimeUnit.SECONDS)) {
            throw new AssertionError("the trapped thread never reached its clock call");
        }
    }

    void release() {
        released.countDown();
    }

    void set(long value) {
        millis.set(value);
    }

    long now() {
        return millis.get();
    }
}
