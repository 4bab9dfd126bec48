package io.lapse.impl.osgi;

import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.function.LongConsumer;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;

import io.lapse.cache.CacheEntry;
import io.lapse.cache.CacheService;
import io.lapse.cache.CacheStore;
import io.lapse.impl.engine.CacheTable;
import io.lapse.impl.store.TableStore;
import io.lapse.impl.store.WriteMode;

/**
 * The store side of one cache, owned by its {@link CacheComponent}: the tracked database service,
 * the {@link TableStore}, the thread that loads the table at start, and the {@link CacheStore}
 * service, registered once that load is over.
 *
 * <h2>The load at start</h2>
 * {@link #startLoad} starts a thread ({@code lapse-load-<name>}) and returns at once, so the
 * component's activation never waits for a database. When the load is over, the thread registers
 * the {@code CacheStore} service and tells the component, which registers the cache. If it failed,
 * one error names the configuration, the database, the table and the cause; the cache comes up
 * empty and the store stops writing back until a reload succeeds, so the empty cache never
 * overwrites the table.
 *
 * <h2>Concurrency</h2>
 * This object's monitor guards the loader thread, the registration and {@code closed}; the thread
 * takes it only briefly, and {@link #stopLoading()} joins the thread without holding it.
 */
final class StoreHandle {

    private static final long JOIN_MILLIS = 10_000;

    private final BundleContext context;
    private final String pid;
    private final CacheTable table;
    private final ComponentLog log;
    private final ServiceDatabase database;
    private final TableStore store;
    private final Object configuration;

    // guarded by this
    private Thread loader;
    private ServiceRegistration<CacheStore> registration;
    private boolean closed;

    /**
     * Tracks the database and makes the store; a write-through store's hook is set on the table at
     * once.
     *
     * @param configuration the database and store settings this handle was made from, to tell a change
     */
    StoreHandle(BundleContext context, String pid, CacheTable table, DatabaseConfig db, io.lapse.impl.store.StoreSettings
        settings, ComponentLog log, Object configuration) {
        this.context = context;
        this.pid = pid;
        this.table = table;
        this.log = log;
        this.configuration = configuration;
        this.database = new ServiceDatabase(context, db);
        this.store = new TableStore(table, settings, database, db.wait, log);
        if (store.writeThroughHook() != null) {
            table.writeThrough(store.writeThroughHook());
        }
    }

    /** @return what this handle was made from */
    Object configuration() {
        return configuration;
    }

    /**
     * Starts the load on a thread of its own.
     *
     * @param whenDone called on that thread once the load is over and the {@code CacheStore} service
     *     is registered, with the count loaded, or -1 if the load failed; not called if the handle
     *     was closed first
     */
    synchronized void startLoad(LongConsumer whenDone) {
        Thread t = new Thread(() -> load(whenDone), "lapse-load-" + table.name());
        t.setDaemon(true);
        loader = t;
        t.start();
    }

    private void load(LongConsumer whenDone) {
        long count = -1;
        try {
            count = store.load(false);
        } catch (IllegalStateException e) {
            store.suspend();
            if (!isClosed()) {
                log.error("Cache configuration " + pid + ": " + e.getMessage() + "; the cache comes up empty, and "
                    + "it will not write back until a reload succeeds", null);
            }
        } catch (RuntimeException e) {
            store.suspend();
            log.error("Cache configuration " + pid + ": the load of cache '" + table.name() + "' from "
                + store.describe() + " failed; the cache comes up empty, and it will not write back until a reload "
                + "succeeds", e);
        }
        synchronized (this) {
            if (closed) {
                return;
            }
            registration = context.registerService(CacheStore.class, new CacheStoreService(table, store),
                properties(table.name()));
        }
        whenDone.accept(count);
    }

    private synchronized boolean isClosed() {
        return closed;
    }

    /** Moves the {@code CacheStore} service to the cache's new name. */
    synchronized void rename(String name) {
        if (registration != null) {
            registration.setProperties(properties(name));
        }
    }

    /**
     * Stops the load thread, if it runs (its statement is cancelled), and waits for it; then
     * withdraws the {@code CacheStore} service. Call without holding a lock the thread's
     * {@code whenDone} takes.
     */
    void stopLoading() {
        Thread t;
        synchronized (this) {
            closed = true;
            t = loader;
            loader = null;
        }
        if (t != null) {
            store.cancel();
            t.interrupt();
            boolean interrupted = false;
            try {
                t.join(JOIN_MILLIS);
            } catch (InterruptedException e) {
                interrupted = true;
            }
            if (t.isAlive()) {
                log.warn("Cache configuration " + pid + ": the load of cache '" + table.name() + "' did not stop within "
                    + JOIN_MILLIS + " ms; it is left to end by itself and will change nothing");
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (this) {
            if (registration != null) {
                registration.unregister();
                registration = null;
            }
        }
    }

    /**
     * Ends the store after {@link #stopLoading()}: with {@code dbmode = on-stop}, the entries are
     * written back in one transaction (unless a failed load suspended it); then the connection and
     * the service tracking close.
     *
     * @param entries the cache's live entries: all of them ({@link CacheTable#drain()}) at a stop
     */
    void close(List<CacheEntry> entries) {
        try {
            store.writeBack(entries);
        } finally {
            store.close();
            database.close();
        }
    }

    /**
     * Ends the store of a cache that goes on (its store settings changed): the hook comes off the
     * table, and with {@code dbmode = on-stop} a copy of the entries is written back, as at a stop.
     */
    void detach() {
        stopLoading();
        if (store.writeThroughHook() != null && !table.isClosed()) {
            table.writeThrough(null);
        }
        List<CacheEntry> entries = new ArrayList<>();
        if (store.settings().mode() == WriteMode.ON_STOP) {
            table.forEach(entries::add);
        }
        close(entries);
    }

    private static Dictionary<String, Object> properties(String name) {
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(CacheService.CACHE_NAME, name);
        properties.put(Constants.SERVICE_DESCRIPTION, "Lapse store of cache " + name);
        return properties;
    }
}
