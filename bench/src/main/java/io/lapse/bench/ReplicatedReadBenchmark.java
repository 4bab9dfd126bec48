package io.lapse.bench;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
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
 * Section G's read path: section A's gets ({@link ZipfKeys}, 65,536 keys prefilled, Zipfian
 * accesses) on a replicated cache, {@link Subject#LAPSE_REPLICATED}, beside the same cache
 * unreplicated, {@link Subject#LAPSE}. Reads are local on every node, so replication should cost
 * them nothing. The replicated cache's prefill goes through its log to the second node, and the
 * setup waits until it has arrived; a full collection follows for both. Both run in forks with
 * the options Hazelcast asks for on Java 9 and later. Run with {@code -t 1} and {@code -t 2}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "--add-modules", "java.se",
    "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED", "--add-opens", "java.base/java.lang=ALL-UNNAMED",
    "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens", "java.management/sun.management=ALL-UNNAMED",
    "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED"})
public class ReplicatedReadBenchmark {

    @Param({"LAPSE", "LAPSE_REPLICATED"})
    Subject subject;

    private Subject.Store store;
    private String[] sequence;

    @Setup
    public void setup() {
        ZipfKeys keys = new ZipfKeys(42);
        sequence = keys.sequence;
        store = subject.create();
        for (int i = 0; i < keys.keys.length; i++) {
            store.put(keys.keys[i], keys.values[i]);
        }
        store.settle();
        System.gc();
    }

    @TearDown
    public void tearDown() {
        store.close();
    }

    @Benchmark
    public Object get(ThroughputBenchmark.Cursor cursor) {
        return store.get(sequence[cursor.index++ & ZipfKeys.MASK]);
    }
}
