package io.lapse.impl.engine;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The one test clock of the build: it moves only when a test says so, and it can hold one thread
 * inside one of its calls, so that a test stops a lock-free reader at an exact point of its path
 * and interleaves another thread there.
 *
 * <p>The monotonic time starts at {@code 1_000_000} ms; the wall clock is the monotonic time plus
 * a fixed offset, {@link #EPOCH_OFFSET} unless the constructor is given the wall-clock time of
 * "now". Safe for use by any number of threads. Shared with the other modules' tests through the
 * impl module's test jar.
 */
public final class ManualClock implements Clock {

    /** The wall clock minus the monotonic time, for a clock made with {@link #ManualClock()}. */
    public static final long EPOCH_OFFSET = 1_700_000_000_000L;

    private static final long START = 1_000_000;

    private final AtomicLong millis = new AtomicLong(START);
    private final long epochOffset;
    private final CountDownLatch caught = new CountDownLatch(1);
    private final CountDownLatch released = new CountDownLatch(1);
    private volatile Thread trapped;
    private volatile int callsLeft;

    /** A clock whose wall time is its monotonic time plus {@link #EPOCH_OFFSET}. */
    public ManualClock() {
        this.epochOffset = EPOCH_OFFSET;
    }

    /** A clock whose wall time is now {@code epochNow} and moves with the monotonic time. */
    public ManualClock(long epochNow) {
        this.epochOffset = epochNow - START;
    }

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
        return millis.get() + epochOffset;
    }

    /** Moves the clock forward by {@code delta} ms (backward if negative). */
    public void advance(long delta) {
        millis.addAndGet(delta);
    }

    /** Sets the monotonic time to {@code value} ms. */
    public void set(long value) {
        millis.set(value);
    }

    /**
     * Holds {@code thread} in its {@code call}-th call of {@link #millis()} from now on, until
     * {@link #release()}; the held call returns the time it read before it was held. One trap per
     * clock.
     */
    public void trap(Thread thread, int call) {
        callsLeft = call;
        trapped = thread;
    }

    /**
     * Waits until the trapped thread is held.
     *
     * @throws AssertionError if it is not within 10 s
     */
    public void awaitCaught() throws InterruptedException {
        if (!caught.await(10, TimeUnit.SECONDS)) {
            throw new AssertionError("the trapped thread never reached its clock call");
        }
    }

    /** Lets the trapped thread go on. */
    public void release() {
        released.countDown();
    }
}
