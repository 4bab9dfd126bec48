package io.lapse.karaf;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

/**
 * Bounded waits on a remote Karaf: a probe is called again and again until what it returns is
 * acceptable or the time is up, and then the wait fails naming what it waited for and the last
 * answer (or exception) it saw. A probe's exception counts as "not yet": Karaf's connectors,
 * services and MBeans come up in no fixed order.
 */
final class Poll {

    private static final long PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private Poll() {
    }

    /**
     * Calls {@code probe} until its answer satisfies {@code done}.
     *
     * @param what what is awaited, for the failure message
     * @param timeout how long to try
     * @param probe the question, asked again after each unsatisfying answer or exception
     * @param done whether an answer ends the wait
     * @return the first satisfying answer
     * @throws AssertionError when the time is up
     */
    static <T> T until(String what, Duration timeout, Callable<T> probe, Predicate<? super T> done) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Object last = "(no answer yet)";
        while (true) {
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
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what
                    + "; last seen: " + last);
            }
            LockSupport.parkNanos(PAUSE_NANOS);
        }
    }

    /** Calls {@code condition} until it answers {@code true}; see {@link #until(String, Duration, Callable, Predicate)}. */
    static void until(String what, Duration timeout, Callable<Boolean> condition) {
        until(what, timeout, condition, Boolean.TRUE::equals);
    }
}
