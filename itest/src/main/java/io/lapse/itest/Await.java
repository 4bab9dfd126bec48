package io.lapse.itest;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Bounded waits: poll a condition until it holds or a deadline passes, then fail naming it. */
final class Await {

    static final Duration TIMEOUT = Duration.ofSeconds(15);

    /**
     * How long an {@code @InjectService} waits for its service, in milliseconds: long enough for
     * any service of a healthy framework to appear on a slow machine.
     */
    static final long SERVICE_MILLIS = 10_000;

    private Await() {
    }

    static void until(String what, BooleanSupplier condition) {
        until(what, TIMEOUT, condition);
    }

    static void until(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }

    /** Waits until {@code value} returns what {@code expected} says, and reports the last value seen if not. */
    static <T> T until(String what, Supplier<T> value, java.util.function.Predicate<T> expected) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        T last = value.get();
        while (!expected.test(last)) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out waiting for " + what + "; last seen: " + last);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
            last = value.get();
        }
        return last;
    }
}
