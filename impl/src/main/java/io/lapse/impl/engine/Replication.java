package io.lapse.impl.engine;

import java.util.Iterator;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;

import io.lapse.cache.CacheEntry;
import io.lapse.cache.replication.ExpiryOwnership;
import io.lapse.cache.replication.Replica;
import io.lapse.cache.replication.ReplicaChange;
import io.lapse.cache.replication.ReplicaOutbox;

/**
 * A table's side of replication ({@link Replica}): offers the table's own changes to a provider's
 * outbox, applies the changes of other nodes that the provider's log delivers, and decides which
 * node raises an expiry.
 *
 * <h2>Convergence</h2>
 * Every node applies the log's changes in the log's order, so nodes that apply every change
 * agree. A node applies its own changes at once, before the log orders them; to agree with the
 * others all the same, it keeps, for each key, how many of its own changes the outbox took and the
 * log has not delivered back yet, and skips a remote change of a key while that count is above
 * zero: the log orders the remote change before the node's own, and the node's own overwrites it
 * on every node. A clear is the same for every key at once: while a clear of this node is on its
 * way, every remote change of a single key is skipped, and a remote clear leaves the keys this
 * node changed since. A local clear, walking the table a chunk at a time, leaves the keys written
 * after it was offered, because the log orders those after the clear.
 *
 * <h2>Locks</h2>
 * A change is offered in the same hold of the key's slot lock that applied it (all of them are
 * taken one by one for a clear), under {@link #offering}, which also numbers it: so the outbox
 * receives the changes of a key in the order they took effect. The counts of keys are updated
 * under their slot lock or, for an acknowledgement, by the one thread that delivers the log;
 * {@link #offering} is never held while waiting for a slot. Local clears of the table are one at a
 * time ({@link #clearing}).
 *
 * <p>A change is counted as on its way before the outbox takes it, and the count undone if the
 * outbox refuses it: a provider may carry it through the log and back to {@link #acknowledge}, on
 * its own thread, before {@code offer} has returned to the writer.
 *
 * <h2>Refused changes</h2>
 * A change the outbox refuses (full, or cut off) is not counted as on its way; its key is kept as
 * unsent, and {@link #resend()} offers the key's state again once the provider can take it. A
 * remote change of such a key is applied meanwhile: this node's change is then lost, and the
 * nodes agree on the other one.
 */
public final class Replication implements Replica {

    private final CacheTable table;
    private volatile ExpiryEvents events;
    private volatile ReplicaOutbox outbox;
    private volatile ExpiryOwnership ownership;
    /** Orders the offers: the outbox takes them in the order of this monitor. */
    private final Object offering = new Object();
    /** Own changes on their way, by key; a key's count changes under its slot lock or on the log's thread. */
    private final ConcurrentHashMap<String, Integer> pending = new ConcurrentHashMap<>();
    /** Own clears on their way. */
    private final AtomicInteger clearsPending = new AtomicInteger();
    /** The local clear walking the table, if any; set and read under {@link #offering}. */
    private ClearMark mark;
    private final ReentrantLock clearing = new ReentrantLock();
    private final Set<String> unsent = ConcurrentHashMap.newKeySet();
    private volatile boolean clearUnsent;

    Replication(CacheTable table, ExpiryEvents events) {
        this.table = table;
        this.events = Objects.requireNonNull(events, "expiry events");
    }

    /** The keys written while a local clear walks the table: it leaves them. */
    static final class ClearMark {
        final Set<String> since = ConcurrentHashMap.newKeySet();
        /** Whether the clear itself was taken by the outbox: if not, nothing needs leaving. */
        final boolean offered;

        ClearMark(boolean offered) {
            this.offered = offered;
        }

        /** Whether the walk leaves a key's entry; caller holds the key's slot lock. */
        boolean leaves(String key) {
            return offered && since.contains(key);
        }
    }

    @Override
    public String name() {
        return table.name();
    }

    @Override
    public ExpiryEvents expiryEvents() {
        return events;
    }

    void expiryEvents(ExpiryEvents next) {
        events = Objects.requireNonNull(next, "expiry events");
    }

    @Override
    public void connect(ReplicaOutbox box, ExpiryOwnership owner) {
        Objects.requireNonNull(box, "outbox");
        Objects.requireNonNull(owner, "ownership");
        table.checkOpen();
        synchronized (offering) {
            if (outbox != null) {
                throw new IllegalStateException("cache '" + table.name() + "' is connected to another outbox");
            }
            ownership = owner;
            outbox = box;
        }
    }

    @Override
    public void disconnect() {
        synchronized (offering) {
            outbox = null;
            ownership = null;
            pending.clear();
            clearsPending.set(0);
            unsent.clear();
            clearUnsent = false;
        }
    }

    /** Whether a connected outbox takes changes. */
    boolean connected() {
        return outbox != null;
    }

    // ------------------------------------------------------------------ this node's changes

    /**
     * Offers a put made here; caller holds the key's slot lock.
     *
     * @param value the table's own value (a byte[] is never modified once stored, so it is shared)
     * @param deadline monotonic, or {@link Node#NEVER}
     * @param group the keygroup the entry belongs to after the put, or {@code null}
     */
    void offerPut(String key, Object value, long deadline, String group) {
        if (outbox != null) {
            offer(key, ReplicaChange.put(key, value, table.time.toEpochMillis(deadline), group));
        }
    }

    /** Offers a removal made here; caller holds the key's slot lock. */
    void offerRemove(String key) {
        if (outbox != null) {
            offer(key, ReplicaChange.remove(key));
        }
    }

    private void offer(String key, ReplicaChange change) {
        synchronized (offering) {
            ReplicaOutbox box = outbox;
            if (box == null) {
                return;
            }
            // counted before the outbox has it: the log may hand it back, to acknowledge(), on
            // another thread before take() returns here
            pending.merge(key, 1, Integer::sum);
            if (take(box, change)) {
                ClearMark m = mark;
                if (m != null) {
                    m.since.add(key);
                }
            } else {
                pending.computeIfPresent(key, (k, c) -> c == 1 ? null : c - 1);
                unsent.add(key);
            }
        }
    }

    private static boolean take(ReplicaOutbox box, ReplicaChange change) {
        try {
            return box.offer(change);
        } catch (RuntimeException e) {
            // an outbox that throws broke its contract; the change stays unsent, not lost
            return false;
        }
    }

    /**
     * Runs a local clear of the table: offers it, then lets {@code walk} remove the entries,
     * leaving those the mark says were written after the clear was offered.
     *
     * @param walk the clear's walk, given the mark (never {@code null})
     * @return what the walk returns
     */
    long clearLocally(ToLongFunction<ClearMark> walk) {
        clearing.lock();
        try {
            ClearMark m;
            synchronized (offering) {
                ReplicaOutbox box = outbox;
                // counted first, as a key's change is (see offer)
                if (box != null) {
                    clearsPending.incrementAndGet();
                }
                boolean offered = box != null && take(box, ReplicaChange.clear());
                if (box != null && !offered) {
                    clearsPending.decrementAndGet();
                    clearUnsent = true;
                }
                m = new ClearMark(offered);
                mark = m;
            }
            try {
                return walk.applyAsLong(m);
            } finally {
                synchronized (offering) {
                    mark = null;
                }
            }
        } finally {
            clearing.unlock();
        }
    }

    // -------------------------------------------------------------------- the log's changes

    @Override
    public boolean applyRemote(ReplicaChange change) {
        Objects.requireNonNull(change, "change");
        switch (change.kind()) {
            case PUT:
                return applyPut(change);
            case REMOVE:
                String key = change.key();
                return (Boolean) table.writeKey(key, (n, now, st) -> n == null || blocks(key) ? Change.none(Boolean.FALSE)
                    : Change.remove(Boolean.TRUE).fromLog());
            default:
                if (clearsPending.get() > 0) {
                    return false;
                }
                return table.clearFromLog(pending::containsKey) > 0;
        }
    }

    private boolean applyPut(ReplicaChange change) {
        String key = change.key();
        CacheSettings settled = table.settings();
        Object v = Values.store(table.name(), key, change.value(), settled.limits.maxItemSize);
        int flags = settled.limits.admit(table.name(), key, v, settled.idleMillis > 0);
        long deadline = table.time.fromEpochMillis(change.expiresAtMillis());
        String group = change.group();
        return (Boolean) table.writeKey(key, (n, now, st) -> blocks(key) ? Change.none(Boolean.FALSE)
            : Change.putInGroup(v, flags, deadline, Boolean.TRUE, group).fromLog());
    }

    /** Whether an own change of the key is on its way; caller holds the key's slot lock. */
    private boolean blocks(String key) {
        return clearsPending.get() > 0 || pending.containsKey(key);
    }

    @Override
    public void acknowledge(ReplicaChange change) {
        Objects.requireNonNull(change, "change");
        if (change.kind() == ReplicaChange.Kind.CLEAR) {
            clearsPending.updateAndGet(c -> Math.max(0, c - 1));
        } else {
            pending.computeIfPresent(change.key(), (k, c) -> c == 1 ? null : c - 1);
        }
    }

    // ---------------------------------------------------------------------- joins, refusals

    @Override
    public long snapshot(Consumer<ReplicaChange> sink) {
        Objects.requireNonNull(sink, "sink");
        long count = 0;
        for (Iterator<CacheEntry> it = table.iterator(); it.hasNext();) {
            CacheEntry e = it.next();
            sink.accept(ReplicaChange.put(e.key(), e.value(), e.expiresAtMillis(), e.group()));
            count++;
        }
        return count;
    }

    @Override
    public long resend() {
        long sent = 0;
        if (clearUnsent) {
            clearUnsent = false;
            long[] taken = new long[1];
            clearLocally(m -> {
                // the clear went; now every live entry after it, each offered under its slot lock
                if (m.offered) {
                    taken[0]++;
                    for (Iterator<CacheEntry> it = table.iterator(); it.hasNext();) {
                        unsent.add(it.next().key());
                    }
                }
                return 0;
            });
            sent += taken[0];
        }
        for (String key : unsent.toArray(new String[0])) {
            unsent.remove(key);
            if ((Boolean) table.writeKey(key, (n, now, st) -> Change.none(offerState(key, n)))) {
                sent++;
            }
        }
        return sent;
    }

    /**
     * Offers a key's state now, under its slot lock, for {@link #resend()}.
     *
     * @param n the key's live node, or {@code null}
     * @return whether the outbox took it
     */
    boolean offerState(String key, Node n) {
        if (n == null) {
            offerRemove(key);
        } else {
            offerPut(key, n.value(), n.writeDeadline(), n.group());
        }
        return !unsent.contains(key);
    }

    @Override
    public long unsent() {
        return unsent.size() + (clearUnsent ? 1 : 0);
    }

    // ------------------------------------------------------------------------------- expiry

    /**
     * Whether this node raises the expiry of an entry: always with {@code every-node} or when no
     * provider is connected; with {@code owner}, when the provider's ownership says so. When it
     * does not, the provider is told, so that it can raise it later if the owner leaves first.
     * Called with no lock held.
     */
    boolean raisesExpired(Node n) {
        ExpiryOwnership owner = ownership;
        if (events == ExpiryEvents.EVERY_NODE || owner == null) {
            return true;
        }
        try {
            if (owner.raisesExpired(table.name(), n.key)) {
                return true;
            }
            owner.passed(table.name(), n.key, n.value(), table.time.toEpochMillis(n.deadline()), n.group());
            return false;
        } catch (RuntimeException e) {
            // an ownership that fails cannot name the owner: raising it here loses no event
            return true;
        }
    }

    /**
     * How far this node's expiries are swept and delivered: the earlier of the time through
     * which the sweeps took out and reported every entry due ({@link DueBoard#sweptThrough}),
     * and the moment before the earliest deadline the listener has not finished delivering.
     * Costs a read per sweeper partition and one of the listener's figure.
     */
    @Override
    public long raisedThrough() {
        long swept = table.dues.sweptThrough();
        if (swept == DueBoard.NOTHING_SWEPT) {
            return Long.MIN_VALUE;
        }
        long waiting = table.listener.undeliveredSince();
        long through = table.time.toEpochMillis(swept);
        return waiting == Long.MAX_VALUE ? through : Math.min(through, waiting - 1);
    }

    @Override
    public void raiseExpired(String key, Object value, long expiresAtMillis, String group) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        if (table.listener.wants(EventKind.EXPIRED)) {
            table.reports.entry(EventKind.EXPIRED, key, value, expiresAtMillis, group);
        }
    }
}
