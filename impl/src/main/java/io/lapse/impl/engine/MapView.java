package io.lapse.impl.engine;

import java.util.AbstractCollection;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Collection;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentMap;
import java.util.function.BiFunction;
import java.util.function.Function;

import io.lapse.cache.CacheEntry;

/**
 * A table as a {@link ConcurrentMap} ({@link io.lapse.cache.Cache#asMap()}): every method reads or
 * changes the table itself, so the map and the cache are one.
 *
 * <ul>
 * <li>Entries written through the map take the cache's default TTL ({@code autoexpire}; with
 * {@code updateexpire} off, a rewrite keeps the entry's deadline), as {@code put} without a TTL
 * does. An entry past its deadline is absent from every method, {@link #size()} included.</li>
 * <li>Each single-key method is one atomic step of the cache (a {@code compute} under the key's
 * slot lock): {@code putIfAbsent}, the two-argument {@code remove}, both {@code replace}s,
 * {@code computeIfAbsent}, {@code computeIfPresent}, {@code compute} and {@code merge} decide on
 * the entry as it is and change it in the same step. A step that decides to change nothing
 * changes nothing (no put is counted, no deadline restarted). A function given to them runs under
 * that lock: it may read single keys of the cache but must not write to it (refused with
 * {@link IllegalStateException}), as {@link io.lapse.cache.Cache#compute} says.</li>
 * <li>{@code get} answers {@code null} for a missing key even when the cache has an
 * {@code initval}, and for a key that is not a {@code String}; null keys and values are refused
 * with {@link NullPointerException}, as {@link java.util.concurrent.ConcurrentHashMap} refuses
 * them; a value the cache cannot hold, or a key it refuses, with {@link IllegalArgumentException}.
 * A value comes back as the cache stores it: an integral number as a {@code Long}.</li>
 * <li>The views ({@link #keySet()}, {@link #values()}, {@link #entrySet()}) are live; their
 * iterators are weakly consistent, as the cache's ({@link io.lapse.cache.Cache#iterator()}):
 * they never throw {@link java.util.ConcurrentModificationException}, return each key at most
 * once, and may or may not show changes made while they run. Their {@code remove} removes the
 * key from the cache; an entry's {@code setValue} writes through.</li>
 * <li>{@code size()} counts the live entries (clamped to {@link Integer#MAX_VALUE}), which walks
 * the cache; {@code clear()} clears it, with its {@code cache/cleared} event.</li>
 * </ul>
 *
 * <p>Thread safety: as the table's. The map holds no state of its own.
 */
final class MapView extends AbstractMap<String, Object> implements ConcurrentMap<String, Object> {

    private final CacheTable table;
    private final Set<Entry<String, Object>> entries = new Entries();

    MapView(CacheTable table) {
        this.table = table;
    }

    private static String key(Object key) {
        return (String) Objects.requireNonNull(key, "key");
    }

    private static <T> T present(T value, String what) {
        return Objects.requireNonNull(value, what);
    }

    /** A key asked for: {@code null} for one of another type, which no entry has; a null is refused. */
    private static String asked(Object key) {
        return key instanceof String ? (String) key : nullRefused(key);
    }

    private static String nullRefused(Object key) {
        Objects.requireNonNull(key, "key");
        return null;
    }

    @Override
    public Object get(Object key) {
        String k = asked(key);
        CacheEntry e = k == null ? null : table.getEntry(k);
        return e == null ? null : e.value();
    }

    @Override
    public boolean containsKey(Object key) {
        String k = asked(key);
        return k != null && table.containsKey(k);
    }

    @Override
    public Object put(String key, Object value) {
        present(value, "value");
        return before(key(key), (k, v) -> value, false);
    }

    @Override
    public Object remove(Object key) {
        String k = asked(key);
        return k == null ? null : table.remove(k);
    }

    @Override
    public Object putIfAbsent(String key, Object value) {
        present(value, "value");
        return before(key(key), (k, v) -> v == null ? value : v, true);
    }

    @Override
    public boolean remove(Object key, Object value) {
        String asked = asked(key);
        if (asked == null || value == null) {
            return false;
        }
        Object before = before(asked, (k, v) -> v != null && Values.same(v, value) ? null : v, true);
        return before != null && Values.same(before, value);
    }

    @Override
    public boolean replace(String key, Object oldValue, Object newValue) {
        present(oldValue, "oldValue");
        present(newValue, "newValue");
        Object before = before(key(key), (k, v) -> v != null && Values.same(v, oldValue) ? newValue : v, true);
        return before != null && Values.same(before, oldValue);
    }

    @Override
    public Object replace(String key, Object value) {
        present(value, "value");
        return before(key(key), (k, v) -> v == null ? null : value, true);
    }

    @Override
    public Object computeIfAbsent(String key, Function<? super String, ?> mappingFunction) {
        present(mappingFunction, "mappingFunction");
        return changeIf(key(key), (k, v) -> v != null ? v : mappingFunction.apply(k));
    }

    @Override
    public Object computeIfPresent(String key, BiFunction<? super String, ? super Object, ?> remappingFunction) {
        present(remappingFunction, "remappingFunction");
        return changeIf(key(key), (k, v) -> v == null ? null : remappingFunction.apply(k, v));
    }

    @Override
    public Object compute(String key, BiFunction<? super String, ? super Object, ?> remappingFunction) {
        present(remappingFunction, "remappingFunction");
        return changeIf(key(key), remappingFunction::apply);
    }

    @Override
    public Object merge(String key, Object value, BiFunction<? super Object, ? super Object, ?> remappingFunction) {
        present(value, "value");
        present(remappingFunction, "remappingFunction");
        return changeIf(key(key), (k, v) -> v == null ? value : remappingFunction.apply(v, value));
    }

    /**
     * A step that answers the value before it: the conditional methods decide on that value alone,
     * so it also tells whether they changed anything.
     *
     * @param keepIfSame see {@link ComputeStep#run}: {@code false} for a put, which always stores
     */
    private Object before(String key, BiFunction<String, Object, Object> function, boolean keepIfSame) {
        Object[] before = new Object[1];
        ComputeStep.run(table, key, (k, v) -> {
            before[0] = v;
            return function.apply(k, v);
        }, keepIfSame);
        return before[0];
    }

    /**
     * A step that changes nothing when the function returns the very value it was given (or
     * {@code null} for a missing key), answering the value after.
     */
    private Object changeIf(String key, BiFunction<String, Object, Object> function) {
        return ComputeStep.run(table, key, function, true);
    }

    @Override
    public int size() {
        return (int) Math.min(Integer.MAX_VALUE, table.size());
    }

    @Override
    public boolean isEmpty() {
        return !table.iterator().hasNext();
    }

    @Override
    public void clear() {
        table.clear();
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
        return entries;
    }

    @Override
    public Collection<Object> values() {
        return new AbstractCollection<>() {
            @Override
            public Iterator<Object> iterator() {
                Iterator<Entry<String, Object>> it = entries.iterator();
                return new Iterator<>() {
                    @Override
                    public boolean hasNext() {
                        return it.hasNext();
                    }

                    @Override
                    public Object next() {
                        return it.next().getValue();
                    }

                    @Override
                    public void remove() {
                        it.remove();
                    }
                };
            }

            @Override
            public int size() {
                return MapView.this.size();
            }

            @Override
            public boolean isEmpty() {
                return MapView.this.isEmpty();
            }

            @Override
            public void clear() {
                MapView.this.clear();
            }
        };
    }

    /** The entries: a live set over the cache's iteration. */
    private final class Entries extends AbstractSet<Entry<String, Object>> {

        @Override
        public Iterator<Entry<String, Object>> iterator() {
            Iterator<CacheEntry> it = table.iterator();
            return new Iterator<>() {
                private String last;

                @Override
                public boolean hasNext() {
                    return it.hasNext();
                }

                @Override
                public Entry<String, Object> next() {
                    if (!it.hasNext()) {
                        throw new NoSuchElementException();
                    }
                    CacheEntry e = it.next();
                    last = e.key();
                    return new WriteThroughEntry(e.key(), e.value());
                }

                @Override
                public void remove() {
                    if (last == null) {
                        throw new IllegalStateException("next() has not returned an entry to remove since the last "
                            + "remove()");
                    }
                    table.remove(last);
                    last = null;
                }
            };
        }

        @Override
        public int size() {
            return MapView.this.size();
        }

        @Override
        public boolean isEmpty() {
            return MapView.this.isEmpty();
        }

        @Override
        public boolean contains(Object o) {
            if (!(o instanceof Entry)) {
                return false;
            }
            Entry<?, ?> e = (Entry<?, ?>) o;
            Object v = e.getKey() instanceof String ? get(e.getKey()) : null;
            return v != null && e.getValue() != null && Values.same(v, e.getValue());
        }

        @Override
        public boolean remove(Object o) {
            if (!(o instanceof Entry)) {
                return false;
            }
            Entry<?, ?> e = (Entry<?, ?>) o;
            return e.getKey() instanceof String && e.getValue() != null && MapView.this.remove(e.getKey(), e.getValue());
        }

        @Override
        public void clear() {
            MapView.this.clear();
        }
    }

    /** An entry of an iteration whose {@code setValue} writes through to the cache. */
    private final class WriteThroughEntry extends SimpleEntry<String, Object> {

        private static final long serialVersionUID = 1L;

        WriteThroughEntry(String key, Object value) {
            super(key, value);
        }

        @Override
        public Object setValue(Object value) {
            present(value, "value");
            Object before = super.setValue(value);
            put(getKey(), value);
            return before;
        }
    }
}
