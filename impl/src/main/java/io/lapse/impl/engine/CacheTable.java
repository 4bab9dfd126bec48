package io.lapse.impl.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Predicate;

import io.lapse.cache.Cache;
import io.lapse.cache.CacheEntry;
import io.lapse.cache.CacheStats;
import io.lapse.cache.Match;

/**
 * The engine of one cache: 2<sup>size</sup> {@link Segment}s (htable's slots), each a growing
 * hash table with its own lock and its own {@link TimerWheel}.
 *
 * <h2>Locks and what they guard</h2>
 * <ul>
 * <li>A segment's lock guards its chains, its wheel, its count and its counters. Each write
 * locks exactly one segment; whole-table operations (clear, matches, iteration, size) lock one
 * segment at a time; a change of {@code size} and {@link #close()} lock all segments in index
 * order.</li>
 * <li>Reads lock nothing and never touch a segment: a lookup is a hash, two array loads and a
 * chain walk in {@link #tables}, and a miss is confirmed by reading the segment's entry again
 * (see {@link Segment#find}); whether a deadline passed is decided against the coarse time of
 * the {@link TimeSource} and, only near the deadline, the precise clock.</li>
 * <li>The {@link TableListener} is called only after every lock is released.</li>
 * <li>The {@link WriteThrough} hook of a store that writes through is the one exception: it is
 * called under the key's slot lock, before the change, so that the store's order of changes per
 * key is the table's and a store failure leaves the table unchanged. It is a plain field written
 * under every slot lock ({@link #writeThrough(WriteThrough)}) and read under one.</li>
 * <li>{@link #replace} builds nothing under a lock: the new slots are filled off-line
 * ({@link Contents}) and swapped in under the layout write lock and every slot lock.</li>
 * </ul>
 *
 * <h2>Expiry</h2>
 * An entry leaves the table by expiry in exactly one place: under its segment's lock, whoever
 * holds it (a sweeper advancing the wheel, or a write or whole-table operation that finds the
 * deadline passed) unlinks the node from chain and wheel in one step and, once unlocked, reports
 * it. A node that is no longer linked is never reported again, so each expiry is reported
 * exactly once. The sweeper only visits segments whose wheel has a bucket due, and a due bucket
 * holds only what expires then (or moves to a finer level), so a sweep costs in proportion to
 * what expires, not to the size of the table.
 */
public final class CacheTable implements Cache {

    private static final int SPREAD = 0x9E3779B9;
    private static final long KEEP = Long.MIN_VALUE;

    private volatile String name;
    private final TimeSource time;
    private final TableListener listener;
    private volatile CacheSettings settings;
    private volatile Segment[] segments;
    /**
     * The bucket arrays of {@link #segments}, one entry per segment, replaced with them: a
     * read finds its chain here without touching the segment, one cache miss fewer.
     */
    private volatile Node[][] tables;
    private volatile boolean closed;
    private final DueBoard dues = new DueBoard();
    /**
     * Read-held by whole-table operations, write-held by a change of size and by close, so that
     * a whole-table pass never meets segments whose nodes are being moved. Single-key operations
     * do not take it: they notice a moved segment by its {@code retired} flag.
     */
    private final ReentrantReadWriteLock layout = new ReentrantReadWriteLock();

    /**
     * Hits and misses, while {@code statistics} is on; {@code null} otherwise, so that a read
     * pays for counting (about a sixth of its time) only when asked to.
     */
    private volatile ReadCounters reads;
    private final LongAdder eventsPosted = new LongAdder();
    private final LongAdder eventsDropped = new LongAdder();
    /** Counters of segments retired by a change of size, so statistics survive it. */
    private final AtomicLong retiredPuts = new AtomicLong();
    private final AtomicLong retiredRemovals = new AtomicLong();
    private final AtomicLong retiredExpirations = new AtomicLong();
    private final LagHistogram lag = new LagHistogram();
    /**
     * Told of every change before it is applied, for a store that writes through; {@code null}
     * otherwise, so that a write pays one field read and a null check for it. Written under every
     * slot lock and read under one, so the lock orders it: no volatile needed.
     */
    private WriteThrough writeThrough;

    /**
     * Creates an empty table.
     *
     * @param name the cache name, used in every error message
     * @param settings the settings
     * @param time the time source, shared with the sweeper that will sweep this table
     * @param listener told of expiries, removals and clears
     */
    public CacheTable(String name, CacheSettings settings, TimeSource time, TableListener listener) {
        this.name = name;
        this.settings = settings;
        this.time = time;
        this.listener = listener;
        this.reads = settings.statistics ? new ReadCounters() : null;
        Node[][] tabs = new Node[1 << settings.sizeBits][];
        this.segments = newSegments(tabs, time.now());
        this.tables = tabs;
    }

    private Segment[] newSegments(Node[][] tabs, long now) {
        Segment[] segs = new Segment[tabs.length];
        for (int i = 0; i < segs.length; i++) {
            segs[i] = new Segment(i, tabs, now, dues);
        }
        return segs;
    }

    static int spread(int h) {
        return h ^ (h >>> 16);
    }

    /** Segment of a hash: the top bits of a multiplicative hash, independent of the bucket bits. */
    static int segmentIndex(int hash, int segmentCount) {
        return (hash * SPREAD) >>> -Integer.numberOfTrailingZeros(segmentCount);
    }

    @Override
    public String name() {
        return name;
    }

    /**
     * Renames the table, for a configuration whose {@code name} changed; entries stay.
     *
     * @param newName the new name
     */
    public void rename(String newName) {
        name = newName;
    }

    /**
     * Returns the settings in force.
     *
     * @return the settings
     */
    public CacheSettings settings() {
        return settings;
    }

    // ---------------------------------------------------------------------------------- reads

    @Override
    public Object get(String key) {
        Node n = live(key);
        ReadCounters r = reads;
        if (n != null) {
            if (r != null) {
                r.hit();
            }
            return n.exportValue();
        }
        if (r != null) {
            r.miss();
        }
        return settings.initval;
    }

    @Override
    public CacheEntry getEntry(String key) {
        Node n = live(key);
        ReadCounters r = reads;
        if (r != null) {
            if (n == null) {
                r.miss();
            } else {
                r.hit();
            }
        }
        return n == null ? null : entryOf(n);
    }

    @Override
    public boolean containsKey(String key) {
        return live(key) != null;
    }

    /**
     * The live node of a key, touched for idle expiry; {@code null} if none. The key is checked
     * only when nothing is found: a stored key was valid when it was stored (see
     * {@link #checkNotNull}).
     */
    private Node live(String key) {
        checkNotNull(key);
        int h = spread(key.hashCode());
        Node[][] tabs = tables;
        Object found = Segment.find(tabs, segmentIndex(h, tabs.length), key, h);
        Node n = found == Segment.MOVING ? findLocked(key, h) : (Node) found;
        if (n == null) {
            Values.checkKey(name, key);
            return null;
        }
        long d = n.deadline();
        if (time.passed(d)) {
            return null;
        }
        if (n.idles()) {
            long idle = settings.idleMillis;
            if (idle > 0) {
                ((IdleNode) n).touch(d, time.coarseNow(), idle);
            }
        }
        return n;
    }

    /**
     * The part of the key check that must come first. The rest (empty, too long) waits until a
     * lookup finds no entry, since a key equal to a stored one is valid: a hit or an update then
     * never reads the key's characters, which CPU caches often do not hold. Every path that
     * stores a new key checks it before storing, under the slot lock, where throwing changes
     * nothing.
     */
    private void checkNotNull(String key) {
        if (key == null) {
            Values.checkKey(name, null);
        }
    }

    private Node findLocked(String key, int h) {
        Segment s = lock(h);
        try {
            return s.findLocked(key, h);
        } finally {
            s.unlock();
        }
    }

    private CacheEntry entryOf(Node n) {
        return new CacheEntry(n.key, n.value(), time.toEpochMillis(n.deadline()));
    }

    // --------------------------------------------------------------------------------- writes

    /**
     * Locks the segment of a hash, looking again if a change of size moved it. A segment retired
     * by {@link #close()} makes this throw; {@code closed} is read only then, off the fast path.
     *
     * @throws IllegalStateException if the cache is closed, or a compute function of the calling
     *     thread holds the segment (see {@link Segment#beforeWaiting()})
     */
    private Segment lock(int h) {
        for (;;) {
            Segment[] segs = segments;
            Segment s = segs[segmentIndex(h, segs.length)];
            try {
                s.lock();
            } catch (IllegalStateException selfWait) {
                throw new IllegalStateException("cache '" + name + "': " + selfWait.getMessage(), selfWait);
            }
            if (!s.retired) {
                return s;
            }
            s.unlock();
            checkOpen();
        }
    }

    @Override
    public void put(String key, Object value) {
        write(key, value, KEEP);
    }

    @Override
    public void put(String key, Object value, Duration ttl) {
        long ttlMillis = Values.ttlMillis(name, ttl);
        write(key, value, ttlMillis);
    }

    private void write(String key, Object value, long ttlMillis) {
        checkNotNull(key);
        Object v = Values.store(name, value);
        int h = spread(key.hashCode());
        CacheSettings st = settings;
        long now = time.coarseNow();
        Node expired = null;
        Segment s = lock(h);
        try {
            Node n = s.findLocked(key, h);
            expired = takeIfExpired(s, n);
            if (expired != null) {
                n = null;
            }
            WriteThrough w = writeThrough;
            if (w != null) {
                writeThrough(w, n, key, v, ttlMillis, now, st);
            }
            if (n == null) {
                insertNew(s, h, key, v, ttlMillis == KEEP ? st.ttlMillis : ttlMillis, now, st);
            } else {
                update(s, n, v, ttlMillis, now, st);
            }
            s.puts++;
        } finally {
            s.unlock();
            reportExpired(expired);
        }
    }

    @Override
    public Object putIfAbsent(String key, Object value) {
        return writeIfAbsent(key, value, KEEP);
    }

    @Override
    public Object putIfAbsent(String key, Object value, Duration ttl) {
        return writeIfAbsent(key, value, Values.ttlMillis(name, ttl));
    }

    private Object writeIfAbsent(String key, Object value, long ttlMillis) {
        checkNotNull(key);
        Object v = Values.store(name, value);
        int h = spread(key.hashCode());
        CacheSettings st = settings;
        long now = time.coarseNow();
        Node expired = null;
        Object existing = null;
        Segment s = lock(h);
        try {
            Node n = s.findLocked(key, h);
            expired = takeIfExpired(s, n);
            if (expired != null) {
                n = null;
            }
            if (n == null) {
                WriteThrough w = writeThrough;
                if (w != null) {
                    writeThrough(w, null, key, v, ttlMillis, now, st);
                }
                insertNew(s, h, key, v, ttlMillis == KEEP ? st.ttlMillis : ttlMillis, now, st);
                s.puts++;
            } else {
                existing = n.exportValue();
            }
        } finally {
            s.unlock();
            reportExpired(expired);
        }
        return existing;
    }

    @Override
    public Object remove(String key) {
        Values.checkKey(name, key);
        int h = spread(key.hashCode());
        Node expired = null;
        Node removed = null;
        Segment s = lock(h);
        try {
            Node n = s.findLocked(key, h);
            expired = takeIfExpired(s, n);
            if (n != null && expired == null) {
                WriteThrough w = writeThrough;
                if (w != null) {
                    removeThrough(w, key);
                }
                s.unlink(n);
                s.removals++;
                removed = n;
            }
        } finally {
            s.unlock();
            reportExpired(expired);
        }
        if (removed == null) {
            return null;
        }
        report(EventKind.REMOVED, removed);
        return removed.exportValue();
    }

    @Override
    public long increment(String key, long delta) {
        checkNotNull(key);
        int h = spread(key.hashCode());
        CacheSettings st = settings;
        long now = time.coarseNow();
        Node expired = null;
        long result;
        Segment s = lock(h);
        try {
            Node n = s.findLocked(key, h);
            expired = takeIfExpired(s, n);
            if (expired != null) {
                n = null;
            }
            if (n == null) {
                Values.checkKey(name, key);
                long start = st.initval == null ? 0L : st.initval;
                result = Math.addExact(start, delta);
                WriteThrough w = writeThrough;
                if (w != null) {
                    writeThrough(w, null, key, result, KEEP, now, st);
                }
                s.insert(newNode(h, key, result, st.ttlMillis, now, st));
            } else {
                Object current = n.value();
                if (!(current instanceof Long)) {
                    throw new IllegalStateException("cache '" + name + "': key '" + key + "' holds a "
                        + (current instanceof String ? "String" : "byte[]") + ", which cannot be incremented");
                }
                result = Math.addExact((Long) current, delta);
                WriteThrough w = writeThrough;
                if (w != null) {
                    writeThrough(w, n, key, result, KEEP, now, st);
                }
                update(s, n, result, KEEP, now, st);
            }
            s.puts++;
        } finally {
            s.unlock();
            reportExpired(expired);
        }
        return result;
    }

    @Override
    public boolean setTtl(String key, Duration ttl) {
        Values.checkKey(name, key);
        long ttlMillis = Values.ttlMillis(name, ttl);
        int h = spread(key.hashCode());
        CacheSettings st = settings;
        long now = time.coarseNow();
        Node expired = null;
        boolean found = false;
        Segment s = lock(h);
        try {
            Node n = s.findLocked(key, h);
            expired = takeIfExpired(s, n);
            if (n != null && expired == null) {
                WriteThrough w = writeThrough;
                if (w != null) {
                    writeThrough(w, n, key, n.value(), ttlMillis, now, st);
                }
                long before = n.deadline();
                n.setWriteDeadline(deadline(ttlMillis, now), now, st.idleMillis);
                s.deadlineChanged(n, before);
                found = true;
            }
        } finally {
            s.unlock();
            reportExpired(expired);
        }
        return found;
    }

    @Override
    public Object compute(String key, BiFunction<? super String, Object, Object> function) {
        Values.checkKey(name, key);
        if (function == null) {
            throw new NullPointerException("cache '" + name + "': compute function is null");
        }
        int h = spread(key.hashCode());
        CacheSettings st = settings;
        long now = time.coarseNow();
        Node expired = null;
        Node removed = null;
        Object stored;
        Segment s = lock(h);
        try {
            Node n = s.findLocked(key, h);
            expired = takeIfExpired(s, n);
            if (expired != null) {
                n = null;
            }
            Object result;
            s.computing = Thread.currentThread();
            try {
                result = function.apply(key, n == null ? null : n.exportValue());
            } finally {
                s.computing = null;
            }
            WriteThrough w = writeThrough;
            if (result == null) {
                stored = null;
                if (n != null) {
                    if (w != null) {
                        removeThrough(w, key);
                    }
                    s.unlink(n);
                    s.removals++;
                    removed = n;
                }
            } else {
                stored = Values.store(name, result);
                if (w != null) {
                    writeThrough(w, n, key, stored, KEEP, now, st);
                }
                if (n == null) {
                    s.insert(newNode(h, key, stored, st.ttlMillis, now, st));
                } else {
                    update(s, n, stored, KEEP, now, st);
                }
                s.puts++;
            }
        } finally {
            s.unlock();
            reportExpired(expired);
        }
        if (removed != null) {
            report(EventKind.REMOVED, removed);
        }
        return stored instanceof byte[] ? ((byte[]) stored).clone() : stored;
    }

    private static long deadline(long ttlMillis, long now) {
        return ttlMillis == 0 ? Node.NEVER : now + ttlMillis;
    }

    /** Checks a key no entry holds and stores it; caller holds the segment's lock. */
    private void insertNew(Segment s, int h, String key, Object v, long ttlMillis, long now, CacheSettings st) {
        Values.checkKey(name, key);
        s.insert(newNode(h, key, v, ttlMillis, now, st));
    }

    private static Node newNode(int h, String key, Object v, long ttlMillis, long now, CacheSettings st) {
        long d = deadline(ttlMillis, now);
        return st.idleMillis > 0 ? new IdleNode(h, key, v, d, now, st.idleMillis) : new Node(h, key, v, d);
    }

    /**
     * Stores a new value in a live node, under its segment's lock.
     *
     * @param ttlMillis an explicit TTL, or {@link #KEEP} to follow {@code updateexpire}
     */
    private void update(Segment s, Node n, Object v, long ttlMillis, long now, CacheSettings st) {
        if (ttlMillis == KEEP && st.updateExpire && st.idleMillis == 0 && !n.idles()
            && (v instanceof byte[]) == n.holdsBytes()) {
            // The common rewrite, kept small enough to be inlined into the write: a value of the
            // same kind, the default TTL restarted, no idle expiry. A later deadline leaves the
            // node in its wheel bucket (see Segment.deadlineChanged).
            n.value(v);
            long d = deadline(st.ttlMillis, now);
            long before = n.deadline();
            if (d != before) {
                n.deadline(d);
                s.deadlineChanged(n, before);
            }
            return;
        }
        rewrite(s, n, v, ttlMillis, now, st);
    }

    /** {@link #update} in every other case: an explicit TTL, a kept deadline, idle expiry, a change of kind. */
    private static void rewrite(Segment s, Node n, Object v, long ttlMillis, long now, CacheSettings st) {
        long writeDeadline;
        if (ttlMillis != KEEP) {
            writeDeadline = deadline(ttlMillis, now);
        } else if (st.updateExpire) {
            writeDeadline = deadline(st.ttlMillis, now);
        } else {
            writeDeadline = n.writeDeadline();
        }
        if ((st.idleMillis > 0 && !n.idles()) || (v instanceof byte[]) != n.holdsBytes()) {
            // A node's kind is fixed: the value changes between byte[] and not, or idleexpire was
            // switched on after the entry was written (it idles from this write on). A new node
            // takes its place in the same step, under the lock.
            s.unlink(n);
            s.insert(st.idleMillis > 0 ? new IdleNode(n.hash, n.key, v, writeDeadline, now, st.idleMillis)
                : new Node(n.hash, n.key, v, writeDeadline));
            return;
        }
        n.value(v);
        if (n.idles() || writeDeadline != n.writeDeadline()) {
            long before = n.deadline();
            n.setWriteDeadline(writeDeadline, now, st.idleMillis);
            s.deadlineChanged(n, before);
        }
    }

    /**
     * Takes a node out if its deadline has passed, under its segment's lock; the caller reports
     * it with {@link #reportExpired(Node)} once unlocked.
     *
     * @param n the node found for a key, or {@code null}
     * @return {@code n} if it was expired and is now out of the table, else {@code null}
     */
    private Node takeIfExpired(Segment s, Node n) {
        if (n == null || !time.passed(n.deadline())) {
            return null;
        }
        s.unlink(n);
        s.expirations++;
        return n;
    }

    /**
     * Hands a put to the write-through store before the table applies it, with the deadline the
     * write will give the entry; caller holds the key's slot lock. Kept out of the write methods,
     * which only test the hook for null.
     *
     * @param n the live node the write updates, or {@code null} for a new entry
     * @param ttlMillis an explicit TTL, or {@link #KEEP} to follow the settings
     */
    private void writeThrough(WriteThrough w, Node n, String key, Object v, long ttlMillis, long now,
        CacheSettings st) {
        long d;
        if (n == null) {
            // a new key is checked before the store sees it, as insertNew would
            Values.checkKey(name, key);
            d = deadline(ttlMillis == KEEP ? st.ttlMillis : ttlMillis, now);
        } else if (ttlMillis != KEEP) {
            d = deadline(ttlMillis, now);
        } else if (st.updateExpire) {
            d = deadline(st.ttlMillis, now);
        } else {
            d = n.writeDeadline();
        }
        try {
            w.put(key, v, time.toEpochMillis(d));
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw e;
        } catch (RuntimeException e) {
            throw storeFailed(e);
        }
    }

    /** Hands a removal to the write-through store; caller holds the key's slot lock. */
    private void removeThrough(WriteThrough w, String key) {
        try {
            w.remove(key);
        } catch (IllegalStateException e) {
            throw e;
        } catch (RuntimeException e) {
            throw storeFailed(e);
        }
    }

    /** Hands the removal of a slot's keys to the write-through store; caller holds the slot lock. */
    private void removeThrough(WriteThrough w, List<Node> nodes) {
        List<String> keys = new ArrayList<>(nodes.size());
        for (Node n : nodes) {
            keys.add(n.key);
        }
        try {
            w.removeAll(keys);
        } catch (IllegalStateException e) {
            throw e;
        } catch (RuntimeException e) {
            throw storeFailed(e);
        }
    }

    /** A store that broke its contract by throwing something else: still the caller's IllegalStateException. */
    private IllegalStateException storeFailed(RuntimeException e) {
        return new IllegalStateException("cache '" + name + "': its store failed: " + e, e);
    }

    // ----------------------------------------------------------------------- whole-table work

    @Override
    public long removeKeys(Match match) {
        TextMatcher m = TextMatcher.compile(name, "key regex", match);
        return removeMatching(n -> m.matches(n.key));
    }

    @Override
    public long removeValues(Match match) {
        TextMatcher m = TextMatcher.compile(name, "value regex", match);
        return removeMatching(n -> m.matches(Values.text(n.value())));
    }

    private long removeMatching(Predicate<Node> matches) {
        refuseInsideCompute();
        long total = 0;
        List<Node> out = new ArrayList<>();
        layout.readLock().lock();
        try {
            checkOpen();
            for (Segment s : segments) {
                out.clear();
                long now;
                s.lock();
                try {
                    now = time.now();
                    WriteThrough w = writeThrough;
                    if (w != null) {
                        removeMatchingThrough(w, s, now, matches);
                    }
                    s.removeIf(n -> n.deadline() <= now || matches.test(n), out);
                    for (Node n : out) {
                        if (n.deadline() <= now) {
                            s.expirations++;
                        } else {
                            s.removals++;
                        }
                    }
                } finally {
                    s.unlock();
                }
                for (Node n : out) {
                    if (n.deadline() <= now) {
                        reportExpired(n, now);
                    } else {
                        total++;
                        report(EventKind.REMOVED, n);
                    }
                }
            }
        } finally {
            layout.readLock().unlock();
        }
        return total;
    }

    /**
     * Hands the live entries of a slot that a match will remove to the write-through store;
     * caller holds the slot lock, so the removal that follows finds the same entries.
     */
    private void removeMatchingThrough(WriteThrough w, Segment s, long now, Predicate<Node> matches) {
        List<Node> live = new ArrayList<>();
        s.forEach(n -> {
            if (n.deadline() > now && matches.test(n)) {
                live.add(n);
            }
        });
        if (!live.isEmpty()) {
            removeThrough(w, live);
        }
    }

    @Override
    public long countKeys(Match match) {
        TextMatcher m = TextMatcher.compile(name, "key regex", match);
        return countMatching(n -> m.matches(n.key));
    }

    @Override
    public long countValues(Match match) {
        TextMatcher m = TextMatcher.compile(name, "value regex", match);
        return countMatching(n -> m.matches(Values.text(n.value())));
    }

    private long countMatching(Predicate<Node> matches) {
        refuseInsideCompute();
        long[] total = new long[1];
        layout.readLock().lock();
        try {
            checkOpen();
            for (Segment s : segments) {
                s.lock();
                try {
                    long now = time.now();
                    s.forEach(n -> {
                        if (n.deadline() > now && matches.test(n)) {
                            total[0]++;
                        }
                    });
                } finally {
                    s.unlock();
                }
            }
        } finally {
            layout.readLock().unlock();
        }
        return total[0];
    }

    @Override
    public long clear() {
        refuseInsideCompute();
        long total = 0;
        boolean completed = false;
        List<Node> expired = new ArrayList<>();
        layout.readLock().lock();
        try {
            checkOpen();
            for (Segment s : segments) {
                expired.clear();
                long live = 0;
                long now;
                s.lock();
                try {
                    now = time.now();
                    Node[] nodes = collect(s);
                    WriteThrough w = writeThrough;
                    if (w != null && nodes.length > 0) {
                        // expired ones too: their rows go with the rest
                        removeThrough(w, List.of(nodes));
                    }
                    for (Node n : nodes) {
                        if (n.deadline() <= now) {
                            expired.add(n);
                        } else {
                            live++;
                        }
                    }
                    s.dropAll();
                    s.removals += live;
                    s.expirations += expired.size();
                } finally {
                    s.unlock();
                }
                total += live;
                reportExpired(expired, now);
            }
            completed = true;
        } finally {
            layout.readLock().unlock();
            // also when a write-through store refused a slot midway: the slots before it are cleared
            if (completed || total > 0) {
                report(EventKind.CLEARED, total);
            }
        }
        return total;
    }

    private static Node[] collect(Segment s) {
        Node[] found = new Node[s.count];
        int[] i = new int[1];
        s.forEach(n -> found[i[0]++] = n);
        return found;
    }

    @Override
    public long size() {
        return figures(false).size();
    }

    @Override
    public Iterator<CacheEntry> iterator() {
        refuseInsideCompute();
        checkOpen();
        return new EntryIterator();
    }

    /**
     * Copies one segment at a time, under its lock, at one instant. If a change of size replaces
     * the segments midway, it goes on over the new ones, skipping every key whose segment it had
     * already copied (each change of size adds one such bound), so no key comes twice.
     */
    private final class EntryIterator implements Iterator<CacheEntry> {
        private Segment[] segs = segments;
        private int nextSegment;
        /** Pairs of (segment count, segments copied) of layouts left behind. */
        private final List<int[]> copiedBefore = new ArrayList<>(0);
        private Iterator<CacheEntry> current = Collections.emptyIterator();

        @Override
        public boolean hasNext() {
            while (!current.hasNext()) {
                if (nextSegment == segs.length) {
                    return false;
                }
                List<CacheEntry> copy = copy(segs[nextSegment]);
                if (copy == null) {
                    copiedBefore.add(new int[] {segs.length, nextSegment});
                    segs = segments;
                    nextSegment = 0;
                } else {
                    nextSegment++;
                    current = copy.iterator();
                }
            }
            return true;
        }

        @Override
        public CacheEntry next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return current.next();
        }

        /** @return the live entries not returned yet, or {@code null} if the segment was retired */
        private List<CacheEntry> copy(Segment s) {
            if (s.computing == Thread.currentThread()) {
                // an iterator made before a compute and walked inside it would wait for itself
                refuseInsideCompute();
            }
            List<CacheEntry> copy = new ArrayList<>();
            s.lock();
            try {
                if (s.retired) {
                    checkOpen();
                    return null;
                }
                long now = time.now();
                s.forEach(n -> {
                    if (n.deadline() > now && !copiedAlready(n.hash)) {
                        copy.add(entryOf(n));
                    }
                });
            } finally {
                s.unlock();
            }
            return copy;
        }

        private boolean copiedAlready(int hash) {
            for (int[] layout : copiedBefore) {
                if (segmentIndex(hash, layout[0]) < layout[1]) {
                    return true;
                }
            }
            return false;
        }
    }

    // ------------------------------------------------------------------------------- sweeping

    /**
     * Expires what is due in one sweeper partition: the segments whose index is {@code part}
     * modulo {@code parts}. Costs one volatile read when nothing is due.
     *
     * @param part this sweeper thread's partition, {@code 0 <= part < parts}
     * @param parts how many sweeper threads share the work
     * @return when the partition next has work, in monotonic ms ({@link Long#MAX_VALUE} for
     *     never); a write may make it earlier at any time
     */
    long sweep(int part, int parts) {
        AtomicLongArray d = dues.forParts(parts);
        long now = time.now();
        long planned = d.get(part);
        if (now < planned) {
            return planned;
        }
        d.set(part, Long.MAX_VALUE);
        long earliest = Long.MAX_VALUE;
        List<Node> expired = null;
        Segment[] segs = segments;
        for (int i = part; i < segs.length; i += parts) {
            Segment s = segs[i];
            long due = s.nextDue;
            if (due <= now) {
                if (expired == null) {
                    expired = new ArrayList<>();
                }
                expired.clear();
                s.lock();
                try {
                    if (!s.retired) {
                        s.expire(now, expired);
                    }
                    due = s.nextDue;
                } finally {
                    s.unlock();
                }
                reportExpired(expired, now);
                now = time.now();
            }
            earliest = Math.min(earliest, due);
        }
        DueBoard.lower(d, part, earliest);
        return d.get(part);
    }

    /** What {@link #stats()} and {@link #size()} count, after expiring what is due. */
    private Figures figures(boolean counters) {
        refuseInsideCompute();
        Figures f = new Figures();
        List<Node> expired = new ArrayList<>();
        layout.readLock().lock();
        try {
            checkOpen();
            Segment[] segs = segments;
            f.slots = segs.length;
            for (Segment s : segs) {
                expired.clear();
                long now = time.now();
                long items;
                s.lock();
                try {
                    if (s.nextDue <= now) {
                        s.expire(now, expired);
                    }
                    items = s.count;
                    if (counters) {
                        f.puts += s.puts;
                        f.removals += s.removals;
                        f.expirations += s.expirations;
                    }
                } finally {
                    s.unlock();
                }
                reportExpired(expired, now);
                f.size += items;
                f.maxSlotItems = Math.max(f.maxSlotItems, items);
                f.minSlotItems = Math.min(f.minSlotItems, items);
            }
        } finally {
            layout.readLock().unlock();
        }
        return f;
    }

    private static final class Figures {
        int slots;
        long size;
        long maxSlotItems;
        long minSlotItems = Long.MAX_VALUE;
        long puts;
        long removals;
        long expirations;

        long size() {
            return size;
        }
    }

    // -------------------------------------------------------------------------------- reports

    private void reportExpired(Node n) {
        if (n != null) {
            reportExpired(n, time.now());
        }
    }

    private void reportExpired(List<Node> expired, long noticedAt) {
        for (Node n : expired) {
            reportExpired(n, noticedAt);
        }
    }

    private void reportExpired(Node n, long noticedAt) {
        lag.record(noticedAt - n.deadline());
        report(EventKind.EXPIRED, n);
    }

    private void report(EventKind kind, Node n) {
        if (listener.wants(kind)) {
            try {
                listener.entry(kind, n.key, n.value(), time.toEpochMillis(n.deadline()));
            } catch (RuntimeException e) {
                // The listener broke its contract; the change is made, so count what was lost
                // rather than fail the operation or the rest of a sweep.
                eventsDropped.increment();
            }
        }
    }

    private void report(EventKind kind, long count) {
        if (listener.wants(kind)) {
            try {
                listener.table(kind, count);
            } catch (RuntimeException e) {
                eventsDropped.increment();
            }
        }
    }

    /**
     * Counts an event handed to the event system, for {@link CacheStats#eventsPosted()}.
     */
    public void eventPosted() {
        eventsPosted.increment();
    }

    /**
     * Counts an event that had a subscriber but could not be delivered, for
     * {@link CacheStats#eventsDropped()}.
     */
    public void eventDropped() {
        eventsDropped.increment();
    }

    // ------------------------------------------------------------------------ statistics

    @Override
    public CacheStats stats() {
        Figures f = figures(true);
        ReadCounters r = reads;
        return CacheStats.builder()
            .statisticsEnabled(r != null)
            .hits(r == null ? 0 : r.hits())
            .misses(r == null ? 0 : r.misses())
            .puts(f.puts + retiredPuts.get())
            .removals(f.removals + retiredRemovals.get())
            .evictions(0)
            .expirations(f.expirations + retiredExpirations.get())
            .size(f.size)
            .slots(f.slots)
            .maxSlotItems(f.maxSlotItems)
            .minSlotItems(f.minSlotItems == Long.MAX_VALUE ? 0 : f.minSlotItems)
            .eventsPosted(eventsPosted.sum())
            .eventsDropped(eventsDropped.sum())
            .expiryLagP50Millis(lag.percentile(0.5))
            .expiryLagP99Millis(lag.percentile(0.99))
            .expiryLagMaxMillis(lag.max())
            .build();
    }

    @Override
    public void resetStats() {
        refuseInsideCompute();
        layout.readLock().lock();
        try {
            checkOpen();
            ReadCounters r = reads;
            if (r != null) {
                r.reset();
            }
            eventsPosted.reset();
            eventsDropped.reset();
            retiredPuts.set(0);
            retiredRemovals.set(0);
            retiredExpirations.set(0);
            lag.reset();
            for (Segment s : segments) {
                s.lock();
                try {
                    s.puts = 0;
                    s.removals = 0;
                    s.expirations = 0;
                } finally {
                    s.unlock();
                }
            }
        } finally {
            layout.readLock().unlock();
        }
    }

    // ------------------------------------------------------------------- lifecycle, settings

    /**
     * Applies new settings. TTL, idle and {@code updateexpire} changes apply to entries written
     * from now on; entries already stored keep their deadlines. Turning statistics on counts hits
     * and misses from zero; turning them off drops the counts. A change of {@code size} moves
     * every entry to the new slots under all locks, expiring what is due on the way; nothing
     * else is lost.
     *
     * @param next the new settings
     */
    public void reconfigure(CacheSettings next) {
        layout.writeLock().lock();
        try {
            checkOpen();
            CacheSettings previous = settings;
            settings = next;
            if (next.statistics != previous.statistics) {
                reads = next.statistics ? new ReadCounters() : null;
            }
            if (next.sizeBits != previous.sizeBits) {
                moveTo(1 << next.sizeBits);
            }
        } finally {
            layout.writeLock().unlock();
        }
    }

    /**
     * Moves every node to a new set of segments; caller holds the layout write lock. Nodes
     * whose deadline passed are expired on the way and reported once all locks are released.
     */
    private void moveTo(int count) {
        Segment[] old = segments;
        List<Node> expired = new ArrayList<>();
        long now = time.now();
        underEveryLock(old, () -> {
            // The new segments are published only at the end, so nobody else can reach them.
            Node[][] freshTables = new Node[count][];
            Segment[] fresh = newSegments(freshTables, now);
            for (Segment s : old) {
                s.retire();
                int before = expired.size();
                for (Node n : collect(s)) {
                    if (n.deadline() <= now) {
                        expired.add(n);
                    } else {
                        fresh[segmentIndex(n.hash, count)].adopt(n);
                    }
                }
                retiredPuts.addAndGet(s.puts);
                retiredRemovals.addAndGet(s.removals);
                retiredExpirations.addAndGet(s.expirations + expired.size() - before);
            }
            tables = freshTables;
            segments = fresh;
            dues.resetAll();
        });
        reportExpired(expired, now);
    }

    /**
     * Runs {@code body} holding the lock of every segment given, taken in order; releases the
     * ones taken however it ends. Caller holds the layout write lock, so no other thread takes
     * more than one segment lock at a time and the order cannot deadlock.
     */
    private static void underEveryLock(Segment[] segs, Runnable body) {
        int locked = 0;
        try {
            for (Segment s : segs) {
                s.lock();
                locked++;
            }
            body.run();
        } finally {
            for (int i = 0; i < locked; i++) {
                segs[i].unlock();
            }
        }
    }

    // ------------------------------------------------------------------------------- stores

    /**
     * Starts new contents for {@link #replace}, with slots of the table's current kind. Takes no
     * lock: a loader fills them off-line while the table serves as before.
     *
     * @return empty contents for this table
     */
    public Contents newContents() {
        Node[][] tabs = new Node[1 << settings.sizeBits][];
        return new Contents(this, settings, time, tabs, newSegments(tabs, time.now()));
    }

    /**
     * Replaces every entry with the given contents in one step, for a load or reload from a store.
     *
     * <p>The swap happens under the layout write lock and every slot lock: a read sees either the
     * old contents or the new ones, never a mix, and a write either lands in the old contents
     * (and is replaced) or in the new. Old entries whose deadline had passed raise their
     * {@link EventKind#EXPIRED} report, once, after the locks are released; the others are
     * dropped without a report. The caller reports {@link EventKind#LOADED} with
     * {@link #loaded(long)} when it is ready to.
     *
     * <p><b>Warning:</b> {@code underLocks} runs while every slot is locked, so that it can bring
     * the new contents up to date with changes made while they were built (a write-through
     * store's journal) without any change slipping past; it must be quick and must not touch the
     * table.
     *
     * @param fresh contents made by {@link #newContents()} of this table, not used before
     * @param underLocks runs under the locks just before the swap, given {@code fresh}; or {@code null}
     * @return how many entries the table holds after the swap
     * @throws IllegalArgumentException if the contents belong to another table
     * @throws IllegalStateException if the table is closed, or the contents were used already
     */
    public long replace(Contents fresh, Consumer<Contents> underLocks) {
        if (fresh.table() != this) {
            throw new IllegalArgumentException("cache '" + name + "': the contents were made for another cache");
        }
        List<Node> expired = new ArrayList<>();
        long[] now = new long[1];
        layout.writeLock().lock();
        try {
            checkOpen();
            Segment[] old = segments;
            underEveryLock(old, () -> {
                fresh.checkUnused();
                now[0] = time.now();
                if (fresh.segments().length != old.length) {
                    // size changed while the contents were built
                    Node[][] tabs = new Node[old.length][];
                    fresh.spreadOver(old.length, tabs, newSegments(tabs, now[0]));
                }
                if (underLocks != null) {
                    underLocks.accept(fresh);
                }
                fresh.use();
                for (Segment s : old) {
                    s.retire();
                    // the wheel hands over exactly the nodes whose deadline passed
                    s.expire(now[0], expired);
                    s.dropAll();
                    retiredPuts.addAndGet(s.puts);
                    retiredRemovals.addAndGet(s.removals);
                    retiredExpirations.addAndGet(s.expirations);
                }
                tables = fresh.tables();
                segments = fresh.segments();
                dues.resetAll();
            });
        } finally {
            layout.writeLock().unlock();
        }
        reportExpired(expired, now[0]);
        return fresh.size();
    }

    /**
     * Reports that a load or reload finished, for {@link EventKind#LOADED}.
     *
     * @param count how many entries it loaded
     */
    public void loaded(long count) {
        report(EventKind.LOADED, count);
    }

    /**
     * Sets or removes the write-through hook, under every lock: a change in flight finishes
     * with the hook it started with, every later one sees the new.
     *
     * @param hook told of every change before it is applied, or {@code null} for none
     * @throws IllegalStateException if the table is closed
     */
    public void writeThrough(WriteThrough hook) {
        layout.writeLock().lock();
        try {
            checkOpen();
            underEveryLock(segments, () -> writeThrough = hook);
        } finally {
            layout.writeLock().unlock();
        }
    }

    /**
     * Closes the table, as {@link #close()}, and returns the entries that were live at that
     * instant, for a store's write-back: no write can slip in between the copy and the close.
     *
     * @return copies of the live entries, in no particular order, each with the deadline writes
     *     gave it (with idle expiry it may have been due earlier)
     * @throws IllegalStateException if the table was closed already
     */
    public List<CacheEntry> drain() {
        List<CacheEntry> live = new ArrayList<>();
        layout.writeLock().lock();
        try {
            checkOpen();
            closed = true;
            long now = time.now();
            retireEverySegment(s -> s.forEach(n -> {
                if (n.deadline() > now) {
                    // the deadline writes gave it, as write-through stores it: idle time
                    // is not saved, and restarts at the next load
                    live.add(new CacheEntry(n.key, n.value(), time.toEpochMillis(n.writeDeadline())));
                }
            }));
        } finally {
            layout.writeLock().unlock();
        }
        return live;
    }

    /**
     * Reports that the table came up, for {@link EventKind#CREATED}.
     */
    public void announce() {
        report(EventKind.CREATED, 0);
    }

    /**
     * Closes the table: every later operation throws {@link IllegalStateException}, and the
     * entries are dropped without events. Idempotent.
     */
    public void close() {
        layout.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            retireEverySegment(s -> { });
        } finally {
            layout.writeLock().unlock();
        }
    }

    /**
     * Takes every segment out of use and drops its nodes, one segment at a time under its lock,
     * after {@code last} has seen it; caller holds the layout write lock.
     */
    private void retireEverySegment(Consumer<Segment> last) {
        for (Segment s : segments) {
            s.lock();
            try {
                last.accept(s);
                s.retire();
                s.dropAll();
            } finally {
                s.unlock();
            }
        }
    }

    /**
     * Tells whether {@link #close()} was called.
     *
     * @return {@code true} once closed
     */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Refuses a whole-table operation from inside a compute function: it would wait for the slot
     * the function holds, or for a change of size that waits for that slot. Whole-table
     * operations cost in proportion to the slots anyway, so looking at each is cheap here.
     */
    private void refuseInsideCompute() {
        Thread current = Thread.currentThread();
        for (Segment s : segments) {
            if (s.computing == current) {
                throw new IllegalStateException("cache '" + name + "': a compute function may read single keys of "
                    + "the cache it computes in, but not run whole-cache operations (size, counts, matches, "
                    + "iteration, statistics, clear)");
            }
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("cache '" + name + "' has been closed");
        }
    }

    @Override
    public String toString() {
        return "Cache[" + name + "]";
    }
}
