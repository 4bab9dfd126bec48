package io.lapse.impl.engine;

import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * What a table tells its {@link TableListener}: entries that left it (expired, evicted, removed)
 * and whole-table happenings (cleared, loaded, created), with the count of reports the listener
 * failed and the lateness of expiries.
 *
 * <p>Every method is called with no slot lock held, after the change it reports is made: a
 * listener that calls back into the table cannot wait for the caller. A listener that throws
 * breaks its contract; the change stays made and the report is counted as failed, so that one bad
 * listener neither fails an operation nor the rest of a sweep.
 *
 * <p>Thread safety: safe for any number of threads; one instance per table.
 */
final class TableReports {

    private final CacheTable table;
    /** Reports the listener failed with, beside the events it could not deliver (its own count). */
    final LongAdder failed = new LongAdder();
    /** How late expiries were noticed, for the lag figures of the statistics. */
    final LagHistogram lag = new LagHistogram();

    TableReports(CacheTable table) {
        this.table = table;
    }

    /** Reports a node already out of the table as expired, noticed now; nothing for {@code null}. */
    void expired(Node n) {
        if (n != null) {
            expired(n, table.time.now());
        }
    }

    /** Reports nodes already out of the table as expired, every one of them: see {@link ReportEach}. */
    void expired(List<Node> expired, long noticedAt) {
        ReportEach.of(expired, n -> expired(n, noticedAt), failed);
    }

    /** Reports evicted nodes, already out of the table, as {@link #expired(List, long)} does expired ones. */
    void evicted(List<Node> evicted) {
        ReportEach.of(evicted, n -> entry(EventKind.EVICTED, n), failed);
    }

    private void expired(Node n, long noticedAt) {
        LevelBacking lv = table.level;
        if (lv != null) {
            // the level's row is the entry: its deletion is the expiry, and is reported then
            lv.noticed(n);
            return;
        }
        lag.record(noticedAt - n.deadline());
        Replication rep = table.replication;
        if (rep == null || rep.raisesExpired(n)) {
            entry(EventKind.EXPIRED, n);
        }
    }

    /** Reports a node already out of the table, if the listener wants such reports. */
    void entry(EventKind kind, Node n) {
        if (table.listener.wants(kind)) {
            entry(kind, n.key, n.value(), table.time.toEpochMillis(n.deadline()), n.group());
        }
    }

    /** Reports an entry; also one another node expired and may not have reported: see {@link Replication#raiseExpired}. */
    void entry(EventKind kind, String key, Object value, long expiresAtMillis, String group) {
        try {
            table.listener.entry(kind, table.name(), key, value, expiresAtMillis, group);
        } catch (RuntimeException e) {
            failed.increment();
        }
    }

    /** Reports a happening of the whole table with its count, if the listener wants such reports. */
    void table(EventKind kind, long count) {
        if (table.listener.wants(kind)) {
            try {
                table.listener.table(kind, table.name(), count);
            } catch (RuntimeException e) {
                failed.increment();
            }
        }
    }
}
