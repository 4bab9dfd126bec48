package io.lapse.impl.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * One slot of a cache (htable's slot, a lock stripe): a hash table of its own that grows as it
 * fills, the timer wheel of its nodes, and the counters of what happened to them.
 *
 * <p>Locking: the segment is its own lock ({@link SlotLock}). Every change to its chains, its
 * wheel, its count and its counters happens under it. Readers take no lock and never touch the
 * segment: they find its bucket array in the cache's shared array of tables ({@link #tables},
 * one entry per segment) and walk a chain. Plain insertions and removals change chains in a way
 * such a walk survives: a reader standing on a removed node still finds the rest of the chain
 * through it. Only a resize, and the move of every node to new slots, relink nodes in place; they
 * first replace the segment's entry with {@link #MOVING}, so a reader that missed and then finds
 * its entry changed knows its walk may have raced with a relinking and looks again under the lock.
 */
final class Segment extends SlotLock {

    /** Stands in a segment's entry of the shared tables while its nodes are relinked. */
    static final Node[] MOVING = new Node[1];

    private static final VarHandle BUCKET = MethodHandles.arrayElementVarHandle(Node[].class);
    private static final VarHandle TABLES = MethodHandles.arrayElementVarHandle(Node[][].class);
    private static final int FIRST_CAPACITY = 4;
    private static final int MAX_CAPACITY = 1 << 30;

    /** This segment's index in the cache's segment array. */
    final int index;
    private final DueBoard board;
    /** The table's keygroups, told of every node of a group that is linked or leaves. */
    private final KeyGroups groups;
    /**
     * The bucket arrays of this segment and its siblings, where readers find them; this
     * segment's entry is written only under its lock.
     */
    private final Node[][] tables;
    /** This segment's bucket array, {@code null} while empty; the locked copy of its entry. */
    private Node[] table;
    /** Nodes in the chains, live or expired but not yet taken out. */
    int count;
    final TimerWheel wheel;
    /** When the wheel next needs advancing; read without the lock by the sweeper. */
    volatile long nextDue = Long.MAX_VALUE;
    /** Set once the segment's nodes have moved elsewhere; writers must look again. */
    boolean retired;

    long puts;
    long removals;
    long expirations;
    long evictions;
    /**
     * The table's {@link Footprint}, told of every node linked and unlinked; {@code null} in a
     * table without limits. Set under this lock, by a change of layout or of limits.
     */
    Footprint footprint;
    /**
     * The bytes this segment's nodes and bucket array weigh, while the footprint
     * {@linkplain Footprint#weighs weighs}.
     */
    long weight;

    Segment(int index, Node[][] tables, long now, DueBoard board, KeyGroups groups) {
        this.index = index;
        this.tables = tables;
        this.board = board;
        this.groups = groups;
        this.wheel = new TimerWheel(now);
    }

    /**
     * Looks a key up without any lock, in the shared tables of a cache.
     *
     * @param tables the cache's tables, as read once by the caller
     * @param index the key's segment
     * @return the node, {@code null} if the key has none, or {@link #MOVING} if the walk may have
     *     raced with a relinking and the key must be looked up again under the lock
     */
    static Object find(Node[][] tables, int index, String key, int hash) {
        Node[] tab = (Node[]) TABLES.getAcquire(tables, index);
        if (tab == MOVING) {
            return MOVING;
        }
        if (tab != null) {
            for (Node n = (Node) BUCKET.getAcquire(tab, hash & (tab.length - 1)); n != null; n = n.next()) {
                if (n.hash == hash && key.equals(n.key)) {
                    // A node found is the key's, whatever relinking went on: keys never change.
                    return n;
                }
            }
        }
        // A miss holds only if no relinking began: relinking replaces the entry first, and the
        // acquiring loads of the walk order this read after any relinked link the walk saw.
        return TABLES.getAcquire(tables, index) == tab ? null : MOVING;
    }

    /**
     * Nothing to check here: a thread inside a compute function, the one way a thread could come
     * to wait for a slot it holds, is refused every slot lock of its cache before it tries (see
     * {@code CacheTable.lock}).
     */
    @Override
    void beforeWaiting() {
    }

    /** Publishes this segment's bucket array to readers; caller holds the lock. */
    private void publish(Node[] tab) {
        Footprint f = footprint;
        if (f != null && f.weighs) {
            long change = Weights.buckets(tab.length) - Weights.buckets(table == null ? 0 : table.length);
            weight += change;
            f.add(0, change);
        }
        table = tab;
        TABLES.setRelease(tables, index, tab);
    }

    /**
     * Returns this segment's bucket array, for a walk over its chains; caller holds the lock.
     *
     * @return the buckets, {@code null} while the segment is empty
     */
    Node[] table() {
        return table;
    }

    /** Looks a key up; caller holds the lock. */
    Node findLocked(String key, int hash) {
        Node[] tab = table;
        if (tab == null) {
            return null;
        }
        Node n = tab[hash & (tab.length - 1)];
        while (n != null && (n.hash != hash || !key.equals(n.key))) {
            n = n.next();
        }
        if (n != null) {
            n.settle();
        }
        return n;
    }

    /**
     * Links a new node into its chain and, if it has a deadline, into the wheel; caller holds the lock.
     *
     * <p>The node goes to the tail of its chain, so the entries that stay stand in front of
     * newcomers: in a capped cache the survivors of the clock hand are the entries in use, and a
     * read of one then walks past no newer entry, each a likely cache miss (a newcomer is seldom
     * read again). At the head, every key that missed and was put stood in front of the hot keys
     * of its bucket: in turns of single forks of section F's benchmark, linking at the tail made
     * the capped get about a fifth faster on one thread, and the capped put about a tenth faster
     * on one and on two (means of 8 to 12 turns). A write of a new key has just walked the chain
     * to find the key absent, so the walk to its tail reads nodes already in cache.
     */
    void insert(Node node) {
        Node[] tab = table;
        if (tab == null) {
            tab = new Node[FIRST_CAPACITY];
            publish(tab);
        }
        int i = node.hash & (tab.length - 1);
        node.next(null);
        Node last = tab[i];
        if (last == null) {
            BUCKET.setRelease(tab, i, node);
        } else {
            for (Node n; (n = last.next()) != null;) {
                last = n;
            }
            last.next(node);
        }
        count++;
        Footprint f = footprint;
        if (f != null) {
            long w = f.weighs ? Weights.of(node) : 0;
            weight += w;
            f.add(1, w);
        }
        schedule(node);
        if (node.group() != null) {
            groups.linked(node);
        }
        if (count > tab.length && tab.length < MAX_CAPACITY) {
            resize(tab);
        }
    }

    /**
     * Makes a key a member of a keygroup before the write that puts it there: see
     * {@link KeyGroups#join}; caller holds the lock.
     */
    String joinGroup(String group, String key, int max) {
        return groups.join(group, key, max);
    }

    /** Takes a node out of its chain, its wheel and its keygroup; caller holds the lock. */
    void unlink(Node node) {
        // a put without the lock that is writing the node finishes first: it took effect before
        node.settle();
        unlinkChain(node);
        wheel.unschedule(node);
        count--;
        unaccount(node);
    }

    /**
     * Attaches the segment to a footprint and weighs its nodes for it, after a change of layout or
     * of limits; caller holds the lock (and, so that the totals the caller sets from every
     * segment's count and weight hold, every other slot lock of the table).
     *
     * @param f the table's footprint, or {@code null} for a table without limits
     * @param reweigh whether the nodes' weight flags must be found again: they were stored while
     *     the table did not weigh its entries
     */
    void account(Footprint f, boolean reweigh) {
        footprint = f;
        weight = f != null && f.weighs ? measure(reweigh) : 0;
    }

    /**
     * Returns what this segment's nodes weigh; caller holds the lock. Kept as they change while
     * the footprint weighs; otherwise measured here, reading every key and String value.
     *
     * @return bytes
     */
    long weigh() {
        Footprint f = footprint;
        return f != null && f.weighs ? weight : measure(true);
    }

    /**
     * Weighs the bucket array and every node; caller holds the lock.
     *
     * @param findFlags whether to read every key and String value for the nodes' weight flags
     *     (and keep them in the nodes), as for nodes stored while the table did not weigh; else
     *     the flags the nodes hold are used
     * @return bytes
     */
    private long measure(boolean findFlags) {
        Node[] tab = table;
        if (tab == null) {
            return 0;
        }
        long w = Weights.buckets(tab.length);
        for (Node head : tab) {
            for (Node n = head; n != null; n = n.next()) {
                n.settle();
                if (findFlags) {
                    n.flags(Weights.flags(n.key, n.value()));
                }
                w += Weights.of(n);
            }
        }
        return w;
    }

    /** Takes a node that left the chains off the footprint and out of its keygroup; caller holds the lock. */
    private void unaccount(Node node) {
        if (node.group() != null) {
            groups.unlinked(node);
        }
        Footprint f = footprint;
        if (f != null) {
            long w = f.weighs ? Weights.of(node) : 0;
            weight -= w;
            f.add(-1, -w);
        }
    }

    /**
     * Gives a live node a new value of the same kind, keeping the footprint true; caller holds
     * the lock.
     *
     * @param valueFlags {@link Node#VALUE_WIDE} as {@link Weights#flags} found it, or 0
     */
    void revalue(Node node, Object v, int valueFlags) {
        Footprint f = footprint;
        if (f == null || !f.weighs) {
            node.value(v, valueFlags);
            return;
        }
        long before = Weights.of(node);
        node.value(v, valueFlags);
        long change = Weights.of(node) - before;
        weight += change;
        f.add(0, change);
    }

    /**
     * Puts a node whose deadline is finite into the wheel; caller holds the lock. A pinned node
     * stays off the wheel: the write that pinned it files it when it is done.
     */
    void schedule(Node node) {
        if (node.deadline() != Node.NEVER && !node.pinned()) {
            long due = wheel.schedule(node);
            if (due < nextDue) {
                nextDue = due;
                board.lower(index, due);
            }
        }
    }

    /**
     * Re-files a node in the wheel after its deadline changed from {@code before}; caller holds
     * the lock. A later deadline leaves the node where it is, to be placed again when its bucket
     * comes due; an earlier one moves it now.
     */
    void deadlineChanged(Node node, long before) {
        long d = node.deadline();
        if (d == Node.NEVER) {
            wheel.unschedule(node);
        } else if (d < before || node.wheelSlot() == Node.UNSCHEDULED) {
            wheel.unschedule(node);
            schedule(node);
        }
    }

    /**
     * Advances the wheel and takes every node whose deadline is at or before {@code now} out of
     * the segment; caller holds the lock.
     *
     * @param expired receives the nodes taken out
     */
    void expire(long now, List<Node> expired) {
        int from = expired.size();
        try {
            wheel.advance(now, expired);
        } finally {
            // also when the advance failed midway: what it handed over leaves the chains, so
            // that what the caller reports is exactly what left
            for (int i = from, n = expired.size(); i < n; i++) {
                Node node = expired.get(i);
                unlinkChain(node);
                count--;
                unaccount(node);
                expirations++;
            }
            nextDue = wheel.nextDue();
        }
    }

    private void unlinkChain(Node node) {
        Node[] tab = table;
        int i = node.hash & (tab.length - 1);
        Node n = tab[i];
        if (n == node) {
            BUCKET.setRelease(tab, i, node.next());
            return;
        }
        while (n.next() != node) {
            n = n.next();
        }
        n.next(node.next());
    }

    /**
     * Takes out every node the filter accepts; caller holds the lock.
     *
     * @param filter decides per node
     * @param out receives the nodes taken out
     */
    void removeIf(Predicate<Node> filter, List<Node> out) {
        Node[] tab = table;
        if (tab == null) {
            return;
        }
        for (int i = 0; i < tab.length; i++) {
            Node pred = null;
            Node n = tab[i];
            while (n != null) {
                Node next = n.next();
                n.settle();
                if (filter.test(n)) {
                    if (pred == null) {
                        BUCKET.setRelease(tab, i, next);
                    } else {
                        pred.next(next);
                    }
                    wheel.unschedule(n);
                    count--;
                    unaccount(n);
                    out.add(n);
                } else {
                    pred = n;
                }
                n = next;
            }
        }
    }

    /** Calls the visitor for every node in the chains; caller holds the lock. */
    void forEach(Consumer<Node> visitor) {
        Node[] tab = table;
        if (tab == null) {
            return;
        }
        for (Node head : tab) {
            for (Node n = head; n != null; n = n.next()) {
                n.settle();
                visitor.accept(n);
            }
        }
    }

    /** Drops every node at once, as after a clear; caller holds the lock. */
    void dropAll() {
        Footprint f = footprint;
        if (f != null) {
            f.add(-count, -weight);
        }
        weight = 0;
        table = null;
        if (!retired) {
            // a retired segment keeps MOVING, which sends readers to the lock and its verdict
            TABLES.setRelease(tables, index, null);
        }
        count = 0;
        wheel.clear();
        nextDue = Long.MAX_VALUE;
    }

    /**
     * Starts moving every node elsewhere: from now on lock-free readers retry and writers that
     * lock this segment look again; caller holds the lock and keeps it until the move is done.
     */
    void retire() {
        retired = true;
        TABLES.setVolatile(tables, index, MOVING);
    }

    /**
     * Links a node that leaves a retired segment into this one; caller holds the locks of both.
     */
    void adopt(Node node) {
        node.wheelSlot(Node.UNSCHEDULED);
        node.wheelPrev = null;
        node.wheelNext = null;
        insert(node);
    }

    private void resize(Node[] old) {
        int n = old.length;
        Node[] grown = new Node[n << 1];
        // Readers that miss while the chains are relinked must notice: see find.
        TABLES.setVolatile(tables, index, MOVING);
        for (int i = 0; i < n; i++) {
            // Split each chain into the nodes that stay at i and those that move to i + n,
            // keeping their order, so a reader walking the old chain only ever steps forward.
            Node loHead = null;
            Node loTail = null;
            Node hiHead = null;
            Node hiTail = null;
            for (Node e = old[i]; e != null; e = e.next()) {
                if ((e.hash & n) == 0) {
                    if (loTail == null) {
                        loHead = e;
                    } else {
                        loTail.next(e);
                    }
                    loTail = e;
                } else {
                    if (hiTail == null) {
                        hiHead = e;
                    } else {
                        hiTail.next(e);
                    }
                    hiTail = e;
                }
            }
            if (loTail != null) {
                loTail.next(null);
            }
            if (hiTail != null) {
                hiTail.next(null);
            }
            grown[i] = loHead;
            grown[i + n] = hiHead;
        }
        publish(grown);
    }
}
