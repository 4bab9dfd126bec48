package io.lapse.testing;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The one bounded wait of the build's tests: polls a condition until it holds or a deadline
 * passes, then fails naming what it waited for. A test never sleeps to let something happen; it
 * waits here for the state it expects, so a slow machine makes it slower, not red.
 *
 * <p>Shared by the modules' tests through the impl module's test jar. Stateless; any thread.
 */
public final class Await {

    /** How long a wait lasts unless told otherwise: long enough for a loaded CI machine. */
    public static final Duration TIMEOUT = Duration.ofSeconds(15);

    /**
     * How long an in-framework test waits for a service it injects, in ms: a compile-time
     * constant, as annotation attributes need.
     */
    public static final long SERVICE_MILLIS = 10_000;

    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
    private static final long PROBE_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private Await() {
    }

    /**
     * Waits until {@code condition} holds.
     *
     * @throws AssertionError naming {@code what} if it does not within {@link #TIMEOUT}
     */
    public static void until(String what, BooleanSupplier condition) {
        until(what, TIMEOUT, condition);
    }

    /**
     * Waits until {@code condition} holds.
     *
     * @throws AssertionError naming {@code what} if it does not within {@code timeout}
     */
    public static void until(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            giveUpAfter(deadline, timeout, what, null);
        }
    }

    /**
     * Waits until {@code value} returns something that {@code expected} accepts, and returns it.
     *
     * @throws AssertionError naming {@code what} and the last value seen if none is accepted
     *         within {@link #TIMEOUT}
     */
    public static <T> T until(String what, Supplier<T> value, Predicate<? super T> expected) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        T last = value.get();
        while (!expected.test(last)) {
            giveUpAfter(deadline, TIMEOUT, what, "; last seen: " + last);
            last = value.get();
        }
        return last;
    }

    /**
     * Waits until {@code value} returns something other than {@code null}, and returns it.
     *
     * @throws AssertionError naming {@code what} if it does not within {@code timeout}
     * @throws Exception whatever {@code value} throws, at once
     */
    public static <T> T value(String what, Duration timeout, Callable<T> value) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (;;) {
            T v = value.call();
            if (v != null) {
                return v;
            }
            giveUpAfter(deadline, timeout, what, null);
        }
    }

    /**
     * Asks {@code probe} until its answer satisfies {@code done}, pausing 100 ms between questions
     * (a probe of another process costs a round trip). An exception from the probe counts as "not
     * yet", since a server's connectors, services and MBeans come up in no fixed order; an
     * {@link AssertionError} ends the wait at once.
     *
     * @return the first satisfying answer
     * @throws AssertionError naming {@code what} and the last answer or exception seen if none
     *         satisfies within {@code timeout}
     */
    public static <T> T answer(String what, Duration timeout, Callable<T> probe, Predicate<? super T> done) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Object last = "(no answer yet)";
        for (;;) {
            try {
                T answer = probe.call();
                if (done.test(answer)) {
                    return answer;
                }
                last = answer;
            } catch (AssertionError fatal) {
                throw fatal;
            } catch (Exception e) {
                last = e;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + what
                    + "; last seen: " + last);
            }
            LockSupport.parkNanos(PROBE_PAUSE_NANOS);
        }
    }

    /** {@link #answer(String, Duration, Callable, Predicate)} for a probe that answers yes or no. */
    public static void answer(String what, Duration timeout, Callable<Boolean> probe) {
        answer(what, timeout, probe, Boolean.TRUE::equals);
    }

    private static void giveUpAfter(long deadline, Duration timeout, String what, String detail) {
        if (System.nanoTime() - deadline > 0) {
            throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + what
                + (detail == null ? "" : detail));
        }
        LockSupport.parkNanos(POLL_NANOS);
    }
}
