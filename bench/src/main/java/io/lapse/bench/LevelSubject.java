package io.lapse.bench;

import java.nio.file.Path;

import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;

import io.lapse.impl.engine.CacheTable;
import io.lapse.impl.engine.LevelBacking;
import io.lapse.impl.engine.Limits;
import io.lapse.impl.engine.TableListener;
import io.lapse.impl.engine.TimeSource;
import io.lapse.impl.level.FileLevel;

/**
 * Section H's subjects: a heap of {@link #HEAP_CAPACITY} entries in front of a file that holds
 * every entry, committed at each write.
 */
public enum LevelSubject {

    /** Lapse with max_entries in front of its file level (H2's MVStore), expiry thread running. */
    LAPSE_FILE_LEVEL {
        @Override
        Measured create(Path folder, int capacity) {
            TimeSource time = new TimeSource(io.lapse.impl.engine.Clock.system());
            CacheTable table = new CacheTable("bench", Subject.lapseSettings()
                .withLimits(new Limits(capacity, 0, Limits.MAX_ITEM_SIZE)), time, TableListener.NONE);
            FileLevel level = FileLevel.open(folder.resolve("lapse.mv"));
            LevelBacking backing = table.backBy(level);
            backing.expiry().start("bench-level-expiry", e -> { });
            io.lapse.cache.Cache cache = table.cache();
            return new Measured() {
                @Override
                public Object get(String key) {
                    return cache.get(key);
                }

                @Override
                public void put(String key, Object value) {
                    cache.put(key, value);
                }

                @Override
                public long levelReads() {
                    return backing.levelReads();
                }

                @Override
                public void close() {
                    backing.expiry().close();
                    table.close();
                    level.close();
                }
            };
        }
    },
    /**
     * Caffeine with maximumSize and expireAfterWrite, read through a loader from an MVStore map and
     * written through to it (committed) before the cache: what a user would build with Caffeine.
     */
    CAFFEINE_LOADER {
        @Override
        Measured create(Path folder, int capacity) {
            MVStore store = new MVStore.Builder().fileName(folder.resolve("caffeine.mv").toString())
                .autoCommitDisabled().open();
            MVMap<String, Object> map = store.openMap("entries");
            LoadingCache<String, Object> cache = Caffeine.newBuilder().maximumSize(capacity)
                .expireAfterWrite(Subject.TTL).recordStats().build(map::get);
            return new Measured() {
                @Override
                public Object get(String key) {
                    return cache.get(key);
                }

                @Override
                public void put(String key, Object value) {
                    map.put(key, value);
                    store.commit();
                    cache.put(key, value);
                }

                @Override
                public long levelReads() {
                    return cache.stats().loadCount();
                }

                @Override
                public void close() {
                    store.close();
                }
            };
        }
    };

    /** The heap's share of the keys: a tenth of {@link ZipfKeys#POPULATION}. */
    static final int HEAP_CAPACITY = ZipfKeys.POPULATION / 10;

    abstract Measured create(Path folder, int capacity);

    /** A store that also says how many reads went to the file. */
    public interface Measured extends Subject.Store {
        long levelReads();
    }
}
