package io.lapse.impl.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.function.Predicate;

import io.lapse.cache.Match;

/**
 * The thread of {@link ExactlyOnceStressTest} that runs the whole-table operations while the
 * {@link KeyWriter}s write: removals by key and by value match, counts, size and statistics and
 * changes of size beside them; clears and reloads (with {@code replace}) while they wait, since
 * a clear reports only a count and a reload drops live entries without a report, which only a
 * quiet moment makes exact: every version written before it ended by then, by its own report or
 * by it. It also owns the keys {@code r0..r15}, which only reloads write.
 *
 * <p>Each call's own reports are checked at once: a removal by match reports exactly as many
 * entries REMOVED as it returns, each one matching; a clear reports one CLEARED with its count.
 */
final class TableMaintainer implements Runnable {

    static final int RELOADED_KEYS = 16;

    private final AuditedTable[] tables;
    private final Clock clock;
    private final ReadWriteLock quiesce;
    private final Violations violations;
    private final int writers;
    private final SplittableRandom random = new SplittableRandom(4711);
    private final List<ReportLog.Report> own = new ArrayList<>();
    private volatile boolean stop;
    private long done;
    private long clears;
    private long reloads;
    private long resizes;
    private long sequence;

    TableMaintainer(AuditedTable[] tables, Clock clock, ReadWriteLock quiesce, Violations violations, int writers) {
        this.tables = tables;
        this.clock = clock;
        this.quiesce = quiesce;
        this.violations = violations;
        this.writers = writers;
    }

    void stop() {
        stop = true;
    }

    /** @return how many table operations it made */
    long operations() {
        return done;
    }

    String figures() {
        return clears + " clears, " + reloads + " reloads, " + resizes + " changes of size";
    }

    @Override
    public void run() {
        ReportLog.OWN.set(own);
        try {
            while (!stop) {
                LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(200));
                AuditedTable at = tables[random.nextInt(tables.length)];
                own.clear();
                int r = random.nextInt(100);
                boolean removing = r < 50;
                boolean clearing = false;
                // a change of size or a reload evicts, with its reports, if the writes in flight
                // left a capped table over its limit: the writer's own eviction may come second
                boolean evicting = r >= 50 && r < 60 || r >= 90;
                if (r < 30) {
                    removeKeys(at);
                } else if (r < 50) {
                    removeValues(at);
                } else if (r < 60) {
                    quiesce.readLock().lock();
                    try {
                        at.table.reconfigure(at.settings(2 + random.nextInt(5)));
                    } finally {
                        quiesce.readLock().unlock();
                    }
                    resizes++;
                } else if (r < 80) {
                    quiesce.readLock().lock();
                    try {
                        at.table.countKeys(Match.prefix("o" + random.nextInt(writers)));
                        at.table.size();
                        at.table.stats();
                        done += 2;
                    } finally {
                        quiesce.readLock().unlock();
                    }
                } else if (r < 90 || at.backing != null) {
                    // a level holds its entries: nothing reloads a backed table
                    clearing = true;
                    clear(at);
                } else {
                    reload(at);
                }
                done++;
                checkOthers(at, removing, clearing, evicting);
            }
        } finally {
            ReportLog.OWN.remove();
        }
    }

    private void removeKeys(AuditedTable at) {
        String prefix;
        Match m;
        int r = random.nextInt(10);
        if (r < 6) {
            prefix = "o" + random.nextInt(writers) + "k" + (1 + random.nextInt(4));
            m = Match.prefix(prefix);
        } else if (r < 9) {
            prefix = "o" + random.nextInt(writers) + "k2";
            m = Match.glob(prefix + "*");
        } else {
            prefix = "r";
            m = Match.prefix(prefix);
        }
        long n;
        quiesce.readLock().lock();
        try {
            n = at.table.removeKeys(m);
        } finally {
            quiesce.readLock().unlock();
        }
        String p = prefix;
        checkRemovals(at, "removeKeys " + m, n, rep -> rep.key.startsWith(p));
    }

    private void removeValues(AuditedTable at) {
        String prefix = (random.nextBoolean() ? "s" : "c") + random.nextInt(writers) + "." + (1 + random.nextInt(9));
        long n;
        quiesce.readLock().lock();
        try {
            n = at.table.removeValues(Match.prefix(prefix));
        } finally {
            quiesce.readLock().unlock();
        }
        checkRemovals(at, "removeValues " + prefix, n,
            rep -> rep.value instanceof String && ((String) rep.value).startsWith(prefix));
    }

    private void checkRemovals(AuditedTable at, String call, long returned, Predicate<ReportLog.Report> matches) {
        long reported = 0;
        for (ReportLog.Report r : own) {
            if (r.kind == EventKind.REMOVED) {
                reported++;
                if (!matches.test(r)) {
                    violations.add("a match reported REMOVED an entry that does not match", at.name + " " + call
                        + " reported " + r);
                }
            }
        }
        if (reported != returned) {
            violations.add("a match returned a count other than the REMOVED it reported", at.name + " " + call
                + " returned " + returned + ", reported " + reported);
        }
    }

    private void clear(AuditedTable at) {
        quiesce.writeLock().lock();
        try {
            AuditedTable.Boundary b = new AuditedTable.Boundary(true, clock.millis());
            at.boundaries.add(b);
            at.epoch++;
            b.cleared = at.table.clear();
        } finally {
            quiesce.writeLock().unlock();
        }
        clears++;
        long cleared = -1;
        int reports = 0;
        for (ReportLog.Report r : own) {
            if (r.kind == EventKind.CLEARED) {
                cleared = r.count;
                reports++;
            }
        }
        long returned = at.boundaries.get(at.boundaries.size() - 1).cleared;
        if (reports != 1 || cleared != returned) {
            violations.add("a clear did not report one CLEARED with the count it returned", at.name + " returned "
                + returned + ", " + reports + " CLEARED reports, last with " + cleared);
        }
    }

    /** Replaces the table's contents with some of the reloaded keys, as a load from a store would. */
    private void reload(AuditedTable at) {
        quiesce.writeLock().lock();
        try {
            Contents fresh = at.table.newContents();
            int epoch = at.epoch + 1;
            for (int i = 0; i < RELOADED_KEYS; i++) {
                int r = random.nextInt(10);
                if (r < 3) {
                    continue;
                }
                String key = "r" + i;
                String value = "l." + sequence++;
                long ttl = r < 8 ? at.autoexpireMillis : 0;
                if (r < 8) {
                    fresh.putWithDefaultTtl(key, value);
                } else {
                    fresh.put(key, value, 0);
                }
                WrittenVersion v = at.written(key, value, epoch);
                v.written(ttl, clock.millis());
            }
            AuditedTable.Boundary b = new AuditedTable.Boundary(false, clock.millis());
            at.boundaries.add(b);
            at.epoch = epoch;
            at.table.replace(fresh, null);
        } finally {
            quiesce.writeLock().unlock();
        }
        reloads++;
    }

    /**
     * Every call may report expiries it met; only removals report REMOVED, only clears CLEARED, only
     * changes of size and reloads of a capped table EVICTED.
     */
    private void checkOthers(AuditedTable at, boolean removing, boolean clearing, boolean evicting) {
        for (ReportLog.Report r : own) {
            boolean expected = r.kind == EventKind.EXPIRED || (removing && r.kind == EventKind.REMOVED)
                || (clearing && r.kind == EventKind.CLEARED) || (evicting && r.kind == EventKind.EVICTED);
            if (!expected) {
                violations.add("a whole-table call raised a report it has no cause for", at.name + " " + r);
            }
        }
        own.clear();
    }
}
