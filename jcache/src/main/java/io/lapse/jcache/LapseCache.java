package io.lapse.jcache;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.configuration.Configuration;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.event.EventType;
import javax.cache.expiry.EternalExpiryPolicy;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheLoaderException;
import javax.cache.integration.CacheWriter;
import javax.cache.integration.CacheWriterException;
import javax.cache.integration.CompletionListener;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.EntryProcessorException;
import javax.cache.processor.EntryProcessorResult;
import javax.management.ObjectName;

import io.lapse.cache.CacheEntry;
import io.lapse.cache.EntryEditor;
import io.lapse.cache.spi.CacheFactory;
import io.lapse.cache.spi.OwnedCache;

/**
 * A JCache {@link Cache} on a Lapse cache made in code, or a view of a configured cache
 * ({@link #viewing}): each single-key operation is one {@link io.lapse.cache.Cache#edit} step under
 * the key's slot lock, in which the expiry policy is asked and the writer called, so that the
 * check, the write-through and the change are atomic; synchronous listeners hear the change once
 * the lock is released, asynchronous ones from a queue the step fills ({@link EntryEvents}).
 * Entries expire on Lapse's sweeps, so an expired listener hears an idle entry expire within the
 * sweeper's resolution of its deadline.
 *
 * <p>Keys and values are stored by value ({@link StoredForms}); a cache configured by reference is
 * stored by value as well (store-by-reference is an optional feature Lapse does not offer).
 *
 * <p>Thread-safe. After {@link #close()}, every operation but {@link #getName()},
 * {@link #getCacheManager()}, {@link #isClosed()}, {@link #getConfiguration} and {@link #unwrap}
 * throws {@link IllegalStateException}.
 */
public final class LapseCache<K, V> implements Cache<K, V> {

    private static final Logger LOG = Logger.getLogger(LapseCache.class.getName());

    private final LapseCacheManager manager;
    private final String name;
    private final MutableConfiguration<K, V> config;
    private final StoredForms forms;
    private final Expiries expiries;
    private final CacheLoader<K, V> loader;
    private final CacheWriter<K, V> writer;
    private final EntryEvents<K, V> events;
    private final JCacheStatistics stats;
    private final OwnedCache owned;
    /**
     * Whether a change's event is queued for the asynchronous listeners inside its step, which
     * orders a key's events as its changes: for a cache made here, whose step applies its change
     * before it returns; a view of a configured cache queues after the step, since the cache's
     * store or level may still refuse the change the step decided.
     */
    private final boolean queueInStep;
    private final io.lapse.cache.Cache lapse;
    private final Loads loads;
    private final ObjectName statisticsName;
    private final ObjectName configurationName;
    private volatile boolean closed;

    /**
     * Makes a JCache cache: on a cache made in code through {@code factory}, which it owns, or
     * as a view of a configured cache, which it does not.
     *
     * @param factory the factory to make the cache with, or {@code null} for a view
     * @param configured the configured cache a view shows, or {@code null}
     */
    private LapseCache(LapseCacheManager manager, String name, CompleteConfiguration<K, V> given, CacheFactory factory,
        io.lapse.cache.Cache configured) {
        this.manager = manager;
        this.name = name;
        this.config = new MutableConfiguration<>(given);
        this.forms = new StoredForms(manager.getClassLoader());
        this.expiries = new Expiries(config.getExpiryPolicyFactory() == null ? new EternalExpiryPolicy()
            : config.getExpiryPolicyFactory().create());
        this.loader = config.getCacheLoaderFactory() == null ? null : config.getCacheLoaderFactory().create();
        this.writer = config.isWriteThrough() && config.getCacheWriterFactory() != null
            ? writerOf(config) : null;
        this.events = new EntryEvents<>(this);
        for (CacheEntryListenerConfiguration<K, V> l : config.getCacheEntryListenerConfigurations()) {
            events.register(l);
        }
        this.statisticsName = JCacheBeans.name(JCacheBeans.STATISTICS, manager.getURI().toString(), name);
        this.configurationName = JCacheBeans.name(JCacheBeans.CONFIGURATION, manager.getURI().toString(), name);
        this.owned = factory == null ? null : factory.create(name, this::expired);
        this.lapse = owned == null ? configured : owned.cache();
        this.queueInStep = owned != null;
        this.stats = new JCacheStatistics(this::evictions);
        this.loads = new Loads(name);
        setStatisticsEnabled(config.isStatisticsEnabled());
        setManagementEnabled(config.isManagementEnabled());
    }

    /** A cache made in code on Lapse's engine, owned by the JCache cache. */
    static <K, V> LapseCache<K, V> owning(LapseCacheManager manager, String name, CompleteConfiguration<K, V> config,
        CacheFactory factory) {
        return new LapseCache<>(manager, name, config, factory, null);
    }

    /**
     * A view of a configured cache: keys are strings, values what the cache holds (strings, longs,
     * byte arrays) or any serialisable object a JCache caller stores; writes follow the cache's own
     * expiry rules ({@link ConfiguredRules}); closing the view leaves the cache as it is.
     */
    static LapseCache<String, Object> viewing(LapseCacheManager manager, io.lapse.cache.Cache configured) {
        MutableConfiguration<String, Object> config = new MutableConfiguration<String, Object>()
            .setTypes(String.class, Object.class)
            .setExpiryPolicyFactory(FactoryBuilder.factoryOf(new ConfiguredRules()));
        return new LapseCache<>(manager, configured.name(), config, null, configured);
    }

    /** The Lapse cache's evictions; a closed one's last count is gone, so none. */
    private long evictions() {
        try {
            return lapse.stats().evictions();
        } catch (IllegalStateException e) {
            return 0;
        }
    }

    /** Whether this is a view of the given configured cache. */
    boolean views(io.lapse.cache.Cache configured) {
        return owned == null && lapse == configured;
    }

    /** The writer, typed as this cache's: it takes keys and values of supertypes of K and V. */
    @SuppressWarnings("unchecked")
    private static <K, V> CacheWriter<K, V> writerOf(CompleteConfiguration<K, V> config) {
        return (CacheWriter<K, V>) config.getCacheWriterFactory().create();
    }

    // ------------------------------------------------------------------------------ reads

    @Override
    public V get(K key) {
        checkOpen();
        String k = keyOf(key);
        long start = stats.start();
        V value = valueOf(read(k));
        if (value == null && config.isReadThrough() && loader != null) {
            value = loadAndStore(key);
        }
        stats.gotSince(start);
        return value;
    }

    /** Reads a key's value, counting a hit or a miss, and applies the policy's access expiry. */
    private Object read(String k) {
        Object stored;
        if (expiries.accessKeeps()) {
            // a configured cache may have an initval, which its get returns for a missing key
            stored = owned != null ? lapse.get(k) : storedIn(lapse.getEntry(k));
        } else {
            stored = lapse.edit(k, e -> {
                if (!e.exists()) {
                    return null;
                }
                Object v = e.value();
                accessed(e, expiries.access());
                return v;
            });
        }
        stats.found(stored != null);
        return stored;
    }

    @Override
    public Map<K, V> getAll(Set<? extends K> keys) {
        checkOpen();
        checkKeys(keys);
        long start = stats.start();
        Map<K, V> found = new LinkedHashMap<>();
        List<K> missing = new ArrayList<>();
        for (K key : keys) {
            V v = valueOf(read(keyOf(key)));
            if (v != null) {
                found.put(key, v);
            } else {
                missing.add(key);
            }
        }
        if (!missing.isEmpty() && config.isReadThrough() && loader != null) {
            Map<K, V> loaded = loadAllFromLoader(missing);
            for (Map.Entry<K, V> l : loaded.entrySet()) {
                if (l.getKey() != null && l.getValue() != null) {
                    store(l.getKey(), l.getValue(), false);
                    found.put(l.getKey(), l.getValue());
                }
            }
        }
        stats.gotSince(start);
        return found;
    }

    @Override
    public boolean containsKey(K key) {
        checkOpen();
        return lapse.containsKey(keyOf(key));
    }

    @Override
    public void loadAll(Set<? extends K> keys, boolean replaceExistingValues, CompletionListener listener) {
        checkOpen();
        checkKeys(keys);
        if (loader == null) {
            if (listener != null) {
                listener.onCompletion();
            }
            return;
        }
        List<K> wanted = new ArrayList<>(keys);
        loads.run(() -> {
            try {
                List<K> toLoad = new ArrayList<>();
                for (K key : wanted) {
                    if (replaceExistingValues || !lapse.containsKey(keyOf(key))) {
                        toLoad.add(key);
                    }
                }
                if (!toLoad.isEmpty()) {
                    for (Map.Entry<K, V> l : loadAllFromLoader(toLoad).entrySet()) {
                        if (l.getKey() != null && l.getValue() != null) {
                            store(l.getKey(), l.getValue(), replaceExistingValues);
                        }
                    }
                }
                if (listener != null) {
                    listener.onCompletion();
                }
            } catch (Exception e) {
                if (listener != null) {
                    listener.onException(e);
                }
            }
        });
    }

    // ----------------------------------------------------------------------------- writes

    @Override
    public void put(K key, V value) {
        checkOpen();
        long start = stats.start();
        putAndGet(key, value, false);
        stats.putSince(start);
    }

    @Override
    public V getAndPut(K key, V value) {
        checkOpen();
        long start = stats.start();
        V old = putAndGet(key, value, true);
        stats.found(old != null);
        stats.putSince(start);
        stats.gotSince(start);
        return old;
    }

    /** A put: the writer is called, the entry created or updated as the policy says; returns the old value. */
    private V putAndGet(K key, V value, boolean wantOld) {
        String k = keyOf(key);
        Object stored = storedValue(value);
        Changed changed = lapse.edit(k, e -> {
            write(key, value);
            return e.exists() ? updated(e, key, stored, expiries.update()) : created(e, key, stored);
        });
        return announce(changed, key, value, wantOld);
    }

    @Override
    public void putAll(Map<? extends K, ? extends V> map) {
        checkOpen();
        Objects.requireNonNull(map, "map is null");
        long start = stats.start();
        // every key and value is checked (and serialised once) before anything is written
        Map<K, V> copy = new LinkedHashMap<>();
        Map<K, Object[]> checked = new HashMap<>();
        for (Map.Entry<? extends K, ? extends V> entry : map.entrySet()) {
            K key = entry.getKey();
            V value = entry.getValue();
            checked.put(key, new Object[] {keyOf(key), storedValue(value)});
            copy.put(key, value);
        }
        RuntimeException failed = null;
        Collection<K> written = copy.keySet();
        if (writer != null) {
            List<Cache.Entry<? extends K, ? extends V>> toWrite = new ArrayList<>();
            copy.forEach((k, v) -> toWrite.add(new LapseEntry<>(k, v)));
            try {
                writer.writeAll(toWrite);
            } catch (RuntimeException e) {
                failed = e;
                Set<K> unwritten = new HashSet<>();
                toWrite.forEach(en -> unwritten.add(en.getKey()));
                written = new ArrayList<>(copy.keySet());
                written.removeAll(unwritten);
            }
        }
        for (K key : written) {
            Object[] stored = checked.get(key);
            Changed changed = lapse.edit((String) stored[0],
                e -> e.exists() ? updated(e, key, stored[1], expiries.update()) : created(e, key, stored[1]));
            announce(changed, key, copy.get(key), false);
        }
        stats.putSince(start);
        if (failed != null) {
            throw writerFailed(failed);
        }
    }

    @Override
    public boolean putIfAbsent(K key, V value) {
        checkOpen();
        String k = keyOf(key);
        Object stored = storedValue(value);
        long start = stats.start();
        Changed changed = lapse.edit(k, e -> {
            if (e.exists()) {
                return null;
            }
            write(key, value);
            return created(e, key, stored);
        });
        stats.found(changed == null);
        if (changed != null) {
            announce(changed, key, value, false);
        }
        stats.putSince(start);
        return changed != null;
    }

    @Override
    public boolean remove(K key) {
        checkOpen();
        String k = keyOf(key);
        long start = stats.start();
        Object old = lapse.edit(k, e -> removeThroughWriter(e, key));
        removed(key, old, start, false);
        return old != null;
    }

    @Override
    public boolean remove(K key, V oldValue) {
        checkOpen();
        String k = keyOf(key);
        storedValue(oldValue);
        long start = stats.start();
        Object[] found = new Object[1];
        Object old = lapse.edit(k, e -> {
            Object v = e.value();
            found[0] = v;
            if (v == null || !matches(v, oldValue)) {
                if (v != null) {
                    accessed(e, expiries.access());
                }
                return null;
            }
            return removeThroughWriter(e, key);
        });
        stats.found(found[0] != null);
        removed(key, old, start, false);
        return old != null;
    }

    @Override
    public V getAndRemove(K key) {
        checkOpen();
        String k = keyOf(key);
        long start = stats.start();
        Object old = lapse.edit(k, e -> removeThroughWriter(e, key));
        stats.found(old != null);
        stats.gotSince(start);
        return removed(key, old, start, true);
    }

    /** Deletes a key through the writer and removes its entry, in its edit step; returns the stored value it had. */
    private Object removeThroughWriter(EntryEditor e, K key) {
        delete(key);
        return removedInStep(e, key);
    }

    /** Removes a key's entry inside its step and queues the event for the asynchronous listeners; returns the stored value it had. */
    private Object removedInStep(EntryEditor e, K key) {
        Object v = e.value();
        e.remove();
        if (v != null && queueInStep) {
            events.queue(EventType.REMOVED, key, v, v, this::valueOf);
        }
        return v;
    }

    /** Counts and announces a removal; returns the value removed if {@code wantValue}, else {@code null}. */
    private V removed(K key, Object old, long start, boolean wantValue) {
        if (old == null) {
            return null;
        }
        stats.removals(1);
        stats.removedSince(start);
        if (!queueInStep) {
            events.queue(EventType.REMOVED, key, old, old, this::valueOf);
        }
        // read back only for a caller or a listener that takes it
        V value = wantValue || events.wantsSync(EventType.REMOVED) ? valueOf(old) : null;
        events.postSync(EventType.REMOVED, key, value, value);
        return value;
    }

    @Override
    public boolean replace(K key, V oldValue, V newValue) {
        checkOpen();
        String k = keyOf(key);
        storedValue(oldValue);
        Object stored = storedValue(newValue);
        long start = stats.start();
        boolean[] found = new boolean[1];
        Changed changed = lapse.edit(k, e -> {
            Object v = e.value();
            found[0] = v != null;
            if (v == null) {
                return null;
            }
            if (!matches(v, oldValue)) {
                accessed(e, expiries.access());
                return null;
            }
            write(key, newValue);
            return updated(e, key, stored, expiries.update());
        });
        stats.found(found[0]);
        if (changed != null) {
            announce(changed, key, newValue, false);
            stats.putSince(start);
        }
        return changed != null;
    }

    @Override
    public boolean replace(K key, V value) {
        checkOpen();
        return replaced(key, value) != null;
    }

    @Override
    public V getAndReplace(K key, V value) {
        checkOpen();
        return replaced(key, value);
    }

    private V replaced(K key, V value) {
        String k = keyOf(key);
        Object stored = storedValue(value);
        long start = stats.start();
        Changed changed = lapse.edit(k, e -> {
            if (!e.exists()) {
                return null;
            }
            write(key, value);
            return updated(e, key, stored, expiries.update());
        });
        stats.found(changed != null);
        if (changed == null) {
            return null;
        }
        V old = announce(changed, key, value, true);
        stats.putSince(start);
        return old;
    }

    @Override
    public void removeAll(Set<? extends K> keys) {
        checkOpen();
        checkKeys(keys);
        removeKeys(new ArrayList<>(keys));
    }

    @Override
    public void removeAll() {
        checkOpen();
        List<K> keys = new ArrayList<>();
        for (CacheEntry entry : lapse) {
            @SuppressWarnings("unchecked")
            K key = (K) forms.keyOf(entry.key());
            keys.add(key);
        }
        removeKeys(keys);
    }

    /** Deletes keys through the writer, then removes those it deleted, each with its event. */
    private void removeKeys(List<K> keys) {
        long start = stats.start();
        RuntimeException failed = null;
        Collection<K> deleted = keys;
        if (writer != null && !keys.isEmpty()) {
            List<K> toDelete = new ArrayList<>(keys);
            try {
                writer.deleteAll(toDelete);
            } catch (RuntimeException e) {
                failed = e;
                deleted = new ArrayList<>(keys);
                deleted.removeAll(new HashSet<>(toDelete));
            }
        }
        for (K key : deleted) {
            Object old = lapse.edit(keyOf(key), e -> removedInStep(e, key));
            removed(key, old, start, false);
        }
        if (failed != null) {
            throw writerFailed(failed);
        }
    }

    @Override
    public void clear() {
        checkOpen();
        lapse.clear();
    }

    // ------------------------------------------------------------------- entry processors

    @Override
    public <T> T invoke(K key, EntryProcessor<K, V, T> processor, Object... arguments) {
        checkOpen();
        String k = keyOf(key);
        Objects.requireNonNull(processor, "entry processor is null");
        long start = stats.start();
        Object[] result = new Object[1];
        @SuppressWarnings("unchecked")
        ProcessorEntry<K, V>[] seen = new ProcessorEntry[1];
        Changed changed = lapse.edit(k, e -> {
            ProcessorEntry<K, V> entry = new ProcessorEntry<>(key, valueOf(e.value()),
                config.isReadThrough() && loader != null ? this::load : null);
            seen[0] = entry;
            try {
                result[0] = processor.process(entry, arguments);
            } catch (EntryProcessorException ex) {
                throw ex;
            } catch (Exception ex) {
                throw new EntryProcessorException(ex);
            }
            return applied(e, entry);
        });
        ProcessorEntry<K, V> entry = seen[0];
        countProcessed(entry, start);
        if (changed != null) {
            if (changed.kind == Changed.REMOVED) {
                removed(key, changed.old, start, false);
            } else {
                announce(changed, key, entry.value(), false);
            }
        }
        @SuppressWarnings("unchecked")
        T t = (T) result[0];
        return t;
    }

    /** Applies what a processor asked for, inside its edit step. */
    private Changed applied(EntryEditor e, ProcessorEntry<K, V> entry) {
        switch (entry.outcome()) {
            case LOADED:
                return created(e, entry.getKey(), storedValue(entry.value()));
            case CREATED:
                write(entry.getKey(), entry.value());
                return created(e, entry.getKey(), storedValue(entry.value()));
            case UPDATED:
                write(entry.getKey(), entry.value());
                return updated(e, entry.getKey(), storedValue(entry.value()), expiries.update());
            case REMOVED:
                return new Changed(Changed.REMOVED, removeThroughWriter(e, entry.getKey()), null);
            case DELETED:
                delete(entry.getKey());
                return null;
            default:
                if (entry.accessed()) {
                    accessed(e, expiries.access());
                }
                return null;
        }
    }

    /**
     * Counts an invoke as JCache does: a hit or a miss by whether the entry existed, and the time of
     * what it changed (the put or removal itself is counted where it is announced).
     */
    private void countProcessed(ProcessorEntry<K, V> entry, long start) {
        stats.found(entry.existed());
        switch (entry.outcome()) {
            case LOADED:
            case CREATED:
            case UPDATED:
                stats.putSince(start);
                break;
            case REMOVED:
                break;
            default:
                stats.gotSince(start);
                break;
        }
    }

    @Override
    public <T> Map<K, EntryProcessorResult<T>> invokeAll(Set<? extends K> keys, EntryProcessor<K, V, T> processor,
        Object... arguments) {
        checkOpen();
        checkKeys(keys);
        Objects.requireNonNull(processor, "entry processor is null");
        Map<K, EntryProcessorResult<T>> results = new HashMap<>();
        for (K key : keys) {
            try {
                T result = invoke(key, processor, arguments);
                if (result != null) {
                    results.put(key, () -> result);
                }
            } catch (EntryProcessorException e) {
                results.put(key, () -> {
                    throw e;
                });
            } catch (RuntimeException e) {
                EntryProcessorException wrapped = new EntryProcessorException(e);
                results.put(key, () -> {
                    throw wrapped;
                });
            }
        }
        return results;
    }

    // --------------------------------------------------------------------------- iteration

    @Override
    public Iterator<Entry<K, V>> iterator() {
        checkOpen();
        Iterator<CacheEntry> entries = lapse.iterator();
        return new Iterator<>() {
            private Entry<K, V> next;
            private K last;

            @Override
            public boolean hasNext() {
                while (next == null && entries.hasNext()) {
                    String k = entries.next().key();
                    V v = valueOf(read(k));
                    if (v != null) {
                        @SuppressWarnings("unchecked")
                        K key = (K) forms.keyOf(k);
                        next = new LapseEntry<>(key, v);
                    }
                }
                return next != null;
            }

            @Override
            public Entry<K, V> next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                Entry<K, V> e = next;
                next = null;
                last = e.getKey();
                return e;
            }

            @Override
            public void remove() {
                if (last == null) {
                    throw new IllegalStateException("next() was not called, or remove() was called already");
                }
                K key = last;
                last = null;
                LapseCache.this.remove(key);
            }
        };
    }

    // ------------------------------------------------------------------ listeners, config

    @Override
    public void registerCacheEntryListener(CacheEntryListenerConfiguration<K, V> listenerConfiguration) {
        checkOpen();
        Objects.requireNonNull(listenerConfiguration, "listener configuration is null");
        synchronized (config) {
            config.addCacheEntryListenerConfiguration(listenerConfiguration);
            try {
                events.register(listenerConfiguration);
            } catch (RuntimeException e) {
                config.removeCacheEntryListenerConfiguration(listenerConfiguration);
                throw e;
            }
        }
    }

    @Override
    public void deregisterCacheEntryListener(CacheEntryListenerConfiguration<K, V> listenerConfiguration) {
        checkOpen();
        Objects.requireNonNull(listenerConfiguration, "listener configuration is null");
        synchronized (config) {
            config.removeCacheEntryListenerConfiguration(listenerConfiguration);
            events.deregister(listenerConfiguration);
        }
    }

    @Override
    public <C extends Configuration<K, V>> C getConfiguration(Class<C> clazz) {
        MutableConfiguration<K, V> copy = configuration();
        if (clazz.isInstance(copy)) {
            return clazz.cast(copy);
        }
        throw new IllegalArgumentException("cache '" + name + "': its configuration is not a " + clazz.getName());
    }

    /** The type of keys the cache was configured with; types never change. */
    Class<K> keyType() {
        return config.getKeyType();
    }

    /** The type of values the cache was configured with. */
    Class<V> valueType() {
        return config.getValueType();
    }

    /** A copy of the configuration as it is now. */
    MutableConfiguration<K, V> configuration() {
        synchronized (config) {
            return new MutableConfiguration<>(config);
        }
    }

    void setStatisticsEnabled(boolean on) {
        synchronized (config) {
            config.setStatisticsEnabled(on);
            stats.enable(on);
            if (on) {
                JCacheBeans.register(stats, statisticsName);
            } else {
                JCacheBeans.unregister(statisticsName);
            }
        }
    }

    void setManagementEnabled(boolean on) {
        synchronized (config) {
            config.setManagementEnabled(on);
            if (on) {
                JCacheBeans.register(new JCacheConfigurationBean(this), configurationName);
            } else {
                JCacheBeans.unregister(configurationName);
            }
        }
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public CacheManager getCacheManager() {
        return manager;
    }

    /** Closes the cache and tells its manager, which no longer lists it. */
    @Override
    public void close() {
        if (shutDown()) {
            manager.closed(this);
        }
    }

    /**
     * Closes the cache without telling its manager: entries are dropped, the MBeans unregistered,
     * the event and load threads stopped, and the loader, writer, policy and listeners that are
     * {@link java.io.Closeable} closed.
     *
     * @return whether this call closed it
     */
    boolean shutDown() {
        synchronized (config) {
            if (closed) {
                return false;
            }
            closed = true;
        }
        if (owned != null) {
            owned.close();
        }
        JCacheBeans.unregister(statisticsName);
        JCacheBeans.unregister(configurationName);
        loads.close();
        events.close();
        closeQuietly(loader);
        closeQuietly(writer);
        closeQuietly(expiries.policy());
        return true;
    }

    private static void closeQuietly(Object o) {
        if (o instanceof AutoCloseable) {
            try {
                ((AutoCloseable) o).close();
            } catch (Exception e) {
                LOG.log(Level.WARNING, "Closing " + o + " failed", e);
            }
        }
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public <T> T unwrap(Class<T> clazz) {
        if (clazz.isInstance(this)) {
            return clazz.cast(this);
        }
        if (clazz.isInstance(lapse)) {
            return clazz.cast(lapse);
        }
        throw new IllegalArgumentException("cache '" + name + "' is not a " + clazz.getName());
    }

    // ----------------------------------------------------------------------------- helpers

    /** What an edit step did to a key, for the events and statistics after it. */
    private static final class Changed {
        static final int CREATED = 1;
        static final int UPDATED = 2;
        static final int REMOVED = 3;
        /** A creation whose expiry was zero: nothing stored. */
        static final int NOT_STORED = 4;

        final int kind;
        /** The stored form of the value before an update or a removal, or {@code null}. */
        final Object old;
        /** The stored form of the value a creation or an update stored, or {@code null}. */
        final Object stored;

        Changed(int kind, Object old, Object stored) {
            this.kind = kind;
            this.old = old;
            this.stored = stored;
        }
    }

    /** Creates an entry as the policy says, inside its step, and queues its event for the asynchronous listeners. */
    private Changed created(EntryEditor e, K key, Object stored) {
        long ttl = expiries.creation();
        if (ttl == Expiries.NOW) {
            return new Changed(Changed.NOT_STORED, null, null);
        }
        if (ttl == Expiries.CACHE_RULES) {
            e.put(stored);
        } else {
            e.put(stored, Expiries.ttl(ttl));
        }
        if (queueInStep) {
            events.queue(EventType.CREATED, key, stored, null, this::valueOf);
        }
        return new Changed(Changed.CREATED, null, stored);
    }

    /** Updates an entry as the policy says, inside its step, and queues its event for the asynchronous listeners. */
    private Changed updated(EntryEditor e, K key, Object stored, long ttl) {
        Object old = e.value();
        if (ttl == Expiries.CACHE_RULES) {
            e.put(stored);
        } else if (ttl == Expiries.KEEP) {
            e.putKeepingDeadline(stored);
        } else if (ttl == Expiries.NOW) {
            // the put checks the value as any update's does; the expiry, asked for last, is what
            // the step applies: the entry ends at once, reported expired with the value it had
            e.putKeepingDeadline(stored);
            e.expireNow();
        } else {
            e.put(stored, Expiries.ttl(ttl));
        }
        // queued once the cache has taken the value: a value it refuses is heard by no listener
        if (queueInStep) {
            events.queue(EventType.UPDATED, key, stored, old, this::valueOf);
        }
        return new Changed(Changed.UPDATED, old, stored);
    }

    private static void accessed(EntryEditor e, long ttl) {
        if (ttl == Expiries.NOW) {
            e.expireNow();
        } else if (ttl != Expiries.KEEP) {
            e.setTtl(Expiries.ttl(ttl));
        }
    }

    /** Counts and announces a create or update; returns the old value, decoded if asked for. */
    private V announce(Changed changed, K key, V value, boolean wantOld) {
        if (changed.kind == Changed.NOT_STORED) {
            return null;
        }
        stats.puts(1);
        if (changed.kind == Changed.CREATED) {
            if (!queueInStep) {
                events.queue(EventType.CREATED, key, changed.stored, null, this::valueOf);
            }
            events.postSync(EventType.CREATED, key, value, null);
            return null;
        }
        if (!queueInStep) {
            events.queue(EventType.UPDATED, key, changed.stored, changed.old, this::valueOf);
        }
        V old = wantOld || events.wantsSync(EventType.UPDATED) ? valueOf(changed.old) : null;
        events.postSync(EventType.UPDATED, key, value, old);
        return old;
    }

    /** Stores a loaded value: created, or updated when {@code replace} and present; no writer. */
    private void store(K key, V value, boolean replace) {
        Object stored = storedValue(value);
        Changed changed = lapse.edit(keyOf(key), e -> {
            if (e.exists()) {
                return replace ? updated(e, key, stored, expiries.update()) : null;
            }
            return created(e, key, stored);
        });
        if (changed != null) {
            announce(changed, key, value, false);
        }
    }

    private V loadAndStore(K key) {
        V loaded = load(key);
        if (loaded == null) {
            return null;
        }
        store(key, loaded, false);
        return loaded;
    }

    private V load(K key) {
        try {
            return loader.load(key);
        } catch (CacheLoaderException e) {
            throw e;
        } catch (Exception e) {
            throw new CacheLoaderException("cache '" + name + "': its loader failed on key " + key + ": " + e, e);
        }
    }

    private Map<K, V> loadAllFromLoader(List<K> keys) {
        try {
            Map<K, V> loaded = loader.loadAll(keys);
            return loaded == null ? Map.of() : loaded;
        } catch (CacheLoaderException e) {
            throw e;
        } catch (Exception e) {
            throw new CacheLoaderException("cache '" + name + "': its loader failed: " + e, e);
        }
    }

    private void write(K key, V value) {
        if (writer == null) {
            return;
        }
        try {
            writer.write(new LapseEntry<>(key, value));
        } catch (RuntimeException e) {
            throw writerFailed(e);
        }
    }

    private void delete(K key) {
        if (writer == null) {
            return;
        }
        try {
            writer.delete(key);
        } catch (RuntimeException e) {
            throw writerFailed(e);
        }
    }

    private CacheWriterException writerFailed(RuntimeException e) {
        return e instanceof CacheWriterException ? (CacheWriterException) e
            : new CacheWriterException("cache '" + name + "': its writer failed: " + e, e);
    }

    /**
     * An entry expired: called by the engine for each entry of an owned cache whose deadline
     * passed, exactly once, with no lock held; for a view, from the configured cache's
     * {@code cache/expired} event.
     */
    void expired(String key, Object value, long expiresAtMillis) {
        if (!events.wants(EventType.EXPIRED)) {
            return;
        }
        try {
            @SuppressWarnings("unchecked")
            K k = (K) forms.keyOf(key);
            V v = valueOf(value);
            events.post(EventType.EXPIRED, k, v, v);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "cache '" + name + "': an expired listener failed on a key", e);
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("cache '" + name + "' is closed");
        }
    }

    private void checkKeys(Set<? extends K> keys) {
        Objects.requireNonNull(keys, "keys is null");
        for (K key : keys) {
            Objects.requireNonNull(key, "a key in the set is null");
        }
    }

    private String keyOf(K key) {
        Objects.requireNonNull(key, "key is null");
        Class<K> type = config.getKeyType();
        if (type != Object.class && !type.isInstance(key)) {
            throw new ClassCastException("cache '" + name + "' takes keys of " + type.getName() + ", not "
                + key.getClass().getName());
        }
        return forms.key(key);
    }

    private Object storedValue(V value) {
        Objects.requireNonNull(value, "value is null");
        Class<V> type = config.getValueType();
        if (type != Object.class && !type.isInstance(value)) {
            throw new ClassCastException("cache '" + name + "' takes values of " + type.getName() + ", not "
                + value.getClass().getName());
        }
        return forms.value(value);
    }

    private static Object storedIn(CacheEntry entry) {
        return entry == null ? null : entry.value();
    }

    @SuppressWarnings("unchecked")
    private V valueOf(Object stored) {
        return stored == null ? null : (V) forms.valueOf(stored);
    }

    /**
     * Whether a stored value equals an expected one, by the expected value's {@code equals} as
     * JCache says (byte arrays by their contents): a serialised value is read back to compare, as
     * equal objects need not serialise to equal bytes.
     */
    private boolean matches(Object stored, V expected) {
        Object value = forms.valueOf(stored);
        if (value instanceof byte[] && expected instanceof byte[]) {
            return java.util.Arrays.equals((byte[]) value, (byte[]) expected);
        }
        return expected.equals(value);
    }

    @Override
    public String toString() {
        return "LapseCache[" + name + " of " + manager.getURI() + "]";
    }
}
