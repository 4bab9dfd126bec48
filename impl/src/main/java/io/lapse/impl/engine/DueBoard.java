package io.lapse.impl.engine;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * When each sweeper partition of a table next has work: the earliest {@link Segment#nextDue} of
 * the segments in it, or earlier. A sweeper thread that finds its partition not due skips the
 * table with one read, so an idle table costs nothing to sweep.
 *
 * <p>Protocol: a writer that moves a segment's {@code nextDue} earlier lowers its partition's
 * figure after writing {@code nextDue}; a sweeper raises the figure to "never" before scanning
 * the partition and lowers it to the earliest {@code nextDue} it saw after. Whichever order the
 * two interleave in, the figure ends at or before the earliest due time. Partition count changes
 * replace the array with one of zeros ("due now"), so nothing lowered in the old one is lost.
 *
 * <p>Safe for use by any number of threads.
 */
final class DueBoard {

    private volatile AtomicLongArray dues = new AtomicLongArray(1);

    /** Lowers the figure of the partition holding a segment to {@code due}, if that is earlier. */
    void lower(int segmentIndex, long due) {
        AtomicLongArray d = dues;
        lower(d, segmentIndex % d.length(), due);
    }

    static void lower(AtomicLongArray d, int part, long due) {
        long seen = d.get(part);
        while (due < seen && !d.compareAndSet(part, seen, due)) {
            seen = d.get(part);
        }
    }

    /**
     * Returns the figures for a number of partitions, starting afresh (all due) if the number
     * changed.
     */
    AtomicLongArray forParts(int parts) {
        AtomicLongArray d = dues;
        if (d.length() == parts) {
            return d;
        }
        synchronized (this) {
            d = dues;
            if (d.length() != parts) {
                d = new AtomicLongArray(parts);
                dues = d;
            }
            return d;
        }
    }

    /** Marks every partition due, after the segments were replaced. */
    void resetAll() {
        synchronized (this) {
            dues = new AtomicLongArray(dues.length());
        }
    }
}
