package io.lapse.impl.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import org.junit.jupiter.api.Test;

import io.lapse.cache.CacheEntry;
import io.lapse.cache.CacheStats;
import io.lapse.cache.Match;
import io.lapse.testing.Await;

/**
 * The exactly-once oracle at volume: two {@link KeyWriter}s make a million calls over four tables
 * (one with idle expiry, one capped, one capped in front of a level) with every kind of write
 * (put, overwriting or not, with and without a TTL, and overwrites of live keys often without the
 * slot lock, see {@link LiveRewrite}; putIfAbsent; remove; increment; setTtl; compute), and reads,
 * while a {@link TableMaintainer} removes by key and value match, counts, changes the size, clears and
 * reloads with {@code replace}, two sweeper threads expire, and a clock thread moves a fake clock
 * a millisecond at a time. Every value written is unique for its key, so each report names the
 * write it ends. Each writer checks what every call returns against the versions of its keys
 * (no value but the latest, nothing visible past a deadline that has certainly passed, no lost
 * increment); {@link ExactlyOnceAudit} then accounts for every version: ended once (EXPIRED never
 * early and never for a value replaced or removed before its deadline, REMOVED only by a removal
 * that returned it), or replaced while live (never after its deadline without its EXPIRED), or
 * ended by a clear (whose count must match) or a reload, or still there with no deadline; and the
 * counters equal the reports.
 *
 * <p>Why the writers pause for clears and reloads: a clear reports a count, not the entries, and
 * a reload drops live entries without a report; with no write in flight the oracle knows exactly
 * which versions they ended. Everything else (the sweepers, removals by match, changes of size)
 * runs beside the writers.
 *
 * <p>The second test is review B4 as a storm: the one race above that a million mixed calls
 * almost never hit, made frequent.
 */
class ExactlyOnceStressTest {

    /** Calls each writer makes; two writers and the maintainer's calls come to over a million. */
    private static final long CALLS_PER_WRITER = 500_000;
    private static final int WRITERS = 2;
    /** Match calls of the idle read storm: 3 to 5 s here, where the engine of e11fd64 fails in most runs. */
    private static final long STORM_MATCHES = 6_000_000;

    @Test
    void everyWrittenValueEndsExactlyOnceAndTheCountersAgree() throws Exception {
        ManualClock clock = new ManualClock();
        TimeSource time = new TimeSource(clock);
        AuditedTable[] tables = {
            new AuditedTable("plain", 4, 12, 0, time, clock),
            new AuditedTable("idle", 3, 30, 6, time, clock),
            // two writers' keys, 96, in at most 40 entries: the hand evicts whenever expiry leaves too many
            new AuditedTable("capped", 3, 12, 0, new Limits(40, 0, Limits.MAX_ITEM_SIZE), time, clock),
            // the same keys in a heap table of at most 16 entries in front of a level
            AuditedTable.backed("levelled", 3, 12, new Limits(16, 0, Limits.MAX_ITEM_SIZE), time, clock),
        };
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Sweeper sweeper = new Sweeper(time, "stress-sweeper-", (t, e) -> failure.compareAndSet(null, e));
        sweeper.configure(2, 1);
        // The fake clock runs about twenty times faster than real time, so the read path's usual
        // trust in the last tick (a second of clock) would last 50 ms of real time here, and a
        // sweeper kept off a busy machine's CPU that long would show stale reads: a stall, which
        // is what the sweeper fault tests (issue 12, point 3) are about, not this oracle. Reads here
        // always ask the clock.
        time.window(Duration.ofDays(3650).toMillis());
        for (AuditedTable at : tables) {
            sweeper.add(at.table);
            if (at.backing != null) {
                at.backing.expiry().start("stress-level-expiry", e -> failure.compareAndSet(null, e));
            }
        }
        Violations violations = new Violations();
        ReentrantReadWriteLock quiesce = new ReentrantReadWriteLock();
        List<KeyWriter> writers = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            writers.add(new KeyWriter(w, tables, clock, quiesce.readLock(), violations, CALLS_PER_WRITER));
        }
        TableMaintainer maintainer = new TableMaintainer(tables, clock, quiesce, violations, WRITERS);
        AtomicBoolean ticking = new AtomicBoolean(true);
        Thread clockThread = new Thread(() -> {
            while (ticking.get()) {
                clock.advance(1);
                LockSupport.parkNanos(20_000);
            }
        }, "stress-clock");

        long start = System.nanoTime();
        sweeper.start();
        clockThread.start();
        List<Thread> writerThreads = new ArrayList<>();
        for (KeyWriter w : writers) {
            writerThreads.add(thread(w, "stress-writer-" + writerThreads.size(), failure));
        }
        Thread maintainerThread = thread(maintainer, "stress-maintainer", failure);
        for (Thread t : writerThreads) {
            t.join(TimeUnit.MINUTES.toMillis(3));
        }
        maintainer.stop();
        maintainerThread.join(TimeUnit.SECONDS.toMillis(10));
        ticking.set(false);
        clockThread.join(TimeUnit.SECONDS.toMillis(10));
        long raceMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        long racedClock = clock.millis() - new ManualClock().millis();

        // past every deadline: the sweepers must report what is left, with nobody else calling
        clock.advance(Duration.ofDays(1).toMillis());
        for (AuditedTable at : tables) {
            if (at.backing != null) {
                // the jump of the fake clock is no deadline that a write set: wake the level's expiry
                at.backing.expiry().wake(Long.MIN_VALUE);
            }
        }
        for (AuditedTable at : tables) {
            Await.until("the sweepers to drain table " + at.name, () -> drained(at));
        }
        long sweptAtTheEnd = 0;
        for (AuditedTable at : tables) {
            int before = at.log.all.size();
            at.table.size();
            sweptAtTheEnd += at.log.all.size() - before;
        }
        sweeper.close();
        for (AuditedTable at : tables) {
            if (at.backing != null) {
                at.backing.expiry().close();
            }
        }
        assertEquals(null, failure.get(), "a thread or a sweep failed");
        assertEquals(0, sweptAtTheEnd, "entries past their deadline that the sweepers left for size() to report");

        ExactlyOnceAudit audit = new ExactlyOnceAudit(violations);
        long calls = maintainer.operations();
        for (KeyWriter w : writers) {
            calls += w.operations();
        }
        long withoutTheLock = 0;
        for (AuditedTable at : tables) {
            List<CacheEntry> left = new ArrayList<>();
            at.table.forEach(left::add);
            CacheStats stats = at.table.stats();
            audit.audit(at, left, stats);
            withoutTheLock += at.table.rewrites.puts();
            at.table.close();
        }
        Map<String, Long> figures = audit.figures();
        String summary = calls + " calls in " + raceMillis + " ms (" + racedClock + " clock ms), "
            + maintainer.figures() + ", " + figures + ", puts without the slot lock " + withoutTheLock;
        System.out.println("ExactlyOnceStressTest: " + summary);

        assertTrue(violations.isEmpty(), "violations: " + violations + "\nrun: " + summary);
        assertTrue(calls >= 1_000_000, "only " + calls + " calls");
        assertTrue(figures.getOrDefault("ended EXPIRED", 0L) > 50_000 && figures.getOrDefault("ended REMOVED", 0L) > 10_000
            && figures.getOrDefault("cleared", 0L) > 100 && figures.getOrDefault("dropped live by a reload", 0L) > 100
            && figures.getOrDefault("replaced live", 0L) > 50_000 && figures.getOrDefault("ended EVICTED", 0L) > 2_000
            && withoutTheLock > 1_000,
            "the race exercised too little: " + summary);
    }

    /**
     * Review B4 at volume: one thread reads idle entries as fast as it can while another removes
     * by a key prefix that matches nothing, a third keeps the keys written, and the clock moves a
     * millisecond (the idle expiry) every tick. A read that decided "live" just before the
     * deadline raises it just after a match took the entry out as expired; the match must still
     * report it EXPIRED, count it as an expiration and not return it. So: no REMOVED at all, every
     * match returns 0, no EXPIRED before its deadline, and the counters equal the reports.
     */
    @Test
    void anIdleReadRacingAMatchNeverTurnsAnExpiryIntoARemoval() throws Exception {
        ManualClock clock = new ManualClock();
        ReportLog log = new ReportLog(clock);
        // nothing ticks this time source, so every deadline check reads the clock: the race is
        // between the reader's check and its compare-and-set, not with a coarse horizon
        CacheTable table = new CacheTable("idle-storm", new CacheSettings(2, 0, true, 1, null), new TimeSource(clock), log);
        String[] keys = new String[8];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = "k" + i;
        }
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long[] counted = new long[3];
        Thread clockThread = thread(() -> {
            while (running.get()) {
                clock.advance(1);
                LockSupport.parkNanos(1_000);
            }
        }, "storm-clock", failure);
        Thread writer = thread(() -> {
            for (long n = 0; running.get(); n++) {
                for (String k : keys) {
                    table.putIfAbsent(k, "v" + n);
                }
                LockSupport.parkNanos(20_000);
            }
        }, "storm-writer", failure);
        Thread reader = thread(() -> {
            int i = 0;
            while (running.get()) {
                table.get(keys[i++ & (keys.length - 1)]);
                counted[0]++;
            }
        }, "storm-reader", failure);
        Thread matcher = thread(() -> {
            try {
                for (long m = 0; m < STORM_MATCHES; m++) {
                    if (table.removeKeys(Match.prefix("none")) != 0) {
                        counted[1]++;
                    }
                }
            } finally {
                running.set(false);
            }
        }, "storm-matcher", failure);
        for (Thread t : List.of(matcher, reader, writer, clockThread)) {
            t.join(TimeUnit.MINUTES.toMillis(2));
        }
        assertEquals(null, failure.get(), "a thread failed");
        CacheStats stats = table.stats();
        long expired = 0;
        long removed = 0;
        List<ReportLog.Report> early = new ArrayList<>();
        for (ReportLog.Report r : log.all) {
            if (r.kind == EventKind.EXPIRED) {
                expired++;
                if (r.deadline > r.clockAt) {
                    early.add(r);
                }
            } else if (r.kind == EventKind.REMOVED) {
                removed++;
            }
        }
        table.close();
        String summary = STORM_MATCHES + " matches, " + counted[0] + " reads, " + expired + " EXPIRED, " + removed
            + " REMOVED; counted " + stats.expirations() + " expirations, " + stats.removals() + " removals";
        System.out.println("ExactlyOnceStressTest storm: " + summary);
        assertEquals(0, counted[1], "matches of a prefix no key has that returned a count: " + summary);
        assertEquals(0, removed, "entries reported REMOVED by a match no key matches: " + summary);
        assertEquals(List.of(), early, "EXPIRED before the deadline: " + summary);
        assertEquals(expired, stats.expirations(), "expirations counted against EXPIRED reported: " + summary);
        assertEquals(0, stats.removals(), "removals counted: " + summary);
        assertTrue(expired > 10_000, "the storm exercised too little: " + summary);
    }

    private static Thread thread(Runnable r, String name, AtomicReference<Throwable> failure) {
        Thread t = new Thread(() -> {
            try {
                r.run();
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
            }
        }, name);
        t.start();
        return t;
    }

    /**
     * Tells whether the sweepers' reports have stopped coming for 300 ms (they sweep every
     * millisecond); whether they reported everything, {@code size()} tells after.
     */
    private static boolean drained(AuditedTable at) {
        int reports = at.log.all.size();
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(300));
        return at.log.all.size() == reports;
    }
}
