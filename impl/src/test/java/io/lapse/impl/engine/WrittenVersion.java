package io.lapse.impl.engine;

/**
 * One value written to a key, from the write that stored it to whatever ended it: its own
 * report (EXPIRED or REMOVED), the next write of the key while it was live, a clear or reload
 * of the table (a new epoch), or nothing yet at the end of the run. Every value written in
 * {@link ExactlyOnceStressTest} is unique per key, so a report names exactly one version.
 *
 * <p>Written by the one thread that writes the key, read by the audit after every thread has
 * stopped.
 */
final class WrittenVersion {

    final AuditedTable table;
    final String key;
    final Object value;
    /** The table's epoch (count of clears and reloads before it) when it was written. */
    final int epoch;
    /** An upper bound of the deadline writes gave it, {@link Node#NEVER} for none. */
    long writeDeadlineBound;
    /** An upper bound of its last access plus the idle expiry, {@link Node#NEVER} without idle expiry. */
    long idleBound = Node.NEVER;
    /** The next version of the key, written after this one by the same thread. */
    WrittenVersion next;
    /** The precise clock just before the next version's write began. */
    long nextBefore;
    /** The precise clock just after the next version's write returned. */
    long nextAfter;
    /** An operation of its writer found no live entry while this was the latest version. */
    boolean seenGone;
    /** The report that names it, set by the audit. */
    ReportLog.Report report;

    WrittenVersion(AuditedTable table, String key, Object value, int epoch) {
        this.table = table;
        this.key = key;
        this.value = value;
        this.epoch = epoch;
    }

    /** An upper bound of its effective deadline: a deadline no later than this has certainly passed by then. */
    long deadlineBound() {
        return Math.min(writeDeadlineBound, idleBound);
    }

    /** Records the write deadline and, with idle expiry, the access of a write that ended by {@code after}. */
    void written(long ttlMillis, long after) {
        writeDeadlineBound = ttlMillis == 0 ? Node.NEVER : after + ttlMillis;
        accessed(after);
    }

    /** Records a read or write that ended by {@code after}: with idle expiry it moves the deadline. */
    void accessed(long after) {
        if (table.idleMillis > 0) {
            idleBound = after + table.idleMillis;
        }
    }

    @Override
    public String toString() {
        return table.name + ":" + key + "=" + value + " (epoch " + epoch + ", deadline by "
            + (deadlineBound() == Node.NEVER ? "never" : Long.toString(deadlineBound())) + ")";
    }
}
