package io.lapse.impl.engine;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Section B: the cost of expiring {@value #EXPIRING} entries among {@code live} entries that do
 * not expire, per expired entry, with a clock the benchmark moves. Lapse sweeps through its timer
 * wheels; {@code FULL_SCAN} is the way htable and cachedb_local sweep: visit every entry and
 * check its deadline. (In the engine's package to call the sweep the sweeper threads call.)
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g"})
public class SweepBenchmark {

    static final int EXPIRING = 1_000;

    @Param({"10000", "100000", "1000000", "4000000"})
    int live;

    @Param({"LAPSE", "FULL_SCAN"})
    String sweep;

    private final ManualClock clock = new ManualClock();
    private CacheTable table;
    private ConcurrentHashMap<String, Timed> scanned;
    private final String[] expiring = new String[EXPIRING];

    /** A value with its deadline, as a full-scan table keeps them. */
    private static final class Timed {
        final Object value;
        final long deadline;

        Timed(Object value, long deadline) {
            this.value = value;
            this.deadline = deadline;
        }
    }

    /** A clock the benchmark moves; monotonic milliseconds. */
    static final class ManualClock implements Clock {
        final AtomicLong now = new AtomicLong(1_000_000_000L);

        @Override
        public long millis() {
            return now.get();
        }

        @Override
        public long epochMillis() {
            return now.get();
        }
    }

    @Setup(Level.Trial)
    public void fill() {
        long day = TimeUnit.DAYS.toMillis(1);
        Object value = "value";
        if (sweep.equals("LAPSE")) {
            table = new CacheTable("sweep", new CacheSettings(10, day, true, 0, null), new TimeSource(clock),
                TableListener.NONE);
            for (int i = 0; i < live; i++) {
                table.put("live:" + i, value);
            }
        } else {
            scanned = new ConcurrentHashMap<>(live + EXPIRING);
            for (int i = 0; i < live; i++) {
                scanned.put("live:" + i, new Timed(value, clock.millis() + day));
            }
        }
        for (int i = 0; i < EXPIRING; i++) {
            expiring[i] = "expiring:" + i;
        }
    }

    /** Before each sweep: {@value #EXPIRING} entries with a 1 ms TTL, then 1 ms passes. */
    @Setup(Level.Invocation)
    public void addExpiring() {
        Object value = "short";
        if (table != null) {
            java.time.Duration ttl = java.time.Duration.ofMillis(1);
            for (String key : expiring) {
                table.put(key, value, ttl);
            }
        } else {
            long deadline = clock.millis() + 1;
            for (String key : expiring) {
                scanned.put(key, new Timed(value, deadline));
            }
        }
        clock.now.addAndGet(1);
    }

    @Benchmark
    @OperationsPerInvocation(EXPIRING)
    public void sweep() {
        if (table != null) {
            table.sweep(0, 1);
        } else {
            long now = clock.millis();
            scanned.values().removeIf(t -> t.deadline <= now);
        }
    }

    @TearDown(Level.Iteration)
    public void check() {
        long left = table != null ? table.size() : scanned.size();
        if (left != live) {
            throw new IllegalStateException(sweep + " left " + left + " entries, expected " + live);
        }
    }

    @TearDown(Level.Trial)
    public void close() {
        if (table != null) {
            table.close();
        }
    }
}
