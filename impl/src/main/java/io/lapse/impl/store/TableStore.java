package io.lapse.impl.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

import io.lapse.cache.CacheEntry;
import io.lapse.cache.Durations;
import io.lapse.impl.engine.CacheTable;
import io.lapse.impl.engine.Contents;
import io.lapse.impl.engine.Limits;
import io.lapse.impl.engine.WriteThrough;

/**
 * The store of one cache: its table in a database, loaded at start and on reload, written back
 * on stop or written through, as its {@link StoreSettings} say. Plain Java over JDBC: the bundle
 * gives it a {@link Database} that finds the OSGi service.
 *
 * <h2>Load and reload</h2>
 * {@link #load} reads the whole table into new contents, off every lock of the cache, then swaps
 * them in at once ({@link CacheTable#replace}): reads see the old contents until then, the new
 * ones after. The new contents keep the cache's capacity limits as they fill: entries that do not
 * fit are left out, counted in one warning, and their rows stay in the table. If the database or
 * the table fails, the old contents stay and the caller gets an
 * {@link IllegalStateException} naming the cache, the database, the table and the cause. With
 * write-through, rows whose deadline has passed are deleted and array rows rewritten in flat
 * form, in the transaction of the read, so the table holds what the cache does, and the rows of
 * entries a limit keeps out of it.
 *
 * <h2>Write-back</h2>
 * {@link #writeBack} replaces the table's rows with the live entries in one transaction (delete,
 * then batched inserts, then commit): a crash leaves the table as it was or as it is after, never
 * half written. Write-back is suspended from construction until a load has completed: a store
 * whose load at start failed (whatever it threw, an {@link Error} included) or was stopped
 * never writes back, so an empty cache never wipes the table.
 *
 * <h2>Stopping</h2>
 * {@link #cancel()} (and {@link #close()}) stop the store for good: a load under way ends at its
 * next step (after connecting, every {@value RowReader#CHECKPOINT_ROWS} rows, before its commit)
 * and, above all, never swaps its contents in: that last check runs under every lock of the
 * cache, in the swap itself, so a load that outlives its stop cannot replace what the cache holds
 * by then. Later loads are refused. Write-back is still allowed: it is what a stop does next.
 *
 * <h2>A database that does not answer</h2>
 * Every call is bounded by {@code db_timeout} ({@link Timeouts}): a write-through change, each
 * statement of the write-back, the write-back's wait for a load that holds the table. A load's
 * statements get {@value #LOAD_TIMEOUT_FACTOR} times as long. Only opening a connection is left
 * to the driver's own connect timeout.
 *
 * <h2>Concurrency</h2>
 * {@link #lock} serializes loads, reloads and the write-back, and guards {@code suspended}; a
 * second reload waits for the first, a write-back at most {@code db_timeout}. The write-through
 * hook has a lock of its own (see {@link JdbcWriteThrough}). {@link #cancel()} may be called from
 * any thread and takes no lock.
 */
public final class TableStore implements AutoCloseable {

    /** The default of {@code db_timeout}. */
    public static final String DEFAULT_TIMEOUT_TEXT = "5s";
    /** {@link #DEFAULT_TIMEOUT_TEXT} as a duration. */
    public static final Duration DEFAULT_TIMEOUT = Durations.parse(DEFAULT_TIMEOUT_TEXT);
    /**
     * A load's statements may take this many times {@code db_timeout}: reading a big table takes
     * time (a million rows, about a second from PostgreSQL, which streams them, so its query
     * timeout covers the first fetch), and a load at start runs off the caller's thread anyway.
     */
    public static final int LOAD_TIMEOUT_FACTOR = 10;

    /** Malformed rows logged one by one per load; the rest are counted. */
    static final int LOGGED_ROWS = 10;
    private static final int BATCH = 1000;

    private final CacheTable table;
    private final StoreSettings settings;
    private final Database database;
    private final Duration wait;
    private final Duration timeout;
    private final StoreLog log;
    private final Sql sql;
    private final JdbcWriteThrough writeThrough;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile RowReader reading;
    /** Written under {@link #lock}; volatile for {@link #suspended()}. */
    private volatile boolean suspended = true;
    private volatile boolean cancelled;

    /**
     * Creates the store of a table; nothing is read or written until asked.
     *
     * @param table the cache
     * @param settings the table and how to use it
     * @param database where connections come from
     * @param wait how long a load waits for the database's service to appear
     * @param timeout how long one database call may take ({@code db_timeout}), more than 0
     * @param log where loads, skipped rows and failures are reported
     */
    public TableStore(CacheTable table, StoreSettings settings, Database database, Duration wait, Duration timeout,
        StoreLog log) {
        this.table = table;
        this.settings = settings;
        this.database = database;
        this.wait = wait;
        this.timeout = timeout;
        this.log = log;
        this.sql = new Sql(settings);
        this.writeThrough = settings.mode == WriteMode.WRITE_THROUGH
            ? new JdbcWriteThrough(settings, sql, database, table::name, timeout) : null;
    }

    /**
     * Returns the hook to give the cache ({@link CacheTable#writeThrough}).
     *
     * @return the hook, or {@code null} unless the mode is write-through
     */
    public WriteThrough writeThroughHook() {
        return writeThrough;
    }

    /**
     * Describes the store: database, table, mode; never a password.
     *
     * @return one line
     */
    public String describe() {
        return database.describe() + " table " + settings.table + " (dbmode " + settings.mode
            + (settings.loadExpires ? ", deadlines saved" : "") + ")";
    }

    /** @return the name of the cache this store serves */
    public String cache() {
        return table.name();
    }

    /** @return whether the store was stopped ({@link #cancel()} or {@link #close()}) */
    public boolean cancelled() {
        return cancelled;
    }

    /** @return the settings */
    public StoreSettings settings() {
        return settings;
    }

    /**
     * Replaces the cache's contents with the table's rows, as described above, and reports
     * {@code cache/loaded} with the count unless told not to.
     *
     * <p>Its statements may take {@value #LOAD_TIMEOUT_FACTOR} times {@code db_timeout} each.
     * Whatever it throws, an {@link Error} included, the transaction is rolled back, the
     * write-through journal dropped and the contents unchanged.
     *
     * @param report whether to report the load to the cache's listener now
     * @return how many entries the cache holds after the load
     * @throws IllegalStateException if the table cannot be read, or the store was stopped
     *     ({@link #cancel()}); the contents are unchanged
     */
    public long load(boolean report) {
        lock.lock();
        try {
            checkNotCancelled();
            long started = System.nanoTime();
            AtomicLong logged = new AtomicLong();
            RowReader reader = new RowReader(settings, sql, table.name(), message -> {
                if (logged.incrementAndGet() <= LOGGED_ROWS) {
                    log.warn(message);
                }
            }, this::checkNotCancelled);
            Contents contents = table.newContents();
            RowReader.Result result;
            long count;
            if (writeThrough != null) {
                writeThrough.startJournal();
            }
            try {
                try (Connection c = database.connect(wait)) {
                    // a stop that landed while the database was connecting
                    checkNotCancelled();
                    reading = reader;
                    c.setAutoCommit(false);
                    Timeouts bounds = Timeouts.apply(c, timeout.multipliedBy(LOAD_TIMEOUT_FACTOR));
                    try {
                        if (writeThrough != null) {
                            deleteExpired(c, bounds);
                        }
                        result = reader.read(c, bounds, contents, writeThrough != null);
                        if (writeThrough != null && !result.fromArrays.isEmpty()) {
                            flatten(c, bounds, result.fromArrays);
                        }
                        checkNotCancelled();
                        c.commit();
                    } catch (Throwable e) {
                        rollback(c);
                        throw e;
                    } finally {
                        bounds.restore();
                    }
                } catch (SQLException e) {
                    throw new IllegalStateException("cache '" + table.name() + "': load from " + database.describe()
                        + " table " + settings.table + " failed, so the contents are unchanged: " + describe(e), e);
                } finally {
                    reading = null;
                }
                count = table.replace(contents, fresh -> {
                    // Under every lock of the cache: a stop that came before this point wins,
                    // and no later one can see the swap half done.
                    checkNotCancelled();
                    if (writeThrough != null) {
                        writeThrough.applyJournal(fresh);
                    }
                });
                suspended = false;
            } finally {
                // after a swap the journal is gone already; after any failure, a journal left
                // open would keep every key written through until the next load
                if (writeThrough != null) {
                    writeThrough.dropJournal();
                }
            }
            long millis = (System.nanoTime() - started) / 1_000_000;
            if (result.capped > 0) {
                long days = RowReader.MAX_TTL_MILLIS / 86_400_000L;
                log.warn("cache '" + table.name() + "': table " + settings.table + ": " + result.capped
                    + " rows have an " + settings.expires + " more than " + days + " days ahead (the first with "
                    + settings.keyName + " '" + result.firstCapped + "'), so they are loaded with a deadline " + days
                    + " days from now");
            }
            if (result.malformed > LOGGED_ROWS) {
                log.warn("cache '" + table.name() + "': table " + settings.table + ": " + result.malformed
                    + " malformed rows skipped in all (the first " + LOGGED_ROWS + " are logged above)");
            }
            long leftOut = contents.leftOut();
            if (leftOut > 0) {
                Limits limits = table.settings().limits();
                log.warn("cache '" + table.name() + "': table " + settings.table + ": " + leftOut
                    + (leftOut == 1 ? " entry was" : " entries were") + " left out of the load, as the cache's "
                    + "limits (max_entries " + limits.maxEntries() + ", max_bytes " + limits.maxBytes()
                    + "; 0 is none) let it hold no more; their rows stay in the table");
            }
            log.info("cache '" + table.name() + "': loaded " + count + " entries from " + database.describe() + " table "
                + settings.table + " in " + millis + " ms (" + result.rows + " rows, " + result.expired
                + " past their deadline, " + result.malformed + " malformed)");
            if (report) {
                table.loaded(count);
            }
            return count;
        } finally {
            lock.unlock();
        }
    }

    /** Ends a load of a store that was stopped ({@link #cancel()}), before it changes anything. */
    private void checkNotCancelled() {
        if (cancelled) {
            throw new IllegalStateException("cache '" + table.name() + "': the load from " + database.describe()
                + " table " + settings.table + " was stopped, so the contents are unchanged: the store is closing");
        }
    }

    private void deleteExpired(Connection c, Timeouts bounds) throws SQLException {
        try (PreparedStatement ps = bounds.bound(c.prepareStatement(sql.deleteExpired))) {
            ps.setLong(1, System.currentTimeMillis() / 1000);
            ps.executeUpdate();
        }
    }

    /** Rewrites array rows as the flat rows write-through keeps, in the load's transaction. */
    private void flatten(Connection c, Timeouts bounds, List<CacheEntry> entries) throws SQLException {
        try (Statement st = bounds.bound(c.createStatement())) {
            st.executeUpdate(sql.deleteArrays);
        }
        insertAll(c, bounds, entries, new ArrayList<>());
    }

    /**
     * Suspends write-back until a load succeeds, as it is from construction.
     */
    public void suspend() {
        lock.lock();
        try {
            suspended = true;
        } finally {
            lock.unlock();
        }
    }

    /** @return whether write-back is suspended: no load has completed since construction or {@link #suspend()} */
    public boolean suspended() {
        return suspended;
    }

    /**
     * Replaces the table's rows with the given entries in one transaction, if the mode is
     * {@link WriteMode#ON_STOP} and write-back is not suspended; logs what it did or why not. A
     * byte[] value, which a row cannot hold, is left out with a warning naming its key. Gives up,
     * leaving the table as it was, when a load still holds the table after {@code db_timeout} or
     * a statement times out.
     *
     * @param entries the live entries, as {@link CacheTable#drain()} returns them
     * @return whether the table was written
     */
    public boolean writeBack(List<CacheEntry> entries) {
        if (settings.mode != WriteMode.ON_STOP) {
            return false;
        }
        String target = database.describe() + " table " + settings.table;
        boolean locked;
        try {
            // a reload under way ends soon once cancelled; one stuck in the database does not
            locked = lock.tryLock(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            log.error("cache '" + table.name() + "': gave up the write-back to " + target + ": the stopping thread was "
                + "interrupted while a load of the table held it, so the table is left as it was", null);
            return false;
        }
        if (!locked) {
            log.error("cache '" + table.name() + "': gave up the write-back to " + target + " after "
                + Durations.format(timeout.toMillis()) + " (db_timeout): a load of the table still holds it, so the "
                + "table is left as it was", null);
            return false;
        }
        try {
            if (suspended) {
                log.warn("cache '" + table.name() + "': no write-back to " + target + ": no load of the table has "
                    + "completed, so the cache may not hold what the table does; the table is left as it was");
                return false;
            }
            return replaceRows(entries, target);
        } finally {
            lock.unlock();
        }
    }

    /** The write-back's transaction; caller holds {@link #lock}. */
    private boolean replaceRows(List<CacheEntry> entries, String target) {
        try (Connection c = database.connect(Duration.ZERO)) {
            long started = System.nanoTime();
            c.setAutoCommit(false);
            Timeouts bounds = Timeouts.apply(c, timeout);
            List<String> refused = new ArrayList<>();
            try {
                try (Statement st = bounds.bound(c.createStatement())) {
                    st.executeUpdate(sql.deleteAll);
                }
                insertAll(c, bounds, entries, refused);
                c.commit();
            } catch (Throwable e) {
                rollback(c);
                throw e;
            } finally {
                bounds.restore();
            }
            if (!refused.isEmpty()) {
                log.warn("cache '" + table.name() + "': " + refused.size() + " entries hold a byte[], which table "
                    + settings.table + " cannot hold, and were not written: " + refused.subList(0, Math.min(10,
                    refused.size())) + (refused.size() > 10 ? "..." : ""));
            }
            log.info("cache '" + table.name() + "': wrote " + (entries.size() - refused.size()) + " entries to "
                + target + " in " + (System.nanoTime() - started) / 1_000_000 + " ms");
            return true;
        } catch (SQLException e) {
            String outcome = Timeouts.timedOut(e)
                ? " timed out after " + Durations.format(timeout.toMillis()) + " (db_timeout)" : " failed";
            log.error("cache '" + table.name() + "': write-back to " + target + outcome + " and was rolled back, so "
                + "the table is left as it was: " + describe(e), e);
            return false;
        }
    }

    private void insertAll(Connection c, Timeouts bounds, List<CacheEntry> entries, List<String> refused)
        throws SQLException {
        try (PreparedStatement ps = bounds.bound(c.prepareStatement(sql.insert))) {
            int pending = 0;
            for (CacheEntry e : entries) {
                Object value = e.value();
                if (value instanceof byte[]) {
                    refused.add(e.key());
                    continue;
                }
                ps.setString(1, e.key());
                Row.bind(ps, 2, table.name(), settings.table, e.key(), value, e.expiresAtMillis(), settings.loadExpires);
                ps.addBatch();
                if (++pending == BATCH) {
                    ps.executeBatch();
                    pending = 0;
                }
            }
            if (pending > 0) {
                ps.executeBatch();
            }
        }
    }

    /**
     * Stops the store's loads for good, from any thread (the component is stopping): a load under
     * way ends without changing the cache, and later loads are refused. Write-back stays allowed.
     */
    public void cancel() {
        cancelled = true;
        RowReader r = reading;
        if (r != null) {
            r.cancel();
        }
    }

    /**
     * Stops the store as {@link #cancel()} does and closes the write-through connection; later
     * changes of a write-through cache fail.
     */
    @Override
    public void close() {
        cancel();
        if (writeThrough != null) {
            writeThrough.close();
        }
    }

    private static void rollback(Connection c) {
        try {
            c.rollback();
        } catch (SQLException | RuntimeException ignored) {
            // the connection is closed next, which ends the transaction anyway
        }
    }

    /** A database failure on one line: its message, its SQL state, and the causes' messages. */
    static String describe(SQLException e) {
        StringBuilder text = new StringBuilder(String.valueOf(e.getMessage()).strip());
        if (e.getSQLState() != null) {
            text.append(" (SQL state ").append(e.getSQLState()).append(')');
        }
        for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            if (cause.getMessage() != null && !text.toString().contains(cause.getMessage())) {
                text.append(" <- ").append(cause.getMessage().strip());
            }
        }
        return text.toString().replace("\r", " ").replace("\n", " ");
    }
}
