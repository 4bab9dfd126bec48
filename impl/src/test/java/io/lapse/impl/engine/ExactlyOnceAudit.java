package io.lapse.impl.engine;

import java.util.HashMap;
import java.util.Map;

import io.lapse.cache.CacheEntry;
import io.lapse.cache.CacheStats;

/**
 * The end of {@link ExactlyOnceStressTest}: once every thread has stopped, the clock has passed
 * every deadline and the sweepers have drained the tables, it accounts for every version written
 * to a table. Each must have ended exactly once, in one of these ways:
 * <ul>
 * <li>its own report: EXPIRED, never before its deadline (the deadline reported is at or before
 * the clock when reported) and never for a version its writer replaced before its deadline;
 * REMOVED, which the removing call checked as it made it; or, in a table with limits, EVICTED;</li>
 * <li>no report, replaced by its key's next version in the same epoch while live: not when its
 * deadline had certainly passed before that write began, nor after a call of its writer saw the
 * key without a live entry;</li>
 * <li>no report, ended by the clear or reload that closed its epoch: a clear's count must equal
 * the number of versions it so ended; a reload must not drop, unreported, a version whose
 * deadline had certainly passed before the swap;</li>
 * <li>no report, still in the table at the end: then it never expires.</li>
 * </ul>
 * A report that names no version written, or a version already named, is a violation too. Then
 * the table's counters must equal what was reported: {@code expirations} the EXPIRED reports,
 * {@code removals} the REMOVED reports plus the counts of the clears, {@code evictions} the EVICTED
 * reports, {@code puts} the writes.
 */
final class ExactlyOnceAudit {

    private final Violations violations;
    private final Map<String, Long> figures = new HashMap<>();

    ExactlyOnceAudit(Violations violations) {
        this.violations = violations;
    }

    /** @return how many versions ended each way, and what was reported, summed over the tables */
    Map<String, Long> figures() {
        return figures;
    }

    private void count(String what) {
        figures.merge(what, 1L, Long::sum);
    }

    void audit(AuditedTable at, Iterable<CacheEntry> left, CacheStats stats) {
        long expired = 0;
        long removed = 0;
        long evicted = 0;
        long clearedReported = 0;
        for (ReportLog.Report r : at.log.all) {
            if (r.kind == EventKind.CLEARED) {
                clearedReported += r.count;
                continue;
            }
            if (r.kind != EventKind.EXPIRED && r.kind != EventKind.REMOVED && r.kind != EventKind.EVICTED) {
                continue;
            }
            if (r.kind == EventKind.EVICTED) {
                evicted++;
            } else if (r.kind == EventKind.EXPIRED) {
                expired++;
                if (r.deadline > r.clockAt) {
                    violations.add("an EXPIRED came before its deadline", at.name + " " + r);
                }
            } else {
                removed++;
            }
            WrittenVersion v = at.named(r.key, r.value);
            if (v == null) {
                violations.add("a report names a value never written", at.name + " " + r);
            } else if (v.report != null) {
                violations.add("a version was reported twice", v + ": " + v.report + ", then " + r);
            } else {
                v.report = r;
            }
        }
        Map<String, Map<Object, CacheEntry>> present = new HashMap<>();
        for (CacheEntry e : left) {
            present.computeIfAbsent(e.key(), k -> new HashMap<>()).put(e.value(), e);
        }
        long[] clearedSilently = new long[at.boundaries.size() + 1];
        for (Map<Object, WrittenVersion> byValue : at.versions.values()) {
            for (WrittenVersion v : byValue.values()) {
                count("versions");
                classify(v, present, clearedSilently);
            }
        }
        for (int e = 1; e <= at.boundaries.size(); e++) {
            AuditedTable.Boundary b = at.boundaries.get(e - 1);
            if (b.clear && b.cleared != clearedSilently[e]) {
                violations.add("a clear's count is not the number of entries it ended", at.name + " clear " + e
                    + " returned " + b.cleared + ", ended " + clearedSilently[e] + " live versions");
            }
        }
        figures.merge("EXPIRED reports", expired, Long::sum);
        figures.merge("REMOVED reports", removed, Long::sum);
        figures.merge("EVICTED reports", evicted, Long::sum);
        if (stats.evictions() != evicted) {
            violations.add("evictions counted differ from EVICTED reported", at.name + " counted "
                + stats.evictions() + ", reported " + evicted);
        }
        figures.merge("cleared (counted)", clearedReported, Long::sum);
        if (stats.expirations() != expired) {
            violations.add("expirations counted differ from EXPIRED reported", at.name + " counted "
                + stats.expirations() + ", reported " + expired);
        }
        if (stats.removals() != removed + clearedReported) {
            violations.add("removals counted differ from REMOVED reported plus cleared", at.name + " counted "
                + stats.removals() + ", reported " + removed + " + " + clearedReported);
        }
        if (stats.puts() != at.puts.sum()) {
            violations.add("puts counted differ from the writes made", at.name + " counted " + stats.puts()
                + ", written " + at.puts.sum());
        }
    }

    private void classify(WrittenVersion v, Map<String, Map<Object, CacheEntry>> present, long[] clearedSilently) {
        ReportLog.Report r = v.report;
        boolean replacedInEpoch = v.next != null && v.next.epoch == v.epoch;
        if (r != null) {
            count("ended " + r.kind);
            if (r.kind == EventKind.EXPIRED && replacedInEpoch && r.deadline > v.nextAfter) {
                // the deadline reported is at most the real one, so it was live when replaced
                violations.add("EXPIRED for a version replaced before its deadline", v + ": " + r
                    + ", replaced by " + v.nextAfter);
            }
            return;
        }
        int boundaries = v.table.boundaries.size();
        if (v.seenGone) {
            violations.add("a version ended unreported (its writer saw it gone)", v.toString());
        } else if (replacedInEpoch) {
            if (v.deadlineBound() <= v.nextBefore) {
                violations.add("a version overwritten after its deadline raised no EXPIRED", v
                    + ", overwritten from " + v.nextBefore);
            } else {
                count("replaced live");
            }
        } else if (v.epoch < boundaries) {
            AuditedTable.Boundary b = v.table.boundaries.get(v.epoch);
            if (b.clear) {
                clearedSilently[v.epoch + 1]++;
                count("cleared");
            } else if (v.deadlineBound() <= b.before) {
                violations.add("a reload dropped a version past its deadline without its EXPIRED", v
                    + ", swap from " + b.before);
            } else {
                count("dropped live by a reload");
            }
        } else {
            Map<Object, CacheEntry> byValue = present.get(v.key);
            CacheEntry e = byValue == null ? null : byValue.get(v.value);
            if (e == null) {
                violations.add("a version vanished unreported", v.toString());
            } else if (e.expiresAtMillis() != 0) {
                violations.add("an entry with a deadline outlived it", v + " still there as " + e);
            } else {
                count("still present (no deadline)");
            }
        }
    }
}
