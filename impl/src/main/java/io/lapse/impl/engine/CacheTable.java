package io.lapse.impl.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;

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
 * <li>A segment's lock guards its chains, its wheel, its count and its counters. A write locks
 * exactly one segment, and only to decide and to apply its change; a change of {@code size},
 * {@link #replace} and {@link #writeThrough(WriteThrough)} lock all segments in index order,
 * holding the layout write lock; every other pass over the table ({@link #clear()}, matches,
 * iteration, size, close) locks one segment at a time, for a bounded chunk of its nodes.</li>
 * <li>A thread inside a compute function holds its key's segment and may take no other segment
 * lock of this cache: every write it tries is refused, its reads take no lock. So no thread ever
 * waits for a segment while holding another, except under the layout write lock in index order,
 * and no cycle of waits can form.</li>
 * <li>Reads lock nothing and never touch a segment: a lookup is a hash, two array loads and a
 * chain walk in {@link #tables}, and a miss is confirmed by reading the segment's entry again
 * (see {@link Segment#find}); whether a deadline passed is decided against the coarse time of
 * the {@link TimeSource} and, only near the deadline, the precise clock. A read that finds an
 * entry past its deadline settles it under the slot lock (taking it out and reporting it), so
 * that no write can be halfway through renewing it.</li>
 * <li>A cache whose store writes through ({@link WriteThrough}) serializes the writes of each key
 * on a {@link StoreStripes} stripe, held across the store call; the slot lock is held only to
 * decide and to apply, and the node being written is {@linkplain Node#pin() pinned} in between,
 * so neither the sweeper nor a read takes it out under the writer's feet. Stripes come before
 * slot locks.</li>
 * <li>The {@link TableListener} is called only after every lock of this table (slot, layout,
 * stripe) is released, from the thread that made the change.</li>
 * <li>{@link #replace} builds nothing under a lock: the new slots are filled off-line
 * ({@link Contents}) and swapped in under the layout write lock and every slot lock.</li>
 * </ul>
 *
 * <h2>Expiry</h2>
 * An entry leaves the table by expiry in exactly one place: under its segment's lock, whoever
 * holds it (a sweeper advancing the wheel, a read or write that finds the deadline passed, a
 * whole-table pass, a close) takes the verdict ({@link Node#expireIfDue}), unlinks the node from
 * chain and wheel in one step and, once unlocked, reports it. A node that is no longer linked is
 * never reported again, so each expiry is reported exactly once, with the verdict and the
 * deadline it was taken with. The sweeper only visits segments whose wheel has a bucket due, and
 * a due bucket holds only what expires then (or moves to a finer level), so a sweep costs in
 * proportion to what expires, not to the size of the table.
 */
public final class CacheTable implements Cache {

    private static final int SPREAD = 0x9E3779B9;
    private static final VarHandle COMPUTES;

    static {
        try {
            COMPUTES = MethodHandles.lookup().findVarHandle(CacheTable.class, "computes", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
    /** Nodes a pass visits per lock hold, about: whole buckets are visited. */
    static final int CHUNK = 256;
    /** Bytes of values an iterator copies per lock hold, beyond the first entry. */
    static final long CHUNK_BYTES = 1 << 20;

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
    private volatile long expiredAtClose;
    private final DueBoard dues = new DueBoard();
    /**
     * Read-held by passes over every segment for each chunk, write-held by a change of size,
     * {@link #replace}, a change of the write-through hook, and close, so that a chunk never meets
     * segments whose nodes are being moved. Single-key operations do not take it: they notice a
     * moved segment by its {@code retired} flag.
     */
    private final ReentrantReadWriteLock layout = new ReentrantReadWriteLock();

    /**
     * Hits and misses, while {@code statistics} is on; {@code null} otherwise, so that a read
     * pays for counting (about a sixth of its time) only when asked to.
     */
    private volatile ReadCounters reads;
    /** Reports the listener failed with, beside the events it could not deliver (its own count). */
    private final LongAdder reportsFailed = new LongAdder();
    /** Counters of segments retired by a change of size, a reload or a close, so statistics survive it. */
    private final AtomicLong retiredPuts = new AtomicLong();
    private final AtomicLong retiredRemovals = new AtomicLong();
    private final AtomicLong retiredExpirations = new AtomicLong();
    private final LagHistogram lag = new LagHistogram();
    /**
     * Told of every change before it is applied, for a store that writes through; {@code null}
     * otherwise. Written under every stripe and every slot lock, so a writer reads it once under
     * its slot lock.
     */
    private volatile WriteThrough writeThrough;
    /** The stripes of writes through a store; made with the first hook, then kept. */
    private volatile StoreStripes stripes;
    /**
     * How many compute functions of this table are running, so writes look further only then; a
     * field of the table itself, so the check costs a write no extra cache line.
     */
    private volatile int computes;
    /** Set on a thread while it runs a compute function of this table. */
    private final ThreadLocal<Boolean> computing = new ThreadLocal<>();
    /** What consumers receive: see {@link #cache()}. */
    private final Cache view = new View();

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

    /**
     * Returns the cache as its consumers receive it (the {@code Cache} service, {@code CacheService},
     * JMX): the {@link Cache} operations only, none of the owner's ({@link #close()},
     * {@link #replace}, {@link #reconfigure}, ...), and no class a consumer could cast back to this
     * one. The operations forward to this table; the JIT inlines the hop.
     *
     * @return the view, the same object every time
     */
    public Cache cache() {
        return view;
    }

    /** Forwards the {@link Cache} operations, and nothing else, to the table. */
    private final class View implements Cache {
        @Override
        public String name() {
            return CacheTable.this.name();
        }

        @Override
        public Object get(String key) {
            return CacheTable.this.get(key);
        }

        @Override
        public CacheEntry getEntry(String key) {
            return CacheTable.this.getEntry(key);
        }

        @Override
        public boolean containsKey(String key) {
            return CacheTable.this.containsKey(key);
        }

        @Override
        public void put(String key, Object value) {
            CacheTable.this.put(key, value);
        }

        @Override
        public void put(String key, Object value, Duration ttl) {
            CacheTable.this.put(key, value, ttl);
        }

        @Override
        public Object putIfAbsent(String key, Object value) {
            return CacheTable.this.putIfAbsent(key, value);
        }

        @Override
        public Object putIfAbsent(String key, Object value, Duration ttl) {
            return CacheTable.this.putIfAbsent(key, value, ttl);
        }

        @Override
        public Object remove(String key) {
            return CacheTable.this.remove(key);
        }

        @Override
        public long increment(String key, long delta) {
            return CacheTable.this.increment(key, delta);
        }

        @Override
        public boolean setTtl(String key, Duration ttl) {
            return CacheTable.this.setTtl(key, ttl);
        }

        @Override
        public Object compute(String key, BiFunction<? super String, Object, Object> function) {
            return CacheTable.this.compute(key, function);
        }

        @Override
        public long removeKeys(Match match) {
            return CacheTable.this.removeKeys(match);
        }

        @Override
        public long removeValues(Match match) {
            return CacheTable.this.removeValues(match);
        }

        @Override
        public long countKeys(Match match) {
            return CacheTable.this.countKeys(match);
        }

        @Override
        public long countValues(Match match) {
            return CacheTable.this.countValues(match);
        }

        @Override
        public long clear() {
            return CacheTable.this.clear();
        }

        @Override
        public long size() {
            return CacheTable.this.size();
        }

        @Override
        public Iterator<CacheEntry> iterator() {
            return CacheTable.this.iterator();
        }

        @Override
        public CacheStats stats() {
            return CacheTable.this.stats();
        }

        @Override
        public void resetStats() {
            CacheTable.this.resetStats();
        }

        @Override
        public String toString() {
            return CacheTable.this.toString();
        }
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
        for (;;) {
            Node[][] tabs = tables;
            Object found = Segment.find(tabs, segmentIndex(h, tabs.length), key, h);
            Node n = found != Segment.MOVING ? (Node) found : insideCompute() ? findFromCompute(key, h)
                : findLocked(key, h);
            if (n == null) {
                Values.checkKey(name, key);
                return null;
            }
            if (!n.idles()) {
                return time.passed(n.deadline()) ? settleExpired(key, h) : n;
            }
            // The read restarts the idle time as of a moment it found the entry live, so the time
            // is read before the verdict: one read after it could extend an entry whose deadline
            // passed in between.
            long now = time.coarseNow();
            long d = n.deadline();
            if (time.passed(d)) {
                n = settleExpired(key, h);
                if (n == null || !n.idles()) {
                    return n;
                }
                d = n.deadline();
            }
            long idle = settings.idleMillis;
            if (idle == 0 || ((IdleNode) n).touch(d, now, idle)) {
                return n;
            }
            // it left the table after it was found: look again
        }
    }

    /**
     * Settles, under the key's slot lock, a node that a read found past its deadline without
     * the lock: one still past it is taken out and reported as expired, one that a write renewed
     * meanwhile is returned. Inside a compute function of this cache no lock is taken: the
     * entry is simply not seen.
     *
     * @return the key's live node, or {@code null}
     */
    private Node settleExpired(String key, int h) {
        if (insideCompute()) {
            return null;
        }
        for (;;) {
            Node expired = null;
            Node n;
            Segment s = lockForRead(h);
            try {
                n = s.findLocked(key, h);
                if (n != null && n.pinned() && time.passed(n.deadline())) {
                    // A write of this key is with its store, and decided on the entry before its
                    // deadline: its outcome, not the expiry, is what a read must see.
                    n = null;
                } else {
                    expired = takeIfExpired(s, n);
                    if (expired == null) {
                        return n;
                    }
                }
            } finally {
                s.unlock();
                reportExpired(expired);
            }
            if (expired != null) {
                return null;
            }
            ReentrantLock stripe = stripes.of(h);
            stripe.lock();
            stripe.unlock();
        }
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
        Segment s = lockForRead(h);
        try {
            return s.findLocked(key, h);
        } finally {
            s.unlock();
        }
    }

    /**
     * Looks a key up without a lock from inside a compute function, which must take no other
     * slot lock: a segment is {@link Segment#MOVING} there only while its lock holder grows it
     * (a segment retired by a change of size or a reload waits for the compute's own slot first),
     * so the walk is simply tried again.
     */
    private Node findFromCompute(String key, int h) {
        for (;;) {
            Node[][] tabs = tables;
            Object found = Segment.find(tabs, segmentIndex(h, tabs.length), key, h);
            if (found != Segment.MOVING) {
                return (Node) found;
            }
            checkOpen();
            Thread.onSpinWait();
        }
    }

    private CacheEntry entryOf(Node n) {
        return new CacheEntry(n.key, n.value(), time.toEpochMillis(n.deadline()));
    }

    /** Whether the calling thread runs a compute function of this table: one volatile read unless some thread does. */
    private boolean insideCompute() {
        return computes != 0 && computing.get() != null;
    }

    // --------------------------------------------------------------------------------- writes

    /**
     * Locks the segment of a hash for a read that must look under the lock, looking again if a
     * change of size moved it. A segment retired by {@link #close()} makes this throw.
     *
     * @throws IllegalStateException if the cache is closed
     */
    private Segment lockForRead(int h) {
        for (;;) {
            Segment[] segs = segments;
            Segment s = segs[segmentIndex(h, segs.length)];
            s.lock();
            if (!s.retired) {
                return s;
            }
            s.unlock();
            checkOpen();
        }
    }

    /**
     * Locks the segment of a hash for a write, as {@link #lockForRead}; refused inside a compute
     * function of this cache, whose thread holds a slot already.
     *
     * @throws IllegalStateException if the cache is closed, or the calling thread is inside a
     *     compute function of this cache
     */
    private Segment lockForWrite(int h) {
        if (insideCompute()) {
            throw refusedInsideCompute("write to it");
        }
        return lockForRead(h);
    }

    @Override
    public void put(String key, Object value) {
        write(key, value, Deadlines.DEFAULT);
    }

    @Override
    public void put(String key, Object value, Duration ttl) {
        long ttlMillis = Values.ttlMillis(name, ttl);
        write(key, value, ttlMillis);
    }

    /** {@link #put}, written out rather than through {@link #writeKey}: the hottest write. */
    private void write(String key, Object value, long ttlMillis) {
        checkNotNull(key);
        Object v = Values.store(name, value);
        int h = spread(key.hashCode());
        CacheSettings st = settings;
        long now = time.coarseNow();
        Node expired = null;
        boolean viaStore = false;
        Segment s = lockForWrite(h);
        try {
            if (writeThrough != null) {
                viaStore = true;
            } else {
                Node n = s.findLocked(key, h);
                expired = takeIfExpired(s, n);
                if (expired != null) {
                    n = null;
                }
                long d = Deadlines.forWrite(n, ttlMillis, now, st);
                if (n == null) {
                    Values.checkKey(name, key);
                    s.insert(newNode(h, key, v, d, now, st));
                } else {
                    update(s, n, v, d, now, st);
                }
                s.puts++;
            }
        } finally {
            s.unlock();
            reportExpired(expired);
        }
        if (viaStore) {
            throughStore(key, h, (n, t, st2) -> Change.put(v, Deadlines.forWrite(n, ttlMillis, t, st2), null));
        }
    }

    @Override
    public Object putIfAbsent(String key, Object value) {
        return putIfAbsent(key, value, Deadlines.DEFAULT);
    }

    @Override
    public Object putIfAbsent(String key, Object value, Duration ttl) {
        return putIfAbsent(key, value, Values.ttlMillis(name, ttl));
    }

    private Object putIfAbsent(String key, Object value, long ttlMillis) {
        checkNotNull(key);
        Object v = Values.store(name, value);
        return writeKey(key, (n, now, st) -> n == null ? Change.put(v, Deadlines.forWrite(null, ttlMillis, now, st), null)
            : Change.none(n.exportValue()));
    }

    @Override
    public Object remove(String key) {
        Values.checkKey(name, key);
        return writeKey(key, (n, now, st) -> n == null ? Change.none(null) : Change.remove(n.exportValue()));
    }

    @Override
    public long increment(String key, long delta) {
        checkNotNull(key);
        return (Long) writeKey(key, (n, now, st) -> {
            long result;
            if (n == null) {
                result = Math.addExact(st.initval == null ? 0L : st.initval, delta);
            } else {
                Object current = n.value();
                if (!(current instanceof Long)) {
                    throw new IllegalStateException("cache '" + name + "': key '" + key + "' holds a "
                        + (current instanceof String ? "String" : "byte[]") + ", which cannot be incremented");
                }
                result = Math.addExact((Long) current, delta);
            }
            return Change.put(result, Deadlines.forWrite(n, Deadlines.DEFAULT, now, st), result);
        });
    }

    @Override
    public boolean setTtl(String key, Duration ttl) {
        Values.checkKey(name, key);
        long ttlMillis = Values.ttlMillis(name, ttl);
        return (Boolean) writeKey(key, (n, now, st) -> n == null ? Change.none(Boolean.FALSE)
            : Change.ttl(n.value(), Deadlines.after(ttlMillis, now), Boolean.TRUE));
    }

    @Override
    public Object compute(String key, BiFunction<? super String, Object, Object> function) {
        Values.checkKey(name, key);
        if (function == null) {
            throw new NullPointerException("cache '" + name + "': compute function is null");
        }
        return writeKey(key, (n, now, st) -> {
            Object result;
            COMPUTES.getAndAdd(this, 1);
            computing.set(Boolean.TRUE);
            try {
                result = function.apply(key, n == null ? null : n.exportValue());
            } finally {
                computing.remove();
                COMPUTES.getAndAdd(this, -1);
            }
            if (result == null) {
                return n == null ? Change.none(null) : Change.remove(null);
            }
            Object stored = Values.store(name, result);
            return Change.put(stored, Deadlines.forWrite(n, Deadlines.DEFAULT, now, st),
                stored instanceof byte[] ? ((byte[]) stored).clone() : stored);
        });
    }

    /**
     * What a single-key write does, decided under the key's slot lock from its live node: the
     * change to apply (and, for a store that writes through, to send first), and the caller's
     * result.
     */
    @FunctionalInterface
    private interface Decision {
        /**
         * @param n the key's live node, or {@code null}
         * @param now the coarse time of the write
         * @param st the settings in force
         * @return the change; throwing changes nothing
         */
        Change decide(Node n, long now, CacheSettings st);
    }

    /** The outcome of a {@link Decision}. Immutable. */
    private static final class Change {
        static final int NOTHING = 0;
        static final int PUT = 1;
        static final int TTL = 2;
        static final int REMOVE = 3;

        final int kind;
        final Object value;
        final long deadline;
        final Object result;

        private Change(int kind, Object value, long deadline, Object result) {
            this.kind = kind;
            this.value = value;
            this.deadline = deadline;
            this.result = result;
        }

        /** Stores a value with a deadline, inserting or updating. */
        static Change put(Object value, long deadline, Object result) {
            return new Change(PUT, value, deadline, result);
        }

        /** Gives the live entry another deadline; {@code value} is its value, for the store. */
        static Change ttl(Object value, long deadline, Object result) {
            return new Change(TTL, value, deadline, result);
        }

        /** Removes the live entry. */
        static Change remove(Object result) {
            return new Change(REMOVE, null, 0, result);
        }

        /** Changes nothing. */
        static Change none(Object result) {
            return new Change(NOTHING, null, 0, result);
        }
    }

    /**
     * The single-key write: under the slot lock, takes out an entry past its deadline, decides
     * from the live node and applies the change; reports once unlocked. A cache whose store
     * writes through goes by {@link #throughStore} instead.
     *
     * @return the decision's result
     */
    private Object writeKey(String key, Decision decision) {
        int h = spread(key.hashCode());
        CacheSettings st = settings;
        long now = time.coarseNow();
        Decided d = new Decided();
        Node removed = null;
        boolean viaStore;
        Segment s = lockForWrite(h);
        try {
            viaStore = writeThrough != null;
            if (!viaStore) {
                d.take(s, key, h, decision, now, st);
                removed = apply(s, h, key, d.live, d.change, now, st);
            }
        } finally {
            s.unlock();
            reportExpired(d.expired);
        }
        if (viaStore) {
            return throughStore(key, h, decision);
        }
        if (removed != null) {
            report(EventKind.REMOVED, removed);
        }
        return d.change.result;
    }

    /**
     * What a single-key write finds and decides under the slot lock: the key's live node, the
     * node it took out because its deadline had passed (reported once unlocked, even if the
     * decision throws), and the change.
     */
    private final class Decided {
        Node live;
        Node expired;
        Change change;

        /** Finds, takes out what is expired, decides; caller holds the slot lock. */
        void take(Segment s, String key, int h, Decision decision, long now, CacheSettings st) {
            live = s.findLocked(key, h);
            expired = takeIfExpired(s, live);
            if (expired != null) {
                live = null;
            }
            change = decision.decide(live, now, st);
            if (live == null && change.kind != Change.NOTHING) {
                Values.checkKey(name, key);
            }
        }
    }

    /**
     * A single-key write of a cache whose store writes through. Holding the key's stripe, it
     * decides under the slot lock and pins the node it will change; sends the change to the store
     * with no slot lock held; then applies it under the slot lock again. Meanwhile no other write
     * of the key can start, the sweeper leaves the pinned node alone and a read that finds it past
     * its deadline waits for the stripe, so the change applies to exactly what it was decided on.
     * A store failure unpins the node and leaves the table as it was.
     *
     * @return the decision's result
     * @throws IllegalStateException naming the cache and the store's problem, if the store failed;
     *     or if the cache was closed meanwhile (the store then holds the change)
     */
    private Object throughStore(String key, int h, Decision decision) {
        ReentrantLock stripe = stripes.of(h);
        stripe.lock();
        try {
            CacheSettings st = settings;
            long now = time.coarseNow();
            Decided d = new Decided();
            Node removed = null;
            Node n;
            Change c;
            WriteThrough w;
            Segment s = lockForWrite(h);
            try {
                // stable while the stripe is held: the hook changes only under every stripe
                w = writeThrough;
                d.take(s, key, h, decision, now, st);
                n = d.live;
                c = d.change;
                if (w == null) {
                    removed = apply(s, h, key, n, c, now, st);
                } else if (n != null && c.kind != Change.NOTHING) {
                    n.pin();
                }
            } finally {
                s.unlock();
                reportExpired(d.expired);
            }
            if (w != null && c.kind != Change.NOTHING) {
                send(w, key, c, n, h);
                s = lockForRead(h);
                try {
                    if (n != null) {
                        unpin(s, n);
                    }
                    removed = apply(s, h, key, n, c, now, st);
                } finally {
                    s.unlock();
                }
            }
            if (removed != null) {
                report(EventKind.REMOVED, removed);
            }
            return c.result;
        } finally {
            stripe.unlock();
        }
    }

    /** Sends a change to the store; on failure, unpins the node as it was and throws. */
    private void send(WriteThrough w, String key, Change c, Node pinned, int h) {
        try {
            if (c.kind == Change.REMOVE) {
                w.remove(key);
            } else {
                w.put(key, c.value, time.toEpochMillis(c.deadline));
            }
        } catch (RuntimeException | Error e) {
            if (pinned != null) {
                try {
                    Segment s = lockForRead(h);
                    try {
                        unpin(s, pinned);
                    } finally {
                        s.unlock();
                    }
                } catch (IllegalStateException closedMeanwhile) {
                    e.addSuppressed(closedMeanwhile);
                }
            }
            if (e instanceof IllegalArgumentException || e instanceof IllegalStateException) {
                throw (RuntimeException) e;
            }
            throw new IllegalStateException("cache '" + name + "': its store failed: " + e, e);
        }
    }

    /**
     * Ends a node's pin and files it in the wheel again if a sweep took it off meanwhile; caller
     * holds the slot lock.
     */
    private static void unpin(Segment s, Node n) {
        n.unpin();
        s.deadlineChanged(n, n.deadline());
    }

    /**
     * Applies a decided change under the slot lock.
     *
     * @param n the live node it was decided on, or {@code null}
     * @return the node removed, to report once unlocked, or {@code null}
     */
    private static Node apply(Segment s, int h, String key, Node n, Change c, long now, CacheSettings st) {
        switch (c.kind) {
            case Change.PUT:
                if (n == null) {
                    s.insert(newNode(h, key, c.value, c.deadline, now, st));
                } else {
                    update(s, n, c.value, c.deadline, now, st);
                }
                s.puts++;
                return null;
            case Change.TTL:
                long before = n.deadline();
                n.setWriteDeadline(c.deadline, now, st.idleMillis);
                s.deadlineChanged(n, before);
                return null;
            case Change.REMOVE:
                n.seal();
                s.unlink(n);
                s.removals++;
                return n;
            default:
                return null;
        }
    }

    private static Node newNode(int h, String key, Object v, long deadline, long now, CacheSettings st) {
        return st.idleMillis > 0 ? new IdleNode(h, key, v, deadline, now, st.idleMillis) : new Node(h, key, v, deadline);
    }

    /** Stores a new value and deadline in a live node, under its segment's lock. */
    private static void update(Segment s, Node n, Object v, long d, long now, CacheSettings st) {
        if (st.idleMillis == 0 && !n.idles() && (v instanceof byte[]) == n.holdsBytes()) {
            // The common rewrite, kept small enough to be inlined into the write: a value of the
            // same kind, no idle expiry. A later deadline leaves the node in its wheel bucket
            // (see Segment.deadlineChanged).
            n.value(v);
            long before = n.deadline();
            if (d != before) {
                n.deadline(d);
                s.deadlineChanged(n, before);
            }
            return;
        }
        rewrite(s, n, v, d, now, st);
    }

    /** {@link #update} in every other case: idle expiry, a change of kind. */
    private static void rewrite(Segment s, Node n, Object v, long d, long now, CacheSettings st) {
        if ((st.idleMillis > 0 && !n.idles()) || (v instanceof byte[]) != n.holdsBytes()) {
            // A node's kind is fixed: the value changes between byte[] and not, or idleexpire was
            // switched on after the entry was written (it idles from this write on). A new node
            // takes its place in the same step, under the lock.
            n.seal();
            s.unlink(n);
            s.insert(newNode(n.hash, n.key, v, d, now, st));
            return;
        }
        n.value(v);
        if (n.idles() || d != n.writeDeadline()) {
            long before = n.deadline();
            n.setWriteDeadline(d, now, st.idleMillis);
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
        // A pinned node belongs to the write that holds its key's stripe; an idle node may have
        // been read back to life since its deadline was read.
        if (n.pinned() || (n.idles() && !n.expireIfDue(time.now()))) {
            return null;
        }
        s.unlink(n);
        s.expirations++;
        return n;
    }

    private IllegalStateException refusedInsideCompute(String what) {
        return new IllegalStateException("cache '" + name + "': a compute function may read single keys of the "
            + "cache it computes in, but not " + what + " (a write, or a whole-cache operation: size, counts, "
            + "matches, iteration, statistics, clear), which could wait for the slot it holds");
    }

    // ----------------------------------------------------------------------- whole-table work

    /** What a {@link Pass} does with each node of a chunk, under the segment's lock. */
    @FunctionalInterface
    private interface Visitor {
        /**
         * @param s the node's segment, locked
         * @param n the node; the visitor may unlink it
         * @param now the precise time the chunk is taken at
         * @return {@code false} to end the chunk after the current bucket
         */
        boolean visit(Segment s, Node n, long now);
    }

    /**
     * A walk over every node of the table in chunks of about {@link #CHUNK} nodes, each under the
     * layout read lock and one segment's lock, both released between chunks, so that reports,
     * matching and store calls happen outside every lock and no lock is held for long.
     *
     * <p>Within a segment the walk goes by residue classes of the bucket index modulo the bucket
     * count the segment had when the walk reached it: the table only grows by doubling, so a
     * class keeps its nodes however it grows, and the classes done stay done. A change of layout
     * between chunks (a change of size, a reload) moves the walk to the new segments, and every
     * key whose place in a layout left behind the walk had passed is skipped, so no key is visited
     * twice. A key written during the walk may or may not be visited.
     *
     * <p>Not thread-safe: one per operation.
     */
    private final class Pass {
        private Segment[] segs = segments;
        private int seg;
        private int residue;
        /** The bucket count of {@code segs[seg]} when the walk reached it; 0 before. */
        private int base;
        /** Per layout left behind: segment count, segment reached, its base, its residue. */
        private final List<int[]> left = new ArrayList<>(0);

        /**
         * Visits the next chunk.
         *
         * @return {@code false} once every segment has been walked (nothing was visited then)
         * @throws IllegalStateException if the table is closed
         */
        boolean next(Visitor visitor) {
            layout.readLock().lock();
            try {
                checkOpen();
                if (segs != segments) {
                    left.add(new int[] {segs.length, seg, base, residue});
                    segs = segments;
                    seg = 0;
                    base = 0;
                    residue = 0;
                }
                while (seg < segs.length) {
                    Segment s = segs[seg];
                    int visited;
                    s.lock();
                    try {
                        visited = walk(s, visitor, time.now());
                    } finally {
                        s.unlock();
                    }
                    if (visited > 0) {
                        return true;
                    }
                }
                return false;
            } finally {
                layout.readLock().unlock();
            }
        }

        /** Walks residue classes of one segment until the chunk is full; caller holds its lock. */
        private int walk(Segment s, Visitor visitor, long now) {
            Node[] tab = s.table();
            if (base == 0) {
                if (tab == null) {
                    nextSegment();
                    return 0;
                }
                base = tab.length;
            }
            if (tab == null) {
                // emptied since the walk reached it: nothing of what was there is left
                nextSegment();
                return 0;
            }
            int visited = 0;
            boolean more = true;
            while (residue < base && more && visited < CHUNK) {
                if (tab.length >= base) {
                    for (int j = residue; j < tab.length; j += base) {
                        for (Node n = tab[j]; n != null;) {
                            Node next = n.next();
                            if (!passedBefore(n.hash)) {
                                visited++;
                                more &= visitor.visit(s, n, now);
                            }
                            n = next;
                        }
                    }
                } else {
                    // emptied and grown again smaller: its class shares a bucket with others
                    for (Node n = tab[residue & (tab.length - 1)]; n != null;) {
                        Node next = n.next();
                        if ((n.hash & (base - 1)) == residue && !passedBefore(n.hash)) {
                            visited++;
                            more &= visitor.visit(s, n, now);
                        }
                        n = next;
                    }
                }
                residue++;
            }
            if (residue == base) {
                nextSegment();
            }
            return visited;
        }

        private void nextSegment() {
            seg++;
            base = 0;
            residue = 0;
        }

        private boolean passedBefore(int hash) {
            for (int i = 0, n = left.size(); i < n; i++) {
                int[] l = left.get(i);
                int index = segmentIndex(hash, l[0]);
                if (index < l[1] || index == l[1] && l[2] > 0 && (hash & (l[2] - 1)) < l[3]) {
                    return true;
                }
            }
            return false;
        }
    }

    @Override
    public long removeKeys(Match match) {
        TextMatcher m = TextMatcher.compile(name, "key regex", match);
        return removeMatching(m, false);
    }

    @Override
    public long removeValues(Match match) {
        TextMatcher m = TextMatcher.compile(name, "value regex", match);
        return removeMatching(m, true);
    }

    /**
     * Removes the live entries whose key or value matches, a chunk at a time: under the slot lock
     * the chunk's live nodes are noted (and those past their deadline taken out as expired); with
     * no lock held they are matched, under the budget, and sent to a write-through store; under
     * the slot lock again each one still there with the value it matched on is taken out. With a
     * store that writes through, every stripe is held throughout, so no write of a key can come
     * between the store's removal and the table's.
     */
    private long removeMatching(TextMatcher m, boolean byValue) {
        if (insideCompute()) {
            throw refusedInsideCompute("remove by match");
        }
        MatchBudget budget = new MatchBudget(m.match().budget(), m.cost());
        long[] examined = new long[1];
        return underEveryStripe(w -> {
            List<Node> candidates = new ArrayList<>();
            List<Object> values = new ArrayList<>();
            List<Node> expired = new ArrayList<>();
            List<Integer> hits = new ArrayList<>();
            List<Node> removed = new ArrayList<>();
            Pass pass = new Pass();
            long total = 0;
            for (;;) {
                candidates.clear();
                values.clear();
                expired.clear();
                hits.clear();
                removed.clear();
                long noticed = time.now();
                boolean more = pass.next((s, n, now) -> {
                    if (takeDue(s, n, now)) {
                        expired.add(n);
                    } else {
                        candidates.add(n);
                        values.add(byValue ? n.value() : null);
                    }
                    return true;
                });
                try {
                    for (int i = 0; i < candidates.size(); i++) {
                        String text = byValue ? Values.text(values.get(i)) : candidates.get(i).key;
                        if (text != null) {
                            budget.admit(text.length());
                            if (m.matches(text)) {
                                hits.add(i);
                            }
                        }
                        examined[0]++;
                    }
                } catch (MatchBudget.Exceeded e) {
                    reportExpired(expired, noticed);
                    throw matchStopped("removing entries whose " + (byValue ? "value" : "key") + " matches "
                        + m.match(), budget, examined[0], "removed " + total + " so far, each reported", e);
                }
                if (!hits.isEmpty() && w != null) {
                    List<String> keys = new ArrayList<>(hits.size());
                    hits.forEach(i -> keys.add(candidates.get(i).key));
                    try {
                        w.removeAll(keys);
                    } catch (RuntimeException e) {
                        reportExpired(expired, noticed);
                        throw storeFailed(e);
                    }
                }
                for (int i : hits) {
                    Node n = candidates.get(i);
                    Segment s = lockForRead(n.hash);
                    try {
                        // still there, with the value it matched on (a write may have changed it since)
                        if (s.findLocked(n.key, n.hash) == n && (!byValue || n.value() == values.get(i))) {
                            if (takeDue(s, n, time.now())) {
                                expired.add(n);
                            } else {
                                n.seal();
                                s.unlink(n);
                                s.removals++;
                                removed.add(n);
                            }
                        }
                    } finally {
                        s.unlock();
                    }
                }
                total += removed.size();
                reportExpired(expired, noticed);
                for (Node n : removed) {
                    report(EventKind.REMOVED, n);
                }
                if (!more) {
                    return total;
                }
            }
        });
    }

    /**
     * Takes a node out as expired if its deadline is at or before {@code now}; caller holds the
     * slot lock. A pinned node, whose write is with its store, stays.
     *
     * @return whether the node was taken out
     */
    private static boolean takeDue(Segment s, Node n, long now) {
        if (n.pinned() || !n.expireIfDue(now)) {
            return false;
        }
        s.unlink(n);
        s.expirations++;
        return true;
    }

    /** The error of a match call that ran out of budget, saying how far it got. */
    private IllegalStateException matchStopped(String what, MatchBudget budget, long examined, String done,
        MatchBudget.Exceeded why) {
        return new IllegalStateException("cache '" + name + "': " + what + " stopped after " + budget.elapsedMillis()
            + " ms and " + examined + " entries looked at (" + done + "), because " + why.getMessage()
            + "; narrow the pattern, use a prefix, or give the match a larger budget (Match.within)");
    }

    /**
     * Runs a whole-table write holding every store stripe, if the table has ever had a store that
     * writes through, so that the hook it gets stays the hook for the whole operation and no
     * single-key write of the store is halfway.
     *
     * @param body given the hook in force, or {@code null}
     */
    private long underEveryStripe(ToLongFunction<WriteThrough> body) {
        StoreStripes st = stripes;
        if (st == null) {
            return body.applyAsLong(null);
        }
        st.lockAll();
        try {
            return body.applyAsLong(writeThrough);
        } finally {
            st.unlockAll();
        }
    }

    @Override
    public long countKeys(Match match) {
        TextMatcher m = TextMatcher.compile(name, "key regex", match);
        return countMatching(m, false);
    }

    @Override
    public long countValues(Match match) {
        TextMatcher m = TextMatcher.compile(name, "value regex", match);
        return countMatching(m, true);
    }

    /**
     * Counts the live entries whose key or value matches: a chunk's live keys or values are
     * noted under the slot lock and matched with no lock held, under the budget.
     */
    private long countMatching(TextMatcher m, boolean byValue) {
        if (insideCompute()) {
            throw refusedInsideCompute("count by match");
        }
        MatchBudget budget = new MatchBudget(m.match().budget(), m.cost());
        List<Object> texts = new ArrayList<>();
        Pass pass = new Pass();
        long total = 0;
        long examined = 0;
        for (;;) {
            texts.clear();
            boolean more = pass.next((s, n, now) -> {
                if (n.deadline() > now) {
                    texts.add(byValue ? n.value() : n.key);
                }
                return true;
            });
            try {
                for (Object t : texts) {
                    String text = byValue ? Values.text(t) : (String) t;
                    if (text != null) {
                        budget.admit(text.length());
                        if (m.matches(text)) {
                            total++;
                        }
                    }
                    examined++;
                }
            } catch (MatchBudget.Exceeded e) {
                throw matchStopped("counting entries whose " + (byValue ? "value" : "key") + " matches " + m.match(),
                    budget, examined, total + " matched so far", e);
            }
            if (!more) {
                return total;
            }
        }
    }

    @Override
    public long clear() {
        if (insideCompute()) {
            throw refusedInsideCompute("clear it");
        }
        long[] cleared = new long[1];
        boolean completed = false;
        try {
            underEveryStripe(w -> {
                List<Node> expired = new ArrayList<>();
                List<Node> nodes = new ArrayList<>();
                Pass pass = new Pass();
                for (;;) {
                    expired.clear();
                    nodes.clear();
                    long noticed = time.now();
                    boolean more = pass.next((s, n, now) -> {
                        if (w == null) {
                            // no store to tell: out at once
                            if (takeDue(s, n, now)) {
                                expired.add(n);
                            } else if (!n.pinned()) {
                                n.seal();
                                s.unlink(n);
                                s.removals++;
                                cleared[0]++;
                            }
                        } else {
                            nodes.add(n);
                        }
                        return true;
                    });
                    if (!nodes.isEmpty()) {
                        clearThroughStore(w, nodes, expired, cleared);
                    }
                    reportExpired(expired, noticed);
                    if (!more) {
                        return cleared[0];
                    }
                }
            });
            completed = true;
        } finally {
            // also when a write-through store refused a chunk midway: the chunks before it are cleared
            if (completed || cleared[0] > 0) {
                report(EventKind.CLEARED, cleared[0]);
            }
        }
        return cleared[0];
    }

    /**
     * Clears a chunk of a cache whose store writes through: the rows go first (expired ones too),
     * then, under the slot lock, the nodes still there; every stripe is held.
     */
    private void clearThroughStore(WriteThrough w, List<Node> nodes, List<Node> expired, long[] cleared) {
        List<String> keys = new ArrayList<>(nodes.size());
        nodes.forEach(n -> keys.add(n.key));
        try {
            w.removeAll(keys);
        } catch (RuntimeException e) {
            throw storeFailed(e);
        }
        for (Node n : nodes) {
            Segment s = lockForRead(n.hash);
            try {
                if (s.findLocked(n.key, n.hash) == n) {
                    if (takeDue(s, n, time.now())) {
                        expired.add(n);
                    } else {
                        n.seal();
                        s.unlink(n);
                        s.removals++;
                        cleared[0]++;
                    }
                }
            } finally {
                s.unlock();
            }
        }
    }

    /** A store that broke its contract by throwing something else: still the caller's IllegalStateException. */
    private IllegalStateException storeFailed(RuntimeException e) {
        if (e instanceof IllegalStateException) {
            return (IllegalStateException) e;
        }
        return new IllegalStateException("cache '" + name + "': its store failed: " + e, e);
    }

    @Override
    public long size() {
        checkOpen();
        return figures(false).size();
    }

    @Override
    public Iterator<CacheEntry> iterator() {
        if (insideCompute()) {
            throw refusedInsideCompute("iterate over it");
        }
        checkOpen();
        return new EntryIterator();
    }

    /**
     * Copies a chunk at a time (at most about {@link #CHUNK} entries and {@link #CHUNK_BYTES}
     * bytes of values), each under its slot's lock at one instant; never returns a key twice, even
     * across changes of size (see {@link Pass}).
     */
    private final class EntryIterator implements Iterator<CacheEntry> {
        private final Pass pass = new Pass();
        private final List<CacheEntry> chunk = new ArrayList<>();
        private Iterator<CacheEntry> current = Collections.emptyIterator();
        private boolean done;

        @Override
        public boolean hasNext() {
            while (!current.hasNext()) {
                if (done) {
                    return false;
                }
                if (insideCompute()) {
                    // an iterator made before a compute and walked inside it would wait for itself
                    throw refusedInsideCompute("iterate over it");
                }
                chunk.clear();
                long[] bytes = new long[1];
                done = !pass.next((s, n, now) -> {
                    if (n.deadline() > now) {
                        chunk.add(entryOf(n));
                        bytes[0] += Values.weight(n.value());
                    }
                    return bytes[0] < CHUNK_BYTES;
                });
                current = new ArrayList<>(chunk).iterator();
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
    }

    // ------------------------------------------------------------------------------- sweeping

    /**
     * Expires what is due in one sweeper partition, coming back to a locked segment a
     * millisecond later: {@link #sweep(int, int, long)} for callers without a resolution.
     */
    long sweep(int part, int parts) {
        return sweep(part, parts, 1);
    }

    /**
     * Expires what is due in one sweeper partition: the segments whose index is {@code part}
     * modulo {@code parts}. Costs one volatile read when nothing is due. Never waits for a slot
     * lock: a segment whose lock is taken is left for a pass {@code retryMillis} later.
     *
     * @param part this sweeper thread's partition, {@code 0 <= part < parts}
     * @param parts how many sweeper threads share the work
     * @param retryMillis how soon to come back to a segment that was locked
     * @return when the partition next has work, in monotonic ms ({@link Long#MAX_VALUE} for
     *     never); a write may make it earlier at any time
     */
    long sweep(int part, int parts, long retryMillis) {
        AtomicLongArray d = dues.forParts(parts);
        long now = time.now();
        long planned = d.get(part);
        if (now < planned) {
            return planned;
        }
        d.set(part, Long.MAX_VALUE);
        long earliest = Long.MAX_VALUE;
        try {
            List<Node> expired = null;
            Segment[] segs = segments;
            for (int i = part; i < segs.length; i += parts) {
                Segment s = segs[i];
                long due = s.nextDue;
                if (due <= now) {
                    if (!s.tryLock()) {
                        earliest = Math.min(earliest, now + retryMillis);
                        continue;
                    }
                    if (expired == null) {
                        expired = new ArrayList<>();
                    }
                    expired.clear();
                    try {
                        if (!s.retired) {
                            s.expire(now, expired);
                        }
                        due = s.nextDue;
                    } finally {
                        s.unlock();
                        reportExpired(expired, now);
                    }
                    now = time.now();
                }
                earliest = Math.min(earliest, due);
            }
        } catch (RuntimeException | Error e) {
            // the segments after the failing one were not looked at: come back soon
            earliest = Math.min(earliest, now + retryMillis);
            throw e;
        } finally {
            DueBoard.lower(d, part, earliest);
        }
        return d.get(part);
    }

    /**
     * What {@link #stats()} and {@link #size()} count, after expiring what is due. Each segment
     * is counted under the layout read lock and its own lock, and what it expires is reported
     * once both are released; a change of layout meanwhile starts the count again.
     */
    private static Node[] collect(Segment s) {
        Node[] found = new Node[s.count];
        int[] i = new int[1];
        s.forEach(n -> found[i[0]++] = n);
        return found;
    }

    private Figures figures(boolean counters) {
        if (insideCompute()) {
            throw refusedInsideCompute("count it");
        }
        List<Node> expired = new ArrayList<>();
        for (;;) {
            Segment[] segs = segments;
            Figures f = new Figures();
            f.slots = segs.length;
            boolean moved = false;
            for (Segment s : segs) {
                expired.clear();
                long now = time.now();
                long items;
                layout.readLock().lock();
                try {
                    if (segments != segs) {
                        moved = true;
                        break;
                    }
                    s.lock();
                    try {
                        if (!s.retired && s.nextDue <= now) {
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
                } finally {
                    layout.readLock().unlock();
                }
                reportExpired(expired, now);
                f.size += items;
                f.maxSlotItems = Math.max(f.maxSlotItems, items);
                f.minSlotItems = Math.min(f.minSlotItems, items);
            }
            if (!moved) {
                return f;
            }
        }
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

    /**
     * Reports nodes already out of the table, every one of them even if reporting one fails with
     * an {@link Error} (an out-of-memory while building its event, most likely): that one is
     * counted as dropped and the first such error is thrown once the others are reported.
     */
    private void reportExpired(List<Node> expired, long noticedAt) {
        Error failure = null;
        for (int i = 0, n = expired.size(); i < n; i++) {
            try {
                reportExpired(expired.get(i), noticedAt);
            } catch (Error e) {
                reportsFailed.increment();
                if (failure == null) {
                    failure = e;
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private void reportExpired(Node n, long noticedAt) {
        lag.record(noticedAt - n.deadline());
        report(EventKind.EXPIRED, n);
    }

    private void report(EventKind kind, Node n) {
        if (listener.wants(kind)) {
            try {
                listener.entry(kind, name, n.key, n.value(), time.toEpochMillis(n.deadline()));
            } catch (RuntimeException e) {
                // The listener broke its contract; the change is made, so count what was lost
                // rather than fail the operation or the rest of a sweep.
                reportsFailed.increment();
            }
        }
    }

    private void report(EventKind kind, long count) {
        if (listener.wants(kind)) {
            try {
                listener.table(kind, name, count);
            } catch (RuntimeException e) {
                reportsFailed.increment();
            }
        }
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
            .eventsPosted(listener.delivered())
            .eventsDropped(listener.undelivered() + reportsFailed.sum())
            .expiryLagP50Millis(lag.percentile(0.5))
            .expiryLagP99Millis(lag.percentile(0.99))
            .expiryLagMaxMillis(lag.max())
            .build();
    }

    @Override
    public void resetStats() {
        if (insideCompute()) {
            throw refusedInsideCompute("reset its statistics");
        }
        checkOpen();
        // the listener's counts first, with no lock held, as every call to the listener
        listener.resetCounts();
        layout.readLock().lock();
        try {
            checkOpen();
            ReadCounters r = reads;
            if (r != null) {
                r.reset();
            }
            reportsFailed.reset();
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
                    if (!n.pinned() && n.expireIfDue(now)) {
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
     * ones taken however it ends. Caller holds the layout write lock. No other thread waits for a
     * segment lock while holding another (a compute function's thread takes none, see
     * {@link #lockForWrite}), so the order cannot deadlock.
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
        // no write of a store is halfway (no node pinned) while the contents change
        StoreStripes st = stripes;
        if (st != null) {
            st.lockAll();
        }
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
            if (st != null) {
                st.unlockAll();
            }
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
     * Sets or removes the write-through hook, holding every store stripe and every slot lock: a
     * write in flight finishes with the hook it started with, every later one sees the new.
     *
     * @param hook told of every change before it is applied, or {@code null} for none
     * @throws IllegalStateException if the table is closed
     */
    public void writeThrough(WriteThrough hook) {
        StoreStripes st = stripes;
        if (st == null) {
            if (hook == null) {
                checkOpen();
                return;
            }
            st = new StoreStripes();
        }
        StoreStripes made = st;
        st.lockAll();
        try {
            layout.writeLock().lock();
            try {
                checkOpen();
                underEveryLock(segments, () -> {
                    stripes = made;
                    writeThrough = hook;
                });
            } finally {
                layout.writeLock().unlock();
            }
        } finally {
            st.unlockAll();
        }
    }

    /**
     * Closes the table, as {@link #close()}, and returns the entries that were live at that
     * instant, for a store's write-back: no write can slip in between the copy and the close.
     * Entries already past their deadline are reported as expired, as by {@link #close()}.
     *
     * @return copies of the live entries, in no particular order, each with the deadline writes
     *     gave it (with idle expiry it may have been due earlier)
     * @throws IllegalStateException if the table was closed already
     */
    public List<CacheEntry> drain() {
        List<CacheEntry> live = new ArrayList<>();
        List<Node> expired = new ArrayList<>();
        long now;
        layout.writeLock().lock();
        try {
            checkOpen();
            closed = true;
            now = time.now();
            retireEverySegment(s -> {
                s.expire(now, expired);
                s.forEach(n -> {
                    if (n.deadline() > now) {
                        // the deadline writes gave it, as write-through stores it: idle time
                        // is not saved, and restarts at the next load
                        live.add(new CacheEntry(n.key, n.value(), time.toEpochMillis(n.writeDeadline())));
                    }
                });
            });
        } finally {
            layout.writeLock().unlock();
        }
        reportExpired(expired, now);
        expiredAtClose = expired.size();
        return live;
    }

    /**
     * Reports that the table came up, for {@link EventKind#CREATED}.
     */
    public void announce() {
        report(EventKind.CREATED, 0);
    }

    /**
     * Closes the table: every later operation throws {@link IllegalStateException} (but
     * {@link #stats()}, which reports the final counters). Entries whose deadline has passed are
     * reported as expired, once every lock is released (a listener that can no longer deliver
     * counts them in {@link CacheStats#eventsDropped()}); the others are dropped without events.
     * A write whose store call is in flight finds the table closed when it comes back. Idempotent.
     *
     * @return how many entries were reported as expired by this call
     */
    public long close() {
        List<Node> expired = new ArrayList<>();
        long now;
        layout.writeLock().lock();
        try {
            if (closed) {
                return 0;
            }
            closed = true;
            now = time.now();
            retireEverySegment(s -> s.expire(now, expired));
        } finally {
            layout.writeLock().unlock();
        }
        reportExpired(expired, now);
        expiredAtClose = expired.size();
        return expired.size();
    }

    /**
     * Returns how many entries {@link #close()} or {@link #drain()} found past their deadline and
     * reported as expired.
     *
     * @return the count, 0 before the table is closed
     */
    public long expiredAtClose() {
        return expiredAtClose;
    }

    /**
     * Takes every segment out of use and drops its nodes, one segment at a time under its lock,
     * after {@code last} has seen it; caller holds the layout write lock. The segments stay in
     * {@link #segments}, empty, so their counters still count in {@link #stats()}.
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
