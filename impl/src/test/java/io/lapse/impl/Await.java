package io.lapse.impl;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Bounded waits for the impl tests: poll a condition until it holds or a deadline passes, then fail naming it. */
public final class Await {

    private static final Duration DEFAULT = Duration.ofSeconds(10);
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

    private Await() {
    }

    /**
     * Waits until {@code condition} holds.
     *
     * @throws AssertionError naming {@code what} if it does not within 10 s
     */
    public static void until(String what, BooleanSupplier condition) throws Exception {
        until(what, DEFAULT, () -> condition.getAsBoolean() ? Boolean.TRUE : null);
    }

    /**
     * Waits until {@code value} returns something other than {@code null}, and returns it.
     *
     * @throws AssertionError naming {@code what} if it does not within {@code timeout}
     * @throws Exception whatever {@code value} throws, at once
     */
    public static <T> T until(String what, Duration timeout, Callable<T> value) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (;;) {
            T v = value.call();
            if (v != null) {
                return v;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + what);
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
    }
}
