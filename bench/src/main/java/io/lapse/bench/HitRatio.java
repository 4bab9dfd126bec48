package io.lapse.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BiConsumer;
import java.util.function.Function;

import com.github.benmanes.caffeine.cache.Caffeine;

import io.lapse.impl.engine.CacheSettings;
import io.lapse.impl.engine.CacheTable;
import io.lapse.impl.engine.Clock;
import io.lapse.impl.engine.Limits;
import io.lapse.impl.engine.TableListener;
import io.lapse.impl.engine.TimeSource;

/**
 * Section F's hit ratios: how often a cache holding a given number of entries finds the key
 * asked for, on traces of accesses the benchmark generates (deterministic for a seed). On each
 * access the policy reads the key and, on a miss, puts it, one thread. Compared: Lapse with
 * max_entries (a real {@link CacheTable}, evicting with its clock hand), exact LRU (a
 * {@link LinkedHashMap} in access order dropping its eldest entry) and Caffeine with maximumSize
 * (W-TinyLFU), whose maintenance runs on the calling thread ({@code executor(Runnable::run)}) so
 * that none of it is deferred. Every access counts, from a cold start.
 */
final class HitRatio {

    /** The small capacity: about one entry for each of Lapse's default 1,024 slots. */
    static final int SMALL_CAPACITY = 1_000;
    /** Zipf accesses between two scans of {@link Trace#SCANS}. */
    static final int SCAN_EVERY = 50_000;
    /** Accesses between two moves of {@link Trace#SHIFTING}'s hot set. */
    static final int SHIFT_EVERY = 200_000;
    /** How far {@link Trace#SHIFTING}'s hot set moves, in keys. */
    static final int SHIFT = ZipfKeys.POPULATION / 8;
    private static final Object VALUE = "value";

    /** The traces, each over {@link ZipfKeys#POPULATION} keys ranked by a Zipf distribution of exponent 0.99. */
    enum Trace {
        /** Key {@code r} is rank {@code r}'s: section A's distribution. */
        ZIPF("Zipf 0.99"),
        /** As {@link #ZIPF}, with a scan of capacity/3 keys never seen before after every 50,000 accesses. */
        SCANS("Zipf 0.99 with scans of new keys"),
        /**
         * Rank {@code r} is key {@code offset + r}, the offset moving by {@link #SHIFT} every
         * {@link #SHIFT_EVERY} accesses: the hottest keys drop out, keys that were lukewarm become
         * the hottest, and new ones come in at the cold end.
         */
        SHIFTING("shifting hot set");

        final String title;

        Trace(String title) {
            this.title = title;
        }
    }

    /** The hit ratios of one trace at one capacity, each between 0 and 1. */
    static final class Figure {
        final Trace trace;
        final int capacity;
        final int accesses;
        final double lapse;
        final double lru;
        final double caffeine;

        Figure(Trace trace, int capacity, int accesses, double lapse, double lru, double caffeine) {
            this.trace = trace;
            this.capacity = capacity;
            this.accesses = accesses;
            this.lapse = lapse;
            this.lru = lru;
            this.caffeine = caffeine;
        }
    }

    /** Exact LRU: a map in access order that drops its least recently used entry when over capacity. */
    private static final class ExactLru extends LinkedHashMap<String, Object> {
        private final int capacity;

        ExactLru(int capacity) {
            super(16, 0.75f, true);
            this.capacity = capacity;
        }

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Object> eldest) {
            return size() > capacity;
        }
    }

    private HitRatio() {
    }

    /**
     * Runs every trace at every capacity.
     *
     * @param accesses the length of each trace
     * @param capacities the entries the caches keep
     * @return one figure per trace and capacity, trace by trace
     */
    static List<Figure> measure(int accesses, int... capacities) {
        List<Figure> figures = new ArrayList<>();
        for (Trace trace : Trace.values()) {
            for (int capacity : capacities) {
                int[] ids = generate(trace, capacity, accesses, 42 + trace.ordinal());
                String[] keys = keys(ids, 7 + trace.ordinal());
                CacheTable table = new CacheTable("hit-ratio",
                    CacheSettings.defaults().withLimits(new Limits(capacity, 0, Limits.MAX_ITEM_SIZE)),
                    new TimeSource(Clock.system()), TableListener.NONE);
                double lapse;
                try {
                    lapse = run(ids, keys, table::get, table::put);
                } finally {
                    table.close();
                }
                ExactLru lru = new ExactLru(capacity);
                double exact = run(ids, keys, lru::get, lru::put);
                com.github.benmanes.caffeine.cache.Cache<String, Object> caffeine =
                    Caffeine.newBuilder().maximumSize(capacity).executor(Runnable::run).build();
                double tinyLfu = run(ids, keys, caffeine::getIfPresent, caffeine::put);
                figures.add(new Figure(trace, capacity, accesses, lapse, exact, tinyLfu));
                System.out.printf("F: hit ratio, %s, %,d entries: Lapse %.2f%%, exact LRU %.2f%%, Caffeine %.2f%%%n",
                    trace.title, capacity, lapse * 100, exact * 100, tinyLfu * 100);
            }
        }
        return figures;
    }

    private static double run(int[] ids, String[] keys, Function<String, Object> get, BiConsumer<String, Object> put) {
        long hits = 0;
        for (int id : ids) {
            String key = keys[id];
            if (get.apply(key) != null) {
                hits++;
            } else {
                put.accept(key, VALUE);
            }
        }
        return (double) hits / ids.length;
    }

    /**
     * Generates a trace as key numbers: Zipf ranks drawn from one seeded source, mapped to keys as
     * the trace says; scans take numbers above any rank's, never used twice.
     */
    static int[] generate(Trace trace, int capacity, int accesses, long seed) {
        Random random = new Random(seed);
        double[] cdf = ZipfKeys.cumulative(ZipfKeys.POPULATION);
        int[] ids = new int[accesses];
        int fresh = ZipfKeys.POPULATION;
        int nextScan = SCAN_EVERY;
        for (int i = 0; i < accesses; i++) {
            if (trace == Trace.SCANS && i == nextScan) {
                for (int end = Math.min(accesses, i + Math.max(1, capacity / 3)); i < end; i++) {
                    ids[i] = fresh++;
                }
                nextScan = i + SCAN_EVERY;
                if (i == accesses) {
                    break;
                }
            }
            int rank = ZipfKeys.rank(cdf, random);
            ids[i] = trace == Trace.SHIFTING ? i / SHIFT_EVERY * SHIFT + rank : rank;
        }
        return ids;
    }

    /** A random string key for every number the trace uses, as {@link ZipfKeys} makes them. */
    private static String[] keys(int[] ids, long seed) {
        int count = 0;
        for (int id : ids) {
            count = Math.max(count, id + 1);
        }
        Random random = new Random(seed);
        String[] keys = new String[count];
        for (int i = 0; i < count; i++) {
            keys[i] = "key:" + Long.toHexString(random.nextLong());
        }
        return keys;
    }
}
