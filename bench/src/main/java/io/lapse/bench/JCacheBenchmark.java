package io.lapse.bench;

import java.util.concurrent.TimeUnit;

import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.spi.CachingProvider;

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
 * Section I's throughput: the same JCache calls on Lapse's provider and Ehcache's, each a cache of
 * the {@link ZipfKeys#POPULATION} keys prefilled, entries living an hour, store-by-value:
 *
 * <ul>
 * <li>{@code get}, {@code put}: the Zipfian sequence, String values (which Lapse stores as they
 * are, and Ehcache copies);</li>
 * <li>{@code getObject}: the Zipfian sequence of a second cache whose values are a small
 * serialisable object, which both providers copy through serialisation.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class JCacheBenchmark {

    private static final long HOUR = TimeUnit.HOURS.toMillis(1);

    @Param({"LAPSE", "EHCACHE"})
    JCacheSubject subject;

    private CachingProvider provider;
    private Cache<String, String> strings;
    private Cache<String, JCacheSubject.Session> objects;
    private String[] sequence;

    @Setup
    public void setup() {
        ZipfKeys z = new ZipfKeys(42);
        sequence = z.sequence;
        provider = subject.provider();
        CacheManager manager = provider.getCacheManager();
        strings = subject.cache(manager, "strings", String.class, HOUR);
        objects = subject.cache(manager, "objects", JCacheSubject.Session.class, HOUR);
        for (int i = 0; i < z.keys.length; i++) {
            strings.put(z.keys[i], (String) z.values[i]);
            objects.put(z.keys[i], new JCacheSubject.Session("user-" + i, i));
        }
        System.gc();
    }

    @TearDown
    public void tearDown() {
        provider.close();
    }

    @Benchmark
    public Object get(ThroughputBenchmark.Cursor cursor) {
        return strings.get(sequence[cursor.index++ & ZipfKeys.MASK]);
    }

    @Benchmark
    public void put(ThroughputBenchmark.Cursor cursor) {
        strings.put(sequence[cursor.index++ & ZipfKeys.MASK], "value");
    }

    @Benchmark
    public Object getObject(ThroughputBenchmark.Cursor cursor) {
        return objects.get(sequence[cursor.index++ & ZipfKeys.MASK]);
    }
}
