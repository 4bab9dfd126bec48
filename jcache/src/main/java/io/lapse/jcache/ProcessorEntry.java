package io.lapse.jcache;

import javax.cache.processor.MutableEntry;

/**
 * The entry an {@code EntryProcessor} works on, inside the key's edit step: it reads the entry as
 * the step found it, loads it through the cache's loader on a {@link #getValue()} of a missing key
 * when the cache reads through, and records what the processor asks for, which the cache applies
 * when the processor returns. Used by one thread, during one step.
 */
final class ProcessorEntry<K, V> implements MutableEntry<K, V> {

    /** What the processor's calls add up to. */
    enum Outcome {
        /** Nothing changes; {@link #accessed} tells whether the value was read. */
        NONE,
        /** A missing value was loaded through the loader: stored, not written. */
        LOADED,
        /** A value was set on a missing key. */
        CREATED,
        /** A value was set on an existing key. */
        UPDATED,
        /** The existing entry is removed. */
        REMOVED,
        /** A missing entry is removed: nothing changes in the cache, but the writer deletes the key. */
        DELETED
    }

    /** Loads a missing key's value for {@link #getValue()}, or returns {@code null}. */
    interface Loading<K, V> {
        V load(K key);
    }

    private final K key;
    private final boolean existed;
    private final Loading<K, V> loading;
    private V value;
    private Outcome outcome = Outcome.NONE;
    private boolean accessed;

    ProcessorEntry(K key, V value, Loading<K, V> loading) {
        this.key = key;
        this.value = value;
        this.existed = value != null;
        this.loading = loading;
    }

    @Override
    public K getKey() {
        return key;
    }

    @Override
    public V getValue() {
        if (outcome == Outcome.NONE) {
            accessed = true;
            if (value == null && loading != null) {
                value = loading.load(key);
                if (value != null) {
                    outcome = Outcome.LOADED;
                }
            }
        }
        return value;
    }

    @Override
    public boolean exists() {
        return value != null;
    }

    @Override
    public void remove() {
        value = null;
        if (existed) {
            outcome = Outcome.REMOVED;
        } else {
            // a value the processor set and took back never reached the writer: nothing to delete
            outcome = outcome == Outcome.CREATED || outcome == Outcome.LOADED ? Outcome.NONE : Outcome.DELETED;
        }
        accessed = false;
    }

    @Override
    public void setValue(V v) {
        if (v == null) {
            throw new NullPointerException("an entry processor set a null value on key " + key);
        }
        value = v;
        outcome = existed ? Outcome.UPDATED : Outcome.CREATED;
    }

    Outcome outcome() {
        return outcome;
    }

    boolean existed() {
        return existed;
    }

    /** Whether the processor read the value of an entry that existed, and changed nothing. */
    boolean accessed() {
        return accessed && existed && outcome == Outcome.NONE;
    }

    /** Whether the processor read the value of a missing key, found nothing, and changed nothing. */
    boolean readMissing() {
        return accessed && !existed && outcome == Outcome.NONE;
    }

    V value() {
        return value;
    }

    @Override
    public <T> T unwrap(Class<T> clazz) {
        if (clazz.isInstance(this)) {
            return clazz.cast(this);
        }
        throw new IllegalArgumentException("an entry processor's entry is not a " + clazz.getName());
    }
}
