package io.lapse.impl.osgi;

import java.io.File;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.Designate;

import io.lapse.cache.Cache;
import io.lapse.cache.CacheService;
import io.lapse.cache.replication.Replica;
import io.lapse.impl.engine.CacheTable;
import io.lapse.impl.engine.LevelBacking;
import io.lapse.impl.level.FileLevel;
import io.lapse.impl.store.TableLevel;

/**
 * One cache per configuration of factory PID {@code io.lapse.cache}: creates its
 * {@link CacheTable}, claims its name, joins it to the sweeps and registers it as a
 * {@link Cache} service with {@code cache.name}; undoes all of it, in reverse, when the
 * configuration is deleted or the bundle stops.
 *
 * <p>The {@code Cache} service is registered by this component rather than by DS, so that its
 * properties are exactly the contract's ({@code cache.name}) and so that a rename moves the
 * service and its entries together.
 *
 * <p>A configuration change applies live ({@link CacheTable#reconfigure}): the entries stay.
 * An invalid configuration, or one whose name another configuration holds, is logged with its
 * PID, property and value and leaves things as they are: no cache if there was none yet (the
 * next valid update of the configuration creates it), the current settings and entries if there
 * was one. Activation never fails, so a configuration can always be fixed in place.
 *
 * <h2>A cache with a store</h2>
 * When the configuration names a table ({@code dbtable}), a {@link StoreHandle} loads it on a
 * thread of its own; the cache is registered (and found by {@code CacheService}) only once that
 * load is over, with its {@code CacheStore} service, and then reports {@code cache/created} and
 * {@code cache/loaded}. When the component stops, the cache is closed with its entries taken out
 * in one step and, with {@code dbmode = on-stop}, written back. A change of the store settings
 * ends the old store (writing back as at a stop) and loads from the new one; the cache stays
 * registered meanwhile, serving its current entries until the new ones are swapped in.
 *
 * <h2>A cache with a level</h2>
 * When the configuration names a backing level ({@code level = file}, or {@code level = table} with
 * {@code dbtable} in its database), it is opened before the cache is claimed and the table is
 * backed by it ({@link CacheTable#backBy}); the level's expiry thread runs from then until the
 * stop, which reports what is due, then closes the table and the level. The level cannot change
 * while the cache runs: such a change is refused.
 *
 * <p>Concurrency: SCR calls the lifecycle methods one at a time; a store's load thread calls
 * {@link #loaded} concurrently. {@link #lock} guards the name, the registration, the store handle
 * and {@code closed}; nothing waits for a thread while holding it. The cache itself is safe for
 * any number of threads.
 */
@Component(
    name = CacheService.FACTORY_PID,
    service = {},
    immediate = true,
    configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = CacheConfiguration.class, factory = true)
public final class CacheComponent {

    @Reference
    private Sweeps sweeps;

    @Reference
    private CacheDirectory directory;

    @Reference
    private EventBridge events;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
        policyOption = ReferencePolicyOption.GREEDY)
    private volatile LoggerFactory loggers;

    /** How long a stop waits for the cache's waiting events to be delivered. */
    static final long EVENT_FLUSH_MILLIS = 2_000;

    private final ComponentLog log = new ComponentLog(() -> loggers, CacheComponent.class);
    private final Object lock = new Object();
    private BundleContext context;
    private String pid;
    private CacheTable table;
    private EventPublisher publisher;
    /** The cache's backing level, or {@code null}; set in create, fixed for the cache's life. */
    private LevelBacking backing;
    private LevelSettings levelSettings;
    /** The database service a table level connects through, or {@code null}; closed after the level. */
    private ServiceDatabase levelDatabase;

    // guarded by lock
    private String name;
    private ServiceRegistration<Cache> registration;
    private StoreHandle store;
    private boolean closed;
    /** Whether the cache is replicated, and how; applied once the cache is registered. */
    private Replica.ExpiryEvents replication;
    private ReplicaRegistration replica;

    /** For SCR, which sets the references in their fields. */
    public CacheComponent() {
    }

    /**
     * With its references given, as SCR would set them: for running the component without a
     * framework.
     */
    CacheComponent(Sweeps sweeps, CacheDirectory directory, EventBridge events, LoggerFactory loggers) {
        this.sweeps = sweeps;
        this.directory = directory;
        this.events = events;
        this.loggers = loggers;
    }

    @Activate
    void activate(BundleContext bundleContext, Map<String, Object> properties) {
        context = bundleContext;
        pid = String.valueOf(properties.get(Constants.SERVICE_PID));
        apply(properties);
    }

    @Modified
    void modified(Map<String, Object> properties) {
        apply(properties);
    }

    private void apply(Map<String, Object> properties) {
        CacheProperties config;
        try {
            config = CacheProperties.parse(properties);
        } catch (IllegalArgumentException e) {
            refuse(e.getMessage());
            return;
        } catch (RuntimeException e) {
            // not a mistake parse knows how to name (a value that cannot be read): still refused,
            // never a failed activation, so the configuration can be fixed in place
            refuse("the configuration cannot be read: " + e);
            return;
        }
        config.warnings.forEach(w -> log.warn("Cache configuration " + pid + ": " + w));
        if (table == null) {
            create(config);
            return;
        }
        if (!Objects.equals(config.level, levelSettings)) {
            refuse("the backing level (properties 'level', 'level_path', and for a table level its table and database) "
                + "cannot change while the cache runs (its level holds its entries, "
                + (levelSettings == null ? "none" : levelSettings) + "): delete the configuration and create it again");
            return;
        }
        String current;
        synchronized (lock) {
            current = name;
        }
        if (!config.name.equals(current) && !rename(config.name)) {
            return;
        }
        table.reconfigure(config.settings);
        publisher.limits(config.eventBacklog, config.eventBacklogBytes);
        synchronized (lock) {
            replication = config.replication;
            if (registration != null) {
                replica.update(replication, name);
            }
        }
        StoreHandle old;
        synchronized (lock) {
            old = store;
        }
        Object wanted = storeOf(config);
        if (!Objects.equals(old == null ? null : old.configuration(), wanted)) {
            replaceStore(old, config);
        }
    }

    private void refuse(String problem) {
        String current;
        synchronized (lock) {
            current = name;
        }
        log.error("Cache configuration " + pid + ": " + problem + (table == null
            ? "; the cache was not created (it will be when the configuration is fixed)"
            : "; cache '" + current + "' keeps its current settings"), null);
    }

    /** What a store is made of, to tell whether a change touches it: {@code null} for no store. */
    private static Object storeOf(CacheProperties config) {
        return config.store == null ? null : List.of(config.database, config.store);
    }

    private void create(CacheProperties config) {
        EventPublisher created = new EventPublisher(events, config.eventBacklog, config.eventBacklogBytes,
            log);
        CacheTable fresh = new CacheTable(config.name, config.settings, sweeps.time(), created);
        LevelBacking backed = null;
        if (config.level != null) {
            try {
                backed = openLevel(fresh, config);
            } catch (RuntimeException e) {
                fresh.close();
                refuse(e.getMessage());
                return;
            }
        }
        boolean stored = config.store != null;
        try {
            directory.claim(config.name, pid, fresh.cache(), !stored);
        } catch (IllegalArgumentException e) {
            fresh.close();
            if (backed != null) {
                closeLevel(backed, config.name);
            }
            refuse(e.getMessage());
            return;
        }
        publisher = created;
        table = fresh;
        backing = backed;
        levelSettings = config.level;
        synchronized (lock) {
            name = config.name;
            replication = config.replication;
            replica = new ReplicaRegistration(context, fresh);
        }
        sweeps.add(table);
        if (backed != null) {
            String cache = config.name;
            backed.expiry().start("lapse-level-" + cache, e -> log.error("Cache '" + cache + "': the expiry of its "
                + "level failed (it is tried again every second, and reported again at most every 10 s while it "
                + "keeps failing; nothing is lost meanwhile): " + e.getMessage(), e));
            log.info("Cache '" + cache + "' is backed by " + backed.level());
        }
        if (stored) {
            StoreHandle handle = new StoreHandle(context, pid, table, config.database, config.store, log, storeOf(config));
            synchronized (lock) {
                store = handle;
            }
            handle.startLoad(count -> loaded(handle, count));
        } else {
            loaded(null, -1);
        }
    }

    /**
     * Opens a cache's level and backs the table by it; closes the level again if that fails.
     *
     * @throws IllegalStateException naming the file, if it cannot be opened
     */
    private LevelBacking openLevel(CacheTable fresh, CacheProperties config) {
        if (config.level.isTable()) {
            ServiceDatabase db = new ServiceDatabase(context, config.level.database);
            try {
                LevelBacking b = fresh.backBy(new TableLevel(config.level.table, db, config.level.database.timeout,
                    fresh::name));
                levelDatabase = db;
                return b;
            } catch (RuntimeException e) {
                db.close();
                throw e;
            }
        }
        File data = context == null ? null : context.getDataFile("");
        FileLevel level;
        try {
            level = FileLevel.open(config.level.file(data == null ? null : data.toPath(), config.name));
        } catch (LinkageError e) {
            throw new IllegalStateException("property 'level' = 'file' needs H2's MVStore (package org.h2.mvstore, in "
                + "the H2 bundle com.h2database), which is not installed: " + e, e);
        }
        try {
            return fresh.backBy(level);
        } catch (RuntimeException e) {
            level.close();
            throw e;
        }
    }

    private void closeLevel(LevelBacking b, String cache) {
        try {
            b.level().close();
        } catch (RuntimeException e) {
            log.error("Cache '" + cache + "': its level was not closed cleanly: " + e.getMessage(), e);
        } finally {
            if (levelDatabase != null) {
                levelDatabase.close();
                levelDatabase = null;
            }
        }
    }

    /**
     * Registers the cache once it is ready (at once without a store; after the load at start with
     * one), then reports {@code cache/created} and, after a load that succeeded, {@code cache/loaded}.
     * Called on the SCR thread or a store's load thread.
     *
     * @param handle the store whose load finished, or {@code null} for a cache without one
     * @param count how many entries the load left in the cache, or -1 if there was no load or it failed
     */
    private void loaded(StoreHandle handle, long count) {
        boolean registered = false;
        synchronized (lock) {
            if (closed || store != handle) {
                return;
            }
            if (registration == null) {
                directory.show(name, table.cache());
                registration = context.registerService(Cache.class, table.cache(), serviceProperties(name));
                registered = true;
                replica.update(replication, name);
            }
        }
        if (registered) {
            table.announce();
        }
        if (count >= 0) {
            table.loaded(count);
        }
    }

    /** Ends the old store, if any, and starts the new one, if any; the cache stays registered. */
    private void replaceStore(StoreHandle old, CacheProperties config) {
        synchronized (lock) {
            store = null;
        }
        if (old != null) {
            old.detach();
            log.info("Cache '" + config.name + "': its store settings changed; the old store is closed");
        }
        if (config.store != null) {
            StoreHandle handle = new StoreHandle(context, pid, table, config.database, config.store, log, storeOf(config));
            synchronized (lock) {
                store = handle;
            }
            handle.startLoad(count -> loaded(handle, count));
        }
    }

    private boolean rename(String newName) {
        String old;
        boolean visible;
        synchronized (lock) {
            old = name;
            visible = registration != null;
        }
        try {
            directory.claim(newName, pid, table.cache(), visible);
        } catch (IllegalArgumentException e) {
            log.error("Cache configuration " + pid + ": " + e.getMessage() + "; cache '" + old
                + "' keeps its name and settings", null);
            return false;
        }
        directory.release(old, table.cache());
        table.rename(newName);
        synchronized (lock) {
            name = newName;
            if (store != null) {
                store.rename(newName);
            }
            // Last, so that whoever sees the service move also finds the directory updated.
            if (registration != null) {
                registration.setProperties(serviceProperties(newName));
                replica.update(replication, newName);
            }
        }
        log.info("Cache '" + old + "' is now named '" + newName + "'");
        return true;
    }

    private static Dictionary<String, Object> serviceProperties(String name) {
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(CacheService.CACHE_NAME, name);
        properties.put(Constants.SERVICE_DESCRIPTION, "Lapse cache " + name);
        return properties;
    }

    @Deactivate
    void deactivate() {
        if (table == null) {
            return;
        }
        StoreHandle handle;
        synchronized (lock) {
            closed = true;
            handle = store;
            store = null;
        }
        if (handle != null) {
            // joins the load thread, which may be waiting for the lock in loaded()
            handle.stopLoading();
        }
        synchronized (lock) {
            // The name goes first, so that whoever sees the service gone also finds the directory
            // without it (the reverse of create).
            directory.release(name, table.cache());
            // the replica first: a provider stops carrying changes before the cache goes
            replica.close();
            if (registration != null) {
                registration.unregister();
                registration = null;
            }
        }
        sweeps.remove(table);
        long droppedBefore = table.stats().eventsDropped();
        long levelExpired = 0;
        if (backing != null) {
            backing.expiry().close();
            try {
                // what is due at the stop is reported now, as a cache without a level does
                levelExpired = backing.expireDue();
            } catch (RuntimeException e) {
                log.error("Cache '" + name + "': its level could not be read at the stop: " + e.getMessage()
                    + "; the entries due stay in it and are reported at the next start", e);
            }
        }
        if (handle == null) {
            table.close();
        } else {
            // taken out and closed in one step: no write slips in between the copy and the close
            handle.close(table.drain());
        }
        if (backing != null) {
            closeLevel(backing, name);
        }
        publisher.close(EVENT_FLUSH_MILLIS);
        reportStop(backing != null ? levelExpired : table.expiredAtClose(),
            table.stats().eventsDropped() - droppedBefore);
        table = null;
        backing = null;
    }

    /**
     * Logs what the stop did with the entries it found past their deadline, and with the events
     * it could not deliver: never dropped without a word.
     */
    private void reportStop(long expired, long dropped) {
        if (dropped > 0) {
            log.warn("Cache '" + name + "' stopped: " + expired + " entries past their deadline were reported as expired; "
                + dropped + " events could not be delivered (EventAdmin is gone, or its handlers did not keep up "
                + "within " + EVENT_FLUSH_MILLIS + " ms) and are counted in EventsDropped");
        } else if (expired > 0) {
            log.info("Cache '" + name + "' stopped: " + expired + " entries past their deadline were reported as expired");
        }
    }
}
