package io.lapse.impl.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.locks.Lock;

import io.lapse.cache.CacheEntry;

/**
 * The one thread that writes and reads a set of keys of every table of
 * {@link ExactlyOnceStressTest}. Being the only writer of its keys, it knows each key's versions
 * in order, and being the only reader, it knows bounds of their deadlines (a write or an idle
 * read moves a deadline to at most the clock after it plus the TTL). Every value it writes is
 * new for its key: strings carry a sequence number, and numbers are sums of distinct ids from
 * {@code [2^40, 2^40 + 2^30)}, so a value's top bits tell how many ids it holds and, for one key,
 * a chain of increments that starts later holds larger ids: no two versions of a key are equal.
 *
 * <p>What each operation returns is checked at once against what the writer knows (a value that
 * is not the key's latest, an entry visible past a deadline that has certainly passed, an
 * increment that lost an update), and so are the reports the operation raised itself; what the
 * others report is checked by {@link ExactlyOnceAudit} at the end.
 */
final class KeyWriter implements Runnable {

    static final int KEYS = 48;
    private static final long ID_BASE = 1L << 40;
    private static final long LONGEST_CHAIN = 1_000;

    private final int id;
    private final AuditedTable[] tables;
    private final Clock clock;
    private final Lock quiesce;
    private final Violations violations;
    private final long operations;
    private final SplittableRandom random;
    private final String[] keys = new String[KEYS];
    /** Per table and key: the version the writer last wrote, ended or not. */
    private final WrittenVersion[][] latest;
    /** Per table and key: the latest version while the writer believes it live, else null. */
    private final WrittenVersion[][] current;
    private final int[] seenEpoch;
    private final List<ReportLog.Report> own = new ArrayList<>();
    private long sequence;
    private long nextId = ID_BASE;
    private long done;

    KeyWriter(int id, AuditedTable[] tables, Clock clock, Lock quiesce, Violations violations, long operations) {
        this.id = id;
        this.tables = tables;
        this.clock = clock;
        this.quiesce = quiesce;
        this.violations = violations;
        this.operations = operations;
        this.random = new SplittableRandom(id * 7919L);
        for (int i = 0; i < KEYS; i++) {
            keys[i] = "o" + id + "k" + i;
        }
        latest = new WrittenVersion[tables.length][KEYS];
        current = new WrittenVersion[tables.length][KEYS];
        seenEpoch = new int[tables.length];
    }

    /** @return how many table operations it made */
    long operations() {
        return done;
    }

    @Override
    public void run() {
        ReportLog.OWN.set(own);
        try {
            while (done < operations) {
                step();
                done++;
            }
        } finally {
            ReportLog.OWN.remove();
        }
    }

    private void step() {
        int t = random.nextInt(tables.length);
        int k = random.nextInt(KEYS);
        AuditedTable at = tables[t];
        quiesce.lock();
        try {
            int epoch = at.epoch;
            if (epoch != seenEpoch[t]) {
                // a clear or reload ended every entry of the table
                Arrays.fill(current[t], null);
                seenEpoch[t] = epoch;
            }
            own.clear();
            operate(at, t, k, epoch);
        } finally {
            quiesce.unlock();
        }
    }

    private void operate(AuditedTable at, int t, int k, int epoch) {
        CacheTable table = at.table;
        String key = keys[k];
        WrittenVersion cur = current[t][k];
        int op = random.nextInt(100);
        long before = clock.millis();
        if (op < 22) {
            String value = "s" + id + "." + sequence++;
            long ttl = ttl();
            if (ttl < 0) {
                table.put(key, value);
                ttl = at.autoexpireMillis;
            } else {
                table.put(key, value, Duration.ofMillis(ttl));
            }
            stored(at, t, k, value, epoch, before, ttl);
        } else if (op < 28) {
            Long value = nextId++;
            long ttl = Math.max(0, ttl());
            table.put(key, value, Duration.ofMillis(ttl));
            stored(at, t, k, value, epoch, before, ttl);
        } else if (op < 40) {
            String value = "p" + id + "." + sequence++;
            long ttl = Math.max(0, ttl());
            Object existing = table.putIfAbsent(key, value, Duration.ofMillis(ttl));
            if (existing == null) {
                gone(cur);
                stored(at, t, k, value, epoch, before, ttl);
            } else {
                same(cur, existing, key, "putIfAbsent", before);
                checkOwn(at, t, k, null);
            }
        } else if (op < 48) {
            Object removed = table.remove(key);
            if (removed == null) {
                gone(cur);
            } else {
                same(cur, removed, key, "remove", before);
            }
            checkOwn(at, t, k, removed);
            current[t][k] = null;
        } else if (op < 58) {
            increment(at, t, k, epoch, before);
        } else if (op < 65) {
            long ttl = Math.max(0, ttl());
            boolean found = table.setTtl(key, Duration.ofMillis(ttl));
            long after = clock.millis();
            checkOwn(at, t, k, null);
            if (found) {
                if (cur == null) {
                    violations.add("setTtl found an entry its writer knows to be gone", at.name + ":" + key);
                } else {
                    live(cur, before, "setTtl");
                    cur.written(ttl, after);
                }
            } else {
                gone(cur);
                current[t][k] = null;
            }
        } else if (op < 73) {
            compute(at, t, k, epoch, before);
        } else {
            CacheEntry e = table.getEntry(key);
            long after = clock.millis();
            checkOwn(at, t, k, null);
            if (e == null) {
                gone(cur);
                current[t][k] = null;
            } else {
                same(cur, e.value(), key, "getEntry", before);
                if (cur != null) {
                    cur.accessed(after);
                }
            }
        }
    }

    /** A TTL: mostly a few ms so that entries expire while they are written, -1 for the default. */
    private long ttl() {
        int r = random.nextInt(100);
        if (r < 50) {
            return 1 + random.nextInt(4);
        }
        if (r < 85) {
            return 5 + random.nextInt(26);
        }
        return r < 95 ? -1 : 0;
    }

    private void increment(AuditedTable at, int t, int k, int epoch, long before) {
        String key = keys[k];
        WrittenVersion cur = current[t][k];
        if (cur != null && cur.value instanceof Long && ((Long) cur.value >>> 40) >= LONGEST_CHAIN) {
            // a chain this long could reach the sums of longer ones: start a new one
            Long value = nextId++;
            at.table.put(key, value, Duration.ZERO);
            stored(at, t, k, value, epoch, before, 0);
            return;
        }
        long delta = nextId++;
        long result;
        try {
            result = at.table.increment(key, delta);
        } catch (IllegalStateException holdsText) {
            checkOwn(at, t, k, null);
            if (cur == null || !(cur.value instanceof String)) {
                violations.add("increment refused a key its writer knows holds no live text",
                    at.name + ":" + key + " latest " + latest[t][k] + ": " + holdsText.getMessage());
            }
            return;
        }
        if (result == delta) {
            gone(cur);
        } else if (cur == null || !(cur.value instanceof Long) || result != (Long) cur.value + delta) {
            violations.add("an increment did not add to the key's latest value",
                at.name + ":" + key + " latest " + latest[t][k] + " + " + delta + " gave " + result);
        } else {
            live(cur, before, "increment");
        }
        stored(at, t, k, result, epoch, before, at.autoexpireMillis);
    }

    private void compute(AuditedTable at, int t, int k, int epoch, long before) {
        String key = keys[k];
        WrittenVersion cur = current[t][k];
        boolean remove = random.nextInt(10) < 3;
        String value = "c" + id + "." + sequence++;
        Object[] seen = new Object[1];
        Object stored = at.table.compute(key, (kk, v) -> {
            seen[0] = v;
            return remove ? null : value;
        });
        if (seen[0] == null) {
            gone(cur);
        } else {
            same(cur, seen[0], key, "compute", before);
        }
        if (stored == null) {
            checkOwn(at, t, k, seen[0]);
            current[t][k] = null;
        } else {
            stored(at, t, k, value, epoch, before, at.autoexpireMillis);
        }
    }

    /** A write stored {@code value}: it is the key's new version, after the latest. */
    private void stored(AuditedTable at, int t, int k, Object value, int epoch, long before, long ttl) {
        long after = clock.millis();
        checkOwn(at, t, k, null);
        WrittenVersion v = at.written(keys[k], value, epoch);
        v.written(ttl, after);
        WrittenVersion previous = latest[t][k];
        if (previous != null) {
            previous.next = v;
            previous.nextBefore = before;
            previous.nextAfter = after;
        }
        latest[t][k] = v;
        current[t][k] = v;
        at.puts.increment();
    }

    /** The table says the key has no live entry: the latest version ended before this call. */
    private void gone(WrittenVersion cur) {
        if (cur != null) {
            cur.seenGone = true;
        }
    }

    /** The table returned a live value: it must be the latest version's, and that must not have certainly expired. */
    private void same(WrittenVersion cur, Object found, String key, String what, long before) {
        if (cur == null || !cur.value.equals(found)) {
            violations.add(what + " returned a value that is not the key's live latest",
                key + " returned " + found + ", latest live " + cur);
        } else {
            live(cur, before, what);
        }
    }

    private void live(WrittenVersion cur, long before, String what) {
        if (cur.deadlineBound() <= before) {
            violations.add("an entry was live for " + what + " after its deadline", cur + ", call began at " + before);
        }
    }

    /**
     * Checks the reports this thread raised in the call: the expiry of the key's latest version at
     * most, and the removal of {@code removed} exactly when it is not null; beside them, in a table
     * with limits, what the clock hand evicted or expired.
     */
    private void checkOwn(AuditedTable at, int t, int k, Object removed) {
        WrittenVersion last = latest[t][k];
        int removals = 0;
        for (ReportLog.Report r : own) {
            if (r.kind == EventKind.EXPIRED && last != null && r.key.equals(keys[k]) && r.value.equals(last.value)) {
                continue;
            }
            if (at.limits.bounded() && (r.kind == EventKind.EVICTED || r.kind == EventKind.EXPIRED)) {
                // the clock hand, which a write over the limit moves after the write is applied,
                // evicts any key and expires what it meets past its deadline, the version just
                // written included if the clock passed its deadline meanwhile; the audit accounts
                // for those reports
                continue;
            }
            if (r.kind == EventKind.REMOVED && removed != null && r.key.equals(keys[k]) && r.value.equals(removed)) {
                removals++;
                continue;
            }
            violations.add("a single-key call raised a report that is not its key's latest",
                at.name + ":" + keys[k] + " latest " + last + " raised " + r);
        }
        if (removed != null && removals != 1) {
            violations.add("a removal raised not exactly one REMOVED", at.name + ":" + keys[k] + "=" + removed
                + " raised " + removals);
        }
        own.clear();
    }
}
