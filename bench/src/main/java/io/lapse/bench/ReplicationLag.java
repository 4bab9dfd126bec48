package io.lapse.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;

import org.HdrHistogram.Histogram;

import io.lapse.cluster.HazelcastConfigs;
import io.lapse.cluster.ReplicatorFigures;
import io.lapse.impl.engine.Clock;
import io.lapse.impl.engine.Sweeper;
import io.lapse.impl.engine.TimeSource;

/**
 * Section G's throughput and lag: clusters of 2 and 3 Hazelcast members in this JVM
 * ({@link BenchCluster}), each member a node of one cache, and writers putting on node 1 or on
 * every node, at {@value #RATE} changes per second in all or as fast as they can, for both
 * {@link ReplicationModel models}. Each run has a cache of its own, and starts with a full
 * collection.
 *
 * <h2>What is measured</h2>
 * A writer puts its {@link System#nanoTime()}, taken just before the put, as the value; a
 * receiving node records, when it has applied a remote put (the moment a read of the key on that
 * node returns the new value), the time since ({@link Receipts}): the lag from a put on one node
 * to its visibility on another, end to end. The nodes share one JVM, so they share the clock. Each
 * writer has keys of its own, {@value #KEYS} of them, written round and round, so no two writers
 * race on a key. After the writes, the run waits until every node holds every key's last value
 * (or until {@link Scale#drainSeconds} passed, or nothing arrived for {@value #QUIET_MILLIS} ms),
 * and says how long that took or how many values still differed.
 *
 * <p>The writers are paced by the wall clock: each wakes about every {@value #PACE_MICROS} µs
 * and writes the changes that are due by then, so a writer held up catches up at once and the
 * offered rate holds (no coordinated omission: every change is timed from its own put).
 *
 * <p>One thread at a time.
 */
final class ReplicationLag {

    /** The offered rate of the target, in changes per second in all. */
    static final int RATE = 10_000;
    /** Keys per writer: written round and round. */
    static final int KEYS = 1 << 16;
    private static final long PACE_MICROS = 100;
    /**
     * How long nothing may arrive before the wait for convergence gives up: longer than a full log
     * refuses changes (until its oldest are {@value HazelcastConfigs#LOG_TTL_SECONDS} s old).
     */
    static final long QUIET_MILLIS = HazelcastConfigs.LOG_TTL_SECONDS * 1_000L + 3_000;
    private static final Duration JOIN = Duration.ofSeconds(60);

    /** How long a run writes, and waits for what it wrote. */
    static final class Scale {
        final double pacedSeconds;
        final double unthrottledSeconds;
        final double warmUpSeconds;
        final double drainSeconds;
        /** Whether the unthrottled runs have writers on every node too, not only on node 1. */
        final boolean unthrottledEveryNode;

        Scale(double pacedSeconds, double unthrottledSeconds, double warmUpSeconds, double drainSeconds,
            boolean unthrottledEveryNode) {
            this.pacedSeconds = pacedSeconds;
            this.unthrottledSeconds = unthrottledSeconds;
            this.warmUpSeconds = warmUpSeconds;
            this.drainSeconds = drainSeconds;
            this.unthrottledEveryNode = unthrottledEveryNode;
        }

        /** @return the scale in words, for the report */
        String describe() {
            return String.format(Locale.ROOT, "Each run writes for %s s at %,d changes/s, or for %s s as fast as the "
                + "writers can%s, after a warm-up run of %s s for each model and cluster size, and then waits up to "
                + "%s s for every node to hold what was written", seconds(pacedSeconds), RATE,
                seconds(unthrottledSeconds), unthrottledEveryNode ? "" : " (with writers on node 1 only)",
                seconds(warmUpSeconds), seconds(drainSeconds));
        }

        private static String seconds(double s) {
            return s == Math.rint(s) ? String.valueOf((long) s) : String.valueOf(s);
        }
    }

    /** The measured run. */
    static final Scale FULL = new Scale(10, 5, 3, 60, true);
    /**
     * A short run, for checking that everything works: the unthrottled runs with writers on every
     * node are left out, as Lapse's take half a minute each to deliver what its outboxes hold.
     */
    static final Scale SMOKE = new Scale(2, 1, 1, 30, false);

    private final Scale scale;
    private int runs;

    private ReplicationLag(Scale scale) {
        this.scale = scale;
    }

    /**
     * Runs every combination: 2 and 3 nodes; writers on node 1 and on every node; {@value #RATE}
     * changes/s and as fast as the writers can; each model.
     *
     * @param scale how long
     * @return the figures, 2 nodes first
     * @throws InterruptedException if interrupted
     * @throws IllegalStateException if a cluster does not form or a node does not join
     */
    static List<ReplicationFigures> measure(Scale scale) throws InterruptedException {
        return new ReplicationLag(scale).all();
    }

    private List<ReplicationFigures> all() throws InterruptedException {
        List<ReplicationFigures> figures = new ArrayList<>();
        for (int nodes = 2; nodes <= BenchCluster.MAX_MEMBERS; nodes++) {
            TimeSource time = new TimeSource(Clock.system());
            Sweeper sweeper = new Sweeper(time, "bench-g-sweeper-", (t, e) -> { });
            sweeper.start();
            try (BenchCluster cluster = BenchCluster.start(nodes)) {
                for (ReplicationModel model : ReplicationModel.values()) {
                    run(cluster, time, sweeper, model, 1, RATE, scale.warmUpSeconds, "warm-up, ");
                }
                for (int rate : new int[] {RATE, 0}) {
                    for (int writers : rate == 0 && !scale.unthrottledEveryNode ? new int[] {1} : new int[] {1, nodes}) {
                        for (ReplicationModel model : ReplicationModel.values()) {
                            figures.add(run(cluster, time, sweeper, model, writers, rate,
                                rate == 0 ? scale.unthrottledSeconds : scale.pacedSeconds, ""));
                        }
                    }
                }
            } finally {
                sweeper.close();
            }
        }
        return figures;
    }

    private ReplicationFigures run(BenchCluster cluster, TimeSource time, Sweeper sweeper, ReplicationModel model,
        int writerCount, int rate, double seconds, String label) throws InterruptedException {
        int n = cluster.size();
        String cache = String.format(Locale.ROOT, "bench-g%03d", ++runs);
        ReplicationFigures f = new ReplicationFigures(model, n, writerCount, rate);
        System.out.printf(Locale.ROOT, "G: %s%s, %d nodes, writers on %s, %s, %s s%n", label, model.title(), n,
            f.writersTitle(), rate == 0 ? "unthrottled" : String.format(Locale.ROOT, "%,d changes/s", rate), seconds);
        List<ReplicatedNode> nodes = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                ReplicatedNode node = model.start(cluster.member(i), cache, i, n, time, sweeper);
                nodes.add(node);
                if (node instanceof LogNode) {
                    // one at a time, as nodes start: each joins from the ones before it
                    ((LogNode) node).awaitReady(JOIN);
                }
            }
            System.gc();
            GcPauses gcAtBegin = GcPauses.now();
            List<Writer> writers = new ArrayList<>();
            long start = System.nanoTime() + 10_000_000L;
            long end = start + (long) (seconds * 1e9);
            for (int i = 0; i < writerCount; i++) {
                writers.add(new Writer(nodes.get(i), i, rate / (double) writerCount, start, end));
            }
            writers.forEach(Writer::start);
            for (Writer w : writers) {
                w.join();
            }
            long written = writers.stream().mapToLong(w -> w.written).sum();
            f.written = written;
            f.writtenPerSecond = written / ((end - start) / 1e9);
            drain(f, nodes, writers, end);
            GcPauses gcAtEnd = GcPauses.now();
            f.gcPauses = gcAtEnd.countSince(gcAtBegin);
            f.gcPauseMillis = gcAtEnd.millisSince(gcAtBegin);
            receipts(f, nodes, writers, start);
            return f;
        } finally {
            for (int i = nodes.size() - 1; i >= 0; i--) {
                nodes.get(i).close();
            }
            cluster.destroyObjectsNamed(cache);
        }
    }

    /** Waits until every node holds every key's last value, or nothing more comes. */
    private void drain(ReplicationFigures f, List<ReplicatedNode> nodes, List<Writer> writers, long end)
        throws InterruptedException {
        long limit = end + (long) (scale.drainSeconds * 1e9);
        while (true) {
            long differing = differing(nodes, writers);
            long now = System.nanoTime();
            if (differing == 0) {
                f.convergedMillis = Math.max(0, (now - end) / 1_000_000);
                return;
            }
            long last = nodes.stream().mapToLong(node -> node.receipts().lastNanos()).max().orElse(0);
            long quietSince = last == 0 || last - end < 0 ? end : last;
            if (now - limit > 0 || now - quietSince > QUIET_MILLIS * 1_000_000L) {
                f.differing = differing;
                return;
            }
            Thread.sleep(10);
        }
    }

    /** @return how many values on the nodes differ from their writer's: a key on a node counts once */
    private static long differing(List<ReplicatedNode> nodes, List<Writer> writers) {
        long differing = 0;
        for (Writer w : writers) {
            int keys = (int) Math.min(KEYS, w.written);
            for (int k = 0; k < keys; k++) {
                Object last = w.node.get(w.keys[k]);
                for (ReplicatedNode node : nodes) {
                    if (node != w.node && !last.equals(node.get(w.keys[k]))) {
                        differing++;
                    }
                }
            }
        }
        return differing;
    }

    private static void receipts(ReplicationFigures f, List<ReplicatedNode> nodes, List<Writer> writers, long start) {
        Histogram lag = new Histogram(3_600_000_000L, 3);
        List<Double> rates = new ArrayList<>();
        List<Double> shares = new ArrayList<>();
        double replicatorP99 = Double.NaN;
        for (int i = 0; i < nodes.size(); i++) {
            ReplicatedNode node = nodes.get(i);
            ReplicatorFigures rf = node.replicatorFigures();
            if (rf != null) {
                f.outboxRefused += rf.changesDropped();
            }
            if (writers.size() == 1 && i == 0) {
                continue;
            }
            Receipts r = node.receipts();
            r.addTo(lag);
            long elsewhere = 0;
            for (Writer w : writers) {
                elsewhere += w.node == node ? 0 : w.written;
            }
            long last = r.lastNanos();
            rates.add(last == 0 ? 0 : r.count() / ((last - start) / 1e9));
            shares.add(elsewhere == 0 ? 0 : r.count() / (double) elsewhere);
            if (rf != null) {
                replicatorP99 = Double.isNaN(replicatorP99) ? rf.lagP99Millis() : Math.max(replicatorP99, rf.lagP99Millis());
            }
        }
        f.appliedPerSecond = rates.stream().mapToDouble(Double::doubleValue).toArray();
        f.appliedShare = shares.stream().mapToDouble(Double::doubleValue).toArray();
        f.replicatorP99Millis = replicatorP99;
        if (lag.getTotalCount() > 0) {
            f.lagP50Millis = lag.getValueAtPercentile(50) / 1000.0;
            f.lagP99Millis = lag.getValueAtPercentile(99) / 1000.0;
            f.lagMaxMillis = lag.getMaxValue() / 1000.0;
        }
    }

    /**
     * One writer: a thread of the run that puts its own keys on one node, paced or as fast as it
     * can, from a start to an end on {@link System#nanoTime()}.
     */
    private static final class Writer {
        final ReplicatedNode node;
        final String[] keys = new String[KEYS];
        private final double perSecond;
        private final long start;
        private final long end;
        private final Thread thread;
        /** Written by the thread, read after {@link #join}. */
        long written;

        Writer(ReplicatedNode node, int index, double perSecond, long start, long end) {
            this.node = node;
            this.perSecond = perSecond;
            this.start = start;
            this.end = end;
            for (int k = 0; k < KEYS; k++) {
                keys[k] = "node" + (index + 1) + ":" + k;
            }
            this.thread = new Thread(this::write, "bench-g-writer-" + (index + 1));
            thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        /** Waits for the writer to finish: well after its end, or it is stuck. */
        void join() throws InterruptedException {
            thread.join(Math.max(0, (end - System.nanoTime()) / 1_000_000) + 60_000);
            if (thread.isAlive()) {
                thread.interrupt();
                throw new IllegalStateException(thread.getName() + " did not finish a minute after its end");
            }
        }

        private void write() {
            while (System.nanoTime() - start < 0) {
                LockSupport.parkNanos(start - System.nanoTime());
            }
            if (perSecond > 0) {
                for (long now = System.nanoTime(); now - end < 0; now = System.nanoTime()) {
                    long due = (long) ((now - start) * perSecond / 1e9);
                    while (written < due) {
                        put();
                    }
                    LockSupport.parkNanos(PACE_MICROS * 1_000);
                }
            } else {
                while (System.nanoTime() - end < 0) {
                    for (int i = 0; i < 64; i++) {
                        put();
                    }
                }
            }
        }

        private void put() {
            node.put(keys[(int) (written & (KEYS - 1))], System.nanoTime());
            written++;
        }
    }
}
