package io.lapse.impl.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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

    private MemoryFootprint() {
    }

    /**
     * Measures every subject with {@code entries} entries.
     *
     * @param entries how many entries each structure holds
     * @return Lapse, ConcurrentHashMap, Caffeine with expireAfterWrite, Caffeine with variable expiry
     */
    public static List<Figure> measure(int entries) {
        String[] keys = new String[entries];
        for (int i = 0; i < entries; i++) {
            keys[i] = "key:" + i;
        }
        Object value = "value";
        long keyBytes = GraphLayout.parseInstance((Object) keys).totalSize() - VM.current().sizeOf(keys);
        long valueBytes = VM.current().sizeOf(value) + VM.current().sizeOf(((String) value).getBytes());
        long shared = keyBytes + valueBytes;

        List<Figure> figures = new ArrayList<>();
        figures.add(figure("Lapse", entries, shared, () -> new CacheTable("memory",
            new CacheSettings(10, TTL.toMillis(), true, 0, null), new TimeSource(Clock.system()), TableListener.NONE),
            t -> fill(keys, value, k -> ((CacheTable) t).put(k, value))));
        figures.add(figure("ConcurrentHashMap", entries, shared, ConcurrentHashMap::new,
            m -> fill(keys, value, k -> castMap(m).put(k, value))));
        figures.add(figure("Caffeine expireAfterWrite", entries, shared,
            () -> Caffeine.newBuilder().expireAfterWrite(TTL).executor(Runnable::run).build(),
            c -> caffeineFill(c, keys, value)));
        figures.add(figure("Caffeine variable expiry", entries, shared,
            () -> Caffeine.newBuilder().expireAfter(Expiry.creating((Object k, Object v) -> TTL))
                .executor(Runnable::run).build(),
            c -> caffeineFill(c, keys, value)));
        return figures;
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
