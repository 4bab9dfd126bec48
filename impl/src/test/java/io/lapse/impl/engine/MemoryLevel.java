package io.lapse.impl.engine;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.lapse.cache.CacheEntry;
import io.lapse.cache.Match;
import io.lapse.cache.level.CacheLevel;

/**
 * A backing level in a sorted map, for the engine's tests: keeps the {@link CacheLevel} contract
 * (entries as put, scans in key order, due in deadline order), with a switch that makes every call
 * fail as a level that is down, a precision to round deadlines to, and a count of calls.
 */
final class MemoryLevel implements CacheLevel {

    final TreeMap<String, CacheEntry> rows = new TreeMap<>();
    final AtomicBoolean down = new AtomicBoolean();
    final AtomicInteger gets = new AtomicInteger();
    /** Calls refused while down. */
    final AtomicInteger refused = new AtomicInteger();
    private final long precision;

    MemoryLevel() {
        this(1);
    }

    MemoryLevel(long precision) {
        this.precision = precision;
    }

    private void check() {
        if (down.get()) {
            refused.incrementAndGet();
            throw new IllegalStateException("memory level: down");
        }
    }

    @Override
    public synchronized CacheEntry get(String key) {
        check();
        gets.incrementAndGet();
        return rows.get(key);
    }

    @Override
    public synchronized void put(CacheEntry entry) {
        check();
        long e = entry.expiresAtMillis();
        if (e % precision != 0) {
            throw new AssertionError("a deadline not rounded to " + precision + " ms: " + entry);
        }
        rows.put(entry.key(), entry);
    }

    @Override
    public synchronized boolean remove(String key) {
        check();
        return rows.remove(key) != null;
    }

    @Override
    public synchronized void removeAll(Collection<String> keys) {
        check();
        keys.forEach(rows::remove);
    }

    @Override
    public synchronized List<CacheEntry> scan(Match match, String after, int limit) {
        check();
        List<CacheEntry> page = new ArrayList<>();
        Map<String, CacheEntry> tail = after == null ? rows : rows.tailMap(after, false);
        for (CacheEntry e : tail.values()) {
            if (page.size() == limit) {
                break;
            }
            page.add(e);
        }
        return page;
    }

    @Override
    public synchronized List<CacheEntry> due(long untilMillis, int limit) {
        check();
        List<CacheEntry> due = new ArrayList<>();
        for (CacheEntry e : rows.values()) {
            if (e.expiresAtMillis() != 0 && e.expiresAtMillis() <= untilMillis) {
                due.add(e);
            }
        }
        due.sort((a, b) -> Long.compare(a.expiresAtMillis(), b.expiresAtMillis()));
        return new ArrayList<>(due.subList(0, Math.min(limit, due.size())));
    }

    @Override
    public long deadlinePrecisionMillis() {
        return precision;
    }

    @Override
    public synchronized long size() {
        check();
        return rows.size();
    }

    @Override
    public synchronized long clear() {
        check();
        long n = rows.size();
        rows.clear();
        return n;
    }

    @Override
    public void close() {
    }

    synchronized CacheEntry row(String key) {
        return rows.get(key);
    }
}
