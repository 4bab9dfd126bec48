package io.lapse.impl.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import io.lapse.cache.Match;

/**
 * Readers take no lock while writers grow the slots' bucket arrays (relinking every chain in
 * place) and change the number of slots (moving every node). A key that is stored the whole time
 * must be found by every read: a read that walked a chain while it was relinked must notice and
 * look again, never report a miss.
 */
class LockFreeReadStressTest {

    private static final int STABLE = 2_000;
    private static final int READERS = 3;

    @Test
    void aKeyStoredThroughoutIsNeverMissedWhileChainsAreRelinked() throws Exception {
        CacheTable table = new CacheTable("reads", new CacheSettings(2, 0, true, 0, null),
            new TimeSource(new ManualClock()), TableListener.NONE);
        String[] stable = new String[STABLE];
        for (int i = 0; i < STABLE; i++) {
            stable[i] = "stable:" + i;
            table.put(stable[i], "v" + i);
        }
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicLong misses = new AtomicLong();
        AtomicLong reads = new AtomicLong();
        List<Thread> readers = new ArrayList<>();
        for (int r = 0; r < READERS; r++) {
            int offset = r * 7;
            Thread reader = new Thread(() -> {
                long n = 0;
                for (int i = offset; writing.get(); i++) {
                    String key = stable[i % STABLE];
                    if (table.get(key) == null) {
                        misses.incrementAndGet();
                    }
                    n++;
                }
                reads.addAndGet(n);
            }, "reader-" + r);
            readers.add(reader);
            reader.start();
        }
        try {
            int[] sizes = {5, 3, 6, 2, 4, 5};
            for (int round = 0; round < sizes.length; round++) {
                // A new number of slots moves every node into fresh, small arrays; the churn
                // keys then grow each array through several doublings while the readers read.
                table.reconfigure(new CacheSettings(sizes[round], 0, true, 0, null));
                for (int i = 0; i < 30_000; i++) {
                    table.put("churn:" + i, "x");
                }
                assertEquals(30_000, table.removeKeys(Match.prefix("churn:")));
            }
        } finally {
            writing.set(false);
            for (Thread reader : readers) {
                reader.join();
            }
        }
        assertTrue(reads.get() > 0);
        assertEquals(0, misses.get(), "reads missed keys that were stored throughout");
        table.close();
    }
}
