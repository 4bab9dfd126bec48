package io.lapse.jcache;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

import javax.cache.Cache;
import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.configuration.Factory;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEventFilter;
import javax.cache.event.CacheEntryExpiredListener;
import javax.cache.event.CacheEntryListener;
import javax.cache.event.CacheEntryListenerException;
import javax.cache.event.CacheEntryRemovedListener;
import javax.cache.event.CacheEntryUpdatedListener;
import javax.cache.event.EventType;

/**
 * A cache's entry listeners and the delivery of its events.
 *
 * <p>Synchronous listeners are called on the thread that made the change, after the key's lock is
 * released and before the operation returns (for an expiry: on the thread that found it, a
 * sweeper's or a caller's); an exception they throw reaches the caller as a
 * {@link CacheEntryListenerException}. Asynchronous listeners are called on the cache's one event
 * thread ({@code lapse-jcache-events-<cache>}, started with the first such listener and stopped
 * when the cache closes); a change made through JCache is queued for them inside its key's step,
 * so that they hear the changes of a key in the order they were made (an expiry is queued by the
 * thread that found it, after it took the entry out; a view of a configured cache queues after the
 * step, see {@code LapseCache}); an exception they throw is logged.
 *
 * <p>Thread-safe: registrations are a copy-on-write list; the event thread is started under this
 * object's monitor.
 */
final class EntryEvents<K, V> {

    private static final Logger LOG = Logger.getLogger(EntryEvents.class.getName());

    private final Cache<K, V> source;
    private final List<Registration<K, V>> registrations = new CopyOnWriteArrayList<>();
    private ExecutorService async;
    private boolean closed;
    /** How many asynchronous listeners are registered: a step queues nothing while there are none. */
    private volatile int asyncListeners;
    /** How many synchronous ones: a change calls none while there are none. */
    private volatile int syncListeners;

    EntryEvents(Cache<K, V> source) {
        this.source = source;
    }

    /**
     * Adds a listener.
     *
     * @throws IllegalArgumentException if the configuration is registered already
     */
    void register(CacheEntryListenerConfiguration<K, V> config) {
        for (Registration<K, V> r : registrations) {
            if (r.config.equals(config)) {
                throw new IllegalArgumentException("cache '" + source.getName() + "': this listener configuration is "
                    + "registered already");
            }
        }
        Registration<K, V> r = new Registration<>(config);
        if (!config.isSynchronous()) {
            startAsync();
        }
        registrations.add(r);
        count();
    }

    private void count() {
        int async = 0;
        for (Registration<K, V> r : registrations) {
            if (!r.config.isSynchronous()) {
                async++;
            }
        }
        asyncListeners = async;
        syncListeners = registrations.size() - async;
    }

    /** Removes a listener and closes it (and its filter) if it is {@link AutoCloseable}; nothing if it is not registered. */
    void deregister(CacheEntryListenerConfiguration<K, V> config) {
        for (Registration<K, V> r : registrations) {
            if (r.config.equals(config) && registrations.remove(r)) {
                r.close();
            }
        }
        count();
    }

    /** Tells whether any listener hears events of a type, so that a change gathers nothing for none. */
    boolean wants(EventType type) {
        for (Registration<K, V> r : registrations) {
            if (r.hears(type)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Delivers an event to every listener of its type whose filter accepts it: the expiries, which
     * the engine reports with no lock held.
     *
     * @param value the value the entry had
     * @param oldValue the same, for listeners that ask for old values
     * @throws CacheEntryListenerException if a synchronous listener or filter threw
     */
    @SuppressWarnings("unchecked")
    void post(EventType type, K key, V value, V oldValue) {
        queue(type, key, value, oldValue, v -> (V) v);
        postSync(type, key, value, oldValue);
    }

    /**
     * Hands an event to the asynchronous listeners of its type, to be decoded and delivered on the
     * event thread, in the order of the calls. Called inside the key's edit step where the step
     * applies its change, so that they hear a key's changes in the order the steps made them; it
     * only queues, never waits.
     *
     * @param stored the stored form of the value now, or for a removal of the value removed
     * @param storedOld the stored form of the value before an update or a removal, or {@code null}
     * @param decode turns a stored form into a value
     */
    void queue(EventType type, K key, Object stored, Object storedOld, Function<Object, V> decode) {
        if (asyncListeners == 0) {
            return;
        }
        for (Registration<K, V> r : registrations) {
            if (!r.config.isSynchronous() && r.hears(type)) {
                submit(r, () -> eventFor(r, type, key, decode.apply(stored), decode.apply(storedOld)));
            }
        }
    }

    /**
     * Delivers an event to the synchronous listeners of its type, on the calling thread, after the
     * key's step released its lock.
     *
     * @param value the value now, or for a removal or an expiry the value the entry had
     * @param oldValue the value before an update, removal or expiry, or {@code null}
     * @throws CacheEntryListenerException if a listener or filter threw
     */
    void postSync(EventType type, K key, V value, V oldValue) {
        if (syncListeners == 0) {
            return;
        }
        CacheEntryListenerException failed = null;
        for (Registration<K, V> r : registrations) {
            if (!r.config.isSynchronous() || !r.hears(type)) {
                continue;
            }
            try {
                r.deliver(eventFor(r, type, key, value, oldValue));
            } catch (RuntimeException e) {
                if (failed == null) {
                    failed = e instanceof CacheEntryListenerException ? (CacheEntryListenerException) e
                        : new CacheEntryListenerException(e);
                }
            }
        }
        if (failed != null) {
            throw failed;
        }
    }

    /** Tells whether a synchronous listener hears events of a type. */
    boolean wantsSync(EventType type) {
        if (syncListeners == 0) {
            return false;
        }
        for (Registration<K, V> r : registrations) {
            if (r.config.isSynchronous() && r.hears(type)) {
                return true;
            }
        }
        return false;
    }

    private LapseEntryEvent<K, V> eventFor(Registration<K, V> r, EventType type, K key, V value, V oldValue) {
        boolean withOld = r.config.isOldValueRequired() && type != EventType.CREATED;
        // a removal or an expiry shows the value it ended only to a listener that asked for it
        boolean ended = type == EventType.REMOVED || type == EventType.EXPIRED;
        return new LapseEntryEvent<>(source, type, key, ended && !withOld ? null : value,
            withOld ? oldValue : null, withOld);
    }

    /** Stops the event thread after it delivered what it was given, then closes the listeners. */
    void close() {
        ExecutorService stopping;
        synchronized (this) {
            closed = true;
            stopping = async;
            async = null;
        }
        List<Registration<K, V>> all = List.copyOf(registrations);
        registrations.clear();
        count();
        if (stopping != null) {
            stopping.shutdown();
            try {
                if (!stopping.awaitTermination(10, TimeUnit.SECONDS)) {
                    stopping.shutdownNow();
                }
            } catch (InterruptedException e) {
                stopping.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
        all.forEach(Registration::close);
    }

    private synchronized void startAsync() {
        if (async == null && !closed) {
            String name = "lapse-jcache-events-" + source.getName();
            async = Executors.newSingleThreadExecutor(task -> {
                Thread t = new Thread(task, name);
                t.setDaemon(true);
                return t;
            });
        }
    }

    private void submit(Registration<K, V> r, Supplier<LapseEntryEvent<K, V>> event) {
        ExecutorService executor;
        synchronized (this) {
            executor = async;
        }
        if (executor == null) {
            return;
        }
        try {
            executor.execute(() -> {
                LapseEntryEvent<K, V> made = null;
                try {
                    made = event.get();
                    r.deliver(made);
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "An asynchronous listener of cache '" + source.getName() + "' failed"
                        + (made == null ? " (its event could not be read back)" : " on " + made), e);
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.log(Level.FINE, "cache '" + source.getName() + "' closed: an event was not delivered", e);
        }
    }

    /** A listener, its filter and its configuration. */
    private static final class Registration<K, V> {
        final CacheEntryListenerConfiguration<K, V> config;
        final CacheEntryListener<? super K, ? super V> listener;
        final CacheEntryEventFilter<? super K, ? super V> filter;

        Registration(CacheEntryListenerConfiguration<K, V> config) {
            this.config = config;
            Factory<CacheEntryListener<? super K, ? super V>> lf = config.getCacheEntryListenerFactory();
            if (lf == null) {
                throw new IllegalArgumentException("a cache entry listener configuration has no listener factory");
            }
            this.listener = lf.create();
            Factory<CacheEntryEventFilter<? super K, ? super V>> ff = config.getCacheEntryEventFilterFactory();
            this.filter = ff == null ? null : ff.create();
        }

        /** Closes the listener and the filter that are {@link AutoCloseable}, as JCache asks of a closed cache. */
        void close() {
            for (Object o : new Object[] {listener, filter}) {
                if (o instanceof AutoCloseable) {
                    try {
                        ((AutoCloseable) o).close();
                    } catch (Exception e) {
                        LOG.log(Level.WARNING, "Closing the cache entry listener " + o + " failed", e);
                    }
                }
            }
        }

        boolean hears(EventType type) {
            switch (type) {
                case CREATED:
                    return listener instanceof CacheEntryCreatedListener;
                case UPDATED:
                    return listener instanceof CacheEntryUpdatedListener;
                case REMOVED:
                    return listener instanceof CacheEntryRemovedListener;
                case EXPIRED:
                    return listener instanceof CacheEntryExpiredListener;
                default:
                    return false;
            }
        }

        @SuppressWarnings("unchecked")
        void deliver(LapseEntryEvent<K, V> event) {
            if (filter != null && !filter.evaluate(event)) {
                return;
            }
            List<LapseEntryEvent<K, V>> one = List.of(event);
            Iterable<javax.cache.event.CacheEntryEvent<? extends K, ? extends V>> events =
                (Iterable<javax.cache.event.CacheEntryEvent<? extends K, ? extends V>>) (Iterable<?>) one;
            switch (event.getEventType()) {
                case CREATED:
                    ((CacheEntryCreatedListener<K, V>) listener).onCreated(events);
                    break;
                case UPDATED:
                    ((CacheEntryUpdatedListener<K, V>) listener).onUpdated(events);
                    break;
                case REMOVED:
                    ((CacheEntryRemovedListener<K, V>) listener).onRemoved(events);
                    break;
                case EXPIRED:
                    ((CacheEntryExpiredListener<K, V>) listener).onExpired(events);
                    break;
                default:
                    break;
            }
        }
    }
}
