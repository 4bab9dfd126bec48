package io.lapse.impl.engine;

import java.util.Arrays;
import java.util.List;

/**
 * A hierarchical timer wheel over the nodes of one slot: O(1) to schedule, move or unschedule a
 * node, and advancing it costs in proportion to the buckets that come due and the nodes in them,
 * never to the number of nodes scheduled.
 *
 * <p>Six levels of 64 buckets each; a bucket of level {@code i} spans 64<sup>i</sup> ms, so level 0
 * holds the next 64 ms to the millisecond, level 1 the next 4 s, level 2 the next 4.4 min, level 3
 * the next 4.7 h, level 4 the next 12 days and level 5 the next 2.2 years; later deadlines wait in
 * level 5 and are placed again when their bucket comes round. A node is placed by its deadline at
 * the finest level whose span reaches it, and moves down a level each time its bucket comes due,
 * so it is touched at most once per level. A node whose deadline grew after it was placed (an
 * idle read, a rewrite) sits in an earlier bucket than its deadline and is placed again when that
 * bucket comes due; a deadline that shrinks is moved at once.
 *
 * <p>Bucket lists are doubly linked through the nodes, and each node records its bucket, so no
 * sentinel objects are needed. Level arrays are allocated on first use.
 *
 * <p>Not thread-safe: every method must be called under the owning slot's lock.
 */
final class TimerWheel {

    private static final int LEVELS = 6;
    private static final int BITS = 6;
    private static final int BUCKETS = 1 << BITS;
    private static final int MASK = BUCKETS - 1;
    /** The farthest a node is placed ahead of the wheel's time. */
    private static final long REACH = (1L << (BITS * LEVELS)) - 1;

    private final Node[][] heads = new Node[LEVELS][];
    private final long[] occupied = new long[LEVELS];
    /** Every node whose deadline is at or before this time has been dealt with. */
    private long time;

    TimerWheel(long now) {
        time = now;
    }

    /**
     * Returns the wheel's time: the last time it was advanced to.
     *
     * @return monotonic ms
     */
    long time() {
        return time;
    }

    /**
     * Places a node that is on no list by its current deadline.
     *
     * @param node a node with a finite deadline and {@link Node#UNSCHEDULED} slot
     * @return the time at which the bucket the node went into comes due
     */
    long schedule(Node node) {
        long d = node.deadline();
        // A deadline at or before the wheel's time goes into the current level-0 bucket, which
        // the next advance processes whatever time it advances to.
        long at = Math.max(d, time);
        long delta = Math.min(at - time, REACH);
        int level = delta < BUCKETS ? 0 : (63 - Long.numberOfLeadingZeros(delta)) / BITS;
        if (delta == REACH) {
            at = time + REACH;
        }
        int shift = level * BITS;
        int index = (int) (at >>> shift) & MASK;
        Node[] row = heads[level];
        if (row == null) {
            row = new Node[BUCKETS];
            heads[level] = row;
        }
        Node head = row[index];
        node.wheelPrev = null;
        node.wheelNext = head;
        if (head != null) {
            head.wheelPrev = node;
        }
        row[index] = node;
        node.wheelSlot((level << BITS) | index);
        occupied[level] |= 1L << index;
        return (at >>> shift) << shift;
    }

    /**
     * Takes a node off its list; does nothing for a node on none.
     *
     * @param node the node
     */
    void unschedule(Node node) {
        int slot = node.wheelSlot();
        if (slot == Node.UNSCHEDULED) {
            return;
        }
        int level = slot >>> BITS;
        int index = slot & MASK;
        Node prev = node.wheelPrev;
        Node next = node.wheelNext;
        if (prev == null) {
            heads[level][index] = next;
            if (next == null) {
                occupied[level] &= ~(1L << index);
            }
        } else {
            prev.wheelNext = next;
        }
        if (next != null) {
            next.wheelPrev = prev;
        }
        node.wheelPrev = null;
        node.wheelNext = null;
        node.wheelSlot(Node.UNSCHEDULED);
    }

    /**
     * Advances to {@code now}: every node whose deadline is at or before {@code now} is taken off
     * the wheel and added to {@code expired} (its verdict taken for good, see
     * {@link Node#expireIfDue}); nodes of due buckets whose deadline lies ahead are placed again;
     * pinned nodes of due buckets are left off the wheel for the write that pinned them.
     *
     * @param now the new time, not before the wheel's time
     * @param expired receives the expired nodes, unscheduled
     */
    void advance(long now, List<Node> expired) {
        long previous = time;
        if (now < previous) {
            now = previous;
        }
        time = now;
        try {
            for (int level = 0; level < LEVELS; level++) {
                int shift = level * BITS;
                // Level 0 processes its current bucket too: it holds nodes placed while overdue.
                long from = (previous >>> shift) + (level == 0 ? 0 : 1);
                long to = now >>> shift;
                if (from > to) {
                    break;
                }
                long due = to - from >= MASK ? occupied[level] : rangeMask(from, to) & occupied[level];
                while (due != 0) {
                    int index = Long.numberOfTrailingZeros(due);
                    due &= due - 1;
                    process(level, index, now, expired);
                }
            }
        } catch (Throwable t) {
            // The next advance starts again from where this one did, so no due bucket is passed
            // over; a bucket processed twice only files its nodes again.
            time = previous;
            throw t;
        }
    }

    private static long rangeMask(long from, long to) {
        int first = (int) from & MASK;
        int count = (int) (to - from) + 1;
        long run = count == BUCKETS ? -1L : (1L << count) - 1;
        return Long.rotateLeft(run, first);
    }

    private void process(int level, int index, long now, List<Node> expired) {
        Node[] row = heads[level];
        Node rest = row[index];
        row[index] = null;
        occupied[level] &= ~(1L << index);
        try {
            while (rest != null) {
                Node node = rest;
                Node next = node.wheelNext;
                if (node.pinned()) {
                    // A write of its key is with a store: it decides the deadline when it comes
                    // back and files the node again then.
                    detach(node);
                } else if (node.expireIfDue(now)) {
                    expired.add(node);
                    detach(node);
                } else {
                    // links the node into a later bucket, rewriting its links
                    schedule(node);
                }
                rest = next;
            }
        } catch (Throwable t) {
            // Out of memory, most likely (the list, a new level): what was not handled goes back
            // into this bucket, linked as it was, so no node is lost to a later advance.
            rest.wheelPrev = null;
            row[index] = rest;
            occupied[level] |= 1L << index;
            throw t;
        }
    }

    private static void detach(Node node) {
        node.wheelPrev = null;
        node.wheelNext = null;
        node.wheelSlot(Node.UNSCHEDULED);
    }

    /**
     * Returns when the wheel next needs advancing: the time its first occupied bucket comes due.
     *
     * @return monotonic ms, {@link Long#MAX_VALUE} when the wheel is empty
     */
    long nextDue() {
        long due = Long.MAX_VALUE;
        for (int level = 0; level < LEVELS; level++) {
            long bits = occupied[level];
            if (bits == 0) {
                continue;
            }
            int shift = level * BITS;
            long first = (time >>> shift) + (level == 0 ? 0 : 1);
            int offset = Long.numberOfTrailingZeros(Long.rotateRight(bits, (int) first & MASK));
            due = Math.min(due, (first + offset) << shift);
        }
        return due;
    }

    /** Forgets every node; their slots are left as they are, for nodes that leave the table. */
    void clear() {
        for (int level = 0; level < LEVELS; level++) {
            if (heads[level] != null) {
                Arrays.fill(heads[level], null);
            }
            occupied[level] = 0;
        }
    }
}
