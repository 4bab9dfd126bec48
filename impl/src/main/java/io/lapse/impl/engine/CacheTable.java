package io.lapse.impl.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Consumer;
import java.util.function.Predicate;

import io.lapse.cache.Cache;
import io.lapse.cache.CacheEntry;
import io.lapse.cache.CacheStats;
import io.lapse.cache.EntryEditor;
import io.lapse.cache.Match;
import io.lapse.cache.level.CacheLevel;
import io.lapse.cache.replication.Replica;

/**
 * The engine of one cache: 2<sup>size</sup> {@link Segment}s (htable's slots), each a growing
 * hash table with its own lock and its own {@link TimerWheel}.
 *
 * <h2>Where things are</h2>
 * This class holds the table's state, its reads, its single-key writes (one template,
 * {@code writeKey}, for all but the hottest, {@code put}) and its reports to the
 * {@link TableListener}; the rest is one class per concern, each reading this one's fields:
 * <ul>
 * <li>{@link TableView}: the {@link io.lapse.cache.Cache} that consumers receive, without the
 * owner's operations ({@link #cache()}).</li>
 * <li>{@link Deadlines}: the one rule for the deadline a write gives an entry; {@link Change}: what
 * a single-key write decided; {@link SegmentWrites}: how it is applied to a segment;
 * {@link StoreWrites}: the writes of a cache whose store writes through.</li>
 * <li>{@link TablePass}: the one template of passes over every segment; {@link WholeTable}: the
 * operations made of it (clear, matches, key lookups, iteration).</li>
 * <li>{@link TableLayout}: the owner's changes of layout (size, reload, hook, close);
 * {@link TableStatistics}: size and statistics; {@link PartitionSweep}: a sweep;
 * {@link TableReports}: what the listener is told.</li>
 * </ul>
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
    final TimeSource time;
    final TableListener listener;
    volatile CacheSettings settings;
    volatile Segment[] segments;
    /**
     * The bucket arrays of {@link #segments}, one entry per segment, replaced with them: a
     * read finds its chain here without touching the segment, one cache miss fewer.
     */
    volatile Node[][] tables;
    volatile boolean closed;
    volatile long expiredAtClose;
    final DueBoard dues = new DueBoard();
    /**
     * Read-held by passes over every segment for each chunk, write-held by a change of size,
     * {@link #replace}, a change of the write-through hook, and close, so that a chunk never meets
     * segments whose nodes are being moved. Single-key operations do not take it: they notice a
     * moved segment by its {@code retired} flag.
     */
    final ReentrantReadWriteLock layout = new ReentrantReadWriteLock();

    /**
     * Hits and misses, while {@code statistics} is on; {@code null} otherwise, so that a read
     * pays for counting (about a sixth of its time) only when asked to.
     */
    volatile ReadCounters reads;
    /** Counters of segments retired by a change of size, a reload or a close, so statistics survive it. */
    final AtomicLong retiredPuts = new AtomicLong();
    final AtomicLong retiredRemovals = new AtomicLong();
    final AtomicLong retiredExpirations = new AtomicLong();
    final AtomicLong retiredEvictions = new AtomicLong();
    /**
     * What the table holds, for its {@link Limits}; {@code null} while it has none. Replaced, and
     * attached to every segment, under every slot lock (see {@link Segment#account}).
     */
    volatile Footprint footprint;
    /** Evicts while the table is over its limits. */
    final ClockHand hand = new ClockHand(this);
    /** Puts of live keys made without the slot lock. */
    final LiveRewrite rewrites = new LiveRewrite(this);
    /** What the listener is told, and how late expiries were noticed. */
    final TableReports reports = new TableReports(this);
    /** Which keys each keygroup holds; made before the segments, which tell it of their nodes. */
    final KeyGroups groups = new KeyGroups(this);
    /**
     * Told of every change before it is applied, for a store that writes through; {@code null}
     * otherwise. Written under every stripe and every slot lock, so a writer reads it once under
     * its slot lock.
     */
    volatile WriteThrough writeThrough;
    /**
     * The replication of this table, while it is replicated ({@link #replicate}); {@code null}
     * otherwise, so a write of a cache that is not pays one read of this field. A writer reads it
     * under its slot lock.
     */
    volatile Replication replication;
    /** The backing level of the table, which then is its L1; {@code null} for none. Set once, by {@link #backBy}. */
    volatile LevelBacking level;
    /** The stripes of writes through a store; made with the first hook, then kept. */
    volatile StoreStripes stripes;
    /**
     * How many compute functions of this table are running, so writes look further only then; a
     * field of the table itself, so the check costs a write no extra cache line.
     */
    private volatile int computes;
    /** Set on a thread while it runs a compute function of this table. */
    private final ThreadLocal<Boolean> computing = new ThreadLocal<>();
    /** The operations on every entry: clear, matches, iteration. */
    private final WholeTable whole = new WholeTable(this);
    /** The single-key writes of a table whose store writes through. */
    private final StoreWrites storeWrites = new StoreWrites(this);
    /** The figures of stats() and size(). */
    private final TableStatistics statistics = new TableStatistics(this);
    /** The changes of layout: size, contents, hook, close. */
    private final TableLayout changes = new TableLayout(this);
    /** What consumers receive: see {@link #cache()}. */
    private final Cache view = new TableView(this);
    /** The cache as a map: see {@link MapView}. */
    private final MapView map = new MapView(this);

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
        this.footprint = footprintFor(settings.limits);
        for (Segment s : segments) {
            s.footprint = footprint;
        }
    }

    /** A new footprint for limits, {@code null} for none. */
    static Footprint footprintFor(Limits limits) {
        return limits.bounded() ? new Footprint(limits.weighs()) : null;
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

    Segment[] newSegments(Node[][] tabs, long now) {
        Segment[] segs = new Segment[tabs.length];
        for (int i = 0; i < segs.length; i++) {
            segs[i] = new Segment(i, tabs, now, dues, groups);
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
     * {@link Values#checkNotNull}).
     */
    private Node live(String key) {
        Values.checkNotNull(name, key);
        int h = spread(key.hashCode());
        for (;;) {
            Node[][] tabs = tables;
            Object found = Segment.find(tabs, segmentIndex(h, tabs.length), key, h);
            Node n = found != Segment.MOVING ? (Node) found : insideCompute() ? findFromCompute(key, h)
                : findLocked(key, h);
            if (n == null) {
                LevelBacking lv = level;
                if (lv != null && lv.readThrough(key, h)) {
                    continue;
                }
                Values.checkKey(name, key);
                return null;
            }
            if (!n.idles()) {
                if (time.passed(n.deadline())) {
                    return settleExpired(key, h);
                }
                n.reference();
                return n;
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
                n.reference();
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
                    expired = Decided.takeIfExpired(this, s, n);
                    if (expired == null) {
                        return n;
                    }
                }
            } finally {
                s.unlock();
                reports.expired(expired);
            }
            if (expired != null) {
                return null;
            }
            ReentrantLock stripe = stripes.of(h);
            stripe.lock();
            stripe.unlock();
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

    CacheEntry entryOf(Node n) {
        return new CacheEntry(n.key, n.value(), time.toEpochMillis(n.deadline()), n.group());
    }

    /** Whether the calling thread runs a compute function of this table: one volatile read unless some thread does. */
    boolean insideCompute() {
        return computes != 0 && computing.get() != null;
    }

    // --------------------------------------------------------------------------------- writes

    /**
     * Locks the segment of a hash for a read that must look under the lock, looking again if a
     * change of size moved it. A segment retired by {@link #close()} makes this throw.
     *
     * @throws IllegalStateException if the cache is closed
     */
    Segment lockForRead(int h) {
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
    Segment lockForWrite(int h) {
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
        write(key, value, Values.ttlMillis(name, ttl));
    }

    /** {@link #put}, written out rather than through {@link #writeKey}: the hottest write. */
    private void write(String key, Object value, long ttlMillis) {
        Values.checkNotNull(name, key);
        CacheSettings st = settings;
        Object v = Values.store(name, key, value, st.limits.maxItemSize);
        int flags = st.limits.admit(name, key, v, st.idleMillis > 0);
        int h = spread(key.hashCode());
        long now = time.coarseNow();
        if (rewrites.put(key, h, v, ttlMillis, now, st)) {
            return;
        }
        Node expired = null;
        Node n = null;
        boolean viaStore = false;
        Segment s = lockForWrite(h);
        try {
            if (writeThrough != null) {
                viaStore = true;
            } else {
                n = s.findLocked(key, h);
                expired = Decided.takeIfExpired(this, s, n);
                if (expired != null) {
                    n = null;
                }
                long d = Deadlines.forWrite(n, ttlMillis, now, st);
                if (n == null) {
                    Values.checkKey(name, key);
                    s.insert(SegmentWrites.newNode(h, key, v, flags, d, now, st));
                } else {
                    SegmentWrites.update(s, n, v, flags, d, now, st);
                }
                s.puts++;
                Replication rep = replication;
                if (rep != null) {
                    rep.offerPut(key, v, d, n == null ? null : n.group());
                }
            }
        } finally {
            s.unlock();
            reports.expired(expired);
        }
        if (viaStore) {
            storeWrites.write(key, h,
                (found, t, st2) -> Change.put(v, flags, Deadlines.forWrite(found, ttlMillis, t, st2), null));
        }
        hand.evictAfterWrite(viaStore || n == null);
    }

    @Override
    public void put(String key, Object value, Duration ttl, String group) {
        groups.put(key, value, ttl, group);
    }

    @Override
    public ConcurrentMap<String, Object> asMap() {
        return map;
    }

    @Override
    public long invalidateGroup(String group) {
        return groups.invalidate(group);
    }

    @Override
    public List<String> groupKeys(String group) {
        return groups.liveKeys(group);
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
        Values.checkNotNull(name, key);
        CacheSettings settled = settings;
        Object v = Values.store(name, key, value, settled.limits.maxItemSize);
        int flags = settled.limits.admit(name, key, v, settled.idleMillis > 0);
        return writeKey(key, (n, now, st) -> n == null
            ? Change.put(v, flags, Deadlines.forWrite(null, ttlMillis, now, st), null)
            : Change.none(n.exportValue()));
    }

    @Override
    public Object remove(String key) {
        Values.checkKey(name, key);
        return writeKey(key, (n, now, st) -> n == null ? Change.none(null) : Change.remove(n.exportValue()));
    }

    @Override
    public long increment(String key, long delta) {
        Values.checkNotNull(name, key);
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
            return Change.put(result, st.limits.admit(name, key, result, st.idleMillis > 0),
                Deadlines.forWrite(n, Deadlines.DEFAULT, now, st), result);
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
        return ComputeStep.run(this, key, function, false);
    }

    @Override
    public <R> R edit(String key, Function<? super EntryEditor, ? extends R> step) {
        return EditStep.run(this, key, step);
    }

    /** Marks the calling thread as running a compute function of this table, until {@link #leaveCompute}. */
    void enterCompute() {
        COMPUTES.getAndAdd(this, 1);
        computing.set(Boolean.TRUE);
    }

    void leaveCompute() {
        computing.remove();
        COMPUTES.getAndAdd(this, -1);
    }

    /**
     * The single-key write: under the slot lock, takes out an entry past its deadline, decides
     * from the live node and applies the change; reports once unlocked. A cache whose store
     * writes through goes by {@link #throughStore} instead.
     *
     * @return the decision's result
     */
    Object writeKey(String key, Change.Decision decision) {
        int h = spread(key.hashCode());
        CacheSettings st = settings;
        long now = time.coarseNow();
        Decided d = new Decided(this);
        Node removed = null;
        boolean viaStore;
        Segment s = lockForWrite(h);
        try {
            viaStore = writeThrough != null;
            if (!viaStore) {
                d.take(s, key, h, decision, now, st);
                removed = SegmentWrites.apply(s, h, key, d.live, d.change, now, st, replication);
            }
        } finally {
            s.unlock();
            reports.expired(d.expired);
        }
        if (viaStore) {
            Object result = storeWrites.write(key, h, decision);
            hand.evictIfExceeded();
            return result;
        }
        if (removed != null) {
            reports.entry(EventKind.REMOVED, removed);
        }
        hand.evictIfExceeded();
        return d.change.result;
    }

    IllegalStateException refusedInsideCompute(String what) {
        return new IllegalStateException("cache '" + name + "': a compute function may read single keys of the "
            + "cache it computes in, but not " + what + " (a write, or a whole-cache operation: size, counts, "
            + "matches, iteration, statistics, clear), which could wait for the slot it holds");
    }

    // ----------------------------------------------------------------------- whole-table work

    @Override
    public long removeKeys(Match match) {
        return whole.removeMatching(TextMatcher.compile(name, "key regex", match), false);
    }

    @Override
    public long removeValues(Match match) {
        return whole.removeMatching(TextMatcher.compile(name, "value regex", match), true);
    }

    @Override
    public long countKeys(Match match) {
        return whole.countMatching(TextMatcher.compile(name, "key regex", match), false);
    }

    @Override
    public long countValues(Match match) {
        return whole.countMatching(TextMatcher.compile(name, "value regex", match), true);
    }

    @Override
    public List<String> keys(Match match, long offset, int limit) {
        return whole.keys(TextMatcher.compile(name, "key regex", match), offset, limit);
    }

    @Override
    public long clear() {
        Replication rep = replication;
        return rep == null || !rep.connected() ? whole.clear(null) : rep.clearLocally(m -> whole.clear(m::leaves));
    }

    /** A clear the replication log delivered: see {@link Replication#applyRemote}. */
    long clearFromLog(Predicate<String> leaves) {
        return whole.clear(leaves);
    }

    @Override
    public long size() {
        checkOpen();
        return statistics.size();
    }

    @Override
    public Iterator<CacheEntry> iterator() {
        return whole.iterator();
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
     * Expires what is due in one sweeper partition, for the {@link Sweeper}: see
     * {@link PartitionSweep}.
     *
     * @param part this sweeper thread's partition, {@code 0 <= part < parts}
     * @param parts how many sweeper threads share the work
     * @param retryMillis how soon to come back to a segment that was locked
     * @return when the partition next has work, in monotonic ms ({@link Long#MAX_VALUE} for never)
     */
    long sweep(int part, int parts, long retryMillis) {
        return PartitionSweep.sweep(this, part, parts, retryMillis);
    }

    // ------------------------------------------------------------------------ statistics

    @Override
    public CacheStats stats() {
        return statistics.stats();
    }

    @Override
    public void resetStats() {
        statistics.reset();
    }

    // ------------------------------------------------------------------- lifecycle, settings

    /**
     * Applies new settings. TTL, idle and {@code updateexpire} changes apply to entries written
     * from now on; entries already stored keep their deadlines. Turning statistics on counts hits
     * and misses from zero; turning them off drops the counts. A change of {@code size} moves
     * every entry to the new slots under all locks, expiring what is due on the way; nothing
     * else is lost. New capacity limits apply at once: a table that starts weighing its entries
     * ({@code max_bytes} set) weighs every one under all locks, and one over a lowered limit evicts
     * down to it, reporting each entry evicted, before this returns.
     *
     * @param next the new settings
     */
    public void reconfigure(CacheSettings next) {
        layout.writeLock().lock();
        try {
            checkOpen();
            if (level != null) {
                LevelBacking.check(name, next);
            }
            CacheSettings previous = settings;
            settings = next;
            if (next.statistics != previous.statistics) {
                reads = next.statistics ? new ReadCounters() : null;
            }
            if (next.sizeBits != previous.sizeBits) {
                changes.resize(1 << next.sizeBits);
            }
            Limits limits = next.limits;
            if (limits.bounded() != previous.limits.bounded() || limits.weighs() != previous.limits.weighs()) {
                changes.account(footprintFor(limits), limits.weighs() && !previous.limits.weighs());
            }
        } finally {
            layout.writeLock().unlock();
        }
        // a lowered limit takes effect at once, with its events, once the layout lock is released
        hand.evictIfExceeded();
    }

    // -------------------------------------------------------------------------- replication

    /**
     * Starts or stops replicating the table ({@link Replication}). Starting again keeps the outbox
     * connected, with the new {@code expiry_events}; stopping disconnects it.
     *
     * @param events which nodes raise {@code cache/expired}; {@code null} to stop replicating
     * @return the replication, or {@code null} when stopped
     */
    public synchronized Replication replicate(Replica.ExpiryEvents events) {
        if (events != null && level != null) {
            throw new IllegalStateException("cache '" + name + "' has a backing level, which cannot be replicated");
        }
        Replication rep = replication;
        if (rep != null && events == null) {
            rep.disconnect();
        } else if (rep != null) {
            rep.expiryEvents(events);
            return rep;
        }
        replication = events == null ? null : new Replication(this, events);
        return replication;
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
     * {@link #loaded(long)} when it is ready to. Contents keep the limits the table had when
     * they were made; a table whose limits were lowered since evicts down to them, reporting
     * each, before this returns.
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
        long count = changes.replace(fresh, underLocks);
        // the contents kept the limits they were made with; the table's may be lower by now
        hand.evictIfExceeded();
        return count;
    }

    /**
     * Reports that a load or reload finished, for {@link EventKind#LOADED}.
     *
     * @param count how many entries it loaded
     */
    public void loaded(long count) {
        reports.table(EventKind.LOADED, count);
    }

    /**
     * Backs the table by a level, which from now on holds the complete set of its entries, the
     * table a part of them: see {@link LevelBacking}. The owner starts the level's expiry thread
     * ({@link LevelBacking#expiry()}) and, at the end, closes it, then the table, then the level.
     *
     * @param lv the level
     * @return the backing, to start and stop its expiry
     * @throws IllegalArgumentException if the settings use what a level does not support
     * @throws IllegalStateException if the table is closed, holds entries, has a hook already or is replicated
     */
    public synchronized LevelBacking backBy(CacheLevel lv) {
        return LevelBacking.attach(this, lv, changes);
    }

    /**
     * Sets or removes the write-through hook, holding every store stripe and every slot lock: a
     * write in flight finishes with the hook it started with, every later one sees the new.
     *
     * @param hook told of every change before it is applied, or {@code null} for none
     * @throws IllegalStateException if the table is closed
     */
    public void writeThrough(WriteThrough hook) {
        changes.hook(hook);
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
        return changes.drain();
    }

    /**
     * Reports that the table came up, for {@link EventKind#CREATED}.
     */
    public void announce() {
        reports.table(EventKind.CREATED, 0);
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
        return changes.close();
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
     * Tells whether {@link #close()} was called.
     *
     * @return {@code true} once closed
     */
    public boolean isClosed() {
        return closed;
    }

    void checkOpen() {
        if (closed) {
            throw new IllegalStateException("cache '" + name + "' has been closed");
        }
    }

    @Override
    public String toString() {
        return "Cache[" + name + "]";
    }
}
