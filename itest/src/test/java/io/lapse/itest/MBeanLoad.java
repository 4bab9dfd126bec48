package io.lapse.itest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import io.lapse.testing.Await;

/**
 * Threads that call the MBeans of cluster nodes, each thread bound to one node, until they are
 * stopped or have made their number of calls. A thread whose call throws records the failure and
 * ends (a killed node's writer ends so); the others go on. The threads are the load's: {@link #close()}
 * stops them and waits for them, for a bounded time.
 *
 * <p>Thread safety: {@link #stop}, {@link #calls}, {@link #failures} and {@link #close} may be
 * called from any thread.
 */
final class MBeanLoad implements AutoCloseable {

    /** One call, or a few, by a load thread. */
    @FunctionalInterface
    interface Call {
        /**
         * @param node the thread's node
         * @param thread the thread's number among the load's, from 0
         * @param random the thread's own, seeded by its number
         * @param n how many calls the thread made before this one
         */
        void make(DistributionNode node, int thread, Random random, long n) throws Exception;
    }

    /** A call that threw: on which node, after how many calls of its thread, what, and when (epoch ms). */
    record Failure(DistributionNode node, long n, Exception error, long atMillis) {
        @Override
        public String toString() {
            return node + " after " + n + " calls: " + error;
        }
    }

    private static final Duration STOP = Duration.ofSeconds(60);

    private final ExecutorService pool;
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final AtomicLong calls = new AtomicLong();
    private final ConcurrentLinkedQueue<Failure> failures = new ConcurrentLinkedQueue<>();
    private final AtomicLong running = new AtomicLong();

    private MBeanLoad(int threads) {
        pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "mbean-load");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Starts the threads.
     *
     * @param nodes the node of each thread, in order (a node listed twice gets two threads)
     * @param callsPerThread how many calls each thread makes at most
     * @param pause how long a thread pauses after each call, to pace the load; zero for none
     * @param call the call
     * @return the running load
     */
    static MBeanLoad start(List<DistributionNode> nodes, long callsPerThread, Duration pause, Call call) {
        MBeanLoad load = new MBeanLoad(nodes.size());
        for (int t = 0; t < nodes.size(); t++) {
            int thread = t;
            DistributionNode node = nodes.get(t);
            load.running.incrementAndGet();
            load.pool.execute(() -> load.run(node, thread, callsPerThread, pause.toNanos(), call));
        }
        load.pool.shutdown();
        return load;
    }

    private void run(DistributionNode node, int thread, long budget, long pauseNanos, Call call) {
        Random random = new Random(thread);
        try {
            for (long n = 0; n < budget && !stopped.get(); n++) {
                try {
                    call.make(node, thread, random, n);
                } catch (Exception e) {
                    failures.add(new Failure(node, n, e, System.currentTimeMillis()));
                    return;
                }
                calls.incrementAndGet();
                if (pauseNanos > 0) {
                    LockSupport.parkNanos(pauseNanos);
                }
            }
        } finally {
            running.decrementAndGet();
        }
    }

    /** @return how many calls succeeded so far */
    long calls() {
        return calls.get();
    }

    /** @return whether every thread has ended */
    boolean finished() {
        return running.get() == 0;
    }

    /**
     * Waits until every thread made its calls (or ended on a failure).
     *
     * @param timeout how long at most
     */
    void awaitFinished(Duration timeout) {
        Await.until("the load's threads to make their calls (" + calls() + " so far)", timeout, this::finished);
    }

    /** @return the failures so far */
    List<Failure> failures() {
        return new ArrayList<>(failures);
    }

    /** Tells the threads to stop after their current call, and waits for them. */
    void stop() throws InterruptedException {
        stopped.set(true);
        if (!pool.awaitTermination(STOP.toMillis(), TimeUnit.MILLISECONDS)) {
            pool.shutdownNow();
            throw new AssertionError("the load's threads did not stop within " + STOP.toSeconds() + " s");
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
