package io.lapse.impl.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * One sweep of one partition of a table: what a {@link Sweeper} thread does with each table it
 * sweeps. Stateless.
 */
final class PartitionSweep {

    private PartitionSweep() {
    }

    /**
     * Expires what is due in one sweeper partition: the segments whose index is {@code part}
     * modulo {@code parts}. Costs a few volatile reads when nothing is due, and no write unless the
     * table is replicated (below). Never waits for a slot
     * lock: a segment whose lock is taken is left for a pass {@code retryMillis} later. For a
     * replicated table, records how far the partition is swept ({@link DueBoard#swept}) when it
     * has nothing due, and after a pass that visited every segment.
     *
     * @param table the table
     * @param part this sweeper thread's partition, {@code 0 <= part < parts}
     * @param parts how many sweeper threads share the work
     * @param retryMillis how soon to come back to a segment that was locked
     * @return when the partition next has work, in monotonic ms ({@link Long#MAX_VALUE} for
     *     never); a write may make it earlier at any time
     */
    static long sweep(CacheTable table, int part, int parts, long retryMillis) {
        AtomicLongArray d = table.dues.forParts(parts);
        long now = table.time.now();
        long planned = d.get(part);
        if (now < planned) {
            // nothing in the partition is due before the planned time
            recordSwept(table, parts, part, now);
            return planned;
        }
        d.set(part, Long.MAX_VALUE);
        long earliest = Long.MAX_VALUE;
        long start = now;
        boolean whole = true;
        try {
            List<Node> expired = null;
            Segment[] segs = table.segments;
            for (int i = part; i < segs.length; i += parts) {
                Segment s = segs[i];
                long due = s.nextDue;
                if (due <= now) {
                    if (!s.tryLock()) {
                        earliest = Math.min(earliest, now + retryMillis);
                        whole = false;
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
                        table.reports.expired(expired, now);
                    }
                    now = table.time.now();
                }
                earliest = Math.min(earliest, due);
            }
            if (whole) {
                // every segment was visited, and what was due at the start is out and reported
                recordSwept(table, parts, part, start);
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
     * Records how far a partition is swept, for a replicated table only: its replica is the one
     * reader ({@link Replication#raisedThrough}), and an idle table of any other kind should not
     * write a shared figure at every wake-up.
     */
    private static void recordSwept(CacheTable table, int parts, int part, long through) {
        if (table.replication != null) {
            table.dues.swept(parts, part, through);
        }
    }
}
