package io.lapse.impl.store;

import java.time.Duration;

import io.lapse.impl.engine.CacheSettings;
import io.lapse.impl.engine.CacheTable;
import io.lapse.impl.engine.Clock;
import io.lapse.impl.engine.TableListener;
import io.lapse.impl.engine.TimeSource;

/**
 * The JVM {@link WriteBackCrashTest} kills in its write-through rounds: loads the table into a
 * write-through cache, then puts without end, put number {@code n} writing {@code n} to key
 * {@code k<n % keys>}, and says on stdout when each put has returned ({@code ok <n>}). It goes on
 * from the largest number the table holds. Arguments: the H2 file path and the number of keys.
 */
public final class WriteThroughChild {

    private WriteThroughChild() {
    }

    public static void main(String[] args) throws Exception {
        H2 db = H2.file(args[0]);
        int keys = Integer.parseInt(args[1]);
        CacheTable table = new CacheTable("crash", CacheSettings.defaults(), new TimeSource(Clock.system()),
            TableListener.NONE);
        TableStore store = new TableStore(table, StoreSettings.defaults("kv", WriteMode.WRITE_THROUGH, true), db,
            Duration.ZERO, TableStore.DEFAULT_TIMEOUT, new WriteBackChild.Printed());
        table.writeThrough(store.writeThroughHook());
        long loaded = store.load(false);
        long[] largest = {0};
        table.forEach(e -> largest[0] = Math.max(largest[0], (Long) e.value()));
        System.out.println("loaded " + loaded + " next " + (largest[0] + 1));
        System.out.flush();
        for (long n = largest[0] + 1;; n++) {
            table.put("k" + (n % keys), n);
            System.out.println("ok " + n);
            System.out.flush();
        }
    }
}
