package io.lapse.jmx.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.lapse.cache.CacheService;
import io.lapse.cache.CacheStore;
import io.lapse.impl.engine.CacheSettings;
import io.lapse.impl.engine.CacheTable;
import io.lapse.impl.engine.Clock;
import io.lapse.impl.engine.TableListener;
import io.lapse.impl.engine.TimeSource;

class StoreDirectoryTest {

    private final CacheTable table = new CacheTable("stored", CacheSettings.defaults(), new TimeSource(Clock.system()),
        TableListener.NONE);
    private final StoreDirectory directory = new StoreDirectory();
    private final AtomicInteger reloads = new AtomicInteger();
    private final CacheStore store = new CacheStore() {
        @Override
        public long reload() {
            return reloads.incrementAndGet() * 10L;
        }

        @Override
        public String description() {
            return "a test store";
        }
    };

    @AfterEach
    void close() {
        table.close();
    }

    @Test
    void reloadsThroughTheStoreOfTheCachesNameAndFollowsItsMoves() {
        IllegalStateException none = assertThrows(IllegalStateException.class, () -> directory.reload(table));
        assertEquals("cache 'stored' has no store to reload from", none.getMessage());

        directory.addStore(store, Map.of(CacheService.CACHE_NAME, "stored"));
        assertEquals(10, directory.reload(table));
        assertEquals(20, new CacheAdmin(table, directory).reload());

        directory.updatedStore(store, Map.of(CacheService.CACHE_NAME, "renamed"));
        assertThrows(IllegalStateException.class, () -> directory.reload(table));
        table.rename("renamed");
        assertEquals(30, directory.reload(table));

        directory.removeStore(store);
        assertThrows(IllegalStateException.class, () -> directory.reload(table));
        assertEquals(3, reloads.get());
    }
}
