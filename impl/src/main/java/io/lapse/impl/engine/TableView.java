package io.lapse.impl.engine;

import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ConcurrentMap;
import java.util.function.BiFunction;
import java.util.function.Function;

import io.lapse.cache.Cache;
import io.lapse.cache.CacheEntry;
import io.lapse.cache.CacheStats;
import io.lapse.cache.EntryEditor;
import io.lapse.cache.Match;

/**
 * A table as its consumers receive it (see {@link CacheTable#cache()}): it forwards the
 * {@link Cache} operations, and nothing else, so no consumer can reach the owner's operations
 * ({@code close}, {@code replace}, {@code reconfigure}) by a cast. Immutable; as thread-safe as the
 * table.
 */
final class TableView implements Cache {

    private final CacheTable table;

    TableView(CacheTable table) {
        this.table = table;
    }

    @Override
    public String name() {
        return table.name();
    }

    @Override
    public ConcurrentMap<String, Object> asMap() {
        return table.asMap();
    }

    @Override
    public Object get(String key) {
        return table.get(key);
    }

    @Override
    public CacheEntry getEntry(String key) {
        return table.getEntry(key);
    }

    @Override
    public boolean containsKey(String key) {
        return table.containsKey(key);
    }

    @Override
    public void put(String key, Object value) {
        table.put(key, value);
    }

    @Override
    public void put(String key, Object value, Duration ttl) {
        table.put(key, value, ttl);
    }

    @Override
    public void put(String key, Object value, Duration ttl, String group) {
        table.put(key, value, ttl, group);
    }

    @Override
    public long invalidateGroup(String group) {
        return table.invalidateGroup(group);
    }

    @Override
    public List<String> groupKeys(String group) {
        return table.groupKeys(group);
    }

    @Override
    public Object putIfAbsent(String key, Object value) {
        return table.putIfAbsent(key, value);
    }

    @Override
    public Object putIfAbsent(String key, Object value, Duration ttl) {
        return table.putIfAbsent(key, value, ttl);
    }

    @Override
    public Object remove(String key) {
        return table.remove(key);
    }

    @Override
    public long increment(String key, long delta) {
        return table.increment(key, delta);
    }

    @Override
    public boolean setTtl(String key, Duration ttl) {
        return table.setTtl(key, ttl);
    }

    @Override
    public <R> R edit(String key, Function<? super EntryEditor, ? extends R> step) {
        return table.edit(key, step);
    }

    @Override
    public Object compute(String key, BiFunction<? super String, Object, Object> function) {
        return table.compute(key, function);
    }

    @Override
    public long removeKeys(Match match) {
        return table.removeKeys(match);
    }

    @Override
    public long removeValues(Match match) {
        return table.removeValues(match);
    }

    @Override
    public long countKeys(Match match) {
        return table.countKeys(match);
    }

    @Override
    public long countValues(Match match) {
        return table.countValues(match);
    }

    @Override
    public List<String> keys(Match match, long offset, int limit) {
        return table.keys(match, offset, limit);
    }

    @Override
    public long clear() {
        return table.clear();
    }

    @Override
    public long size() {
        return table.size();
    }

    @Override
    public Iterator<CacheEntry> iterator() {
        return table.iterator();
    }

    @Override
    public CacheStats stats() {
        return table.stats();
    }

    @Override
    public void resetStats() {
        table.resetStats();
    }

    @Override
    public String toString() {
        return table.toString();
    }
}
