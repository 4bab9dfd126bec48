package io.lapse.impl.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;

/**
 * The expiry sweeps of a set of tables (htable's timer processes): {@code threads} threads, each
 * owning one partition of every table's segments, advance the shared {@link TimeSource} and
 * expire what is due. A thread sleeps until the earliest time one of its partitions has work
 * (the start of the next due wheel bucket), and never longer than {@code resolution}, so an
 * expiry is noticed within the scheduler's wake-up latency of its deadline, and at worst within
 * {@code resolution} for an entry stored while the thread slept with a deadline before its
 * wake-up. A table with nothing due costs a thread one volatile read per wake-up.
 *
 * <p>Lifecycle: threads run between {@link #start()} and {@link #close()}, which stops and joins
 * them. {@link #configure} applies a new thread count or resolution live: the threads are
 * replaced, the tables and their entries stay.
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

    private static final long JOIN_MILLIS = 10_000;

    private final TimeSource time;
    private final String threadPrefix;
    private final BiConsumer<CacheTable, RuntimeException> failures;
    private final List<CacheTable> tables = new CopyOnWriteArrayList<>();
    private final List<Worker> workers = new ArrayList<>();
    private int threads = 1;
    private volatile long resolutionNanos = TimeUnit.MILLISECONDS.toNanos(10);
    private boolean running;

    /**
     * Creates a sweeper that is not running yet.
     *
     * @param time the time source it advances, shared with its tables
     * @param threadPrefix the prefix of its threads' names
     * @param failures told of a table whose sweep threw; the sweeps go on
     */
    public Sweeper(TimeSource time, String threadPrefix, BiConsumer<CacheTable, RuntimeException> failures) {
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
        // for ticks that come late, by a storm of expiries or a collection pause.
        time.window(2 * resolutionMillis + 1_000);
        if (threadCount != threads) {
            threads = threadCount;
            if (running) {
                stopWorkers();
                startWorkers();
            }
        }
    }

    /** Starts the threads; does nothing if they run. */
    public synchronized void start() {
        if (!running) {
            running = true;
            startWorkers();
        }
    }

    /** Stops and joins the threads; does nothing if they do not run. Tables stay registered. */
    @Override
    public synchronized void close() {
        if (running) {
            running = false;
            stopWorkers();
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
            Worker w = new Worker(i, threads);
            workers.add(w);
            w.thread.start();
        }
    }

    private void stopWorkers() {
        for (Worker w : workers) {
            w.stop = true;
            LockSupport.unpark(w.thread);
        }
        boolean interrupted = false;
        for (Worker w : workers) {
            try {
                w.thread.join(JOIN_MILLIS);
                if (w.thread.isAlive()) {
                    w.thread.interrupt();
                    w.thread.join(JOIN_MILLIS);
                }
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        workers.clear();
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private final class Worker implements Runnable {
        final int part;
        final int parts;
        final Thread thread;
        volatile boolean stop;

        Worker(int part, int parts) {
            this.part = part;
            this.parts = parts;
            this.thread = new Thread(this, threadPrefix + part);
            thread.setDaemon(true);
        }

        @Override
        public void run() {
            long nextTick = System.nanoTime();
            while (!stop) {
                time.tick();
                long due = Long.MAX_VALUE;
                for (CacheTable table : tables) {
                    if (stop) {
                        return;
                    }
                    try {
                        due = Math.min(due, table.sweep(part, parts));
                    } catch (RuntimeException e) {
                        failures.accept(table, e);
                    }
                }
                long now = System.nanoTime();
                if (now - nextTick >= 0) {
                    // A tick was due (or is late, after a storm or a pause): the next one comes a
                    // period from now.
                    nextTick = now + resolutionNanos;
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
                if (Thread.interrupted() && stop) {
                    return;
                }
            }
        }
    }
}
