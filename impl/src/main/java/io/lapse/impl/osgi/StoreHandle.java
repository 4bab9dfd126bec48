package io.lapse.impl.osgi;

import java.time.Duration;
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
import io.lapse.impl.store.Loader;
import io.lapse.impl.store.TableStore;
import io.lapse.impl.store.WriteMode;

/**
 * The store side of one cache, owned by its {@link CacheComponent}: the tracked database service,
 * the {@link TableStore}, the {@link Loader} that loads the table at start, and the
 * {@link CacheStore} service, registered once that load is over.
 *
 * <h2>The load at start</h2>
 * {@link #startLoad} starts a thread ({@code lapse-load-<name>}) and returns at once, so the
 * component's activation never waits for a database. When the load is over, the thread registers
 * the {@code CacheStore} service and tells the component, which registers the cache. If it failed,
 * whatever it threw, one error names the configuration, the database, the table and the cause;
 * the cache comes up empty and the store does not write back until a reload succeeds, so the
 * empty cache never overwrites the table.
 *
 * <h2>Concurrency</h2>
 * This object's monitor guards the loader, the registration and {@code closed}; the load thread
 * takes it only briefly, and {@link #stopLoading()} waits for the thread (at most
 * {@code db_timeout}) without holding it.
 */
final class StoreHandle {

    private final BundleContext context;
    private final String pid;
    private final CacheTable table;
    private final ComponentLog log;
    private final ServiceDatabase database;
    private final TableStore store;
    private final Object configuration;
    /** {@code db_timeout}: how long a stop waits for a stuck load. */
    private final Duration timeout;

    // guarded by this
    private Loader loader;
    private ServiceRegistration<CacheStore> registration;
    private boolean closed;

    /**
     * Tracks the database and makes the store; a write-through store's hook is set on the table at
     * once.
     *
     * @param configuration the database and store settings this handle was made from, to tell a change
     */
    StoreHandle(BundleContext context, String pid, CacheTable table, DatabaseSettings db, io.lapse.impl.store.StoreSettings
        settings, ComponentLog log, Object configuration) {
        this.context = context;
        this.pid = pid;
        this.table = table;
        this.log = log;
        this.configuration = configuration;
        this.timeout = db.timeout;
        this.database = new ServiceDatabase(context, db);
        this.store = new TableStore(table, settings, database, db.wait, db.timeout, log);
        if (store.writeThroughHook() != null) {
            table.writeThrough(store.writeThroughHook());
        }
    }

    /** @return what this handle was made from */
    Object configuration() {
        return configuration;
    }

    /**
     * Starts the load on a thread of its own ({@link Loader}).
     *
     * @param whenDone called on that thread once the load is over and the {@code CacheStore} service
     *     is registered, with the count loaded, or -1 if the load failed; not called if the handle
     *     was closed first
     */
    synchronized void startLoad(LongConsumer whenDone) {
        Loader l = new Loader(store, log, "Cache configuration " + pid, count -> loaded(count, whenDone));
        loader = l;
        l.start();
    }

    private void loaded(long count, LongConsumer whenDone) {
        synchronized (this) {
            if (closed) {
                return;
            }
            registration = context.registerService(CacheStore.class, new CacheStoreService(table, store),
                properties(table.name()));
        }
        whenDone.accept(count);
    }

    /** Moves the {@code CacheStore} service to the cache's new name. */
    synchronized void rename(String name) {
        if (registration != null) {
            registration.setProperties(properties(name));
        }
    }

    /**
     * Stops the store's loads for good: the load thread, if it runs (its statement is cancelled),
     * is waited for with a bound, and a reload under way will change nothing; then the
     * {@code CacheStore} service is withdrawn. Call without holding a lock the thread's
     * {@code whenDone} takes.
     */
    void stopLoading() {
        Loader l;
        synchronized (this) {
            closed = true;
            l = loader;
            loader = null;
        }
        // also when the load is over: a reload under way must not swap in this store's rows
        store.cancel();
        if (l != null) {
            l.stop(timeout);
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
     * written back in one transaction (unless no load completed); then the connection and
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
