package io.lapse.impl.engine;

import java.util.function.Consumer;

/**
 * The expiry of a backing level's entries: one thread per backed table, which sleeps until the
 * level's earliest deadline, then deletes and reports every row whose deadline has passed
 * ({@link LevelBacking#expireDue()}), whether or not the heap table holds the entry. A write with an
 * earlier deadline than the one the thread sleeps until wakes it, and so does the table dropping a
 * node past its deadline, so an expiry is reported within the scheduler's wake-up latency and one
 * level round trip of its deadline, idle cache or not.
 *
 * <h2>Faults</h2>
 * A level that fails is reported to the failure callback (the first time, then at most once every
 * {@value #REPORT_MILLIS} ms while it keeps failing, so a database that is down for an hour is not
 * an error a second) and tried again {@value #RETRY_MILLIS} ms later;
 * nothing is lost meanwhile: rows stay until they are deleted, and a row still there has not been
 * reported.
 *
 * <p>Lifecycle: the thread runs between {@link #start} and {@link #close()}; the owner (the cache's
 * component) starts it once the table is backed and closes it before the table. Thread safety:
 * all methods may be called from any thread.
 */
public final class LevelExpiry implements AutoCloseable {

    /** How long after a failure the thread tries again. */
    static final long RETRY_MILLIS = 1_000;
    /** How often a level that keeps failing is reported, at most. */
    static final long REPORT_MILLIS = 10_000;
    /** The longest sleep: the thread looks at the level at least this often, deadline or not. */
    static final long MAX_SLEEP_MILLIS = 60_000;
    private static final long JOIN_MILLIS = 10_000;

    private final LevelBacking backing;
    /** Guards {@link #wakeAt}, {@link #stopped} and {@link #thread}; the thread waits on it. */
    private final Object signal = new Object();
    /**
     * When the thread is to run next, monotonic ms; written under {@link #signal}, volatile so that
     * a write whose deadline is later (most are) passes by without taking the monitor.
     */
    private volatile long wakeAt = Long.MIN_VALUE;
    private boolean stopped;
    private Thread thread;

    LevelExpiry(LevelBacking backing) {
        this.backing = backing;
    }

    /**
     * Starts the thread, once.
     *
     * @param threadName the thread's name
     * @param failures told of a failed round of expiry; the thread goes on
     * @throws IllegalStateException if started before or closed
     */
    public void start(String threadName, Consumer<Throwable> failures) {
        synchronized (signal) {
            if (thread != null || stopped) {
                throw new IllegalStateException("the level expiry of cache '" + backing.table.name()
                    + "' was started before");
            }
            thread = new Thread(() -> run(failures), threadName);
            thread.setDaemon(true);
            thread.start();
        }
    }

    /**
     * Makes the thread run by a monotonic time, if it would sleep longer.
     *
     * @param deadline monotonic ms
     */
    void wake(long deadline) {
        if (deadline >= wakeAt) {
            return;
        }
        synchronized (signal) {
            if (deadline < wakeAt) {
                wakeAt = deadline;
                signal.notifyAll();
            }
        }
    }

    /** For tests: when the thread is to run next, monotonic ms. */
    long sleepsUntil() {
        return wakeAt;
    }

    private void run(Consumer<Throwable> failures) {
        long lastReport = Long.MIN_VALUE;
        for (;;) {
            long next;
            synchronized (signal) {
                if (stopped) {
                    return;
                }
                // a wake-up that arrives during the round below sets wakeAt again
                wakeAt = Long.MAX_VALUE;
            }
            try {
                backing.expireDue();
                next = backing.nextDeadline();
            } catch (RuntimeException | Error e) {
                if (backing.table.isClosed()) {
                    return;
                }
                long now = backing.table.time.now();
                if (lastReport == Long.MIN_VALUE || now - lastReport >= REPORT_MILLIS) {
                    lastReport = now;
                    failures.accept(e);
                }
                next = now + RETRY_MILLIS;
            }
            if (!sleepUntil(next)) {
                return;
            }
        }
    }

    /**
     * Sleeps until {@code next}, an earlier wake-up or the longest sleep.
     *
     * @return {@code false} once stopped
     */
    private boolean sleepUntil(long next) {
        TimeSource time = backing.table.time;
        synchronized (signal) {
            long latest = time.now() + MAX_SLEEP_MILLIS;
            wakeAt = Math.min(wakeAt, Math.min(next, latest));
            for (;;) {
                if (stopped) {
                    return false;
                }
                long nanos = time.nanosUntil(wakeAt);
                if (nanos <= 0) {
                    return true;
                }
                try {
                    signal.wait(nanos / 1_000_000L, (int) (nanos % 1_000_000L));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
    }

    /**
     * Stops the thread and waits for it (a round in flight finishes first: at most one level call
     * bounded by the level's own timeout). Idempotent.
     */
    @Override
    public void close() {
        Thread t;
        synchronized (signal) {
            stopped = true;
            signal.notifyAll();
            t = thread;
        }
        if (t == null || t == Thread.currentThread()) {
            return;
        }
        boolean interrupted = false;
        try {
            t.join(JOIN_MILLIS);
        } catch (InterruptedException e) {
            interrupted = true;
        }
        if (t.isAlive()) {
            t.interrupt();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
