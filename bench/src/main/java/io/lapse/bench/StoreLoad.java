package io.lapse.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.lapse.impl.engine.CacheSettings;
import io.lapse.impl.engine.CacheTable;
import io.lapse.impl.engine.Clock;
import io.lapse.impl.engine.TableListener;
import io.lapse.impl.engine.TimeSource;
import io.lapse.impl.store.Database;
import io.lapse.impl.store.StoreLog;
import io.lapse.impl.store.StoreSettings;
import io.lapse.impl.store.TableStore;
import io.lapse.impl.store.WriteMode;

/**
 * Section E: how fast a cache loads a large table from PostgreSQL, and how much heap the load
 * needs. The table is htable's layout, filled by the server itself ({@code generate_series}):
 * half the rows strings, half integers, each with a deadline a day away, loaded with deadlines
 * ({@code db_expires}) by the same {@link TableStore} the bundle uses, into a cache with the
 * default 1,024 slots. Each load goes into a fresh cache after a full collection; the peak heap
 * is the sum of the heap pools' peaks during the load, and the retained heap what is left used
 * after a collection with the loaded cache still reachable.
 */
final class StoreLoad {

    static final String URL = "jdbc:postgresql://127.0.0.1:5432/test";
    static final String USER = "postgres";
    static final String TABLE = "lapse_bench_load";

    /** One measured load. */
    static final class Figure {
        final int fetchRows;
        final long rows;
        final double seconds;
        final double peakHeapMiB;
        final double retainedHeapMiB;

        Figure(int fetchRows, long rows, double seconds, double peakHeapMiB, double retainedHeapMiB) {
            this.fetchRows = fetchRows;
            this.rows = rows;
            this.seconds = seconds;
            this.peakHeapMiB = peakHeapMiB;
            this.retainedHeapMiB = retainedHeapMiB;
        }

        double rowsPerSecond() {
            return rows / seconds;
        }
    }

    /** What section E found: the figures, or why it could not run. */
    static final class Result {
        final List<Figure> figures = new ArrayList<>();
        String skipped;
        long rows;
        String server;
    }

    private StoreLoad() {
    }

    static Result measure(long rows, int repeats) throws Exception {
        Result result = new Result();
        result.rows = rows;
        try (Connection c = DriverManager.getConnection(URL, USER, "")) {
            result.server = server(c);
            fill(c, rows);
        } catch (SQLException e) {
            result.skipped = "PostgreSQL is not reachable at " + URL + " as " + USER + " (" + e.getMessage().strip()
                + "); start it and run again";
            System.out.println("Section E skipped: " + result.skipped);
            return result;
        }
        Database db = new Database() {
            @Override
            public Connection connect(Duration wait) throws SQLException {
                return DriverManager.getConnection(URL, USER, "");
            }

            @Override
            public String describe() {
                return URL;
            }
        };
        try {
            for (int fetch : new int[] {StoreSettings.FETCH_ROWS, 10_000}) {
                // the first load of each fetch size warms up the JIT and the server's cache
                load(db, fetch, rows);
                for (int i = 0; i < repeats; i++) {
                    Figure f = load(db, fetch, rows);
                    System.out.printf("E: fetch_rows %d: %,d rows in %.2f s, %,.0f rows/s, peak heap %.0f MiB%n", fetch,
                        f.rows, f.seconds, f.rowsPerSecond(), f.peakHeapMiB);
                    result.figures.add(f);
                }
            }
        } finally {
            try (Connection c = DriverManager.getConnection(URL, USER, ""); Statement st = c.createStatement()) {
                st.execute("DROP TABLE IF EXISTS " + TABLE);
            }
        }
        return result;
    }

    private static String server(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW server_version")) {
            rs.next();
            return "PostgreSQL " + rs.getString(1) + " on 127.0.0.1, driver " + c.getMetaData().getDriverVersion();
        }
    }

    private static void fill(Connection c, long rows) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("DROP TABLE IF EXISTS " + TABLE);
            st.execute("CREATE TABLE " + TABLE + " (key_name VARCHAR(64) NOT NULL, key_type INT NOT NULL DEFAULT 0, "
                + "value_type INT NOT NULL DEFAULT 0, key_value VARCHAR(128) NOT NULL, expires BIGINT NOT NULL DEFAULT 0)");
            st.execute("INSERT INTO " + TABLE + " SELECT 'user:' || g, 0, g % 2, CASE WHEN g % 2 = 0 THEN 'session-' || md5(g::text) "
                + "ELSE (g * 7)::text END, extract(epoch FROM now())::bigint + 86400 FROM generate_series(1, " + rows + ") g");
            st.execute("VACUUM ANALYZE " + TABLE);
        }
    }

    private static Figure load(Database db, int fetch, long rows) {
        CacheTable table = new CacheTable("load", CacheSettings.defaults(), new TimeSource(Clock.system()),
            TableListener.NONE);
        StoreSettings settings = new StoreSettings(TABLE, StoreSettings.KEY_NAME, StoreSettings.KEY_TYPE,
            StoreSettings.VALUE_TYPE, StoreSettings.KEY_VALUE, StoreSettings.EXPIRES, List.of(), fetch, true,
            StoreSettings.ARRAY_SIZE_SUFFIX, WriteMode.NONE);
        TableStore store = new TableStore(table, settings, db, Duration.ZERO, TableStore.DEFAULT_TIMEOUT, SILENT);
        List<MemoryPoolMXBean> heap = new ArrayList<>();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                heap.add(pool);
            }
        }
        System.gc();
        long before = used(heap);
        heap.forEach(MemoryPoolMXBean::resetPeakUsage);
        long started = System.nanoTime();
        long loaded = store.load(false);
        double seconds = (System.nanoTime() - started) / 1e9;
        long peak = 0;
        for (MemoryPoolMXBean pool : heap) {
            peak += pool.getPeakUsage().getUsed();
        }
        System.gc();
        long retained = used(heap) - before;
        if (loaded != rows) {
            throw new IllegalStateException("loaded " + loaded + " entries of " + rows + " rows");
        }
        table.close();
        return new Figure(fetch, loaded, seconds, peak / 1048576.0, retained / 1048576.0);
    }

    private static long used(List<MemoryPoolMXBean> heap) {
        long used = 0;
        for (MemoryPoolMXBean pool : heap) {
            used += pool.getUsage().getUsed();
        }
        return used;
    }

    private static final StoreLog SILENT = new StoreLog() {
        @Override
        public void info(String message) {
        }

        @Override
        public void warn(String message) {
            System.out.println(message);
        }

        @Override
        public void error(String message, Throwable cause) {
            System.out.println(message);
        }
    };
}
