package io.lapse.bench;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Function;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;

import io.lapse.impl.engine.CacheSettings;
import io.lapse.impl.engine.CacheTable;
import io.lapse.impl.engine.Clock;
import io.lapse.impl.engine.Limits;
import io.lapse.impl.engine.Sweeper;
import io.lapse.impl.engine.TableListener;
import io.lapse.impl.engine.TimeSource;

/**
 * The caches compared, each behind the same two operations. Every expiring one is given a TTL
 * of an hour, so nothing expires while it is measured: what is measured is the cost of carrying
 * expiry on the read and write paths. The capped ones (section F) keep half the keys the
 * benchmarks access, so they evict.
 */
public enum Subject {

    /**
     * Lapse with its defaults and a default TTL (autoexpire), its sweeper running as in production,
     * used through the {@code Cache} its consumers receive.
     */
    LAPSE {
        @Override
        Store create() {
            return lapse(false);
        }
    },

    /** The same with statistics on: every read counted. */
    LAPSE_STATS {
        @Override
        Store create() {
            return lapse(true);
        }
    },

    /** A plain ConcurrentHashMap: no expiry at all, the ceiling. */
    CHM {
        @Override
        Store create() {
            ConcurrentHashMap<String, Object> map = new ConcurrentHashMap<>();
            return store(map::get, map::put, () -> { });
        }
    },

    /** Caffeine with expireAfterWrite. */
    CAFFEINE_EAW {
        @Override
        Store create() {
            com.github.benmanes.caffeine.cache.Cache<String, Object> cache =
                Caffeine.newBuilder().expireAfterWrite(TTL).build();
            return caffeine(cache);
        }
    },

    /** Caffeine with variable, per-entry expiry (its timer wheel). */
    CAFFEINE_VAR {
        @Override
        Store create() {
            com.github.benmanes.caffeine.cache.Cache<String, Object> cache = Caffeine.newBuilder()
                .expireAfter(Expiry.<String, Object>creating((k, v) -> TTL))
                .build();
            return caffeine(cache);
        }
    },

    /** {@link #LAPSE} with max_entries at {@link #CAPACITY}: its clock hand evicts. */
    LAPSE_CAPPED {
        @Override
        Store create() {
            return lapse(false, new Limits(CAPACITY, 0, Limits.MAX_ITEM_SIZE));
        }
    },

    /**
     * {@link #LAPSE} replicated (section G): a node of a cache on a Hazelcast cluster of two
     * members in this JVM, the other member holding the cache's second node ({@link ReplicatedLapse}).
     */
    LAPSE_REPLICATED {
        @Override
        Store create() {
            return ReplicatedLapse.start();
        }
    },

    /** Caffeine with maximumSize at {@link #CAPACITY}, no expiry: W-TinyLFU evicts. */
    CAFFEINE_SIZE {
        @Override
        Store create() {
            return caffeine(Caffeine.newBuilder().maximumSize(CAPACITY).build());
        }
    },

    /** Caffeine with maximumSize at {@link #CAPACITY} and expireAfterWrite. */
    CAFFEINE_SIZE_EAW {
        @Override
        Store create() {
            return caffeine(Caffeine.newBuilder().maximumSize(CAPACITY).expireAfterWrite(TTL).build());
        }
    };

    static final Duration TTL = Duration.ofHours(1);
    /** The entries a capped subject keeps: half the keys the benchmarks access. */
    static final int CAPACITY = ZipfKeys.POPULATION / 2;

    abstract Store create();

    private static Store lapse(boolean statistics) {
        return lapse(statistics, Limits.NONE);
    }

    private static Store lapse(boolean statistics, Limits limits) {
        TimeSource time = new TimeSource(Clock.system());
        Sweeper sweeper = new Sweeper(time, "bench-sweeper-", (t, e) -> { });
        CacheTable table = new CacheTable("bench", lapseSettings().withStatistics(statistics).withLimits(limits), time,
            TableListener.NONE);
        sweeper.add(table);
        sweeper.start();
        // measured through the view consumers receive as the Cache service, not the table itself
        io.lapse.cache.Cache cache = table.cache();
        return store(cache::get, cache::put, () -> {
            sweeper.close();
            table.close();
        });
    }

    /** @return Lapse's settings in every section: the default 1,024 slots and {@link #TTL} */
    static CacheSettings lapseSettings() {
        return new CacheSettings(10, TTL.toMillis(), true, 0, null);
    }

    /** The two operations over a Caffeine cache. */
    static Store caffeine(com.github.benmanes.caffeine.cache.Cache<? super String, Object> cache) {
        return store(cache::getIfPresent, cache::put, () -> { });
    }

    /** The two operations over a Lapse cache as an OSGi service serves it. */
    static Store service(io.lapse.cache.Cache cache) {
        return store(cache::get, cache::put, () -> { });
    }

    private static Store store(Function<String, Object> get, BiConsumer<String, Object> put, Runnable close) {
        return new Store() {
            @Override
            public Object get(String key) {
                return get.apply(key);
            }

            @Override
            public void put(String key, Object value) {
                put.accept(key, value);
            }

            @Override
            public void close() {
                close.run();
            }
        };
    }

    /** The two operations measured. */
    public interface Store extends AutoCloseable {
        Object get(String key);

        void put(String key, Object value);

        /**
         * Waits until the work the writes so far started elsewhere is done: for a replicated
         * cache, until its other node holds every entry. Nothing to wait for by default.
         */
        default void settle() {
        }

        @Override
        void close();
    }
}
