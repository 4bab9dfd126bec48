package io.lapse.bench;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
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
 * Section A: reads, writes, and one reader beside one writer, over a cache prefilled with
 * {@link ZipfKeys#POPULATION} keys and hit with Zipfian accesses, in the manner of Caffeine's
 * GetPutBenchmark. Writes replace existing keys. Run with {@code -t 1} and {@code -t 2} for the
 * read-only and write-only benchmarks; the {@code readwrite} group always has one thread of each.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class ThroughputBenchmark {

    @Param({"LAPSE", "LAPSE_STATS", "CHM", "CAFFEINE_EAW", "CAFFEINE_VAR"})
    Subject subject;

    private Subject.Store store;
    private String[] sequence;
    private static final Object VALUE = "value";

    /** Each thread walks the access sequence from its own random place. */
    @State(Scope.Thread)
    public static class Cursor {
        int index = ThreadLocalRandom.current().nextInt();
    }

    @Setup
    public void setup() {
        ZipfKeys keys = new ZipfKeys(42);
        sequence = keys.sequence;
        store = subject.create();
        for (int i = 0; i < keys.keys.length; i++) {
            store.put(keys.keys[i], keys.values[i]);
        }
        // The prefill leaves the entries among the garbage of building the keys; where they lie
        // then moved one subject's figures by a quarter between runs (the same put measured 4.7 and
        // 5.9 M/s in one run). A full collection packs every subject's heap alike, as section F's.
        System.gc();
    }

    @TearDown
    public void tearDown() {
        store.close();
    }

    @Benchmark
    public Object get(Cursor cursor) {
        return store.get(sequence[cursor.index++ & ZipfKeys.MASK]);
    }

    @Benchmark
    public void put(Cursor cursor) {
        store.put(sequence[cursor.index++ & ZipfKeys.MASK], VALUE);
    }

    @Benchmark
    @Group("readwrite")
    @GroupThreads(1)
    public Object readwrite_get(Cursor cursor) {
        return store.get(sequence[cursor.index++ & ZipfKeys.MASK]);
    }

    @Benchmark
    @Group("readwrite")
    @GroupThreads(1)
    public void readwrite_put(Cursor cursor) {
        store.put(sequence[cursor.index++ & ZipfKeys.MASK], VALUE);
    }
}
