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

    /** What {@link #sweptThrough()} says before every partition has been swept once: nothing. */
    static final long NOTHING_SWEPT = Long.MIN_VALUE / 4;

    private volatile AtomicLongArray dues = new AtomicLongArray(1);
    /**
     * For each partition, a time through which it was swept: every entry of it whose deadline is
     * at or before that time has been taken out and reported. Replaced with the dues when the
     * partition count changes, starting at {@link #NOTHING_SWEPT}; only moves forward.
     */
    private volatile AtomicLongArray swept = nothingSwept(1);

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
                // the progress first: a sweep that sees the new dues records into the new progress
                swept = nothingSwept(parts);
                d = new AtomicLongArray(parts);
                dues = d;
            }
            return d;
        }
    }

    private static AtomicLongArray nothingSwept(int parts) {
        AtomicLongArray a = new AtomicLongArray(parts);
        for (int i = 0; i < parts; i++) {
            a.set(i, NOTHING_SWEPT);
        }
        return a;
    }

    /**
     * Records that a partition was swept through a time: the sweep of that partition found
     * nothing due at or before it, or took out and reported everything that was. A record for a
     * partition count no longer in use is ignored.
     *
     * @param parts the partition count the sweep used
     * @param part the partition
     * @param through the time, monotonic ms
     */
    void swept(int parts, int part, long through) {
        AtomicLongArray s = swept;
        if (s.length() != parts) {
            return;
        }
        long seen = s.get(part);
        while (through > seen && !s.compareAndSet(part, seen, through)) {
            seen = s.get(part);
        }
    }

    /**
     * Returns a time through which the whole table was swept: the earliest of the partitions'.
     * Every entry whose deadline is at or before it has been taken out of the table and reported
     * (but for one a write takes out in the moment between its unlock and its report).
     *
     * @return monotonic ms; {@link #NOTHING_SWEPT} until every partition has been swept once
     */
    long sweptThrough() {
        AtomicLongArray s = swept;
        long min = Long.MAX_VALUE;
        for (int i = 0; i < s.length(); i++) {
            min = Math.min(min, s.get(i));
        }
        return min;
    }

    /** Marks every partition due, after the segments were replaced. */
    void resetAll() {
        synchronized (this) {
            dues = new AtomicLongArray(dues.length());
        }
    }
}
