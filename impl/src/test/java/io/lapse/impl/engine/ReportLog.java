package io.lapse.impl.engine;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Everything one table reports, for {@link ExactlyOnceStressTest}: each report with the precise
 * clock when it was made, kept in one queue, and also handed to the calling thread's list when
 * that thread asked for its own (so an operation can check what it raised itself).
 *
 * <p>Safe for use by any number of threads.
 */
final class ReportLog implements TableListener {

    /** One report: an entry leaving the table, or a count for the whole table. */
    static final class Report {
        final EventKind kind;
        final String key;
        final Object value;
        /** The deadline reported, on the monotonic clock; {@link Node#NEVER} for none. */
        final long deadline;
        /** The precise clock when the report reached the listener. */
        final long clockAt;
        final long count;

        Report(EventKind kind, String key, Object value, long deadline, long clockAt, long count) {
            this.kind = kind;
            this.key = key;
            this.value = value;
            this.deadline = deadline;
            this.clockAt = clockAt;
            this.count = count;
        }

        @Override
        public String toString() {
            return kind + (key == null ? " #" + count : " " + key + "=" + value + " deadline "
                + (deadline == Node.NEVER ? "never" : Long.toString(deadline))) + " at " + clockAt;
        }
    }

    /** The reports the current thread raises while it has set a list here. */
    static final ThreadLocal<List<Report>> OWN = new ThreadLocal<>();

    final ConcurrentLinkedQueue<Report> all = new ConcurrentLinkedQueue<>();
    private final Clock clock;

    ReportLog(Clock clock) {
        this.clock = clock;
    }

    @Override
    public boolean wants(EventKind kind) {
        return true;
    }

    @Override
    public void entry(EventKind kind, String cache, String key, Object value, long expiresAtMillis) {
        long deadline = expiresAtMillis == 0 ? Node.NEVER : expiresAtMillis - ManualClock.EPOCH_OFFSET;
        add(new Report(kind, key, value, deadline, clock.millis(), 0));
    }

    @Override
    public void table(EventKind kind, String cache, long count) {
        add(new Report(kind, null, null, Node.NEVER, clock.millis(), count));
    }

    private void add(Report r) {
        all.add(r);
        List<Report> own = OWN.get();
        if (own != null) {
            own.add(r);
        }
    }
}
