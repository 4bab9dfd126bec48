package io.lapse.impl.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.openjdk.jol.info.GraphLayout;
import org.openjdk.jol.vm.VM;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;

/**
 * Section D: bytes each entry costs beyond its key and value, measured with JOL's object graph
 * walk. For each subject: the footprint of the filled structure, minus that of the same structure
 * empty (fixed costs: slots, counters), minus the keys and the one value object all entries
 * share, divided by the entry count. Every entry has a TTL of an hour. (In the engine's package
 * to build a table without a sweeper.)
 */
public final class MemoryFootprint {

    /** One subject's figure. */
    public static final class Figure {
        public final String subject;
        public final double bytesPerEntry;

        Figure(String subject, double bytesPerEntry) {
            this.subject = subject;
            this.bytesPerEntry = bytesPerEntry;
        }
    }

    private static final Duration TTL = Duration.ofHours(1);
    /** The value of every entry. */
    private static final Object VALUE = "value";

    private MemoryFootprint() {
    }

    /**
     * Measures every subject with {@code entries} entries.
     *
     * @param entries how many entries each structure holds
     * @return Lapse, ConcurrentHashMap, Caffeine with expireAfterWrite, Caffeine with variable expiry
     */
    public static List<Figure> measure(int entries) {
        String[] keys = keys(entries);
        long shared = shared(keys);

        List<Figure> figures = new ArrayList<>();
        figures.add(lapse("Lapse", Limits.NONE, keys, shared));
        figures.add(figure("ConcurrentHashMap", entries, shared, ConcurrentHashMap::new,
            m -> fill(keys, VALUE, k -> castMap(m).put(k, VALUE))));
        figures.add(figure("Caffeine expireAfterWrite", entries, shared,
            () -> Caffeine.newBuilder().expireAfterWrite(TTL).executor(Runnable::run).build(),
            c -> caffeineFill(c, keys, VALUE)));
        figures.add(figure("Caffeine variable expiry", entries, shared,
            () -> Caffeine.newBuilder().expireAfter(Expiry.creating((Object k, Object v) -> TTL))
                .executor(Runnable::run).build(),
            c -> caffeineFill(c, keys, VALUE)));
        return figures;
    }

    /**
     * Section F: the same figure for Lapse with capacity limits its entries never reach, so that
     * nothing is evicted, beside Lapse without limits and Caffeine with maximumSize.
     *
     * @param entries how many entries each structure holds
     * @return Lapse without limits, with max_entries, with max_bytes (entries weighed), Caffeine
     *     with maximumSize
     */
    public static List<Figure> measureLimited(int entries) {
        String[] keys = keys(entries);
        long shared = shared(keys);
        List<Figure> figures = new ArrayList<>();
        figures.add(lapse("Lapse, no limit", Limits.NONE, keys, shared));
        figures.add(lapse("Lapse, max_entries " + String.format(Locale.ROOT, "%,d", entries),
            new Limits(entries, 0, Limits.MAX_ITEM_SIZE), keys, shared));
        figures.add(lapse("Lapse, max_bytes 1 TiB (entries weighed)", new Limits(0, 1L << 40, Limits.MAX_ITEM_SIZE),
            keys, shared));
        figures.add(figure("Caffeine maximumSize", entries, shared,
            () -> Caffeine.newBuilder().maximumSize(entries).executor(Runnable::run).build(),
            c -> caffeineFill(c, keys, VALUE)));
        return figures;
    }

    private static String[] keys(int entries) {
        String[] keys = new String[entries];
        for (int i = 0; i < entries; i++) {
            keys[i] = "key:" + i;
        }
        return keys;
    }

    /** The bytes of the keys and of the one value every entry shares, which are not the structure's. */
    private static long shared(String[] keys) {
        long keyBytes = GraphLayout.parseInstance((Object) keys).totalSize() - VM.current().sizeOf(keys);
        return keyBytes + VM.current().sizeOf(VALUE) + VM.current().sizeOf(((String) VALUE).getBytes());
    }

    /** A Lapse table with an hour's TTL and these limits, filled; fails if the limits evicted. */
    private static Figure lapse(String subject, Limits limits, String[] keys, long shared) {
        return figure(subject, keys.length, shared, () -> new CacheTable("memory",
            new CacheSettings(10, TTL.toMillis(), true, 0, null).withLimits(limits), new TimeSource(Clock.system()),
            TableListener.NONE), t -> {
                CacheTable table = (CacheTable) t;
                fill(keys, VALUE, k -> table.put(k, VALUE));
                if (table.size() != keys.length) {
                    throw new IllegalStateException(subject + " holds " + table.size() + " of " + keys.length
                        + " entries: its limits evicted");
                }
            });
    }

    @SuppressWarnings("unchecked")
    private static ConcurrentHashMap<String, Object> castMap(Object m) {
        return (ConcurrentHashMap<String, Object>) m;
    }

    @SuppressWarnings("unchecked")
    private static void caffeineFill(Object cache, String[] keys, Object value) {
        com.github.benmanes.caffeine.cache.Cache<Object, Object> c = (com.github.benmanes.caffeine.cache.Cache<Object, Object>) cache;
        fill(keys, value, k -> c.put(k, value));
        c.cleanUp();
    }

    private static void fill(String[] keys, Object value, Consumer<String> put) {
        for (String key : keys) {
            put.accept(key);
        }
    }

    private static Figure figure(String subject, int entries, long shared, Supplier<Object> create,
        Consumer<Object> fill) {
        long empty = GraphLayout.parseInstance(create.get()).totalSize();
        Object full = create.get();
        fill.accept(full);
        long total = GraphLayout.parseInstance(full).totalSize();
        return new Figure(subject, (double) (total - empty - shared) / entries);
    }
}
