package io.lapse.bench;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Section F's throughput: reads and writes of the Zipfian accesses of section A against caches
 * that keep only {@link Subject#CAPACITY} of the {@link ZipfKeys#POPULATION} keys, beside Lapse
 * without a limit and beside a {@code ConcurrentHashMap}, which has neither limit nor expiry: the
 * ceiling of a write that looks its key up. Each cache is prefilled with every key, then walks
 * the access sequence once, putting each key it misses, so that it holds what its policy keeps of
 * the hot keys when measurement starts; a full collection follows. A get that misses inserts
 * nothing: what is measured is the cache, not a loader; the share of gets that hit is counted
 * ({@code hits}). A put of a missing key inserts it and evicts another. Run with {@code -t 1} and {@code -t 2}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class CapacityBenchmark {

    @Param({"LAPSE_CAPPED", "CAFFEINE_SIZE", "CAFFEINE_SIZE_EAW", "LAPSE", "CHM"})
    Subject subject;

    private Subject.Store store;
    private String[] sequence;
    private static final Object VALUE = "value";

    /** The gets of a thread that found their key, reported beside the throughput as hits per second. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Hits {
        public long hits;

        @Setup(Level.Iteration)
        public void reset() {
            hits = 0;
        }
    }

    @Setup
    public void setup() {
        ZipfKeys keys = new ZipfKeys(42);
        sequence = keys.sequence;
        store = subject.create();
        for (int i = 0; i < keys.keys.length; i++) {
            store.put(keys.keys[i], keys.values[i]);
        }
        for (String key : sequence) {
            if (store.get(key) == null) {
                store.put(key, VALUE);
            }
        }
        // The warm-up leaves a capped cache's live entries scattered among the ones it evicted;
        // read there, the same entries measured about half as fast as packed ones. A full
        // collection packs every cache's heap alike before measurement.
        System.gc();
    }

    @TearDown
    public void tearDown() {
        store.close();
    }

    @Benchmark
    public Object get(ThroughputBenchmark.Cursor cursor, Hits counter) {
        Object value = store.get(sequence[cursor.index++ & ZipfKeys.MASK]);
        if (value != null) {
            counter.hits++;
        }
        return value;
    }

    @Benchmark
    public void put(ThroughputBenchmark.Cursor cursor) {
        store.put(sequence[cursor.index++ & ZipfKeys.MASK], VALUE);
    }
}
