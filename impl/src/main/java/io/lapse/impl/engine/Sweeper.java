package io.lapse.impl.engine;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The expiry sweeps of a set of tables (htable's timer processes): {@code threads} threads, each
 * owning one partition of every table's segments, expire what is due, and one more thread, the
 * clock, advances the shared {@link TimeSource}. A sweep thread sleeps until the earliest time one
 * of its partitions has work (the start of the next due wheel bucket), and never longer than
 * {@code resolution}, so an expiry is noticed within the scheduler's wake-up latency of its
 * deadline, and at worst within {@code resolution} for an entry stored while the thread slept with
 * a deadline before its wake-up. A table with nothing due costs a thread one volatile read per
 * wake-up.
 *
 * <h2>Faults</h2>
 * <ul>
 * <li>The clock thread does nothing but tick, every {@code resolution}: a sweep held up by a slow
 * listener, a long compute or a hung store never freezes the time that reads and new deadlines
 * use (see {@link TimeSource}).</li>
 * <li>A sweep thread never waits for a slot lock: a slot whose lock is taken is left for the next
 * pass ({@code resolution} later), so one blocked table never delays another's expiries.</li>
 * <li>Anything a table's sweep throws, an {@link Error} included, is reported to the failure
 * callback (the first time, then at most once every {@value #FAILURE_REPORT_SECONDS} s per table
 * and thread, with a count) and the sweeps go on; the table is swept again on the next pass.</li>
 * </ul>
 *
 * <p>Lifecycle: threads run between {@link #start()} and {@link #close()}, which stops and joins
 * them. {@link #configure} applies a new thread count or resolution live: the sweep threads are
 * replaced, the clock thread, the tables and their entries stay.
 *
 * <p>Thread safety: all methods may be called from any thread; lifecycle methods are serialized
 * on this object.
 */
public final class Sweeper implements AutoCloseable {

    /** The finest resolution accepted. */
    public static final long MIN_RESOLUTION_MILLIS = 1;
    /** The coarsest resolution accepted. */
    public static final long MAX_RESOLUTION_MILLIS = 60_000;
    /** The most threads accepted. */
    public static final int MAX_THREADS = 64;

    /** How long a stop waits for a thread; a sweep thread never blocks, so this is ample. */
    private static final long JOIN_MILLIS = 5_000;
    private static final long FAILURE_REPORT_SECONDS = 10;

    private final TimeSource time;
    private final String threadPrefix;
    private final BiConsumer<CacheTable, Throwable> failures;
    private final List<CacheTable> tables = new CopyOnWriteArrayList<>();
    private final List<Loop> workers = new ArrayList<>();
    private Loop clock;
    private int threads = 1;
    private volatile long resolutionNanos = TimeUnit.MILLISECONDS.toNanos(10);
    private boolean running;

    /**
     * Creates a sweeper that is not running yet.
     *
     * @param time the time source it advances, shared with its tables
     * @param threadPrefix the prefix of its threads' names: sweep threads are {@code prefix + N},
     *     the clock thread {@code prefix + "clock"}
     * @param failures told of a table whose sweep threw; the sweeps go on
     */
    public Sweeper(TimeSource time, String threadPrefix, BiConsumer<CacheTable, Throwable> failures) {
        this.time = Objects.requireNonNull(time);
        this.threadPrefix = threadPrefix;
        this.failures = failures;
    }

    /**
     * Returns the time source this sweeper advances.
     *
     * @return the time source
     */
    public TimeSource time() {
        return time;
    }

    /**
     * Sets the thread count and resolution; live if running.
     *
     * @param threadCount 1 to {@link #MAX_THREADS}
     * @param resolutionMillis {@link #MIN_RESOLUTION_MILLIS} to {@link #MAX_RESOLUTION_MILLIS}
     * @throws IllegalArgumentException if a figure is out of range; nothing changes then
     */
    public synchronized void configure(int threadCount, long resolutionMillis) {
        if (threadCount < 1 || threadCount > MAX_THREADS) {
            throw new IllegalArgumentException("threads " + threadCount + " is outside 1.." + MAX_THREADS);
        }
        if (resolutionMillis < MIN_RESOLUTION_MILLIS || resolutionMillis > MAX_RESOLUTION_MILLIS) {
            throw new IllegalArgumentException("resolution " + resolutionMillis + "ms is outside "
                + MIN_RESOLUTION_MILLIS + "ms.." + MAX_RESOLUTION_MILLIS + "ms");
        }
        resolutionNanos = TimeUnit.MILLISECONDS.toNanos(resolutionMillis);
        // The read path trusts the coarse time up to this far past the last tick: wide enough
        // for a clock tick that comes late, by a collection pause or an overloaded machine.
        time.window(2 * resolutionMillis + 1_000);
        if (threadCount != threads) {
            threads = threadCount;
            if (running) {
                stop(workers);
                workers.clear();
                startWorkers();
            }
        }
        if (clock != null) {
            // a shorter resolution takes effect at once, not after the clock's current sleep
            LockSupport.unpark(clock.thread);
        }
    }

    /** Starts the threads; does nothing if they run. */
    public synchronized void start() {
        if (!running) {
            running = true;
            time.tick();
            clock = new Loop(threadPrefix + "clock", this::tickForEver);
            clock.thread.start();
            startWorkers();
        }
    }

    /**
     * Stops and joins the threads; does nothing if they do not run. Tables stay registered. From
     * then on every read consults the precise clock.
     */
    @Override
    public synchronized void close() {
        if (running) {
            running = false;
            List<Loop> all = new ArrayList<>(workers);
            all.add(clock);
            stop(all);
            workers.clear();
            clock = null;
            time.stop();
        }
    }

    /**
     * Adds a table to the sweeps.
     *
     * @param table the table
     */
    public void add(CacheTable table) {
        tables.add(Objects.requireNonNull(table));
    }

    /**
     * Removes a table from the sweeps. A sweep of it already under way may finish.
     *
     * @param table the table
     */
    public void remove(CacheTable table) {
        tables.remove(table);
    }

    private void startWorkers() {
        for (int i = 0; i < threads; i++) {
            int part = i;
            int parts = threads;
            Loop w = new Loop(threadPrefix + part, stop -> sweepForEver(part, parts, stop));
            workers.add(w);
            w.thread.start();
        }
    }

    /**
     * Stops threads and waits for them. None of them ever blocks on a lock, so they end within a
     * tick; one that does not within {@link #JOIN_MILLIS} is interrupted and waited for again.
     */
    private static void stop(List<Loop> loops) {
        for (Loop l : loops) {
            l.stop = true;
            LockSupport.unpark(l.thread);
        }
        boolean interrupted = false;
        for (Loop l : loops) {
            try {
                l.thread.join(JOIN_MILLIS);
                if (l.thread.isAlive()) {
                    l.thread.interrupt();
                    l.thread.join(JOIN_MILLIS);
                }
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** The clock thread's loop: a tick every resolution, and nothing else. */
    private void tickForEver(Loop self) {
        while (!self.stop) {
            try {
                time.tick();
            } catch (Throwable e) {
                // nothing in a tick allocates much or calls out; whatever it was, tick again
            }
            LockSupport.parkNanos(this, resolutionNanos);
        }
    }

    private void sweepForEver(int part, int parts, Loop self) {
        Map<CacheTable, FailureCount> failed = new IdentityHashMap<>();
        long nextTick = System.nanoTime();
        while (!self.stop) {
            long resolution = resolutionNanos;
            long retryMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(resolution));
            long due = Long.MAX_VALUE;
            for (CacheTable table : tables) {
                if (self.stop) {
                    return;
                }
                try {
                    due = Math.min(due, table.sweep(part, parts, retryMillis));
                } catch (Throwable e) {
                    // An Error too: the table is swept again next pass, the others go on.
                    due = Math.min(due, time.now() + retryMillis);
                    report(failed, table, e);
                }
            }
            if (failed.size() > tables.size()) {
                failed.keySet().retainAll(tables);
            }
            long now = System.nanoTime();
            if (now - nextTick >= 0) {
                // A pass was due (or is late, after a storm or a pause): the next one comes a
                // period from now.
                nextTick = now + resolution;
            }
            long wait = nextTick - now;
            if (due != Long.MAX_VALUE) {
                // Wake when the next bucket comes due rather than at the next tick, so an
                // expiry is noticed as it happens; the tick only bounds the sleep.
                wait = Math.min(wait, Math.max(0, time.nanosUntil(due)));
            }
            if (wait > 0) {
                LockSupport.parkNanos(this, wait);
            }
            if (Thread.interrupted() && self.stop) {
                return;
            }
        }
    }

    /** Reports a table's failure the first time, then at most every few seconds with a count. */
    private void report(Map<CacheTable, FailureCount> failed, CacheTable table, Throwable e) {
        FailureCount f = failed.computeIfAbsent(table, t -> new FailureCount());
        f.count++;
        long now = System.nanoTime();
        if (f.count == 1 || now - f.reportedAt >= TimeUnit.SECONDS.toNanos(FAILURE_REPORT_SECONDS)) {
            f.reportedAt = now;
            long times = f.count;
            f.count = 0;
            try {
                failures.accept(table, times == 1 ? e : new SweepFailures(times, e));
            } catch (Throwable ignored) {
                // the callback failing too must not end the thread
            }
        }
    }

    /** How often a table's sweep failed on one thread since it was last reported. */
    private static final class FailureCount {
        long count;
        long reportedAt;
    }

    /** Several failures of one table's sweep since the last report, the latest as its cause. */
    static final class SweepFailures extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SweepFailures(long times, Throwable latest) {
            super("the sweep failed " + times + " times since the last report; the latest failure: " + latest, latest);
        }
    }

    /** One thread of this sweeper and the flag that stops it. */
    private static final class Loop implements Runnable {
        final Thread thread;
        final Consumer<Loop> body;
        volatile boolean stop;

        Loop(String name, Consumer<Loop> body) {
            this.body = body;
            this.thread = new Thread(this, name);
            thread.setDaemon(true);
        }

        @Override
        public void run() {
            body.accept(this);
        }
    }
}
