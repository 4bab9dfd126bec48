package io.lapse.impl.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.lapse.cache.CacheEntry;
import io.lapse.impl.engine.CacheSettings;
import io.lapse.impl.engine.CacheTable;
import io.lapse.impl.engine.Clock;
import io.lapse.impl.engine.TableListener;
import io.lapse.impl.engine.TimeSource;

/**
 * The JVM {@link WriteBackCrashTest} kills: writes the same keys back again and again, each
 * batch holding the next generation as every value, and says on stdout when a batch starts and
 * when its commit has returned. Arguments: the H2 file path and the number of rows.
 */
public final class WriteBackChild {

    private WriteBackChild() {
    }

    public static void main(String[] args) throws Exception {
        H2 db = H2.file(args[0]);
        int rows = Integer.parseInt(args[1]);
        long generation = current(db);
        CacheTable table = new CacheTable("crash", CacheSettings.defaults(), new TimeSource(Clock.system()),
            TableListener.NONE);
        TableStore store = new TableStore(table, StoreSettings.defaults("kv", WriteMode.ON_STOP, false), db,
            Duration.ZERO, TableStore.DEFAULT_TIMEOUT, new Printed());
        // write-back is suspended until a load of the table has completed
        store.load(false);
        for (;;) {
            generation++;
            List<CacheEntry> entries = new ArrayList<>(rows);
            for (int i = 0; i < rows; i++) {
                entries.add(new CacheEntry("k" + i, generation, 0));
            }
            System.out.println("writing " + generation);
            System.out.flush();
            long started = System.nanoTime();
            if (!store.writeBack(entries)) {
                System.out.println("failed " + generation);
                System.exit(1);
            }
            System.out.println("committed " + generation + " in " + (System.nanoTime() - started) / 1_000_000 + " ms");
            System.out.flush();
        }
    }

    /** A store's log on stdout, where the parent looks for warnings and errors; info is left out. */
    static final class Printed implements StoreLog {
        @Override
        public void info(String message) {
        }

        @Override
        public void warn(String message) {
            System.out.println("WARN " + message);
        }

        @Override
        public void error(String message, Throwable cause) {
            System.out.println("ERROR " + message);
        }
    }

    /** The generation the table holds, 0 if it is empty. */
    static long current(H2 db) throws SQLException {
        try (Connection c = db.connect(Duration.ZERO); Statement st = c.createStatement();
            ResultSet rs = st.executeQuery("SELECT MAX(CAST(key_value AS BIGINT)) FROM kv")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
