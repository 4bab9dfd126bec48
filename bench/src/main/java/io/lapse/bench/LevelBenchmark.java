package io.lapse.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

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
 * Section H's throughput: a cache whose heap table holds a tenth of the keys in front of a file
 * level ({@link LevelSubject#LAPSE_FILE_LEVEL}), beside Caffeine with the same maximum size in front
 * of the same kind of file, read through a loader and written through before the cache
 * ({@link LevelSubject#CAFFEINE_LOADER}). Each is prefilled with every key of
 * {@link ZipfKeys#POPULATION}, then walks the Zipfian sequence once, so its heap holds what its
 * policy keeps of the hot keys; a full collection follows.
 *
 * <ul>
 * <li>{@code get}: the Zipfian sequence, mostly hits in the heap, the rest read from the file;</li>
 * <li>{@code getHeap}: the thousand hottest keys, which both keep in the heap;</li>
 * <li>{@code getLevel}: keys drawn evenly from all, nine in ten of which only the file holds;</li>
 * <li>{@code getAbsent}: keys neither holds: a look in the heap, then in the file;</li>
 * <li>{@code put}: the Zipfian sequence written through, each write committed to the file.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class LevelBenchmark {

    /** How many of the hottest keys {@code getHeap} reads. */
    private static final int HOT = 1_000;

    @Param({"LAPSE_FILE_LEVEL", "CAFFEINE_LOADER"})
    LevelSubject subject;

    private Path folder;
    private Subject.Store store;
    private String[] sequence;
    private String[] keys;
    private String[] hot;
    private String[] absent;
    private static final Object VALUE = "value";

    @Setup
    public void setup() throws IOException {
        folder = Files.createTempDirectory("lapse-bench-level");
        ZipfKeys z = new ZipfKeys(42);
        sequence = z.sequence;
        keys = z.keys;
        hot = hottest(sequence, HOT);
        absent = new String[ZipfKeys.POPULATION];
        for (int i = 0; i < absent.length; i++) {
            absent[i] = "absent-" + i;
        }
        store = subject.create(folder, LevelSubject.HEAP_CAPACITY);
        for (int i = 0; i < keys.length; i++) {
            store.put(keys[i], z.values[i]);
        }
        for (String key : sequence) {
            store.get(key);
        }
        System.gc();
    }

    /** The most frequent keys of a sequence, most frequent first. */
    static String[] hottest(String[] sequence, int n) {
        java.util.Map<String, Integer> counts = new java.util.HashMap<>();
        for (String key : sequence) {
            counts.merge(key, 1, Integer::sum);
        }
        return counts.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue()).limit(n)
            .map(java.util.Map.Entry::getKey).toArray(String[]::new);
    }

    @TearDown
    public void tearDown() throws IOException {
        store.close();
        try (Stream<Path> files = Files.walk(folder)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Benchmark
    public Object get(ThroughputBenchmark.Cursor cursor) {
        return store.get(sequence[cursor.index++ & ZipfKeys.MASK]);
    }

    @Benchmark
    public Object getHeap(ThroughputBenchmark.Cursor cursor) {
        return store.get(hot[Math.floorMod(cursor.index++, HOT)]);
    }

    @Benchmark
    public Object getLevel(ThroughputBenchmark.Cursor cursor) {
        return store.get(keys[(cursor.index++ * 40_503) & (ZipfKeys.POPULATION - 1)]);
    }

    @Benchmark
    public Object getAbsent(ThroughputBenchmark.Cursor cursor) {
        return store.get(absent[cursor.index++ & (ZipfKeys.POPULATION - 1)]);
    }

    @Benchmark
    public void put(ThroughputBenchmark.Cursor cursor) {
        store.put(sequence[cursor.index++ & ZipfKeys.MASK], VALUE);
    }
}
